/*
 * RFC 5322 3.3 date-time with the obsolete forms of 4.3 and what real mail
 * writes instead: optional day name, 1- or 2-digit day, 2- and 3-digit years,
 * optional seconds, numeric and named zones, military zones (read as -0000,
 * RFC 5322 4.3: their sign was published wrong), comments anywhere, asctime
 * ("Tue Jun 18 11:23:45 2002") and ISO 8601 ("2002-06-18 11:23:45").  The
 * epoch is computed with days-from-civil, never with the C library's local
 * time or locale.  The shape nearly every MTA writes is read straight off the
 * bytes; anything else goes through the general token parser, which gives the
 * same answer for that shape (tests/hdr/test_date.c compares the two).
 */
#include <stdint.h>

#include "mailvet/hdr.h"

#include "hdr/date_int.h"
#include "hdr/hdr_lex.h"

#define DATE_MAX_TOKENS 24

enum dtok_kind { DT_END = 0, DT_NUM, DT_ALPHA, DT_SEP };

struct dtok {
	enum dtok_kind kind;
	const char *p;
	size_t len;
	long num;	/* DT_NUM: value (at most 9 digits are read) */
};

static const char *const month_names[12] = {
	"january", "february", "march", "april", "may", "june",
	"july", "august", "september", "october", "november", "december",
};
static const char *const day_names[7] = {
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
};

/* Splits the value into numbers, letter runs and single separators; CFWS is dropped. */
static unsigned tokenize(mv_str raw, struct dtok *t, unsigned max)
{
	const char *p = raw.p, *end = raw.p + raw.len;
	unsigned n = 0;
	bool bad = false;

	while (n < max) {
		while (p < end && (hdr_is(*p, HDR_C_WSP) || *p == '(')) {
			if (*p == '(')
				p = hdr_skip_comment(p, end, &bad);
			else
				p++;
		}
		if (p >= end)
			break;
		t[n].p = p;
		t[n].num = 0;
		if (hdr_is(*p, HDR_C_DIGIT)) {
			t[n].kind = DT_NUM;
			while (p < end && hdr_is(*p, HDR_C_DIGIT)) {
				if (p - t[n].p < 9)
					t[n].num = t[n].num * 10 + (*p - '0');
				p++;
			}
		} else if (hdr_is(*p, HDR_C_ALPHA)) {
			t[n].kind = DT_ALPHA;
			while (p < end && hdr_is(*p, HDR_C_ALPHA))
				p++;
		} else {
			t[n].kind = DT_SEP;
			p++;
		}
		t[n].len = (size_t)(p - t[n].p);
		n++;
	}
	t[n].kind = DT_END;
	t[n].p = p;
	t[n].len = 0;
	return n;
}

static bool is_sep(const struct dtok *t, char c)
{
	return t->kind == DT_SEP && t->p[0] == c;
}

/*
 * Three bytes packed into one number with the ASCII case bit set: compared
 * with a packed lower-case name, it matches that name in any case and
 * nothing else.
 */
static inline uint32_t pack3(const char *p)
{
	return ((uint32_t)(unsigned char)p[0] << 16 | (uint32_t)(unsigned char)p[1] << 8 |
		(uint32_t)(unsigned char)p[2]) | 0x202020u;
}

#define PACK3(a, b, c) ((uint32_t)(a) << 16 | (uint32_t)(b) << 8 | (uint32_t)(c))

/*
 * Month 0-11 from its three-letter abbreviation in any case, or -1.  The
 * multiplier hashes the twelve packed names to distinct slots of 16 (found by
 * search); the slot's name confirms, so one load and one compare decide.
 */
static inline int month_abbr(const char *p)
{
	static const uint32_t names[12] = {
		PACK3('j', 'a', 'n'), PACK3('f', 'e', 'b'), PACK3('m', 'a', 'r'), PACK3('a', 'p', 'r'),
		PACK3('m', 'a', 'y'), PACK3('j', 'u', 'n'), PACK3('j', 'u', 'l'), PACK3('a', 'u', 'g'),
		PACK3('s', 'e', 'p'), PACK3('o', 'c', 't'), PACK3('n', 'o', 'v'), PACK3('d', 'e', 'c'),
	};
	static const signed char slot[16] = { 10, 2, 8, 6, 4, -1, 7, 9, 5, -1, -1, 11, 0, -1, 3, 1 };
	uint32_t k = pack3(p);
	int m = slot[(uint32_t)(k * 0x2c4a3699u) >> 28];

	return m >= 0 && names[m] == k ? m : -1;
}

