/*
 * mv_scan(): runs the checks in order (headers, bodies, structure) and turns
 * the score into an action.  Bodies go before structure because decoding text
 * is what finds charset and encoding damage.
 */
#include <string.h>

#include "scan/scan_internal.h"

int scan_snippet_len(mv_str s, int max)
{
	int n = s.len < (size_t)max ? (int)s.len : max;

	/* Don't cut a UTF-8 sequence in half. */
	while (n > 0 && (size_t)n < s.len && ((unsigned char)s.p[n] & 0xC0) == 0x80)
		n--;
	return n;
}

int mv_scan(struct mv_msg *msg, const struct mv_scan_config *config, struct mv_report *report)
{
	struct mv_scan_config defaults;
	int rc = 0;

	if (config == NULL) {
		mv_scan_config_defaults(&defaults);
		config = &defaults;
	}
	memset(report, 0, sizeof(*report));
	report->msg = msg;
	if (scan_headers(report) < 0 || scan_bodies(report) < 0)
		rc = -1;
	if (rc < 0)
		msg->problems |= MV_PROB_MEMORY;
	if (scan_structure(report) < 0)
		rc = -1;
	if (report->score >= config->reject_score)
		report->action = MV_ACTION_REJECT;
	else if (report->score >= config->quarantine_score)
		report->action = MV_ACTION_QUARANTINE;
	else if (report->score >= config->tag_score)
		report->action = MV_ACTION_TAG;
	else
		report->action = MV_ACTION_ACCEPT;
	return rc;
}
