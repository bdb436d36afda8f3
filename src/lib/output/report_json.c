/*
 * The JSON Lines form of a report.  Field names are an interface other tools
 * rely on; docs/json.md documents them and tests/cli checks them.
 *
 * The report is written a record at a time: its head, each part, link,
 * Received hop and symbol, and its tail.  A record first makes sure of room
 * for its worst case (every string escaped at six bytes a byte), then writes
 * its fields through a bare cursor, with no check each.  Keys are literals
 * with their punctuation, copied with a length known at compile time.
 */
#include "output_internal.h"

/*
 * Room for what a record holds beside its strings: keys, punctuation,
 * numbers (20 digits at most), booleans, a date.  The largest, a Received
 * hop, needs about 140 bytes.
 */
#define RECORD_FIXED 256

/*
 * KEY(",", "href") is the literal ,"href": and LIT(w, s) copies a literal to
 * the cursor w; the others write a key and its value, and return the new w.
 */
#define KEY(lead, name) lead "\"" name "\":"
#define LIT(w, s) put_bytes((w), (s), sizeof(s) - 1)
#define STR(w, lead, name, v) json_put_string(LIT((w), KEY(lead, name)), (v))
#define INT(w, lead, name, v) json_put_uint(LIT((w), KEY(lead, name)), (v))
#define BOOL(w, lead, name, v) put_bool(LIT((w), KEY(lead, name)), (v))
#define DATE(w, lead, name, t, valid) put_date(LIT((w), KEY(lead, name)), (t), (valid))
#define SCORE(w, lead, name, v) json_put_fixed2(LIT((w), KEY(lead, name)), (v))

static char *put_bytes(char *w, const char *s, size_t n)
{
	memcpy(w, s, n);
	return w + n;
}

static char *put_bool(char *w, bool v)
{
	return v ? LIT(w, "true") : LIT(w, "false");
}

/* An ISO 8601 UTC time, or null. */
static char *put_date(char *w, int64_t t, bool valid)
{
	return valid ? json_put_date(w, t) : LIT(w, "null");
}

/*
 * Where a record is written: in place at the end of the output, or, when the
 * output cannot promise room for the record's worst case (near its ceiling),
 * in scratch memory, from which the checked append keeps what fits.
 */
struct record {
	char *start;
	mv_arena *scratch;
};

/* The slow road of record_begin: scratch memory for a record the output cannot promise room for. */
static char *record_scratch(mv_buf *out, size_t worst, struct record *rec)
{
	int truncated = out->truncated;

	/* Never ask past the ceiling, which would mark the output truncated though the record may fit. */
	if (worst <= out->max - out->len && mv_buf_reserve(out, worst) != NULL)
		return rec->start = out->p + out->len;
	out->truncated = truncated;	/* a refused reservation is not yet a loss: the append decides */
	rec->scratch = mv_arena_new(worst + ((size_t)64 << 10));
	rec->start = rec->scratch != NULL ? mv_arena_alloc(rec->scratch, worst) : NULL;
	if (rec->start == NULL) {
		mv_arena_free(&rec->scratch);
		out->truncated = 1;
	}
	return rec->start;
}

/* Returns the cursor for a record of at most `worst` bytes, or NULL (out->truncated is then set). */
static inline char *record_begin(mv_buf *out, size_t worst, struct record *rec)
{
	rec->scratch = NULL;
	if (worst < out->cap - out->len)
		return rec->start = out->p + out->len;
	return record_scratch(out, worst, rec);
}

/* Ends the record at end; returns 0, or -1 when not all of it fit. */
static inline int record_end(mv_buf *out, struct record *rec, const char *end)
{
	int rc;

	if (rec->scratch == NULL) {
		out->len = (size_t)(end - out->p);
		return 0;
	}
	rc = mv_buf_append(out, rec->start, (size_t)(end - rec->start));
	mv_arena_free(&rec->scratch);
	return rc;
}

