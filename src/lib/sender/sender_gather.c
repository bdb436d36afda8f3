/*
 * Gathering what a scanned message shows of who sent it, strongest kinds
 * first: the authentication results, the first untrusted client and the
 * servers beyond it, the envelope sender, the Message-ID, the mailing-list
 * and unsubscribe fields, the Feedback-ID, the providers' header marks and
 * the tracking links.  Only the message's own header (not its parts') is
 * read.  The cost is a few header lookups, one pass over the header fields
 * and one over the links, whose registrable domains the content check has
 * already computed.
 */
#include <string.h>
#include <strings.h>

#include "envelope/envelope_int.h"
#include "mailvet/url.h"
#include "sender/sender.h"
#include "util/arena_fmt.h"

#define LINK_DOMAINS 8		/* distinct tracking domains counted */
#define UNSUBSCRIBE_URIS 4	/* List-Unsubscribe entries read */

/* The domain after the '@' at `at`, up to a '>', white space or a URI's '?'. */
static mv_str domain_after(const char *at, const char *end)
{
	const char *p = at + 1;

	while (p < end && *p != '>' && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n' && *p != '?' && *p != ';' &&
	       *p != ',')
		p++;
	return mv_str_make(at + 1, (size_t)(p - at - 1));
}

/* The domain of an address (after its last '@'). */
static mv_str address_domain(mv_str addr)
{
	const char *at = addr.len != 0 ? memrchr(addr.p, '@', addr.len) : NULL;

	return at != NULL ? domain_after(at, addr.p + addr.len) : MV_STR_NULL;
}

/* The domain of the first address in a field ("list name@domain; contact ..."). */
static mv_str first_domain(mv_str value)
{
	const char *at = value.len != 0 ? memchr(value.p, '@', value.len) : NULL;

	return at != NULL ? domain_after(at, value.p + value.len) : MV_STR_NULL;
}

/* sender_add(), with its 1 (named an organization) folded into 0: -1 only when the arena is exhausted. */
static int add(struct sender_facts *f, mv_arena *arena, const struct providers *p, enum sender_kind kind, mv_str host,
	       mv_str value, unsigned roles)
{
	return sender_add(f, arena, p, kind, host, value, roles) < 0 ? -1 : 0;
}

static int add_auth(struct sender_facts *f, mv_arena *arena, const struct providers *p, const struct mv_auth *auth)
{
	unsigned i;
	int rc = 0;

	for (i = 0; i < auth->n_dkim; i++) {
		if (auth->dkim[i].result == MV_AUTH_PASS)
			rc |= add(f, arena, p, SENDER_DKIM, auth->dkim[i].domain, auth->dkim[i].domain, PROVIDER_DKIM);
	}
	if (auth->spf.result == MV_AUTH_PASS)
		rc |= add(f, arena, p, SENDER_SPF, auth->spf.domain, auth->spf.domain,
			  mv_str_eq(auth->spf.identity, "helo") ? PROVIDER_SENDING : PROVIDER_BOUNCE);
	else if ((auth->spf.result == MV_AUTH_FAIL || auth->spf.result == MV_AUTH_SOFTFAIL) &&
		 !mv_str_eq(auth->spf.identity, "helo")) {
		f->spf_failed = auth->spf.domain;
		f->spf_failed_org = sender_org_of(arena, auth->spf.domain);
	}
	return rc;
}

/* An address on the public Internet: not private, loopback, link-local, shared (RFC 1918, 6598, 3927, 4193). */
static bool public_ip(mv_str ip)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	uint8_t a[16];

	if (!net_parse_ip(ip, a))
		return false;
	if (memcmp(a, mapped, 12) == 0) {
		const uint8_t *v4 = a + 12;

		return !(v4[0] == 0 || v4[0] == 10 || v4[0] == 127 || (v4[0] == 169 && v4[1] == 254) ||
			 (v4[0] == 172 && (v4[1] & 0xF0) == 16) || (v4[0] == 192 && v4[1] == 168) ||
			 (v4[0] == 100 && (v4[1] & 0xC0) == 64));
	}
	return !((a[0] & 0xFE) == 0xFC || (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) ||
		 memcmp(a, (const uint8_t[15]){ 0 }, 15) == 0);
}

/*
 * The hop whose client is the first untrusted one: the trust boundary
 * (trusted_relays) when there is one; else, as SpamAssassin infers its
 * trusted networks, the first hop from the top whose client has a public
 * address (the hops above it moved the message inside the receiving site).
 * -1 when no hop qualifies.
 */
static int boundary_hop(const struct mv_report *report)
{
	unsigned k;

	if (report->trusted_hops > 0)
		return (int)report->trusted_hops - 1;
	for (k = 0; k < report->n_received; k++) {
		if (!(report->received[k].flags & MV_RCVD_LOCAL) && public_ip(report->received[k].ip))
			return (int)k;
	}
	return -1;
}