/* Day of the week 0-6 (Monday first) from its three-letter abbreviation, or -1; as month_abbr(). */
static inline int day_abbr(const char *p)
{
	static const uint32_t names[7] = {
		PACK3('m', 'o', 'n'), PACK3('t', 'u', 'e'), PACK3('w', 'e', 'd'), PACK3('t', 'h', 'u'),
		PACK3('f', 'r', 'i'), PACK3('s', 'a', 't'), PACK3('s', 'u', 'n'),
	};
	static const signed char slot[8] = { 4, 0, 2, 3, 1, -1, 5, 6 };
	uint32_t k = pack3(p);
	int d = slot[(uint32_t)(k * 39674u) >> 29];

	return d >= 0 && names[d] == k ? d : -1;
}

/*
 * A 3-letter abbreviation or the full name, case-insensitively; index or -1.
 * The abbreviations are unique, so a full name can only be the one its first
 * three letters name.
 */
static int name_index(const struct dtok *t, int (*abbr)(const char *), const char *const *names)
{
	int i;

	if (t->kind != DT_ALPHA || t->len < 3)
		return -1;
	i = abbr(t->p);
	if (i < 0 || t->len == 3 || mv_str_eq_ci(mv_str_make(t->p, t->len), names[i]))
		return i;
	return -1;
}

/* Named zones of RFC 5322 4.3 (and UTC, Z); minutes east of UTC. */
static bool zone_name(const struct dtok *t, int *zone_r)
{
	static const struct {
		const char *name;
		int minutes;
	} zones[] = {
		{ "UT", 0 }, { "GMT", 0 }, { "UTC", 0 }, { "Z", 0 },
		{ "EST", -300 }, { "EDT", -240 }, { "CST", -360 }, { "CDT", -300 },
		{ "MST", -420 }, { "MDT", -360 }, { "PST", -480 }, { "PDT", -420 },
	};
	mv_str s = mv_str_make(t->p, t->len);
	size_t i;

	if (t->kind != DT_ALPHA)
		return false;
	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		if (mv_str_eq_ci(s, zones[i].name)) {
			*zone_r = zones[i].minutes;
			return true;
		}
	}
	/* Military zones: RFC 5322 4.3 says treat them as -0000 (unknown). */
	if (t->len == 1 && mv_ascii_lower(t->p[0]) != 'j') {
		*zone_r = 0;
		return true;
	}
	return false;
}

/* "+hhmm", "-hh", "+hh:mm"; advances *i.  Returns false when not a numeric zone. */
static bool zone_numeric(const struct dtok *t, unsigned *i, int *zone_r)
{
	unsigned k = *i;
	long hh, mm = 0;
	int sign;

	if (!is_sep(&t[k], '+') && !is_sep(&t[k], '-'))
		return false;
	sign = t[k].p[0] == '-' ? -1 : 1;
	if (t[k + 1].kind != DT_NUM)
		return false;
	if (t[k + 1].len == 4) {
		hh = t[k + 1].num / 100;
		mm = t[k + 1].num % 100;
		k += 2;
	} else if (t[k + 1].len <= 2) {
		hh = t[k + 1].num;
		k += 2;
		if (is_sep(&t[k], ':') && t[k + 1].kind == DT_NUM && t[k + 1].len == 2) {
			mm = t[k + 1].num;
			k += 2;
		}
	} else {
		return false;
	}
	*i = k;
	/* Out-of-range offsets are unreadable, taken as -0000. */
	*zone_r = (hh <= 23 && mm <= 59) ? sign * (int)(hh * 60 + mm) : 0;
	return true;
}