static int write_head(const struct mv_report *report, const char *file, mv_buf *out)
{
	struct mv_msg *msg = report->msg;
	const struct mv_addr *from = mv_msg_from(msg);
	mv_str name = from != NULL ? from->name : MV_STR_NULL;
	mv_str address = from != NULL ? from->address : MV_STR_NULL;
	mv_str subject = mv_msg_subject(msg), path = mv_str_cstr(file != NULL ? file : "-");
	size_t worst = RECORD_FIXED + json_string_worst(path) + json_string_worst(report->message_id) +
		       json_string_worst(name) + json_string_worst(address) + json_string_worst(subject);
	struct record rec;
	char *w = record_begin(out, worst, &rec);

	if (w == NULL)
		return -1;
	w = STR(w, "{", "file", path);
	w = STR(w, ",", "message_id", report->message_id);
	w = LIT(w, KEY(",", "from") "{");
	w = STR(w, "", "name", name);
	w = STR(w, ",", "address", address);
	*w++ = '}';
	w = STR(w, ",", "subject", subject);
	w = DATE(w, ",", "date", report->date, report->date_valid);
	w = INT(w, ",", "size", (unsigned long long)msg->raw.len);
	return record_end(out, &rec, w);
}

static int write_part(mv_buf *out, struct mv_msg *msg, struct mv_part *part, bool first)
{
	mv_str encoding = mv_str_cstr(mv_cte_name(part->cte));
	unsigned long long decoded_size = (unsigned long long)mv_part_decoded_size(msg, part);
	size_t worst = RECORD_FIXED + json_string_worst(part->ctype.type) + json_string_worst(part->ctype.subtype) +
		       json_string_worst(part->charset) + json_string_worst(encoding) +
		       json_string_worst(part->filename);
	struct record rec;
	char *w = record_begin(out, worst, &rec);

	if (w == NULL)
		return -1;
	if (!first)
		*w++ = ',';
	w = INT(w, "{", "id", part->id);
	w = INT(w, ",", "depth", part->depth);
	/* "type/subtype", escaped as one string. */
	w = LIT(w, KEY(",", "type") "\"");
	w = json_put_escaped(w, part->ctype.type);
	*w++ = '/';
	w = json_put_escaped(w, part->ctype.subtype);
	*w++ = '"';
	w = STR(w, ",", "charset", part->charset);
	w = STR(w, ",", "encoding", encoding);
	w = INT(w, ",", "size", (unsigned long long)part->body.len);
	w = INT(w, ",", "decoded_size", decoded_size);
	if (part->filename.len != 0)
		w = STR(w, ",", "filename", part->filename);
	*w++ = '}';
	return record_end(out, &rec, w);
}

/* The link's kind as a JSON string: a literal, no escaping to do. */
static char *put_link_kind(char *w, enum mv_link_source source)
{
	switch (source) {
	case MV_LINK_TEXT:
		return LIT(w, "\"text\"");
	case MV_LINK_HTML_ANCHOR:
		return LIT(w, "\"anchor\"");
	case MV_LINK_HTML_IMAGE:
		return LIT(w, "\"image\"");
	case MV_LINK_HTML_FORM:
		return LIT(w, "\"form\"");
	case MV_LINK_HTML_OTHER:
		break;
	}
	return LIT(w, "\"other\"");
}

static int write_link(mv_buf *out, const struct mv_link *link, bool first)
{
	size_t worst = RECORD_FIXED * 2 + json_string_worst(link->text) + json_string_worst(link->href) +
		       2 * json_string_worst(link->url.normalized) + json_string_worst(link->url.host) +
		       2 * json_string_worst(link->url.domain) + json_string_worst(link->destination) +
		       json_string_worst(link->destination_domain);
	struct record rec;
	char *w = record_begin(out, worst, &rec);
	unsigned i;
	int rc;

	if (w == NULL)
		return -1;
	if (!first)
		*w++ = ',';
	w = STR(w, "{", "text", link->text);
	w = STR(w, ",", "href", link->href);
	w = STR(w, ",", "url", link->url.normalized);
	w = STR(w, ",", "host", link->url.host);
	w = STR(w, ",", "domain", link->url.domain);
	w = put_link_kind(LIT(w, KEY(",", "kind")), link->source);
	w = INT(w, ",", "part", link->part_id);
	if (link->hidden)
		w = LIT(w, KEY(",", "hidden") "true");
	/* Before the links check has run (or without it) a link goes where its URL says. */
	w = STR(w, ",", "destination", link->destination.len != 0 ? link->destination : link->url.normalized);
	w = STR(w, ",", "destination_domain",
		link->destination.len != 0 ? link->destination_domain : link->url.domain);
	w = BOOL(w, ",", "mismatch", link->mismatch);
	w = BOOL(w, ",", "tracker", (link->flags & MV_LINKF_TRACKER) != 0);
	w = BOOL(w, ",", "hidden_destination", (link->flags & MV_LINKF_HIDDEN) != 0);
	w = BOOL(w, ",", "shortener", (link->flags & MV_LINKF_SHORTENER) != 0);
	w = BOOL(w, ",", "followed", (link->flags & MV_LINKF_FOLLOWED) != 0);
	w = LIT(w, KEY(",", "redirects") "[");
	rc = record_end(out, &rec, w);
	for (i = 0; i < link->n_redirects; i++) {
		if (i != 0)
			rc |= mv_buf_putc(out, ',');
		rc |= mv_json_string(out, link->redirects[i]);
	}
	return rc | mv_buf_append(out, "]}", 2);
}

