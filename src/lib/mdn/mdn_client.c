/*
 * Receipts without a machine-readable part, as mail clients write them.
 * Outlook names a receipt by a subject prefix in the language of its build
 * ("Read:", "Not read:", "Gelesen:", "Non lu :" ...; the English forms are
 * Exchange's report prefixes, MS-OXOMSG 2.2.1.60); Thunderbird writes
 * "Return Receipt (displayed) - " and its translations (msgmdn.properties of
 * its language packs) and always adds the machine part, which a gateway may
 * strip.  A prefix alone is weak evidence (a person may write "Read: chapter
 * 5"), so a client receipt also needs its text to say what receipts say:
 * mdn_client_text().  docs/internals/mdn.md lists the forms and where each
 * comes from.
 */
#include <string.h>
#include <strings.h>

#include "mdn/mdn.h"

enum form_sep {
	SEP_COLON,	/* the prefix, optional (no-break) spaces, then ':' or the full-width '：' */
	SEP_NONE,	/* the prefix as written is the whole form */
};

struct subject_form {
	const char *prefix;
	enum mdn_type type;
	enum form_sep sep;
	const char *client;
};

#define READ MDN_TYPE_DISPLAYED
#define NOT_READ MDN_TYPE_DELETED

/* Longer forms first where one is a prefix of another ("Não lida" before nothing shorter). */
static const struct subject_form forms[] = {
	{ "Not read", NOT_READ, SEP_COLON, "Outlook (English)" },
	{ "Read", READ, SEP_COLON, "Outlook (English)" },
	{ "Nicht gelesen", NOT_READ, SEP_COLON, "Outlook (German)" },
	{ "Gelesen", READ, SEP_COLON, "Outlook (German)" },
	{ "Non lu", NOT_READ, SEP_COLON, "Outlook (French)" },
	{ "Lu", READ, SEP_COLON, "Outlook (French)" },
	{ "No le\xc3\xad" "do", NOT_READ, SEP_COLON, "Outlook (Spanish)" },
	{ "Le\xc3\xad" "do", READ, SEP_COLON, "Outlook (Spanish)" },
	{ "Non letto", NOT_READ, SEP_COLON, "Outlook (Italian)" },
	{ "Letto", READ, SEP_COLON, "Outlook (Italian)" },
	{ "N\xc3\xa3o lida", NOT_READ, SEP_COLON, "Outlook (Portuguese)" },
	{ "N\xc3\xa3o lido", NOT_READ, SEP_COLON, "Outlook (Portuguese)" },
	{ "Lida", READ, SEP_COLON, "Outlook (Portuguese)" },
	{ "Lido", READ, SEP_COLON, "Outlook (Portuguese)" },
	{ "Niet gelezen", NOT_READ, SEP_COLON, "Outlook (Dutch)" },
	{ "Gelezen", READ, SEP_COLON, "Outlook (Dutch)" },
	{ "Nieprzeczytane", NOT_READ, SEP_COLON, "Outlook (Polish)" },
	{ "Nie przeczytano", NOT_READ, SEP_COLON, "Outlook (Polish)" },
	{ "Przeczytane", READ, SEP_COLON, "Outlook (Polish)" },
	{ "Przeczytano", READ, SEP_COLON, "Outlook (Polish)" },
	{ "\xd0\x9d\xd0\xb5 \xd0\xbf\xd1\x80\xd0\xbe\xd1\x87\xd0\xb8\xd1\x82\xd0\xb0\xd0\xbd\xd0\xbe", NOT_READ,
	  SEP_COLON, "Outlook (Russian)" },	/* Не прочитано */
	{ "\xd0\x9f\xd1\x80\xd0\xbe\xd1\x87\xd0\xb8\xd1\x82\xd0\xb0\xd0\xbd\xd0\xbe", READ, SEP_COLON,
	  "Outlook (Russian)" },		/* Прочитано */
	{ "\xe6\x9c\xaa\xe9\x96\x8b\xe5\xb0\x81", NOT_READ, SEP_COLON, "Outlook (Japanese)" },	/* 未開封 */
	{ "\xe9\x96\x8b\xe5\xb0\x81\xe6\xb8\x88\xe3\x81\xbf", READ, SEP_COLON, "Outlook (Japanese)" }, /* 開封済み */
	{ "\xe6\x9c\xaa\xe8\xaf\xbb", NOT_READ, SEP_COLON, "Outlook (Chinese)" },		/* 未读 */
	{ "\xe5\xb7\xb2\xe8\xaf\xbb", READ, SEP_COLON, "Outlook (Chinese)" },		/* 已读 */
	{ "\xe6\x9c\xaa\xe8\xae\x80\xe5\x8f\x96", NOT_READ, SEP_COLON, "Outlook (Chinese, traditional)" }, /* 未讀取 */
	{ "\xe6\x9c\xaa\xe8\xae\x80", NOT_READ, SEP_COLON, "Outlook (Chinese, traditional)" },	/* 未讀 */
	{ "\xe5\xb7\xb2\xe8\xae\x80\xe5\x8f\x96", READ, SEP_COLON, "Outlook (Chinese, traditional)" }, /* 已讀取 */
	{ "\xe5\xb7\xb2\xe8\xae\x80", READ, SEP_COLON, "Outlook (Chinese, traditional)" },	/* 已讀 */
	{ "\xe8\xae\x80\xe5\x8f\x96", READ, SEP_COLON, "Outlook (Chinese, traditional)" },	/* 讀取 */
	{ "Ol\xc3\xa4st", NOT_READ, SEP_COLON, "Outlook (Swedish)" },
	{ "L\xc3\xa4st", READ, SEP_COLON, "Outlook (Swedish)" },
	{ "Ikke l\xc3\xa6st", NOT_READ, SEP_COLON, "Outlook (Danish)" },
	{ "L\xc3\xa6st", READ, SEP_COLON, "Outlook (Danish)" },
	{ "Ikke lest", NOT_READ, SEP_COLON, "Outlook (Norwegian)" },
	{ "Lest", READ, SEP_COLON, "Outlook (Norwegian)" },
	{ "Lukematta", NOT_READ, SEP_COLON, "Outlook (Finnish)" },
	{ "Luettu", READ, SEP_COLON, "Outlook (Finnish)" },
	{ "Nep\xc5\x99" "e\xc4\x8dteno", NOT_READ, SEP_COLON, "Outlook (Czech)" },
	{ "P\xc5\x99" "e\xc4\x8dteno", READ, SEP_COLON, "Outlook (Czech)" },
	{ "Okunmad\xc4\xb1", NOT_READ, SEP_COLON, "Outlook (Turkish)" },
	{ "Okundu", READ, SEP_COLON, "Outlook (Turkish)" },
	{ "\xec\x9d\xbd\xec\xa7\x80 \xec\x95\x8a\xec\x9d\x8c", NOT_READ, SEP_COLON, "Outlook (Korean)" }, /* 읽지 않음 */
	{ "\xec\x9d\xbd\xec\x9d\x8c", READ, SEP_COLON, "Outlook (Korean)" },				/* 읽음 */
	/* Thunderbird: "<MdnDisplayedReceipt> - <subject>" and the other dispositions. */
	{ "Return Receipt (displayed)", READ, SEP_NONE, "Thunderbird (English)" },
	{ "Return Receipt (deleted)", NOT_READ, SEP_NONE, "Thunderbird (English)" },
	{ "Return Receipt (", MDN_TYPE_UNKNOWN, SEP_NONE, "Thunderbird (English)" },
	{ "Empfangsbest\xc3\xa4tigung (angezeigt)", READ, SEP_NONE, "Thunderbird (German)" },
	{ "Empfangsbest\xc3\xa4tigung (gel\xc3\xb6scht)", NOT_READ, SEP_NONE, "Thunderbird (German)" },
	{ "Empfangsbest\xc3\xa4tigung (", MDN_TYPE_UNKNOWN, SEP_NONE, "Thunderbird (German)" },
	{ "Accus\xc3\xa9 de r\xc3\xa9" "ception (affich\xc3\xa9)", READ, SEP_NONE, "Thunderbird (French)" },
	{ "Accus\xc3\xa9 de r\xc3\xa9" "ception (supprim\xc3\xa9)", NOT_READ, SEP_NONE, "Thunderbird (French)" },
	{ "Accus\xc3\xa9 de r\xc3\xa9" "ception (", MDN_TYPE_UNKNOWN, SEP_NONE, "Thunderbird (French)" },
	{ "Acuse de recibo (mostrado)", READ, SEP_NONE, "Thunderbird (Spanish)" },
	{ "Acuse de recibo (borrado)", NOT_READ, SEP_NONE, "Thunderbird (Spanish)" },
	{ "Acuse de recibo (", MDN_TYPE_UNKNOWN, SEP_NONE, "Thunderbird (Spanish)" },
	{ "Ricevuta di ritorno (visualizzata)", READ, SEP_NONE, "Thunderbird (Italian)" },
	{ "Ricevuta di ritorno (msg eliminato)", NOT_READ, SEP_NONE, "Thunderbird (Italian)" },
	{ "Ricevuta di ritorno (", MDN_TYPE_UNKNOWN, SEP_NONE, "Thunderbird (Italian)" },
	{ "Confirma\xc3\xa7\xc3\xa3o de leitura (exibida)", READ, SEP_NONE, "Thunderbird (Portuguese)" },
	{ "Confirma\xc3\xa7\xc3\xa3o de leitura (exclu\xc3\xad" "da)", NOT_READ, SEP_NONE,
	  "Thunderbird (Portuguese)" },
	{ "Confirma\xc3\xa7\xc3\xa3o de leitura (", MDN_TYPE_UNKNOWN, SEP_NONE, "Thunderbird (Portuguese)" },
	{ "Leesbevestiging (weergegeven)", READ, SEP_NONE, "Thunderbird (Dutch)" },
	{ "Leesbevestiging (verwijderd)", NOT_READ, SEP_NONE, "Thunderbird (Dutch)" },
	{ "Leesbevestiging (", MDN_TYPE_UNKNOWN, SEP_NONE, "Thunderbird (Dutch)" },
	{ "Potwierdzenie dor\xc4\x99" "czenia wiadomo\xc5\x9b" "ci (wy\xc5\x9bwietlono)", READ, SEP_NONE,
	  "Thunderbird (Polish)" },
	{ "Potwierdzenie dor\xc4\x99" "czenia wiadomo\xc5\x9b" "ci (usuni\xc4\x99to)", NOT_READ, SEP_NONE,
	  "Thunderbird (Polish)" },
	{ "Potwierdzenie dor\xc4\x99" "czenia wiadomo\xc5\x9b" "ci (", MDN_TYPE_UNKNOWN, SEP_NONE,
	  "Thunderbird (Polish)" },
	/* Уведомление о прочтении ( */
	{ "\xd0\xa3\xd0\xb2\xd0\xb5\xd0\xb4\xd0\xbe\xd0\xbc\xd0\xbb\xd0\xb5\xd0\xbd\xd0\xb8\xd0\xb5 \xd0\xbe "
	  "\xd0\xbf\xd1\x80\xd0\xbe\xd1\x87\xd1\x82\xd0\xb5\xd0\xbd\xd0\xb8\xd0\xb8 (",
	  MDN_TYPE_UNKNOWN, SEP_NONE, "Thunderbird (Russian)" },
	{ "\xe5\x9b\x9e\xe6\x89\xa7\xef\xbc\x88\xe5\xb7\xb2\xe6\x98\xbe\xe7\xa4\xba\xef\xbc\x89", READ, SEP_NONE,
	  "Thunderbird (Chinese)" },	/* 回执（已显示） */
	{ "\xe5\x9b\x9e\xe6\x89\xa7\xef\xbc\x88\xe5\xb7\xb2\xe5\x88\xa0\xe9\x99\xa4\xef\xbc\x89", NOT_READ, SEP_NONE,
	  "Thunderbird (Chinese)" },	/* 回执（已删除） */
};

