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

/* The header fields the evidence is read from, found in one pass over the message's header. */
enum field {
	F_LIST_ID,
	F_LIST_POST,
	F_BEEN_THERE,
	F_MAILING_LIST,
	F_LIST_UNSUBSCRIBE,
	F_FEEDBACK_ID,
	F_SENDER,
	F_PRECEDENCE,
	F_LIST_OTHER,		/* List-Subscribe, List-Help, List-Owner, List-Archive: a list, nothing to read */
	F_COUNT,
};

/* The field the name is, ASCII case-insensitively; F_COUNT for none.  By length first: one compare a field. */
static enum field field_of(mv_str name)
{
	static const struct {
		const char *name;
		enum field field;
	} by_len[17][2] = {
		[6] = { { "Sender", F_SENDER } },
		[7] = { { "List-Id", F_LIST_ID } },
		[9] = { { "List-Post", F_LIST_POST }, { "List-Help", F_LIST_OTHER } },
		[10] = { { "Precedence", F_PRECEDENCE }, { "List-Owner", F_LIST_OTHER } },
		[11] = { { "X-BeenThere", F_BEEN_THERE }, { "Feedback-ID", F_FEEDBACK_ID } },
		[12] = { { "Mailing-List", F_MAILING_LIST }, { "List-Archive", F_LIST_OTHER } },
		[14] = { { "List-Subscribe", F_LIST_OTHER } },
		[16] = { { "List-Unsubscribe", F_LIST_UNSUBSCRIBE } },
	};
	unsigned k;

	if (name.len > 16)
		return F_COUNT;
	for (k = 0; k < 2 && by_len[name.len][k].name != NULL; k++) {
		if (mv_ascii_lower(name.p[0]) == mv_ascii_lower(by_len[name.len][k].name[0]) &&
		    strncasecmp(name.p, by_len[name.len][k].name, name.len) == 0)
			return by_len[name.len][k].field;
	}
	return F_COUNT;
}

#define MARKS_READ 4		/* provider header marks kept */

struct fields {
	const struct mv_header *field[F_COUNT];	/* the first of each; NULL when absent */
	const struct mv_header *mark[MARKS_READ];
	int mark_provider[MARKS_READ];
	unsigned n_marks;
};

static void read_fields(const struct mv_part *root, const struct providers *p, struct fields *fs)
{
	unsigned i;

	memset(fs, 0, sizeof(*fs));
	for (i = 0; i < root->n_headers; i++) {
		const struct mv_header *h = &root->headers[i];
		enum field which = field_of(h->name);
		int provider;

		if (which != F_COUNT && fs->field[which] == NULL)
			fs->field[which] = h;
		if (fs->n_marks < MARKS_READ && (provider = providers_by_header(p, h->name, h->value)) >= 0) {
			fs->mark[fs->n_marks] = h;
			fs->mark_provider[fs->n_marks++] = provider;
		}
	}
}

/*
 * A mailing list's identity: List-Id (RFC 2919: "<list-label.domain>"), else
 * List-Post's address, X-BeenThere's (Mailman), Mailing-List's ("list
 * name@domain; contact ...", ezmlm).  The other RFC 2369 fields mark a list
 * too (List-Unsubscribe alone does not: every bulk sender writes it), and so
 * do "Precedence: list" and a list manager's address in MAIL FROM or Sender.
 */