static int write_hop(mv_buf *out, const struct mv_received *r, bool first, bool trusted)
{
	size_t worst = RECORD_FIXED + json_string_worst(r->from) + json_string_worst(r->helo) +
		       json_string_worst(r->ip) + json_string_worst(r->by) + json_string_worst(r->with) +
		       json_string_worst(r->id) + json_string_worst(r->for_);
	struct record rec;
	char *w = record_begin(out, worst, &rec);

	if (w == NULL)
		return -1;
	if (!first)
		*w++ = ',';
	w = STR(w, "{", "from", r->from);
	w = STR(w, ",", "helo", r->helo);
	w = STR(w, ",", "ip", r->ip);
	w = STR(w, ",", "by", r->by);
	w = STR(w, ",", "with", r->with);
	w = STR(w, ",", "id", r->id);
	w = STR(w, ",", "for", r->for_);
	w = DATE(w, ",", "date", r->date, r->date != 0);
	w = BOOL(w, ",", "authenticated", (r->flags & MV_RCVD_AUTH) != 0);
	w = BOOL(w, ",", "tls", (r->flags & MV_RCVD_TLS) != 0);
	w = BOOL(w, ",", "trusted", trusted);
	*w++ = '}';
	return record_end(out, &rec, w);
}

static int write_symbol(mv_buf *out, const struct mv_symbol *sym, bool first)
{
	mv_str name = mv_str_cstr(sym->name), group = mv_str_cstr(sym->group);
	size_t worst = RECORD_FIXED + JSON_FIXED2_WORST + json_string_worst(name) + json_string_worst(group) +
		       json_string_worst(sym->detail);
	struct record rec;
	char *w = record_begin(out, worst, &rec);
	unsigned i;
	int rc;

	if (w == NULL)
		return -1;
	if (!first)
		*w++ = ',';
	w = STR(w, "{", "name", name);
	w = STR(w, ",", "group", group);
	w = SCORE(w, ",", "score", sym->score);
	w = STR(w, ",", "detail", sym->detail);
	w = LIT(w, KEY(",", "options") "[");
	rc = record_end(out, &rec, w);
	for (i = 0; i < sym->n_options; i++) {
		if (i != 0)
			rc |= mv_buf_putc(out, ',');
		rc |= mv_json_string(out, sym->options[i]);
	}
	return rc | mv_buf_append(out, "]}", 2);
}

/* A string, or null when not known. */
static char *put_known(char *w, mv_str v, bool known)
{
	return known ? json_put_string(w, v) : LIT(w, "null");
}

#define KNOWN(w, lead, name, v, known) put_known(LIT((w), KEY(lead, name)), (v), (known))

