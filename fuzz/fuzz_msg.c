/*
 * The whole pipeline on one input: parse, scan (decoding, charsets, HTML,
 * URLs, header fields, the walk of the Received chain to the trust boundary)
 * and both report writers.  Small limits make the limit paths reachable with
 * small inputs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns.h"
#include "engine/engine_int.h"
#include "mailvet/engine.h"
#include "mailvet/output.h"

/* Relays by name, by domain and by network, so that any Received chain can meet the boundary. */
static const char site_conf[] = "trusted_relays = mx.example.org, .example.net, 192.0.2.0/24, 2001:db8::/32\n"
				"local_domains = example.org\n"
				"composite T_FUZZ = (HTML_ONLY or HELO_NOT_FQDN) and not MISSING_DATE\n";

/* DNS from a zone, never the network: a few DMARC policies, every other name does not exist. */
static const char site_zone[] = "_dmarc.example.org. TXT \"v=DMARC1; p=reject; sp=quarantine\"\n"
				"_dmarc.example.com. TXT \"v=DMARC1; p=none; aspf=s; t=y\"\n"
				"_dmarc.example. TXT \"v=DMARC1; p=quarantine; psd=y\"\n";

static struct mv_engine *site_engine(void)
{
	static struct mv_engine *engine;
	struct mv_config *cfg;
	struct dns_zone *zone;
	struct dns_resolver *resolver;
	char *error = NULL;

	if (engine != NULL)
		return engine;
	cfg = mv_engine_config_new();
	if (cfg == NULL || mv_config_read_text(cfg, "fuzz.conf", site_conf, strlen(site_conf), &error) < 0)
		abort();
	mv_config_finish(cfg);
	if (mv_engine_new(cfg, &engine, &error) < 0)
		abort();
	zone = dns_zone_new();
	if (zone == NULL || dns_zone_load_text(zone, "fuzz.zone", site_zone, sizeof(site_zone) - 1, &error) < 0 ||
	    dns_resolver_from_zone(zone, 50, &resolver) < 0)
		abort();
	engine_replace_resolver(engine, resolver);
	mv_config_unref(&cfg);
	return engine;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mv_limits limits = { .max_headers = 64, .max_mime_depth = 8, .max_parts = 64,
				    .max_urls = 32, .max_decoded_bytes = 1 << 16 };
	struct mv_msg *msg;
	struct mv_report report;
	mv_buf out;

	if (mv_msg_parse((const char *)data, size, &limits, &msg) < 0)
		return 0;
	(void)mv_scan(site_engine(), msg, NULL, &report);
	mv_buf_init(&out, msg->arena, (size_t)16 << 20);
	(void)mv_report_write_json(&report, "fuzz", &out);
	(void)mv_report_write_text(&report, "fuzz", &out);
	mv_msg_free(&msg);
	return 0;
}