static bool unknown_name(mv_str s)
{
	return s.len == 7 && strncasecmp(s.p, "unknown", 7) == 0;
}

/* The first untrusted client (reverse name, HELO) and the servers that wrote the hops beyond it. */
static int add_servers(struct sender_facts *f, mv_arena *arena, const struct providers *p,
		       const struct mv_report *report)
{
	const struct mv_envelope *env = &report->envelope;
	int boundary = boundary_hop(report), rc = 0;
	unsigned k;

	if (env->source != MV_ENVELOPE_NONE) {
		if (env->conn.client_name_state != MV_CLIENT_NAME_NONE)
			rc |= add(f, arena, p, SENDER_RDNS, env->conn.client_name, MV_STR_NULL, PROVIDER_SENDING);
		rc |= add(f, arena, p, SENDER_HELO, env->conn.helo, MV_STR_NULL, PROVIDER_SENDING);
	} else if (boundary >= 0) {
		const struct mv_received *hop = &report->received[boundary];

		if (!unknown_name(hop->from))
			rc |= add(f, arena, p, SENDER_RDNS, hop->from, MV_STR_NULL, PROVIDER_SENDING);
		rc |= add(f, arena, p, SENDER_HELO, hop->helo, MV_STR_NULL, PROVIDER_SENDING);
	}
	if (boundary < 0)
		return rc;
	for (k = (unsigned)boundary + 1; k < report->n_received; k++) {
		int named = sender_add(f, arena, p, SENDER_RECEIVED, report->received[k].by, MV_STR_NULL,
				       PROVIDER_SENDING);

		if (named < 0)
			return -1;
		f->received_hops += (unsigned)named;
	}
	return rc;
}

static int add_return_path(struct sender_facts *f, mv_arena *arena, const struct providers *p,
			   const struct mv_envelope *env)
{
	if (!env->txn.has_mail_from || env->txn.mail_from.len == 0)
		return 0;
	return add(f, arena, p, SENDER_RETURN_PATH, address_domain(env->txn.mail_from), env->txn.mail_from,
			  PROVIDER_BOUNCE);
}

/* The host of a URI in a List-* field: a mailto: address's domain, or an http(s) URL's host. */
static mv_str uri_host(mv_str uri)
{
	size_t i, start;

	if (mv_str_prefix_ci(uri, "mailto:"))
		return address_domain(uri);
	if (mv_str_prefix_ci(uri, "http://"))
		start = 7;
	else if (mv_str_prefix_ci(uri, "https://"))
		start = 8;
	else
		return MV_STR_NULL;
	for (i = start; i < uri.len; i++) {
		char c = uri.p[i];

		if (c == '/' || c == '?' || c == '#' || c == ':' || c == '>' || c == '@')
			break;
	}
	return mv_str_make(uri.p + start, i - start);
}

/* Each <URI> of a List-Unsubscribe or List-Post field, at most max, to add(). */
static int add_uris(struct sender_facts *f, mv_arena *arena, const struct providers *p, mv_str value,
		    enum sender_kind kind, unsigned max)
{
	const char *s = value.p, *end = value.p + value.len;
	unsigned n = 0;
	int rc = 0;

	while (s < end && n < max) {
		const char *lt = memchr(s, '<', (size_t)(end - s)), *gt;
		mv_str host;

		if (lt == NULL)
			break;
		gt = memchr(lt, '>', (size_t)(end - lt));
		if (gt == NULL)
			break;
		host = uri_host(mv_str_make(lt + 1, (size_t)(gt - lt - 1)));
		if (host.len != 0)
			rc |= add(f, arena, p, kind, host, host, kind == SENDER_LIST_ID ? 0 : PROVIDER_TRACKING);
		n++;
		s = gt + 1;
	}
	return rc;
}

static bool local_ends(mv_str local, const char *suffix)
{
	size_t n = strlen(suffix);

	return local.len > n && strncasecmp(local.p + local.len - n, suffix, n) == 0;
}

/*
 * The address of a list manager: owner-LIST (Majordomo, LISTSERV), and
 * LIST-owner, LIST-request, LIST-bounces (Mailman, ezmlm and the like).
 */
static bool list_manager(mv_str field)
{
	const char *at = field.len != 0 ? memchr(field.p, '@', field.len) : NULL;
	const char *start;
	mv_str local;

	if (at == NULL)
		return false;
	/* The local part: back from the '@' to a '<', white space or the start. */
	for (start = at; start > field.p && start[-1] != '<' && start[-1] != ' ' && start[-1] != '\t'; start--)
		;
	local = mv_str_make(start, (size_t)(at - start));
	return mv_str_prefix_ci(local, "owner-") || local_ends(local, "-owner") || local_ends(local, "-request") ||
	       local_ends(local, "-bounces") || local_ends(local, "-bounce");
}