/* The SMTP envelope as resolved: given, or read from the trust boundary. */
static int write_envelope(mv_buf *out, const struct mv_envelope *env)
{
	const struct mv_conn *c = &env->conn;
	mv_str direction = mv_str_cstr(mv_direction_name(env->direction));
	mv_str source = mv_str_cstr(mv_envelope_source_name(env->source));
	size_t worst = RECORD_FIXED + json_string_worst(c->client_ip) + json_string_worst(c->client_name) +
		       json_string_worst(c->helo) + json_string_worst(env->txn.mail_from) +
		       json_string_worst(c->sasl_user) + json_string_worst(direction) + json_string_worst(source);
	struct record rec;
	char *w;
	unsigned i;
	int rc;

	for (i = 0; i < env->txn.n_rcpt; i++)
		worst += 1 + json_string_worst(env->txn.rcpt[i]);
	w = record_begin(out, worst, &rec);
	if (w == NULL)
		return -1;
	w = LIT(w, KEY(",", "envelope") "{");
	w = KNOWN(w, "", "client_ip", c->client_ip, c->client_ip.len != 0);
	w = KNOWN(w, ",", "client_name", c->client_name, c->client_name.len != 0);
	w = KNOWN(w, ",", "helo", c->helo, c->helo.len != 0);
	w = KNOWN(w, ",", "mail_from", env->txn.mail_from, env->txn.has_mail_from);
	w = LIT(w, KEY(",", "rcpt") "[");
	for (i = 0; i < env->txn.n_rcpt; i++) {
		if (i != 0)
			*w++ = ',';
		w = json_put_string(w, env->txn.rcpt[i]);
	}
	*w++ = ']';
	w = KNOWN(w, ",", "sasl_user", c->sasl_user, c->sasl_user.len != 0);
	w = STR(w, ",", "direction", direction);
	w = STR(w, ",", "source", source);
	*w++ = '}';
	rc = record_end(out, &rec, w);
	return rc;
}

/* A result word: a literal from mv_auth_result_name(), never escaped. */
static char *put_result(char *w, enum mv_auth_result result)
{
	const char *name = mv_auth_result_name(result);
	size_t n = strlen(name);

	*w++ = '"';
	w = put_bytes(w, name, n);
	*w++ = '"';
	return w;
}

#define RESULT(w, lead, name, r) put_result(LIT((w), KEY(lead, name)), (r))

/* Room for a result word: the longest is "signer_mismatch". */
#define RESULT_WORST 24

static int write_auth_dkim(mv_buf *out, const struct mv_auth_dkim *d, bool first)
{
	size_t worst = RECORD_FIXED + RESULT_WORST + json_string_worst(d->domain) + json_string_worst(d->selector) +
		       json_string_worst(d->algorithm) + json_string_worst(d->reason);
	struct record rec;
	char *w = record_begin(out, worst, &rec);

	if (w == NULL)
		return -1;
	if (!first)
		*w++ = ',';
	w = RESULT(w, "{", "result", d->result);
	w = STR(w, ",", "domain", d->domain);
	w = STR(w, ",", "selector", d->selector);
	w = STR(w, ",", "algorithm", d->algorithm);
	w = BOOL(w, ",", "aligned", d->aligned);
	w = BOOL(w, ",", "weak", d->weak);
	w = INT(w, ",", "key_bits", d->key_bits);
	w = STR(w, ",", "reason", d->reason);
	*w++ = '}';
	return record_end(out, &rec, w);
}