/* Optional zone at t[*i]: numeric, named, or a name followed by a numeric offset. */
static int read_zone(const struct dtok *t, unsigned *i)
{
	int zone = 0;

	if (zone_numeric(t, i, &zone))
		return zone;
	if (zone_name(&t[*i], &zone)) {
		(*i)++;
		(void)zone_numeric(t, i, &zone);	/* "GMT+0200" */
	} else if (t[*i].kind == DT_ALPHA) {
		(*i)++;		/* an unknown name ("CEST") reads as -0000 */
	}
	return zone;
}

/* HH:MM[:SS] with white space allowed around the colons (obs-time). */
static bool read_time(const struct dtok *t, unsigned *i, long *h, long *m, long *s)
{
	unsigned k = *i;

	if (t[k].kind != DT_NUM || t[k].len > 2 || !is_sep(&t[k + 1], ':') ||
	    t[k + 2].kind != DT_NUM || t[k + 2].len != 2)
		return false;
	*h = t[k].num;
	*m = t[k + 2].num;
	*s = 0;
	k += 3;
	if (is_sep(&t[k], ':') && t[k + 1].kind == DT_NUM && t[k + 1].len == 2) {
		*s = t[k + 1].num;
		k += 2;
	}
	*i = k;
	return true;
}

/* RFC 5322 4.3: 2-digit years below 50 are 20xx, others 19xx; 3-digit years add 1900. */
static long full_year(const struct dtok *t)
{
	if (t->len <= 2)
		return t->num < 50 ? 2000 + t->num : 1900 + t->num;
	if (t->len == 3)
		return 1900 + t->num;
	return t->len == 4 ? t->num : -1;
}

/*
 * Days since 1970-01-01 of a Gregorian date in year 1 or later: H. Hinnant's
 * days_from_civil with the 400-year era folded into the leap-day counts,
 * which needs a year that is not negative.  The year is counted from March,
 * so its leap day comes last; the table holds the days from 1 March to the
 * first of each month.
 */
static inline int64_t days_from_civil(long y, long m, long d)
{
	static const short from_march[12] = { 306, 337, 0, 31, 61, 92, 122, 153, 184, 214, 245, 275 };
	uint64_t yy = (uint64_t)(y - (m <= 2));

	return (int64_t)(yy * 365 + yy / 4 - yy / 100 + yy / 400) + from_march[m - 1] + d - 1 - 719468;
}

static long month_days(long y, long m)
{
	static const unsigned char mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 29;
	return mdays[m - 1];
}

/* The fields as written, before any range check. */
struct date_fields {
	long year, mon, day;
	long h, m, s;
	int zone;
};

/* Range checks shared by both parsers, then the epoch. */
static inline int date_finish(const struct date_fields *f, int64_t *time_r, int *zone_minutes_r)
{
	if (f->year < 1900 || f->year > 9999 || f->mon < 1 || f->mon > 12 || f->day < 1 ||
	    (f->day > 28 && f->day > month_days(f->year, f->mon)) || f->h > 23 || f->m > 59 || f->s > 60)
		return -1;
	*time_r = days_from_civil(f->year, f->mon, f->day) * 86400 + f->h * 3600 + f->m * 60 + f->s -
		(int64_t)f->zone * 60;
	*zone_minutes_r = f->zone;
	return 0;
}