static int add_list(struct sender_facts *f, mv_arena *arena, const struct providers *p, const struct fields *fs,
		    const struct mv_envelope *env)
{
	const struct mv_header *h;

	f->mailing_list = true;
	if ((h = fs->field[F_LIST_ID]) != NULL) {
		const char *lt = memchr(h->value.p, '<', h->value.len), *gt;
		mv_str id = mv_str_trim(h->value);

		if (lt != NULL && (gt = memchr(lt, '>', h->value.len - (size_t)(lt - h->value.p))) != NULL)
			id = mv_str_make(lt + 1, (size_t)(gt - lt - 1));
		return add(f, arena, p, SENDER_LIST_ID, id, id, 0);
	}
	if ((h = fs->field[F_LIST_POST]) != NULL)
		return add_uris(f, arena, p, h->value, SENDER_LIST_ID, 1);
	if ((h = fs->field[F_BEEN_THERE]) != NULL || (h = fs->field[F_MAILING_LIST]) != NULL) {
		mv_str d = first_domain(h->value);

		return add(f, arena, p, SENDER_LIST_ID, d, d, 0);
	}
	f->mailing_list = fs->field[F_LIST_OTHER] != NULL || list_manager(env->txn.mail_from) ||
			  (fs->field[F_SENDER] != NULL && list_manager(fs->field[F_SENDER]->value)) ||
			  (fs->field[F_PRECEDENCE] != NULL &&
			   mv_str_eq_ci(mv_str_trim(fs->field[F_PRECEDENCE]->value), "list"));
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

/* The providers' header marks found: "X-SG-EID: ...". */
static int add_marks(struct sender_facts *f, mv_arena *arena, const struct providers *p, const struct fields *fs)
{
	unsigned i;
	int rc = 0;

	for (i = 0; i < fs->n_marks; i++) {
		const struct mv_header *h = fs->mark[i];
		mv_str value = mv_str_trim(h->value);
		mv_str v = arena_fmt(arena, 100, "%.*s: %.*s", (int)h->name.len, h->name.p, (int)value.len, value.p);

		if (v.p == NULL)
			return -1;
		rc |= sender_add_provider(f, p, SENDER_PROVIDER_HEADER, fs->mark_provider[i], v);
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

/* An image whose path says it counts opens: "open", "track", "pixel" or "beacon", in one pass. */
static bool pixel(const struct mv_link *link)
{
	static const struct {
		const char *word;
		size_t len;
	} words[] = { { "open", 4 }, { "track", 5 }, { "pixel", 5 }, { "beacon", 6 } };
	mv_str path = link->url.path;
	size_t i, k;

	for (i = 0; i < path.len; i++) {
		char c = mv_ascii_lower(path.p[i]);

		if (c != 'o' && c != 't' && c != 'p' && c != 'b')
			continue;
		for (k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
			if (words[k].word[0] == c && i + words[k].len <= path.len &&
			    strncasecmp(path.p + i, words[k].word, words[k].len) == 0)
				return true;
		}
	}
	return false;
}

/* The last host asked whether it is a provider's tracker: a message's links repeat a few hosts. */
struct tracking_memo {
	mv_str host;
	bool tracking;
};

static bool tracking_host(const struct providers *p, mv_str host, struct tracking_memo *memo)
{
	if (memo->host.p == NULL || memo->host.len != host.len || memcmp(memo->host.p, host.p, host.len) != 0) {
		memo->host = host;
		memo->tracking = providers_by_host(p, host, PROVIDER_TRACKING) >= 0;
	}
	return memo->tracking;
}

/*
 * Whether a link passes through the sender's tracker: the links check's flags
 * when it ran; else a known provider's tracking host, an anchor that shows
 * another domain than it goes to, or an open-counting image.
 */
static bool tracker(const struct providers *p, const struct mv_link *link, struct tracking_memo *memo)
{
	if (link->destination.len != 0)
		return (link->flags & (MV_LINKF_TRACKER | MV_LINKF_REDIRECT | MV_LINKF_HIDDEN)) != 0 &&
		       !(link->flags & MV_LINKF_SHORTENER);
	if (tracking_host(p, link->url.host, memo))
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
	struct tracking_memo memo = { MV_STR_NULL, false };
	unsigned n = 0, i, k;
	int rc = 0;

	for (i = 0; i < report->n_links; i++) {
		const struct mv_link *link = &report->links[i];

		if ((link->url.flags & (MV_URL_BAD | MV_URL_HOST_IP)) || link->url.domain.len == 0 ||
		    !tracker(p, link, &memo))
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
	mv_arena *arena = msg->arena;
	struct fields fs;
	int rc = 0;

	read_fields(msg->root, p, &fs);
	memset(f, 0, sizeof(*f));
	f->from_domain = from;
	f->from_org = mv_url_registrable_domain(from);
	rc |= add_auth(f, arena, p, &report->auth);
	rc |= add_servers(f, arena, p, report);
	rc |= add_return_path(f, arena, p, &report->envelope);
	rc |= add(f, arena, p, SENDER_MESSAGE_ID, address_domain(report->message_id), report->message_id,
		  PROVIDER_MSGID);
	rc |= add_list(f, arena, p, &fs, &report->envelope);
	if (fs.field[F_LIST_UNSUBSCRIBE] != NULL)
		rc |= add_uris(f, arena, p, fs.field[F_LIST_UNSUBSCRIBE]->value, SENDER_LIST_UNSUBSCRIBE,
			       UNSUBSCRIBE_URIS);
	if (fs.field[F_FEEDBACK_ID] != NULL)
		rc |= add_feedback(f, p, fs.field[F_FEEDBACK_ID]);
	rc |= add_marks(f, arena, p, &fs);
	rc |= add_links(f, arena, p, report);
	sender_rank(f);
	return rc != 0 ? -1 : 0;
}