/* Sender authentication: what each method found (docs/json.md). */
static int write_auth(mv_buf *out, const struct mv_auth *a)
{
	const struct mv_auth_spf *spf = &a->spf;
	const struct mv_auth_dmarc *dm = &a->dmarc;
	size_t worst = RECORD_FIXED * 4 + RESULT_WORST * 5 + json_string_worst(spf->domain) +
		       json_string_worst(spf->identity) + json_string_worst(spf->explanation) +
		       json_string_worst(dm->domain) + json_string_worst(dm->org_domain) + json_string_worst(dm->policy) +
		       json_string_worst(dm->disposition) + json_string_worst(a->arc.reason) +
		       json_string_worst(a->smime.signer) + json_string_worst(a->smime.reason) +
		       json_string_worst(a->authentication_results);
	struct record rec;
	char *w = record_begin(out, worst, &rec);
	unsigned i;
	int rc;

	if (w == NULL)
		return -1;
	if (!a->checked) {
		/* Nothing was checked (the common case without DNS): every method's empty result at once. */
		w = LIT(w, KEY(",", "auth") "{" KEY("", "source") "\"checked\"");
		w = STR(w, ",", "authentication_results", a->authentication_results);
		w = LIT(w, KEY(",", "spf") "{" KEY("", "result") "\"none\"" KEY(",", "domain") "\"\""
			   KEY(",", "identity") "\"\"" KEY(",", "explanation") "\"\"" KEY(",", "helo_result") "\"none\"}"
			   KEY(",", "dmarc") "{" KEY("", "result") "\"none\"" KEY(",", "domain") "\"\""
			   KEY(",", "org_domain") "\"\"" KEY(",", "policy") "\"\"" KEY(",", "disposition") "\"\""
			   KEY(",", "spf_aligned") "false" KEY(",", "dkim_aligned") "false" KEY(",", "testing") "false}"
			   KEY(",", "arc") "{" KEY("", "result") "\"none\"" KEY(",", "instances") "0" KEY(",", "reason") "\"\"}"
			   KEY(",", "smime") "{" KEY("", "result") "\"none\"" KEY(",", "signer") "\"\"" KEY(",", "reason") "\"\"}"
			   KEY(",", "dkim") "[]}");
		return record_end(out, &rec, w);
	}
	w = LIT(w, KEY(",", "auth") "{");
	w = LIT(w, KEY("", "source"));
	w = a->source == MV_AUTH_SOURCE_TRUSTED_HEADER ? LIT(w, "\"trusted-header\"") : LIT(w, "\"checked\"");
	w = STR(w, ",", "authentication_results", a->authentication_results);
	w = RESULT(w, KEY(",", "spf") "{", "result", spf->result);
	w = STR(w, ",", "domain", spf->domain);
	w = STR(w, ",", "identity", spf->identity);
	w = STR(w, ",", "explanation", spf->explanation);
	w = RESULT(w, ",", "helo_result", spf->helo_result);
	*w++ = '}';
	w = RESULT(w, KEY(",", "dmarc") "{", "result", dm->result);
	w = STR(w, ",", "domain", dm->domain);
	w = STR(w, ",", "org_domain", dm->org_domain);
	w = STR(w, ",", "policy", dm->policy);
	w = STR(w, ",", "disposition", dm->disposition);
	w = BOOL(w, ",", "spf_aligned", dm->spf_aligned);
	w = BOOL(w, ",", "dkim_aligned", dm->dkim_aligned);
	w = BOOL(w, ",", "testing", dm->testing);
	*w++ = '}';
	w = RESULT(w, KEY(",", "arc") "{", "result", a->arc.result);
	w = INT(w, ",", "instances", a->arc.instances);
	w = STR(w, ",", "reason", a->arc.reason);
	*w++ = '}';
	w = RESULT(w, KEY(",", "smime") "{", "result", a->smime.result);
	w = STR(w, ",", "signer", a->smime.signer);
	w = STR(w, ",", "reason", a->smime.reason);
	*w++ = '}';
	w = LIT(w, KEY(",", "dkim") "[");
	rc = record_end(out, &rec, w);
	for (i = 0; i < a->n_dkim; i++)
		rc |= write_auth_dkim(out, &a->dkim[i], i == 0);
	return rc | mv_buf_append(out, "]}", 2);
}

/* Who the message claims to be from, and who really sent it (docs/json.md). */
static int write_sender(mv_buf *out, const struct mv_sender *sd)
{
	size_t worst = RECORD_FIXED + json_string_worst(sd->claimed) + json_string_worst(sd->claimed_name) +
		       json_string_worst(sd->brand) + json_string_worst(sd->org) + json_string_worst(sd->provider) +
		       json_string_worst(sd->summary);
	struct record rec;
	char *w = record_begin(out, worst, &rec);
	unsigned i;
	int rc;

	if (w == NULL)
		return -1;
	w = STR(w, KEY(",", "sender") "{", "claimed", sd->claimed);
	w = STR(w, ",", "claimed_name", sd->claimed_name);
	w = STR(w, ",", "brand", sd->brand);
	w = STR(w, ",", "org", sd->org);
	w = STR(w, ",", "provider", sd->provider);
	w = BOOL(w, ",", "on_behalf", sd->on_behalf);
	w = STR(w, ",", "summary", sd->summary);
	w = LIT(w, KEY(",", "evidence") "[");
	rc = record_end(out, &rec, w);
	for (i = 0; i < sd->n_evidence; i++) {
		const struct mv_sender_evidence *e = &sd->evidence[i];
		mv_str kind = mv_str_cstr(e->kind != NULL ? e->kind : "");

		worst = RECORD_FIXED + json_string_worst(kind) + json_string_worst(e->domain) +
			json_string_worst(e->value);
		w = record_begin(out, worst, &rec);
		if (w == NULL)
			return -1;
		if (i != 0)
			*w++ = ',';
		w = STR(w, "{", "kind", kind);
		w = STR(w, ",", "domain", e->domain);
		w = STR(w, ",", "value", e->value);
		*w++ = '}';
		rc |= record_end(out, &rec, w);
	}
	return rc | mv_buf_append(out, "]}", 2);
}