int hdr_date_parse_general(mv_str raw, int64_t *time_r, int *zone_minutes_r)
{
	struct dtok t[DATE_MAX_TOKENS + 1];
	struct date_fields f;
	unsigned i = 0;
	long year = -1, mon = -1, day = -1, h = 0, m = 0, s = 0;
	int zone = 0;

	(void)tokenize(raw, t, DATE_MAX_TOKENS);
	if (t[0].kind == DT_NUM && t[0].len == 4 && (is_sep(&t[1], '-') || is_sep(&t[1], '/')) &&
	    t[2].kind == DT_NUM && t[2].len <= 2 && is_sep(&t[3], t[1].p[0]) &&
	    t[4].kind == DT_NUM && t[4].len <= 2) {
		/* ISO 8601-ish: 2002-06-18[T| ]11:23:45[zone] */
		year = t[0].num;
		mon = t[2].num;
		day = t[4].num;
		i = 5;
		if (t[i].kind == DT_ALPHA && t[i].len == 1 && mv_ascii_lower(t[i].p[0]) == 't')
			i++;
		if (!read_time(t, &i, &h, &m, &s))
			return -1;
		zone = read_zone(t, &i);
	} else {
		int first_mon;

		if (name_index(&t[i], day_abbr, day_names) >= 0) {
			i++;
			if (is_sep(&t[i], ','))
				i++;
		}
		/* A 3-digit day with a leading zero ("029") is seen in the wild too. */
		if (t[i].kind == DT_NUM && (t[i].len <= 2 || (t[i].len == 3 && t[i].p[0] == '0'))) {
			/* RFC 5322: day month year time zone; "18-Jun-2002" too. */
			day = t[i++].num;
			if (is_sep(&t[i], '-') || is_sep(&t[i], '/'))
				i++;
			mon = name_index(&t[i], month_abbr, month_names) + 1;
			if (mon == 0)
				return -1;
			i++;
			if (is_sep(&t[i], '-') || is_sep(&t[i], '/'))
				i++;
			if (t[i].kind != DT_NUM)
				return -1;
			year = full_year(&t[i++]);
			if (!read_time(t, &i, &h, &m, &s))
				return -1;
			zone = read_zone(t, &i);
		} else {
			first_mon = name_index(&t[i], month_abbr, month_names);
			if (first_mon < 0)
				return -1;
			mon = first_mon + 1;
			/* asctime "Jun 18 11:23:45 [zone] 2002", or "Jun 18 2002 11:23:45 [zone]" */
			i++;
			if (t[i].kind != DT_NUM || t[i].len > 2)
				return -1;
			day = t[i++].num;
			if (is_sep(&t[i], ','))
				i++;
			if (read_time(t, &i, &h, &m, &s)) {
				zone = read_zone(t, &i);
				if (t[i].kind != DT_NUM)
					return -1;
				year = full_year(&t[i++]);
			} else {
				if (t[i].kind != DT_NUM)
					return -1;
				year = full_year(&t[i++]);
				if (!read_time(t, &i, &h, &m, &s))
					return -1;
				zone = read_zone(t, &i);
			}
		}
	}
	f.year = year;
	f.mon = mon;
	f.day = day;
	f.h = h;
	f.m = m;
	f.s = s;
	f.zone = zone;
	return date_finish(&f, time_r, zone_minutes_r);
}

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The two digits at q as a number, or -1 when either is not a digit. */
static inline int digit_pair(const char *q)
{
	unsigned hi = (unsigned char)q[0] - '0', lo = (unsigned char)q[1] - '0';

	return hi < 10 && lo < 10 ? (int)(hi * 10 + lo) : -1;
}

/*
 * Exactly n (1, 2 or 4) digits at *p, not followed by another digit: the
 * value, with *p advanced; -1 otherwise.
 */
static inline long take_digits(const char **p, const char *end, int n)
{
	const char *q = *p;
	long v;

	if (end - q < n)
		return -1;
	if (n == 1)
		v = is_digit(q[0]) ? q[0] - '0' : -1;
	else if (n == 2)
		v = digit_pair(q);
	else
		v = digit_pair(q) < 0 || digit_pair(q + 2) < 0 ? -1 : digit_pair(q) * 100 + digit_pair(q + 2);
	if (v < 0 || (end - q > n && is_digit(q[n])))
		return -1;
	*p = q + n;
	return v;
}

/* One or two digits, as a day or an hour is written. */
static inline long take_1or2_digits(const char **p, const char *end)
{
	return take_digits(p, end, end - *p >= 2 && is_digit((*p)[1]) ? 2 : 1);
}

/* Skips white space (folding included) as the tokenizer does; true when there was some. */
static inline bool skip_wsp(const char **p, const char *end)
{
	const char *s = *p;

	while (*p < end && hdr_is(**p, HDR_C_WSP))
		(*p)++;
	return *p != s;
}

/* True (and *p advanced) when the next byte is c. */
static inline bool take(const char **p, const char *end, char c)
{
	if (*p < end && **p == c) {
		(*p)++;
		return true;
	}
	return false;
}

