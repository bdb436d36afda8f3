/* Times given on the command line (--now). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/* ISO 8601: 2026-12-07, 2026-12-07T10:20, 2026-12-07T10:20:30Z, ...+01:00; no zone means UTC. */
int cli_parse_time(const char *arg, int64_t *time_r)
{
	struct tm tm;
	const char *p;
	long offset = 0;

	memset(&tm, 0, sizeof(tm));
	p = strptime(arg, "%Y-%m-%d", &tm);
	if (p == NULL)
		return -1;
	if (*p == 'T' || *p == ' ') {
		const char *q = strptime(p + 1, "%H:%M:%S", &tm);

		p = q != NULL ? q : strptime(p + 1, "%H:%M", &tm);
		if (p == NULL)
			return -1;
		if (*p == '.')
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
	}
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int h, m;
		char sign = *p;

		if (sscanf(p + 1, "%2d:%2d", &h, &m) != 2 || h > 23 || m > 59)
			return -1;
		offset = (h * 60L + m) * 60L * (sign == '+' ? 1 : -1);
		p += 6;
	}
	if (*p != '\0')
		return -1;
	*time_r = (int64_t)timegm(&tm) - offset;
	return 0;
}
