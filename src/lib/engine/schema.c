/*
 * The schema of settings: the engine's own tables (the actions' thresholds,
 * the deadline, switches), the envelope's, the limits on untrusted input
 * (made from the limits table, with '_' for '-' in the names), the DNS
 * resolver's (dns/dns.h), the store's (engine_store.c), then each check's
 * own table.  docs/mailvet.conf.5
 * documents every setting, and a test keeps the page and `mailvet config
 * --defaults` in step.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_int.h"

static const struct mv_setting_def scan_settings[] = {
	{ "tag_score", MV_SETTING_NUMBER, "5", -1e6, 1e6, NULL,
	  "score from which a message is tagged as suspect" },
	{ "quarantine_score", MV_SETTING_NUMBER, "10", -1e6, 1e6, NULL,
	  "score from which a message is quarantined" },
	{ "reject_score", MV_SETTING_NUMBER, "15", -1e6, 1e6, NULL,
	  "score from which a message is rejected" },
	{ "scan_deadline", MV_SETTING_TIME, "10s", 1, 3600000, NULL,
	  "the longest a scan waits for its lookups (DNS, the store); what has not come by then is a temporary error" },
	{ "disabled_checks", MV_SETTING_LIST, "", 0, 0, NULL,
	  "checks that do not run (see 'mailvet symbols --checks')" },
	{ "disabled_symbols", MV_SETTING_LIST, "", 0, 0, NULL,
	  "symbols that are never reported" },
};

static const struct mv_setting_def envelope_settings[] = {
	{ "trusted_relays", MV_SETTING_LIST, "", 0, 0, NULL,
	  "our own relays, by host name (.example.org: any name under it) or address/network; the first Received "
	  "field one of them wrote is the trust boundary" },
	{ "local_networks", MV_SETTING_LIST, "127.0.0.0/8, ::1/128", 0, 0, NULL,
	  "client networks whose mail is outbound (mail from SASL-authenticated clients is outbound too)" },
	{ "local_domains", MV_SETTING_LIST, "", 0, 0, NULL,
	  "the domains we receive mail for: outbound mail to them only is internal" },
};

static struct mv_setting_def limit_settings[32];
static char limit_names[32][40], limit_defaults[32][24];
static size_t n_limit_settings;
static pthread_once_t limit_once = PTHREAD_ONCE_INIT;

static void make_limit_settings(void)
{
	struct mv_limits defaults = { 0 };
	size_t n, i, k;
	const struct mv_limit_def *defs = mv_limit_defs(&n);

	mv_limits_fill(&defaults);
	for (i = 0; i < n && i < sizeof(limit_settings) / sizeof(limit_settings[0]); i++) {
		const char *field = (const char *)&defaults + defs[i].offset;
		unsigned long long v = defs[i].is_size_t ? *(const size_t *)(const void *)field
							 : *(const unsigned *)(const void *)field;

		for (k = 0; defs[i].name[k] != '\0' && k + 1 < sizeof(limit_names[i]); k++)
			limit_names[i][k] = defs[i].name[k] == '-' ? '_' : defs[i].name[k];
		limit_names[i][k] = '\0';
		snprintf(limit_defaults[i], sizeof(limit_defaults[i]), "%llu", v);
		limit_settings[i].name = limit_names[i];
		limit_settings[i].type = MV_SETTING_UINT;
		limit_settings[i].default_value = limit_defaults[i];
		limit_settings[i].min = (double)defs[i].min;
		limit_settings[i].max = (double)defs[i].max;
		limit_settings[i].description = defs[i].description;
	}
	n_limit_settings = i;
}

#define N_CORE 5

size_t engine_schema(const struct check_def *const *checks, size_t n_checks, struct mv_setting_table **tables_r)
{
	struct mv_setting_table *t = calloc(N_CORE + n_checks + 1, sizeof(*t));
	size_t n = 0, i;

	*tables_r = t;
	if (t == NULL)
		return 0;
	pthread_once(&limit_once, make_limit_settings);
	t[n++] = (struct mv_setting_table){ "scan", scan_settings, sizeof(scan_settings) / sizeof(scan_settings[0]) };
	t[n++] = (struct mv_setting_table){ "envelope", envelope_settings,
					    sizeof(envelope_settings) / sizeof(envelope_settings[0]) };
	t[n++] = (struct mv_setting_table){ "limits", limit_settings, n_limit_settings };
	t[n++] = dns_setting_table;
	t[n++] = engine_store_setting_table;
	for (i = 0; i < n_checks; i++) {
		if (checks[i]->n_settings != 0)
			t[n++] = (struct mv_setting_table){ checks[i]->name, checks[i]->settings, checks[i]->n_settings };
	}
	return n;
}

void engine_schema_free(struct mv_setting_table *tables)
{
	free(tables);
}
