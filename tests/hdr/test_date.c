/*
 * Date parsing: a table of RFC 5322 3.3/4.3 and common non-RFC forms with
 * exact expected epochs and zones, range rejections, and an oracle run that
 * compares generated RFC dates across years, months, days and zones with
 * glibc strptime() + timegm() (tm_gmtoff from %z), and a run over generated
 * near-RFC dates checking that the direct reader of the common shape agrees
 * with the general parser wherever it takes the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "hdr_agree.h"
#include "mailvet/hdr.h"
#include "test.h"

struct date_case {
	const char *in;
	int ok;
	int64_t t;
	int zone;
};

/* 2002-06-18 11:23:45 UTC = 1024399425 */
static const struct date_case cases[] = {
	{ "Tue, 18 Jun 2002 11:23:45 +0000", 1, 1024399425, 0 },
	{ "Tue, 18 Jun 2002 11:23:45 -0500 (CDT)", 1, 1024399425 + 5 * 3600, -300 },
	{ "18 Jun 2002 11:23:45 +0130", 1, 1024399425 - 90 * 60, 90 },
	{ "tue, 18 jun 2002 11:23:45 GMT", 1, 1024399425, 0 },
	{ "Tue, 18 JUN 2002 11:23 UT", 1, 1024399425 - 45, 0 },
	{ "Tue,18 Jun 2002 11:23:45 EST", 1, 1024399425 + 5 * 3600, -300 },
	{ "Tue, 18 Jun 2002 11:23:45 EDT", 1, 1024399425 + 4 * 3600, -240 },
	{ "Tue, 18 Jun 2002 11:23:45 CST", 1, 1024399425 + 6 * 3600, -360 },
	{ "Tue, 18 Jun 2002 11:23:45 MDT", 1, 1024399425 + 6 * 3600, -360 },
	{ "Tue, 18 Jun 2002 11:23:45 PST", 1, 1024399425 + 8 * 3600, -480 },
	{ "Tue, 18 Jun 2002 11:23:45 PDT", 1, 1024399425 + 7 * 3600, -420 },
	{ "Tue, 18 Jun 2002 11:23:45 A", 1, 1024399425, 0 },	/* military: -0000 */
	{ "Tue, 18 Jun 2002 11:23:45 z", 1, 1024399425, 0 },
	{ "Tue, 18 Jun 2002 11:23:45", 1, 1024399425, 0 },	/* missing zone */
	{ "Tue, 18 Jun 2002 11:23:45 CEST", 1, 1024399425, 0 },	/* unknown name */
	{ "Tue, 18 Jun 2002 11:23:45 GMT+0200", 1, 1024399425 - 7200, 120 },
	{ "Tue, 18 Jun 2002 11:23:45 +02:00", 1, 1024399425 - 7200, 120 },
	{ "Tue, 18 Jun 2002 11:23:45 +9900", 1, 1024399425, 0 },	/* absurd offset */
	{ "Tuesday, 18 June 2002 11:23:45 +0000", 1, 1024399425, 0 },
	{ "18 Jun 02 11:23:45 +0000", 1, 1024399425, 0 },
	{ "18 Jun 102 11:23:45 +0000", 1, 1024399425, 0 },
	{ "18 Jun 97 11:23:45 +0000", 1, 866633025, 0 },
	{ "18 Jun 49 11:23:45 +0000", 1, 2507628225, 0 },
	{ "18 Jun 50 11:23:45 +0000", 1, -616595775, 0 },
	{ "8 Jun 2002 11:23:45 +0000", 1, 1024399425 - 10 * 86400, 0 },
	{ " Tue,  18 Jun 2002 11:23:45 +0000 ", 1, 1024399425, 0 },
	{ "(x) Tue, (y) 18 Jun (z) 2002 11 (a):23: (b) 45 (c) +0000 (d)", 1, 1024399425, 0 },
	{ "Fri, 21\r\n Nov 1997 09(comment):   55  :  06 -0600", 1, 880127706, -360 },	/* RFC 5322 A.6.3 */
	{ "21 Nov 97 09:55:06 GMT", 1, 880106106, 0 },	/* A.6.2 */
	{ "Thu,\r\n      13\r\n        Feb\r\n          1969\r\n      23:32\r\n"
	  "               -0330 (Newfoundland Time)", 1, -27723480, -210 },	/* A.5 */
	{ "18-Jun-2002 11:23:45 +0000", 1, 1024399425, 0 },
	{ "Tue Jun 18 11:23:45 2002", 1, 1024399425, 0 },	/* asctime */
	{ "Tue Jun 18 11:23:45 EDT 2002", 1, 1024399425 + 4 * 3600, -240 },
	{ "Jun 18 2002 11:23:45 +0100", 1, 1024399425 - 3600, 60 },
	{ "2002-06-18 11:23:45", 1, 1024399425, 0 },	/* ISO 8601-ish */
	{ "2002-06-18T11:23:45Z", 1, 1024399425, 0 },
	{ "2002-06-18T11:23:45+02:00", 1, 1024399425 - 7200, 120 },
	{ "29 Feb 2000 00:00:00 +0000", 1, 951782400, 0 },
	{ "31 Dec 1999 23:59:60 +0000", 1, 946684800, 0 },	/* leap second */
	{ "1 Jan 1970 00:00:00 +0000", 1, 0, 0 },
	{ "31 Dec 9999 23:59:59 +0000", 1, 253402300799LL, 0 },
	/* Range and shape rejections. */
	{ "Tue, 32 Jun 2002 11:23:45 +0000", 0, 0, 0 },
	{ "Tue, 31 Jun 2002 11:23:45 +0000", 0, 0, 0 },
	{ "29 Feb 1900 00:00:00 +0000", 0, 0, 0 },
	{ "29 Feb 2001 00:00:00 +0000", 0, 0, 0 },
	{ "0 Jun 2002 11:23:45 +0000", 0, 0, 0 },
	{ "18 Jun 2002 25:23:45 +0000", 0, 0, 0 },
	{ "18 Jun 2002 11:60:45 +0000", 0, 0, 0 },
	{ "18 Jun 2002 11:23:61 +0000", 0, 0, 0 },
	{ "18 Foo 2002 11:23:45 +0000", 0, 0, 0 },
	{ "18 Jun 12002 11:23:45 +0000", 0, 0, 0 },
	{ "18 Jun 1899 11:23:45 +0000", 0, 0, 0 },
	{ "18 Jun 2002", 0, 0, 0 },
	{ "2002-13-18 11:23:45", 0, 0, 0 },
	{ "", 0, 0, 0 },
	{ "(only a comment)", 0, 0, 0 },
	{ "Tue, ", 0, 0, 0 },
	{ "garbage", 0, 0, 0 },
	{ "18 Jun 2002 11:", 0, 0, 0 },
	{ "18 Jun 2002 999999999999:23:45", 0, 0, 0 },
};