static int write_change(mv_buf *out, const struct mv_change *c, bool first)
{
	mv_str op = mv_str_cstr(mv_change_op_name(c->op));
	size_t worst = RECORD_FIXED + json_string_worst(op) + json_string_worst(c->name) + json_string_worst(c->value) +
		       json_string_worst(c->old) + json_string_worst(c->reason);
	struct record rec;
	char *w = record_begin(out, worst, &rec);

	if (w == NULL)
		return -1;
	if (!first)
		*w++ = ',';
	w = STR(w, "{", "op", op);
	w = STR(w, ",", "name", c->name);
	w = STR(w, ",", "value", c->value);
	w = STR(w, ",", "old", c->old);
	w = INT(w, ",", "index", c->index);
	w = STR(w, ",", "reason", c->reason);
	*w++ = '}';
	return record_end(out, &rec, w);
}

/* The score, the action and the symbols, which close the report. */
static int write_tail(const struct mv_report *report, mv_buf *out)
{
	mv_str action = mv_str_cstr(mv_action_name(report->action));
	size_t worst = RECORD_FIXED + JSON_FIXED2_WORST + json_string_worst(action) + json_string_worst(report->reply);
	struct record rec;
	char *w = record_begin(out, worst, &rec);
	unsigned i;
	int rc;

	if (w == NULL)
		return -1;
	w = SCORE(w, ",", "score", report->score);
	w = STR(w, ",", "action", action);
	w = STR(w, ",", "reply", report->reply);
	w = LIT(w, KEY(",", "changes") "[");
	rc = record_end(out, &rec, w);
	for (i = 0; i < report->n_changes; i++)
		rc |= write_change(out, &report->changes[i], i == 0);
	rc |= mv_buf_append(out, "]" KEY(",", "symbols") "[", sizeof("]" KEY(",", "symbols") "[") - 1);
	for (i = 0; i < report->n_symbols; i++)
		rc |= write_symbol(out, &report->symbols[i], i == 0);
	return rc | mv_buf_append(out, "]}\n", 3);
}

/*
 * A generous guess of the report's size (field text plus the keys around it),
 * reserved up front: the buffer then grows once instead of doubling its way
 * through a new arena block or two.
 */
static size_t report_size_guess(const struct mv_report *report)
{
	size_t n = 1280 + (size_t)report->msg->n_parts * 160 + (size_t)report->n_symbols * 128;
	unsigned i;

	for (i = 0; i < report->n_links; i++) {
		const struct mv_link *l = &report->links[i];

		n += 240 + l->text.len + l->href.len + 2 * l->url.normalized.len + l->url.host.len + 2 * l->url.domain.len;
	}
	for (i = 0; i < report->n_received; i++) {
		const struct mv_received *r = &report->received[i];

		n += 160 + r->from.len + r->helo.len + r->ip.len + r->by.len + r->with.len + r->id.len + r->for_.len;
	}
	return n + n / 4;
}

int mv_report_write_json(const struct mv_report *report, const char *file, mv_buf *out)
{
	struct mv_msg *msg = report->msg;
	size_t guess = report_size_guess(report);
	unsigned i;
	int rc;

	/* Only a hint: never ask past the ceiling, which would mark the output truncated. */
	if (guess <= out->max - out->len)
		(void)mv_buf_reserve(out, guess);
	rc = write_head(report, file, out);
	rc |= mv_buf_append(out, KEY(",", "parts") "[", sizeof(KEY(",", "parts") "[") - 1);
	for (i = 0; i < msg->n_parts; i++)
		rc |= write_part(out, msg, msg->parts[i], i == 0);
	rc |= mv_buf_append(out, "]" KEY(",", "links") "[", sizeof("]" KEY(",", "links") "[") - 1);
	for (i = 0; i < report->n_links; i++)
		rc |= write_link(out, &report->links[i], i == 0);
	rc |= mv_buf_append(out, "]" KEY(",", "received") "[", sizeof("]" KEY(",", "received") "[") - 1);
	for (i = 0; i < report->n_received; i++)
		rc |= write_hop(out, &report->received[i], i == 0, i < report->trusted_hops);
	rc |= mv_buf_append(out, "]", 1);
	rc |= write_envelope(out, &report->envelope);
	rc |= write_auth(out, &report->auth);
	rc |= write_sender(out, &report->sender);
	rc |= write_tail(report, out);
	return rc != 0 ? -1 : 0;
}