/* Eight bytes as a little-endian number whatever the host's order (one load on x86). */
static inline uint64_t load_le64(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	return (uint64_t)u[0] | (uint64_t)u[1] << 8 | (uint64_t)u[2] << 16 | (uint64_t)u[3] << 24 |
		(uint64_t)u[4] << 32 | (uint64_t)u[5] << 40 | (uint64_t)u[6] << 48 | (uint64_t)u[7] << 56;
}

/*
 * The byte lanes of x selected by mask (0xff each) as ASCII digits: their
 * values in *v (other lanes 0), and whether every one is a digit.  After the
 * XOR a digit lane is 0-9: its high nibble is clear, and adding 6 keeps it
 * clear.  A lane that is not a digit fails the first test or the second; a
 * carry out of a lane needs a lane that already failed the first.
 */
static inline bool digit_lanes(uint64_t x, uint64_t mask, uint64_t *v)
{
	uint64_t t = (x ^ 0x3030303030303030u) & mask;

	*v = t;
	return ((t | (t + 0x0606060606060606u)) & 0xf0f0f0f0f0f0f0f0u) == 0;
}

/* Lane i of v (a digit's value after digit_lanes()). */
static inline long lane(uint64_t v, unsigned i)
{
	return (long)(v >> (8 * i) & 0xff);
}

/*
 * "3 Sep 2002 12:34:56 -0700" with single spaces, as nearly every MTA writes
 * it, read at fixed offsets; p is past the day name.  The 16 bytes from the
 * year to the zone's sign are checked as two 8-byte words.  False when the
 * bytes are not laid out so; *stop_r is then past the zone.
 */
static bool read_fixed_layout(const char *p, const char *end, struct date_fields *f, const char **stop_r)
{
	uint64_t a, b, z, da, db, dz;
	unsigned more;
	int mon;

	/* Day of one or two digits, then " Mon YYYY HH:MM:SS +ZZZZ" (24 bytes). */
	if (end - p < 25 || !is_digit(p[0]))
		return false;
	if (is_digit(p[1])) {
		f->day = (p[0] - '0') * 10 + (p[1] - '0');
		p += 2;
	} else {
		f->day = p[0] - '0';
		p++;
	}
	if (end - p < 24)
		return false;
	/*
	 * No digit right after the zone.  Whether any text follows is mixed in
	 * arithmetically (with none, p[23] is read and the bound is 0), so it
	 * costs no branch.
	 */
	more = end - p > 24 ? 1 : 0;
	if (p[0] != ' ' || (unsigned)((unsigned char)p[23 + more] - '0') < 10 * more)
		return false;
	a = load_le64(p + 4);	/* " YYYY HH" */
	b = load_le64(p + 12);	/* ":MM:SS +" */
	z = load_le64(p + 16);	/* "SS +ZZZZ" */
	if ((a & 0x0000ff00000000ffu) != 0x0000200000000020u ||
	    (b & 0x00ff0000ff0000ffu) != 0x002000003a00003au ||
	    !digit_lanes(a, 0xffff00ffffffff00u, &da) || !digit_lanes(b, 0x0000ffff00ffff00u, &db) ||
	    !digit_lanes(z, 0xffffffff00000000u, &dz) || (p[19] != '+' && p[19] != '-'))
		return false;
	mon = month_abbr(p + 1);
	if (mon < 0)
		return false;
	f->mon = mon + 1;
	/* Each lane times ten plus the next: lane i now holds the two-digit number starting there. */
	da = da * 10 + (da >> 8);
	db = db * 10 + (db >> 8);
	dz = dz * 10 + (dz >> 8);
	f->year = lane(da, 1) * 100 + lane(da, 3);
	f->h = lane(da, 6);
	f->m = lane(db, 1);
	f->s = lane(db, 4);
	/* Out-of-range offsets are unreadable, taken as -0000 (as zone_numeric() does). */
	f->zone = lane(dz, 4) <= 23 && lane(dz, 6) <= 59 ? (int)(lane(dz, 4) * 60 + lane(dz, 6)) : 0;
	if (p[19] == '-')
		f->zone = -f->zone;
	*stop_r = p + 24;
	return true;
}