static void test_date_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t t = -1;
		int zone = 12345;
		int r = mv_date_parse(mv_str_cstr(cases[i].in), &t, &zone);

		test_checks++;
		if ((r == 0) != cases[i].ok || (r == 0 && (t != cases[i].t || zone != cases[i].zone))) {
			test_failures++;
			fprintf(stderr, "case %zu \"%s\": r=%d t=%lld zone=%d, want ok=%d t=%lld zone=%d\n", i,
				cases[i].in, r, (long long)t, zone, cases[i].ok, (long long)cases[i].t, cases[i].zone);
		}
	}
}

/* Generated RFC 5322 dates against glibc strptime + timegm. */
static void test_date_oracle_strptime(void)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	static const char *const wday[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const int zones[] = { 0, 60, -300, 330, -210, 845, -720, 840, 59, -59 };
	unsigned seed = 12345, n = 0, y, mo;

	for (y = 1900; y <= 2400; y += (y < 1960 || y > 2110) ? 37 : 1) {
		for (mo = 0; mo < 12; mo++) {
			char s[80];
			struct tm tm;
			int d, h, mi, se, z, zone, k;
			int64_t got, want;
			const char *end;
			long off;

			seed = seed * 1103515245u + 12345u;
			d = 1 + (int)(seed >> 8) % 28;
			h = (int)(seed >> 4) % 24;
			mi = (int)(seed >> 12) % 60;
			se = (int)(seed >> 16) % 60;
			z = zones[(seed >> 20) % 10];
			k = snprintf(s, sizeof(s), "%s, %d %s %u %02d:%02d:%02d %c%02d%02d",
				wday[(y + mo + (unsigned)d) % 7], d, mon[mo], y, h, mi, se,
				z < 0 ? '-' : '+', abs(z) / 60, abs(z) % 60);
			memset(&tm, 0, sizeof(tm));
			end = strptime(s, "%a, %d %b %Y %H:%M:%S %z", &tm);
			CHECK(end != NULL && end == s + k);
			off = tm.tm_gmtoff;	/* timegm() resets it */
			want = (int64_t)timegm(&tm) - off;
			CHECK(mv_date_parse(mv_str_make(s, (size_t)k), &got, &zone) == 0);
			test_checks++;
			if (got != want || zone != z) {
				test_failures++;
				fprintf(stderr, "oracle: %s: got %lld/%d want %lld/%d\n", s, (long long)got, zone,
					(long long)want, z);
			}
			n++;
		}
	}
	CHECK(n > 1500);
}