/* Spaces between a prefix and its colon: ASCII, U+00A0 and U+202F (French typography). */
static size_t space_len(const char *p, const char *end)
{
	if (p < end && (*p == ' ' || *p == '\t'))
		return 1;
	if (end - p >= 2 && (unsigned char)p[0] == 0xc2 && (unsigned char)p[1] == 0xa0)
		return 2;
	if (end - p >= 3 && memcmp(p, "\xe2\x80\xaf", 3) == 0)
		return 3;
	return 0;
}

/* Length of the separator at p (spaces, then ':' or '：'), or 0. */
static size_t colon_len(const char *p, const char *end)
{
	const char *q = p;
	size_t n;
	unsigned spaces = 0;

	while (spaces++ < 4 && (n = space_len(q, end)) != 0)
		q += n;
	if (q < end && *q == ':')
		return (size_t)(q + 1 - p);
	if (end - q >= 3 && memcmp(q, "\xef\xbc\x9a", 3) == 0)
		return (size_t)(q + 3 - p);
	return 0;
}

bool mdn_client_subject(mv_str subject, enum mdn_type *type_r, const char **client_r, mv_str *form_r)
{
	mv_str s = mv_str_trim(subject);
	size_t i;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		const struct subject_form *f = &forms[i];
		size_t n = strlen(f->prefix), sep = 0;

		if (s.len < n || strncasecmp(s.p, f->prefix, n) != 0)
			continue;
		if (f->sep == SEP_COLON) {
			sep = colon_len(s.p + n, s.p + s.len);
			if (sep == 0)
				continue;
		}
		*type_r = f->type;
		*client_r = f->client;
		*form_r = mv_str_make(s.p, n + sep);
		return true;
	}
	return false;
}

