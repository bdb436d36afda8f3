/*
 * A DNS for the DMARC evaluation's unit tests: TXT records by name, names
 * that fail, names that exist without a TXT record, and every question
 * logged.  In async mode the first question for a name answers MV_AGAIN, as
 * task_dns() does for a lookup it has just started, so a test can count the
 * runs (round trips) an evaluation takes.
 */
#ifndef TESTS_DMARC_FAKE_DNS_H
#define TESTS_DMARC_FAKE_DNS_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/dmarc.h"
#include "dns/dns.h"
#include "mailvet/status.h"

#define FAKE_MAX 4096
#define FAKE_MAX_RR 8

struct fake_dns {
	struct {
		char *name;
		char *text;		/* NULL: the name exists with no TXT (for the existence test) */
		int rcode;		/* DNS_R_OK, or a failure for every question about the name */
	} rec[FAKE_MAX];
	unsigned n_rec;
	bool async;
	char *asked[FAKE_MAX];		/* distinct questions, in order */
	unsigned n_asked;
	struct dns_rr rr[FAKE_MAX_RR];
	struct dns_answer answer;
};

static inline void fake_txt(struct fake_dns *f, const char *name, const char *text)
{
	f->rec[f->n_rec].name = strdup(name);
	f->rec[f->n_rec].text = text != NULL ? strdup(text) : NULL;
	f->rec[f->n_rec].rcode = DNS_R_OK;
	f->n_rec++;
}

static inline void fake_fail(struct fake_dns *f, const char *name, int rcode)
{
	fake_txt(f, name, NULL);
	f->rec[f->n_rec - 1].rcode = rcode;
}

static inline void fake_reset(struct fake_dns *f)
{
	unsigned i;

	for (i = 0; i < f->n_rec; i++) {
		free(f->rec[i].name);
		free(f->rec[i].text);
	}
	for (i = 0; i < f->n_asked; i++)
		free(f->asked[i]);
	memset(f, 0, sizeof(*f));
}

static inline void fake_forget_asked(struct fake_dns *f)
{
	unsigned i;

	for (i = 0; i < f->n_asked; i++)
		free(f->asked[i]);
	f->n_asked = 0;
}

static inline bool fake_was_asked(const struct fake_dns *f, const char *name)
{
	unsigned i;

	for (i = 0; i < f->n_asked; i++)
		if (strcasecmp(f->asked[i], name) == 0)
			return true;
	return false;
}

/* Whether `name` or a name under it holds records (a name with names below it exists: RFC 8020). */
static inline bool fake_exists(const struct fake_dns *f, const char *name)
{
	size_t n = strlen(name);
	unsigned i;

	for (i = 0; i < f->n_rec; i++) {
		size_t m = strlen(f->rec[i].name);

		if (strcasecmp(f->rec[i].name, name) == 0 ||
		    (m > n && f->rec[i].name[m - n - 1] == '.' && strcasecmp(f->rec[i].name + m - n, name) == 0))
			return true;
	}
	return false;
}

static inline int fake_lookup(void *ctx, const char *name, unsigned type, const struct dns_answer **answer_r)
{
	struct fake_dns *f = ctx;
	unsigned i;
	bool asked = fake_was_asked(f, name);

	if (!asked && f->n_asked < FAKE_MAX)
		f->asked[f->n_asked++] = strdup(name);
	if (f->async && !asked)
		return MV_AGAIN;
	memset(&f->answer, 0, sizeof(f->answer));
	f->answer.rr = f->rr;
	*answer_r = &f->answer;
	for (i = 0; i < f->n_rec; i++) {
		if (strcasecmp(f->rec[i].name, name) != 0)
			continue;
		if (f->rec[i].rcode != DNS_R_OK) {
			f->answer.rcode = f->rec[i].rcode;
			return MV_OK;
		}
		if (type == DNS_T_TXT && f->rec[i].text != NULL && f->answer.n_rr < FAKE_MAX_RR) {
			f->rr[f->answer.n_rr].type = DNS_T_TXT;
			f->rr[f->answer.n_rr].text = mv_str_cstr(f->rec[i].text);
			f->rr[f->answer.n_rr].n_strings = 1;
			f->answer.n_rr++;
		}
	}
	f->answer.rcode = fake_exists(f, name) ? DNS_R_OK : DNS_R_NXDOMAIN;
	return MV_OK;
}

#endif