static unsigned next_rand(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

/* The first entry (the common form) half the time, else any entry. */
static const char *pick(unsigned *seed, const char *const *list, size_t n)
{
	return next_rand(seed) % 2 == 0 ? list[0] : list[next_rand(seed) % n];
}

#define PICK(seed, list) pick(seed, list, sizeof(list) / sizeof(list[0]))

/* A number printed as "%u", "%02u" or now and then "%03u". */
static void put_num(char *buf, size_t size, unsigned *seed, unsigned limit)
{
	unsigned v = next_rand(seed) % limit, width = next_rand(seed) % 8 == 0 ? 3 : 1 + next_rand(seed) % 2;
	char tmp[16];

	snprintf(tmp, sizeof(tmp), "%0*u", (int)width, v);
	strncat(buf, tmp, size - strlen(buf) - 1);
}

static void put(char *buf, size_t size, const char *s)
{
	strncat(buf, s, size - strlen(buf) - 1);
}

/*
 * Dates in and near the common shape (case, spacing, digit counts, ranges,
 * zones, trailing text): the common reader either declines or gives exactly
 * what the general parser gives.
 */
static void test_date_common_matches_general(void)
{
	static const char *const lead[] = { "", " ", "\t", "\r\n ", "(c) " };
	static const char *const wday[] = { "", "Tue, ", "Sun, ", "tue, ", "SAT, ", "Tue,",
		"Tue,  ", "Tue,\r\n ", "Tue ", "Tue ,", "Tues, ", "Xyz, ", "Tuesday, ", "Thu, ", "Jun, " };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
		"Sep", "Oct", "Nov", "Dec", "jan", "DEC", "sEp", "June", "Foo", "Ma", "Sept" };
	static const char *const sep[] = { " ", "  ", "\r\n\t", "-", "\t", "/", "(x)", "" };
	static const char *const year[] = { "2002", "1970", "1899", "1900", "2000", "2100",
		"9999", "10000", "02", "97", "102", "2002x" };
	static const char *const colon[] = { ":", " : ", "::", "" };
	static const char *const secs[] = { "", ":", ":5", ":60", ":61", ":005" };
	static const char *const zone[] = { "", " +0000", " -0700", " +0530", " -0330", " +9900",
		" +2360", " +2359", " -07", " +07:00", " +07001", " GMT", " EST", " (PDT)",
		" UT", " utc", " GMT+0200", " GMT +0200", " GMT (x) -0100", " GMT(x)", " CEST", " J", " j",
		" gmt x", " GMT\r\n ", " GMT -", " AM -0700", "GMT", " PDT 2002",
		" -0700 (PDT)", " -0700x", " -0700 junk", "  -0700", "\r\n -0700", " - 0700", " -", " +", " Z", " ",
		"  ", "+0100", "-0100 ", " +0000 GMT" };
	unsigned seed = 4242, n, common = 0;

	for (n = 0; n < 400000; n++) {
		char s[160] = "";

		put(s, sizeof(s), PICK(&seed, lead));
		put(s, sizeof(s), PICK(&seed, wday));
		put_num(s, sizeof(s), &seed, 33);
		put(s, sizeof(s), PICK(&seed, sep));
		put(s, sizeof(s), PICK(&seed, mon));
		put(s, sizeof(s), PICK(&seed, sep));
		if (next_rand(&seed) % 4 == 0)
			put_num(s, sizeof(s), &seed, 3000);
		else
			put(s, sizeof(s), PICK(&seed, year));
		put(s, sizeof(s), PICK(&seed, sep));
		put_num(s, sizeof(s), &seed, 25);
		put(s, sizeof(s), PICK(&seed, colon));
		put_num(s, sizeof(s), &seed, 61);
		if (next_rand(&seed) % 2 == 0) {
			put(s, sizeof(s), ":");
			put_num(s, sizeof(s), &seed, 62);
		} else {
			put(s, sizeof(s), PICK(&seed, secs));
		}
		put(s, sizeof(s), PICK(&seed, zone));
		if (check_date_agrees(mv_str_cstr(s)) != DATE_NOT_COMMON)
			common++;
	}
	/* The generator aims at the common shape often enough to test it. */
	CHECK(common > 5000);
}

