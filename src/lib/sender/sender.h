/*
 * Who really sent a message: the evidence a message carries of the
 * organization that sent it (authenticated identities, the servers it came
 * from, the addresses and hosts it names), ranked strongest first; the
 * organization decided from it; the bulk-mail provider that delivered it,
 * known by name from the providers file or found by the structure of its
 * mail; and one sentence that says it.  docs/internals/sender.md explains the
 * rules.  Everything per message lives in the message's arena; the providers
 * table is built once per engine and read-only after.
 */
#ifndef MV_SENDER_SENDER_H
#define MV_SENDER_SENDER_H

#include <stdbool.h>

#include "mailvet/arena.h"
#include "mailvet/scan.h"

/* ---- the providers file (providers.c) ---- */

/* The roles a provider's domain is known in: which evidence it matches. */
enum provider_role {
	PROVIDER_SENDING = 1u << 0,	/* HELO, reverse names, Received hops */
	PROVIDER_BOUNCE = 1u << 1,	/* Return-Path, the SPF-passing MAIL FROM */
	PROVIDER_TRACKING = 1u << 2,	/* link, pixel and List-Unsubscribe hosts */
	PROVIDER_DKIM = 1u << 3,	/* d= */
	PROVIDER_MSGID = 1u << 4,	/* Message-ID domains */
	PROVIDER_ANY = (1u << 5) - 1,
};

struct providers;

/* Bounds on a providers file: beyond them it is refused, not cut. */
#define PROVIDERS_MAX_FILE (1u << 20)
#define PROVIDERS_MAX_LINE 4096u
#define PROVIDERS_MAX_PROVIDERS 1000u
#define PROVIDERS_MAX_DOMAINS 20000u
#define PROVIDERS_MAX_MARKS 4000u

/*
 * Parses the text of a providers file (data/providers.conf explains the
 * format).  Returns 0 with *providers_r, or -1 with *error_r malloc()ed as
 * "FILE:LINE: what is wrong" (NULL when out of memory).
 */
int providers_parse(const char *file, const char *text, size_t len, struct providers **providers_r, char **error_r);
/* Reads and parses the file at path; the same contract. */
int providers_load(const char *path, struct providers **providers_r, char **error_r);
void providers_free(struct providers **providers);

unsigned providers_count(const struct providers *p);
/* The provider's name ("Mailchimp") and its main domain (the first it lists). */
const char *providers_name(const struct providers *p, unsigned i);
mv_str providers_domain(const struct providers *p, unsigned i);
/*
 * The provider one of whose domains, in one of `roles`, is the lower-case
 * host or a parent of it; -1 for none.
 */
int providers_by_host(const struct providers *p, mv_str host, unsigned roles);
/* The provider whose header mark the field (name, raw value) carries; -1 for none. */
int providers_by_header(const struct providers *p, mv_str name, mv_str value);
/* The provider whose Feedback-ID sender id this is (ASCII case-insensitive); -1 for none. */
int providers_by_feedback(const struct providers *p, mv_str sender_id);

/* ---- the evidence (sender_gather.c, sender_rank.c) ---- */

/* The kinds of evidence, strongest first: the order of the report's list. */
enum sender_kind {
	SENDER_DKIM,			/* a valid DKIM signature's d= */
	SENDER_SPF,			/* the SPF-passing MAIL FROM (or HELO, for a null sender) */
	SENDER_RDNS,			/* the reverse name of the first untrusted client */
	SENDER_HELO,			/* its HELO name */
	SENDER_RECEIVED,		/* the servers that wrote the Received hops beyond the trust boundary */
	SENDER_RETURN_PATH,		/* MAIL FROM, or the Return-Path field */
	SENDER_MESSAGE_ID,
	SENDER_LIST_ID,			/* a mailing list's List-Id (or List-Post, X-BeenThere) */
	SENDER_LIST_UNSUBSCRIBE,
	SENDER_FEEDBACK_ID,
	SENDER_LINK,			/* click-trackers and open pixels */
	SENDER_PROVIDER_HEADER,		/* a header field a provider marks its mail with */
	SENDER_KIND_COUNT,
};

/* The JSON name of a kind: "dkim", "spf", "rdns", ... */
const char *sender_kind_name(enum sender_kind kind);

struct sender_item {
	enum sender_kind kind;
	mv_str domain;		/* the registrable domain it names, lower case; empty when none */
	mv_str value;		/* what it was read from: the host, the d= value, the address */
	int provider;		/* the known provider it matches, or -1 */
	unsigned count;		/* how many hops, links or fields name this domain */
};