/*
 * A mailing list's identity: List-Id (RFC 2919: "<list-label.domain>"), else
 * List-Post's address, X-BeenThere's (Mailman), Mailing-List's ("list
 * name@domain; contact ...", ezmlm).
 */
static int add_list(struct sender_facts *f, mv_arena *arena, const struct providers *p, const struct mv_part *root,
		    const struct mv_envelope *env)
{
	const struct mv_header *h;

	if ((h = mv_part_header(root, "List-Id")) != NULL) {
		const char *lt = memchr(h->value.p, '<', h->value.len), *gt;
		mv_str id = mv_str_trim(h->value);

		if (lt != NULL && (gt = memchr(lt, '>', h->value.len - (size_t)(lt - h->value.p))) != NULL)
			id = mv_str_make(lt + 1, (size_t)(gt - lt - 1));
		f->mailing_list = true;
		return add(f, arena, p, SENDER_LIST_ID, id, id, 0);
	}
	if ((h = mv_part_header(root, "List-Post")) != NULL) {
		f->mailing_list = true;
		return add_uris(f, arena, p, h->value, SENDER_LIST_ID, 1);
	}
	if ((h = mv_part_header(root, "X-BeenThere")) != NULL || (h = mv_part_header(root, "Mailing-List")) != NULL) {
		mv_str d = first_domain(h->value);

		f->mailing_list = true;
		return add(f, arena, p, SENDER_LIST_ID, d, d, 0);
	}
	/*
	 * The other RFC 2369 fields mark a list too (List-Unsubscribe alone
	 * does not: every bulk sender writes it), and so do "Precedence: list"
	 * and a list manager's address in MAIL FROM or Sender.
	 */
	h = mv_part_header(root, "Sender");
	f->mailing_list = mv_part_header(root, "List-Subscribe") != NULL || mv_part_header(root, "List-Help") != NULL ||
			  mv_part_header(root, "List-Owner") != NULL || mv_part_header(root, "List-Archive") != NULL ||
			  list_manager(env->txn.mail_from) || (h != NULL && list_manager(h->value)) ||
			  ((h = mv_part_header(root, "Precedence")) != NULL && mv_str_eq_ci(mv_str_trim(h->value), "list"));
	return 0;
}

/* "campaign:customer:type:SENDER-ID" (Google's Feedback-ID): the last field names the sender. */
static int add_feedback(struct sender_facts *f, const struct providers *p, const struct mv_header *h)
{
	mv_str v = mv_str_trim(h->value);
	const char *colon = v.len != 0 ? memrchr(v.p, ':', v.len) : NULL;
	mv_str id = colon != NULL ? mv_str_trim(mv_str_make(colon + 1, v.len - (size_t)(colon + 1 - v.p))) : v;

	if (id.len == 0)
		return 0;
	return sender_add_provider(f, p, SENDER_FEEDBACK_ID, providers_by_feedback(p, id), id);
}

/* One pass over the header fields for the providers' marks. */
static int add_marks(struct sender_facts *f, mv_arena *arena, const struct providers *p, const struct mv_part *root)
{
	unsigned i;
	int rc = 0;

	for (i = 0; i < root->n_headers; i++) {
		const struct mv_header *h = &root->headers[i];
		int provider = providers_by_header(p, h->name, h->value);
		mv_str v;

		if (provider < 0)
			continue;
		v = arena_fmt(arena, 100, "%.*s: %.*s", (int)h->name.len, h->name.p, (int)mv_str_trim(h->value).len,
			      mv_str_trim(h->value).p);
		if (v.p == NULL)
			return -1;
		rc |= sender_add_provider(f, p, SENDER_PROVIDER_HEADER, provider, v);
	}
	return rc;
}

/* An anchor's text that shows a host ("https://www.brand.example/x", "www.brand.example") of another domain. */
static bool shows_other_domain(const struct mv_link *link)
{
	mv_str t = mv_str_trim(link->text), shown;
	char buf[256];
	size_t n, tld = 0;

	if (t.len < 4 || memchr(t.p, '.', t.len) == NULL)
		return false;
	if (mv_str_prefix_ci(t, "https://"))
		t = mv_str_make(t.p + 8, t.len - 8);
	else if (mv_str_prefix_ci(t, "http://"))
		t = mv_str_make(t.p + 7, t.len - 7);
	for (n = 0; n < t.len && n < sizeof(buf) - 1; n++) {
		char c = mv_ascii_lower(t.p[n]);

		if (c == '/' || c == '?' || c == '#' || c == ':')
			break;
		if (c == '.')
			tld = 0;
		else if (c >= 'a' && c <= 'z')
			tld++;
		else if ((c >= '0' && c <= '9') || c == '-')
			tld = 99;	/* a last label with these is no top-level domain */
		else
			return false;
		buf[n] = c;
	}
	/* A host needs a dot and a top-level domain of letters. */
	if (tld < 2 || tld > 63 || memchr(buf, '.', n) == NULL)
		return false;
	shown = mv_url_registrable_domain(mv_str_make(buf, n));
	return !(shown.len == link->url.domain.len && memcmp(shown.p, link->url.domain.p, shown.len) == 0);
}

