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

struct word {
	const char *text;
	size_t len;
};

#define W(s) { s, sizeof(s) - 1 }

/* Each word is followed by a colon in the Subject. */
static const struct word colon_words[] = {
	/* English */ W("Read"), W("Not read"), W("Unread"), W("Read receipt"), W("Return receipt"),
	/* German */ W("Gelesen"), W("Ungelesen"), W("Nicht gelesen"), W("Lesebestätigung"),
	/* French */ W("Lu"), W("Non lu"), W("Accusé de lecture"),
	/* Spanish, Catalan */ W("Leído"), W("No leído"), W("Leido"), W("No leido"), W("Llegit"), W("No llegit"),
	/* Italian */ W("Letto"), W("Non letto"),
	/* Portuguese */ W("Lida"), W("Não lida"), W("Lido"), W("Não lido"),
	/* Dutch */ W("Gelezen"), W("Niet gelezen"), W("Ongelezen"),
	/* Swedish, Danish, Norwegian */ W("Läst"), W("Oläst"), W("Inte läst"), W("Læst"), W("Ulæst"), W("Ikke læst"),
	W("Lest"), W("Ulest"), W("Ikke lest"),
	/* Finnish, Estonian */ W("Luettu"), W("Lukematta"), W("Ei luettu"), W("Loetud"), W("Lugemata"),
	/* Polish */ W("Przeczytane"), W("Nieprzeczytane"), W("Przeczytano"), W("Nie przeczytano"),
	/* Czech, Slovak */ W("Přečteno"), W("Nepřečteno"), W("Prečítané"), W("Neprečítané"),
	/* Croatian, Serbian, Slovenian */ W("Pročitano"), W("Nepročitano"), W("Prebrano"), W("Neprebrano"),
	/* Hungarian, Romanian, Turkish */ W("Olvasott"), W("Olvasatlan"), W("Elolvasva"), W("Citit"), W("Necitit"), W("Okundu"),
	W("Okunmadı"),
	/* Latvian, Lithuanian */ W("Izlasīts"), W("Nelasīts"), W("Perskaityta"), W("Neperskaityta"),
	/* Greek */ W("Αναγνωσμένο"), W("Μη αναγνωσμένο"), W("Διαβάστηκε"),
	/* Russian, Ukrainian, Bulgarian */ W("Прочитано"), W("Не прочитано"), W("Прочтено"), W("Прочитане"), W("Непрочитано"),
	/* Japanese, Chinese, Korean */ W("開封済み"), W("未開封"), W("既読"), W("已读"), W("未读"), W("已讀"), W("未讀"), W("읽음"), W("읽지 않음"),
};

/* Followed by W(" ("): Thunderbird's W("Return Receipt (displayed) - SUBJECT") and its translations. */
static const struct word paren_words[] = {
	W("Return Receipt"), W("Empfangsbestätigung"), W("Accusé de réception"), W("Acuse de recibo"),
	W("Ricevuta di ritorno"), W("Leesbevestiging"), W("Confirmação de leitura"),
};

/* The first bytes of the words above, either case (a bit each): most subjects are ruled out at once. */
static const uint64_t first_bytes[4] = {
	0x0000000100000000ULL, 0x0025d2aa0025d2aaULL, 0x0000000000000000ULL, 0x0000126000014000ULL,
};

/* Length of the match of word at the start of s, or 0. */
static size_t starts_with(mv_str s, const struct word *w)
{
	size_t n = w->len, i;

	if (s.len < n)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char a = (unsigned char)s.p[i], b = (unsigned char)w->text[i];

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
	unsigned first;

	s = mv_str_trim(s);
	if (s.len == 0)
		return false;
	first = (unsigned char)s.p[0];
	if (!(first_bytes[first / 64] >> (first % 64) & 1))
		return false;
	first |= 0x20;
	for (i = 0; i < sizeof(colon_words) / sizeof(colon_words[0]); i++) {
		if (((unsigned char)colon_words[i].text[0] | 0x20) != first)
			continue;
		n = starts_with(s, &colon_words[i]);
		if (n != 0 && colon_follows(mv_str_make(s.p + n, s.len - n)))
			return true;
	}
	for (i = 0; i < sizeof(paren_words) / sizeof(paren_words[0]); i++) {
		n = starts_with(s, &paren_words[i]);
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