#define SENDER_MAX_ITEMS 24

struct sender_facts {
	struct sender_item item[SENDER_MAX_ITEMS];
	unsigned n;
	mv_str from_domain;	/* the From domain, lower case */
	mv_str from_org;	/* its registrable domain */
	unsigned received_hops;	/* hops beyond the trust boundary whose writer has a domain */
	bool mailing_list;	/* List-Id, List-Post, X-BeenThere or Mailing-List is present */
	mv_str spf_failed;	/* the MAIL FROM domain SPF failed (or softfailed) for: its claims are forged */
	mv_str spf_failed_org;	/* its registrable domain */
};

/*
 * Adds a piece of evidence: the lower-case registrable domain of host (a
 * host name or a domain; its trailing dot and brackets dropped), and the
 * provider it matches in `roles`.  A host that names no organization (an IP
 * address, a single label, localhost, .local) adds nothing; a second piece of
 * the same kind and domain counts in the first.  value may be empty (host is
 * then the value).  Returns 1 when host named an organization (kept, or
 * dropped from a full list), 0 when it named none, -1 when the arena is
 * exhausted.
 */
int sender_add(struct sender_facts *f, mv_arena *arena, const struct providers *p, enum sender_kind kind, mv_str host,
	       mv_str value, unsigned roles);
/* The lower-case registrable domain of a host, in the arena; empty when it names none (or out of memory). */
mv_str sender_org_of(mv_arena *arena, mv_str host);
/* The same for evidence that names a known provider (a header mark, a Feedback-ID): its main domain. */
int sender_add_provider(struct sender_facts *f, const struct providers *p, enum sender_kind kind, int provider,
			mv_str value);

/*
 * Gathers the evidence of a scanned message: report->auth, the envelope, the
 * Received hops from the trust boundary outward, Return-Path, Message-ID,
 * List-*, Feedback-ID, the links and the providers' header marks.  `from`
 * is the From domain (lower case).  Returns 0, or -1 when the arena is
 * exhausted.
 */
int sender_gather(struct sender_facts *f, struct mv_msg *msg, const struct mv_report *report,
		  const struct providers *p, mv_str from);

/* Orders the items strongest first (by kind, stable: the order found within a kind). */
void sender_rank(struct sender_facts *f);

/* ---- the decision (sender_decide.c) ---- */

/* What decided the organization. */
enum sender_basis {
	SENDER_BASIS_NONE,		/* nothing names one */
	SENDER_BASIS_DKIM,		/* a valid DKIM signature */
	SENDER_BASIS_SPF,		/* the SPF-passing MAIL FROM */
	SENDER_BASIS_RETURN_PATH,	/* the envelope sender, unauthenticated */
	SENDER_BASIS_CONSENSUS,		/* the domain most kinds of evidence name */
};

struct sender_verdict {
	mv_str org;			/* registrable domain; empty when nothing says */
	enum sender_basis basis;
	bool on_behalf;			/* org is not the From domain's organization */
	bool signed_by_from;		/* a valid DKIM signature aligned with the From domain */
	bool spf_aligned;		/* SPF passed for a MAIL FROM of the From domain's organization */
	bool signed_any;		/* some DKIM signature is valid */
	int provider;			/* the known provider that delivered it, or -1 */
	mv_str structure;		/* an unlisted bulk sender found by structure: its domain; else empty */
	bool provider_is_org;		/* that provider is the organization itself, not only its carrier */
	bool mailing_list;		/* a mailing list's fields, and no bulk-mail provider delivered it */
	unsigned org_kinds;		/* bit (1 << kind) for each kind of evidence naming org */
};

/* Decides from ranked facts. */
void sender_decide(const struct sender_facts *f, struct sender_verdict *v);

/* ---- saying it (sender_summary.c) ---- */

/*
 * The sentence of the report's sender.summary, in the arena:
 * "From says microsoft.com; sent by mailer.example on its behalf
 * (Return-Path, Message-ID and every Received hop); not signed by
 * microsoft.com".  An empty view when the arena is exhausted.
 */
mv_str sender_summary(mv_arena *arena, const struct sender_facts *f, const struct sender_verdict *v,
		      const struct providers *p);

/* The name to show for the provider of the verdict ("Mailchimp", or the domain found by structure); empty when none. */
mv_str sender_provider_name(const struct sender_verdict *v, const struct providers *p);

#endif