/* An image whose path says it counts opens. */
static bool pixel(const struct mv_link *link)
{
	static const char *const words[] = { "open", "track", "pixel", "beacon" };
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (mv_str_find_ci(link->url.path, words[i]) != NULL)
			return true;
	}
	return false;
}

/*
 * Whether a link passes through the sender's tracker: the links check's flags
 * when it ran; else a known provider's tracking host, an anchor that shows
 * another domain than it goes to, or an open-counting image.
 */
static bool tracker(const struct providers *p, const struct mv_link *link)
{
	if (link->destination.len != 0)
		return (link->flags & (MV_LINKF_TRACKER | MV_LINKF_REDIRECT | MV_LINKF_HIDDEN)) != 0 &&
		       !(link->flags & MV_LINKF_SHORTENER);
	if (providers_by_host(p, link->url.host, PROVIDER_TRACKING) >= 0)
		return true;
	if (link->source == MV_LINK_HTML_IMAGE)
		return pixel(link);
	return link->source == MV_LINK_HTML_ANCHOR && shows_other_domain(link);
}

/* A tracking domain, the first host seen in it, and how many links pass through it. */
struct tracker_seen {
	mv_str domain, host;
	unsigned count;
};

static int add_links(struct sender_facts *f, mv_arena *arena, const struct providers *p,
		     const struct mv_report *report)
{
	struct tracker_seen seen[LINK_DOMAINS];
	unsigned n = 0, i, k;
	int rc = 0;

	for (i = 0; i < report->n_links; i++) {
		const struct mv_link *link = &report->links[i];

		if ((link->url.flags & (MV_URL_BAD | MV_URL_HOST_IP)) || link->url.domain.len == 0 || !tracker(p, link))
			continue;
		for (k = 0; k < n; k++) {
			if (seen[k].domain.len == link->url.domain.len &&
			    memcmp(seen[k].domain.p, link->url.domain.p, link->url.domain.len) == 0)
				break;
		}
		if (k < n) {
			seen[k].count++;
		} else if (n < LINK_DOMAINS) {
			seen[n].domain = link->url.domain;
			seen[n].host = link->url.host;
			seen[n++].count = 1;
		}
	}
	/* The busiest tracker first. */
	for (i = 0; i < n; i++) {
		unsigned best = i;

		for (k = i + 1; k < n; k++)
			if (seen[k].count > seen[best].count)
				best = k;
		if (best != i) {
			struct tracker_seen t = seen[i];

			seen[i] = seen[best];
			seen[best] = t;
		}
		k = f->n;
		rc |= add(f, arena, p, SENDER_LINK, seen[i].host, seen[i].host, PROVIDER_TRACKING);
		if (f->n > k)
			f->item[k].count = seen[i].count;
	}
	return rc;
}

int sender_gather(struct sender_facts *f, struct mv_msg *msg, const struct mv_report *report,
		  const struct providers *p, mv_str from)
{
	const struct mv_part *root = msg->root;
	const struct mv_header *h;
	mv_arena *arena = msg->arena;
	int rc = 0;

	memset(f, 0, sizeof(*f));
	f->from_domain = from;
	f->from_org = mv_url_registrable_domain(from);
	rc |= add_auth(f, arena, p, &report->auth);
	rc |= add_servers(f, arena, p, report);
	rc |= add_return_path(f, arena, p, &report->envelope);
	rc |= add(f, arena, p, SENDER_MESSAGE_ID, address_domain(report->message_id), report->message_id,
		  PROVIDER_MSGID);
	rc |= add_list(f, arena, p, root, &report->envelope);
	if ((h = mv_part_header(root, "List-Unsubscribe")) != NULL)
		rc |= add_uris(f, arena, p, h->value, SENDER_LIST_UNSUBSCRIBE, UNSUBSCRIBE_URIS);
	if ((h = mv_part_header(root, "Feedback-ID")) != NULL)
		rc |= add_feedback(f, p, h);
	rc |= add_marks(f, arena, p, root);
	rc |= add_links(f, arena, p, report);
	sender_rank(f);
	return rc != 0 ? -1 : 0;
}
