/*
 * A configuration as the engine reads it: settings, then what only the
 * engine checks (score, group and composite directives, the expressions of
 * composites, networks and relay names, the thresholds), then a scan with the
 * engine it made, so that composites are evaluated and the envelope resolved.
 */
#include <stdint.h>
#include <stdlib.h>

#include "dns/dns.h"
#include "engine/engine_int.h"
#include "mailvet/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char message[] =
	"Received: from a.example.net (a.example.net [192.0.2.1]) by mx.example.org with ESMTPSA id 1;\n"
	" Mon, 7 Dec 2026 10:00:00 +0000\n"
	"Received: from [10.0.0.1] (b [10.0.0.1]) by a.example.net with SMTP id 2; Mon, 7 Dec 2026 09:00:00 +0000\n"
	"Return-Path: <>\nFrom: x@example.com\nSubject: s\nContent-Type: text/html\n\n<p>hi</p>\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mv_config *cfg = mv_engine_config_new();
	struct mv_engine *engine = NULL;
	struct mv_report report;
	struct mv_msg *msg = NULL;
	char *error = NULL;

	if (cfg == NULL)
		return 0;
	if (mv_config_read_text(cfg, "fuzz.conf", (const char *)data, size, &error) == 0) {
		mv_config_finish(cfg);
		if (mv_engine_new(cfg, &engine, &error) == 0 &&
		    mv_msg_parse(message, sizeof(message) - 1, mv_engine_limits(engine), &msg) == 0) {
			struct dns_zone *zone = dns_zone_new();
			struct dns_resolver *resolver = NULL;

			/* Whatever DNS the configuration names, the scan never waits on the network. */
			if (zone != NULL && dns_resolver_from_zone(zone, 50, &resolver) == 0)
				engine_replace_resolver(engine, resolver);
			(void)mv_scan(engine, msg, NULL, &report);
			mv_msg_free(&msg);
		}
	}
	free(error);
	mv_engine_unref(&engine);
	mv_config_unref(&cfg);
	return 0;
}
