/* Names and texts of the library's status codes. */
#include "mailvet/status.h"

static const struct {
	const char *name, *text;
} status_table[MV_STATUS_COUNT] = {
	[MV_OK] = { "ok", "success" },
	[MV_AGAIN] = { "again", "waiting for a lookup to complete" },
	[MV_NOMEM] = { "nomem", "out of memory" },
	[MV_TEMPFAIL] = { "tempfail", "temporary failure" },
	[MV_PERMFAIL] = { "permfail", "permanent failure" },
	[MV_TIMEOUT] = { "timeout", "the deadline passed" },
	[MV_CONFIG] = { "config", "invalid configuration" },
	[MV_INVALID] = { "invalid", "invalid argument" },
	[MV_IO] = { "io", "input/output error" },
	[MV_LIMIT] = { "limit", "a limit on untrusted input was reached" },
	[MV_NOTFOUND] = { "notfound", "not found" },
};

const char *mv_strerror(int status)
{
	if (status < 0 || status >= MV_STATUS_COUNT)
		return "unknown status";
	return status_table[status].text;
}

const char *mv_status_name(int status)
{
	if (status < 0 || status >= MV_STATUS_COUNT)
		return "unknown";
	return status_table[status].name;
}
