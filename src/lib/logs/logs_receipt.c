/*
 * Read receipts, told by what mail clients put in their Subject: Outlook
 * writes "Not read: SUBJECT" or "Read: SUBJECT" in the language of its
 * installation, Thunderbird "Return Receipt (displayed) - SUBJECT".  Postfix
 * logs the Subject as written (header_checks WARN), so RFC 2047 words are
 * decoded first.  The words compare ASCII case-insensitively; a colon may
 * have spaces (French "Lu :") or be a full-width one (CJK) before it.
 */
#include "logs/logs_int.h"
#include "mailvet/charset.h"

/* Each word is followed by a colon in the Subject. */
static const char *const colon_words[] = {
	/* English */ "Read", "Not read", "Unread", "Read receipt", "Return receipt",
	/* German */ "Gelesen", "Ungelesen", "Nicht gelesen", "Lesebestätigung",
	/* French */ "Lu", "Non lu", "Accusé de lecture",
	/* Spanish, Catalan */ "Leído", "No leído", "Leido", "No leido", "Llegit", "No llegit",
	/* Italian */ "Letto", "Non letto",
	/* Portuguese */ "Lida", "Não lida", "Lido", "Não lido",
	/* Dutch */ "Gelezen", "Niet gelezen", "Ongelezen",
	/* Swedish, Danish, Norwegian */ "Läst", "Oläst", "Inte läst", "Læst", "Ulæst", "Ikke læst",
	"Lest", "Ulest", "Ikke lest",
	/* Finnish, Estonian */ "Luettu", "Lukematta", "Ei luettu", "Loetud", "Lugemata",
	/* Polish */ "Przeczytane", "Nieprzeczytane", "Przeczytano", "Nie przeczytano",
	/* Czech, Slovak */ "Přečteno", "Nepřečteno", "Prečítané", "Neprečítané",
	/* Croatian, Serbian, Slovenian */ "Pročitano", "Nepročitano", "Prebrano", "Neprebrano",
	/* Hungarian, Romanian, Turkish */ "Olvasott", "Olvasatlan", "Elolvasva", "Citit", "Necitit", "Okundu",
	"Okunmadı",
	/* Latvian, Lithuanian */ "Izlasīts", "Nelasīts", "Perskaityta", "Neperskaityta",
	/* Greek */ "Αναγνωσμένο", "Μη αναγνωσμένο", "Διαβάστηκε",
	/* Russian, Ukrainian, Bulgarian */ "Прочитано", "Не прочитано", "Прочтено", "Прочитане", "Непрочитано",
	/* Japanese, Chinese, Korean */ "開封済み", "未開封", "既読", "已读", "未读", "已讀", "未讀", "읽음", "읽지 않음",
};

/* Followed by " (": Thunderbird's "Return Receipt (displayed) - SUBJECT" and its translations. */
static const char *const paren_words[] = {
	"Return Receipt", "Empfangsbestätigung", "Accusé de réception", "Acuse de recibo",
	"Ricevuta di ritorno", "Leesbevestiging", "Confirmação de leitura",
};

/* Length of the match of word at the start of s, or 0. */
static size_t starts_with(mv_str s, const char *word)
{
	size_t n = strlen(word), i;

	if (s.len < n)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char a = (unsigned char)s.p[i], b = (unsigned char)word[i];

		if (a != b && (a >= 0x80 || mv_ascii_lower((char)a) != mv_ascii_lower((char)b)))
			return 0;
	}
	return n;
}

/* Spaces (also U+00A0 and U+202F) then ':' or U+FF1A at s. */
static bool colon_follows(mv_str s)
{
	const unsigned char *p = (const unsigned char *)s.p, *end = p + s.len;

	for (;;) {
		if (p < end && (*p == ' ' || *p == '\t'))
			p++;
		else if (end - p >= 2 && p[0] == 0xC2 && p[1] == 0xA0)
			p += 2;
		else if (end - p >= 3 && p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0xAF)
			p += 3;
		else
			break;
	}
	if (p < end && *p == ':')
		return true;
	return end - p >= 3 && p[0] == 0xEF && p[1] == 0xBC && p[2] == 0x9A;
}

static bool receipt_text(mv_str s)
{
	size_t i, n;

	s = mv_str_trim(s);
	for (i = 0; i < sizeof(colon_words) / sizeof(colon_words[0]); i++) {
		n = starts_with(s, colon_words[i]);
		if (n != 0 && colon_follows(mv_str_make(s.p + n, s.len - n)))
			return true;
	}
	for (i = 0; i < sizeof(paren_words) / sizeof(paren_words[0]); i++) {
		n = starts_with(s, paren_words[i]);
		if (n != 0 && s.len > n + 1 && s.p[n] == ' ' && s.p[n + 1] == '(')
			return true;
	}
	return false;
}

bool logs_receipt_subject(mv_str subject)
{
	mv_arena *arena;
	mv_buf buf;
	bool yes;

	if (logs_find(subject, "=?") == NULL)
		return receipt_text(subject);
	/* The thread keeps the last arena freed for the next one: no allocation per line. */
	arena = mv_arena_new(1u << 16);
	if (arena == NULL)
		return receipt_text(subject);
	mv_buf_init(&buf, arena, 4096);
	mv_rfc2047_decode(subject.len > 2048 ? mv_str_make(subject.p, 2048) : subject, &buf);
	yes = receipt_text(mv_str_make(buf.p != NULL ? buf.p : "", buf.len));
	mv_arena_free(&arena);
	return yes;
}

bool logs_receipt_ctype(mv_str value)
{
	return mv_str_find_ci(value, "disposition-notification") != NULL &&
	       mv_str_find_ci(value, "report") != NULL;
}