/*
 * A zone name at *p ("GMT", "EST", "Z", or one the general parser reads as
 * -0000): its offset, with *p past it.  False when a numeric offset or a
 * comment follows, which the general parser may read differently
 * ("GMT+0200").
 */
static bool read_zone_name(const char **p, const char *end, int *zone_r)
{
	struct dtok t = { DT_ALPHA, *p, 0, 0 };
	const char *q = *p;

	while (q < end && hdr_is(*q, HDR_C_ALPHA))
		q++;
	t.len = (size_t)(q - *p);
	if (!zone_name(&t, zone_r))
		*zone_r = 0;	/* an unknown name ("CEST") reads as -0000 */
	*p = q;
	(void)skip_wsp(&q, end);
	return q == end || (*q != '+' && *q != '-' && *q != '(');
}

/*
 * "3 Sep 2002 12:34[:56][ -0700| GMT]" with any white space between the
 * fields (folding included) and no comments; p is past the day name.
 * *stop_r is then past the zone.  Kept out of line: inlined, its loops
 * made the common fixed layout save and restore registers it never needs.
 */
#ifdef __GNUC__
__attribute__((noinline))
#endif
static bool read_spaced_layout(const char *p, const char *end, struct date_fields *f, const char **stop_r)
{
	f->s = 0;
	f->zone = 0;
	if ((f->day = take_1or2_digits(&p, end)) < 0 || !skip_wsp(&p, end) || end - p < 4 ||
	    (f->mon = month_abbr(p) + 1) == 0 || !hdr_is(p[3], HDR_C_WSP))
		return false;
	p += 3;
	(void)skip_wsp(&p, end);
	if ((f->year = take_digits(&p, end, 4)) < 0 || !skip_wsp(&p, end) ||
	    (f->h = take_1or2_digits(&p, end)) < 0 || !take(&p, end, ':') ||
	    (f->m = take_digits(&p, end, 2)) < 0)
		return false;
	if (take(&p, end, ':') && (f->s = take_digits(&p, end, 2)) < 0)
		return false;
	(void)skip_wsp(&p, end);
	if (p < end && hdr_is(*p, HDR_C_ALPHA)) {
		if (!read_zone_name(&p, end, &f->zone))
			return false;
	} else if (p < end) {
		int sign;
		long hhmm;

		if (*p != '+' && *p != '-')
			return false;
		sign = *p++ == '-' ? -1 : 1;
		if ((hhmm = take_digits(&p, end, 4)) < 0)
			return false;
		/* Out-of-range offsets are unreadable, taken as -0000 (as zone_numeric() does). */
		if (hhmm / 100 <= 23 && hhmm % 100 <= 59)
			f->zone = sign * (int)(hhmm / 100 * 60 + hhmm % 100);
	}
	*stop_r = p;
	return true;
}

/*
 * "[Tue, ]3 Sep 2002 12:34[:56][ -0700| GMT]": white space between the
 * fields, no comments, anything after the zone (the general parser ignores
 * it too).
 */
int hdr_date_parse_common_stop(mv_str raw, int64_t *time_r, int *zone_minutes_r, const char **stop_r)
{
	const char *p = raw.p, *end = raw.p + raw.len;
	struct date_fields f;

	(void)skip_wsp(&p, end);
	if (end - p >= 4 && p[3] == ',') {
		if (day_abbr(p) < 0)
			return DATE_NOT_COMMON;
		p += 4;
		(void)skip_wsp(&p, end);
	}
	if (!read_fixed_layout(p, end, &f, stop_r) && !read_spaced_layout(p, end, &f, stop_r))
		return DATE_NOT_COMMON;
	return date_finish(&f, time_r, zone_minutes_r);
}

int hdr_date_parse_common(mv_str raw, int64_t *time_r, int *zone_minutes_r)
{
	const char *stop;

	return hdr_date_parse_common_stop(raw, time_r, zone_minutes_r, &stop);
}

int mv_date_parse(mv_str raw, int64_t *time_r, int *zone_minutes_r)
{
	int r = hdr_date_parse_common(raw, time_r, zone_minutes_r);

	return r != DATE_NOT_COMMON ? r : hdr_date_parse_general(raw, time_r, zone_minutes_r);
}