/*
 * The fixed-offset reader of "3 Sep 2002 12:34:56 -0700": every zone offset
 * in both signs, one- and two-digit days and every month name, against the
 * general parser.
 */
static void test_date_fixed_layout_sweep(void)
{
	static const char *const mon[] = { "Jan", "feb", "MAR", "Apr", "May", "Jun", "Jul", "Aug",
		"Sep", "Oct", "Nov", "Dec", "Jum", "Sec", "J\xe1n" };
	unsigned v, taken = 0;

	for (v = 0; v < 2 * 10000 + 2 * 32 * 15; v++) {
		char s[80];

		if (v < 20000)
			snprintf(s, sizeof(s), "Mon, 2 Sep 2002 23:59:60 %c%04u (x)", v % 2 ? '-' : '+', v / 2);
		else
			snprintf(s, sizeof(s), "%s%u %s 2000 00:00:00 +0100", (v & 1) ? "" : "Tue, ",
				(v - 20000) / 2 % 32, mon[(v - 20000) / 64 % 15]);
		if (check_date_agrees(mv_str_cstr(s)) != DATE_NOT_COMMON)
			taken++;
	}
	CHECK(taken >= 20000 + 2 * 32 * 12);
}

static void test_date_pathological_fast(void)
{
	size_t size = 4u << 20, i;
	char *big = malloc(size);
	int64_t t;
	int z;
	clock_t t0 = clock();

	for (i = 0; i < size; i++)
		big[i] = "(("[i % 2];
	CHECK(mv_date_parse(mv_str_make(big, size), &t, &z) == -1);
	for (i = 0; i < size; i++)
		big[i] = " 1:"[i % 3];
	CHECK(mv_date_parse(mv_str_make(big, size), &t, &z) == -1);
	CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < time_bound(1.0));
	free(big);
}

int main(void)
{
	RUN(test_date_table);
	RUN(test_date_oracle_strptime);
	RUN(test_date_common_matches_general);
	RUN(test_date_fixed_layout_sweep);
	RUN(test_date_pathological_fast);
	return test_summary();
}
