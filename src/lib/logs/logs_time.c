/*
 * Times in logs: civil dates to seconds without the C library's time zone
 * machinery on the hot path, local times to UTC through a per-hour cache of
 * mktime()'s answer (so daylight saving is right and costs one call an hour),
 * and ISO 8601 text.
 */
#include <time.h>

#include "logs/logs_int.h"

/* Howard Hinnant's days_from_civil: days since 1970-01-01 of a proleptic Gregorian date. */
int64_t logs_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y_r, unsigned *m_r, unsigned *d_r)
{
	int64_t era, y;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d_r = doy - (153 * mp + 2) / 5 + 1;
	*m_r = mp < 10 ? mp + 3 : mp - 9;
	*y_r = y + (*m_r <= 2);
}

int64_t logs_civil_seconds(int64_t y, unsigned mon, unsigned d, unsigned h, unsigned mi, unsigned s)
{
	return logs_days_from_civil(y, mon, d) * LOGS_DAY + (int64_t)h * 3600 + (int64_t)mi * 60 + s;
}

bool logs_civil_valid(int64_t y, unsigned mon, unsigned d, unsigned h, unsigned mi, unsigned s)
{
	static const unsigned char mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (y < 1971 || y > 9999 || mon < 1 || mon > 12 || d < 1 || d > mdays[mon - 1] || h > 23 || mi > 59 ||
	    s > 60)
		return false;
	/* February 29th only in leap years. */
	return !(mon == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

unsigned logs_month(const char *p)
{
	/* The three letters as one number: one compare each, on every line. */
	uint32_t v = (uint32_t)(unsigned char)p[0] << 16 | (uint32_t)(unsigned char)p[1] << 8 | (unsigned char)p[2];

#define M(a, b, c) ((uint32_t)(a) << 16 | (uint32_t)(b) << 8 | (uint32_t)(c))
	switch (v) {
	case M('J', 'a', 'n'): return 1;
	case M('F', 'e', 'b'): return 2;
	case M('M', 'a', 'r'): return 3;
	case M('A', 'p', 'r'): return 4;
	case M('M', 'a', 'y'): return 5;
	case M('J', 'u', 'n'): return 6;
	case M('J', 'u', 'l'): return 7;
	case M('A', 'u', 'g'): return 8;
	case M('S', 'e', 'p'): return 9;
	case M('O', 'c', 't'): return 10;
	case M('N', 'o', 'v'): return 11;
	case M('D', 'e', 'c'): return 12;
	default: return 0;
	}
#undef M
}

void logs_tz_init(struct logs_tz *tz)
{
	unsigned i;

	for (i = 0; i < sizeof(tz->slot) / sizeof(tz->slot[0]); i++)
		tz->slot[i].hour = INT64_MIN;
}

int64_t logs_tz_utc(struct logs_tz *tz, int64_t naive)
{
	int64_t hour = naive >= 0 ? naive / 3600 : (naive - 3599) / 3600, y;
	unsigned i = (unsigned)((uint64_t)hour % 64), mon, d;
	struct tm tm;
	time_t t;

	if (tz->slot[i].hour == hour)
		return naive - tz->slot[i].offset;
	/* The offset at the start of the hour: zones change on whole hours or half hours at most. */
	civil_from_days(hour >= 0 ? hour / 24 : (hour - 23) / 24, &y, &mon, &d);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)(y - 1900);
	tm.tm_mon = (int)mon - 1;
	tm.tm_mday = (int)d;
	tm.tm_hour = (int)(hour - (hour >= 0 ? hour / 24 : (hour - 23) / 24) * 24);
	tm.tm_min = 30;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1)
		return naive;
	tz->slot[i].hour = hour;
	tz->slot[i].offset = hour * 3600 + 1800 - (int64_t)t;
	return naive - tz->slot[i].offset;
}

static char *put2(char *w, unsigned v)
{
	w[0] = (char)('0' + v / 10 % 10);
	w[1] = (char)('0' + v % 10);
	return w + 2;
}

const char *logs_time_iso(int64_t t, char *out)
{
	int64_t days = t >= 0 ? t / LOGS_DAY : (t - (LOGS_DAY - 1)) / LOGS_DAY, y;
	unsigned sec = (unsigned)(t - days * LOGS_DAY), m, d;
	char *w = out;

	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999;
	w = put2(w, (unsigned)(y / 100));
	w = put2(w, (unsigned)(y % 100));
	*w++ = '-';
	w = put2(w, m);
	*w++ = '-';
	w = put2(w, d);
	*w++ = 'T';
	w = put2(w, sec / 3600);
	*w++ = ':';
	w = put2(w, sec / 60 % 60);
	*w++ = ':';
	w = put2(w, sec % 60);
	*w++ = 'Z';
	*w = '\0';
	return out;
}