/*
 * What the text of a receipt says, lower case: Outlook's "Your message ...
 * was read on ...", "... was deleted without being read on ..." and their
 * translations, and the words of Thunderbird's explanation.
 */
static const char *const text_cues[] = {
	"was read on", "without being read", "has not yet been read", "return receipt", "read receipt",
	"gelesen", "empfangsbest\xc3\xa4tigung",
	"a \xc3\xa9t\xc3\xa9 lu", "sans avoir \xc3\xa9t\xc3\xa9 lu", ("accus\xc3\xa9 de r\xc3\xa9" "ception"),
	"se ley\xc3\xb3", ("fue le\xc3\xad" "do"), ("sin haberse le\xc3\xad" "do"), "sin leer", "acuse de recibo",
	"\xc3\xa8 stato letto", "senza essere stato letto", "ricevuta di ritorno",
	"foi lida", "foi lido", "sem ser lid", "sem ter sido lid", "confirma\xc3\xa7\xc3\xa3o de leitura",
	"gelezen", "leesbevestiging",
	"przeczytan", ("potwierdzenie dor\xc4\x99" "czenia"),
	"\xd0\xbf\xd1\x80\xd0\xbe\xd1\x87\xd0\xb8\xd1\x82\xd0\xb0\xd0\xbd",	/* прочитан */
	"\xd0\xbf\xd1\x80\xd0\xbe\xd1\x87\xd1\x82",				/* прочт */
	"\xe9\x96\x8b\xe5\xb0\x81",						/* 開封 */
	"\xe5\xb7\xb2\xe8\xaf\xbb", "\xe6\x9c\xaa\xe8\xaf\xbb", "\xe5\x9b\x9e\xe6\x89\xa7",	/* 已读 未读 回执 */
	"\xe5\xb7\xb2\xe8\xae\x80", "\xe6\x9c\xaa\xe8\xae\x80",				/* 已讀 未讀 */
	"l\xc3\xa4st", "l\xc3\xa6st", "luettu", "lukematta", ("p\xc5\x99" "e\xc4\x8dten"), "okundu", "okunmad",
	"\xec\x9d\xbd",								/* 읽 */
};

/* The opening of the text is where receipts say it; a long text is not read to its end. */
#define TEXT_CUE_BYTES 4096

bool mdn_client_text(mv_str text)
{
	size_t i;

	if (text.len > TEXT_CUE_BYTES)
		text.len = TEXT_CUE_BYTES;
	for (i = 0; i < sizeof(text_cues) / sizeof(text_cues[0]); i++) {
		if (mv_str_find_ci(text, text_cues[i]) != NULL)
			return true;
	}
	return false;
}
