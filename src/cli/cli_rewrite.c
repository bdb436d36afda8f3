/*
 * `mailvet scan --rewrite DIR`: each message the scan asks to change is
 * written to DIR, byte for byte the input except those changes, as the
 * milter would leave it: a removed field goes with its continuation lines
 * and its line end; an added field is appended to the header section, with
 * the line ends the message uses.  Envelope changes (change_from,
 * change_rcpt) are not in the file.  The file has the input's name (an mbox
 * member's gets "#N"); it is written beside and renamed, so a reader never
 * sees half of it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"

/* A byte range of the input left out. */
struct cut {
	const char *start, *end;
};

static int by_start(const void *x, const void *y)
{
	const struct cut *a = x, *b = y;

	return a->start < b->start ? -1 : a->start > b->start;
}

/* Past the line end at p ("\r\n", "\n" or a lone "\r"), within end. */
static const char *past_eol(const char *p, const char *end)
{
	if (p < end && *p == '\r')
		p++;
	if (p < end && *p == '\n')
		p++;
	return p;
}

/* The index-th field named `name` (from 1), or NULL. */
static const struct mv_header *nth_field(const struct mv_part *root, mv_str name, unsigned index)
{
	unsigned i, seen = 0;

	for (i = 0; i < root->n_headers; i++) {
		const struct mv_header *h = &root->headers[i];

		if (h->name.len == name.len && strncasecmp(h->name.p, name.p, name.len) == 0 && ++seen == index)
			return h;
	}
	return NULL;
}

/* Where the header section's blank line starts (the section's end when it has none). */
static const char *blank_line(mv_str section)
{
	const char *e = section.p + section.len;

	if (section.len >= 2 && e[-1] == '\n' && e[-2] == '\n')
		return e - 1;
	if (section.len >= 4 && memcmp(e - 4, "\r\n\r\n", 4) == 0)
		return e - 2;
	return e;
}

static bool uses_crlf(mv_str section)
{
	const char *nl = memchr(section.p, '\n', section.len);

	return nl != NULL && nl > section.p && nl[-1] == '\r';
}

static int put(struct cli_out *out, const char *p, const char *end)
{
	return end > p ? cli_out_append(out, p, (size_t)(end - p)) : 0;
}

/* The rewritten message into out; 0, or -1 when out of memory. */
static int rewrite(const char *data, size_t len, const struct mv_msg *msg, const struct mv_report *report,
		   struct cli_out *out)
{
	const struct mv_part *root = msg->root;
	mv_str section = root->header_raw;
	const char *end = data + len, *at = blank_line(section), *p = data, *eol = uses_crlf(section) ? "\r\n" : "\n";
	struct cut *cuts = calloc(report->n_changes + 1, sizeof(*cuts));
	unsigned i, n = 0;
	int rc = 0;

	if (cuts == NULL)
		return -1;
	for (i = 0; i < report->n_changes; i++) {
		const struct mv_change *c = &report->changes[i];
		const struct mv_header *h;

		if (c->op != MV_CHANGE_REMOVE_HEADER || (h = nth_field(root, c->name, c->index)) == NULL)
			continue;
		cuts[n].start = h->name.p;
		cuts[n].end = past_eol(h->value.p + h->value.len, end);
		n++;
	}
	qsort(cuts, n, sizeof(*cuts), by_start);
	for (i = 0; i < n && rc == 0; i++) {
		if (cuts[i].start < p)	/* the same field named twice */
			continue;
		rc = put(out, p, cuts[i].start);
		p = cuts[i].end;
	}
	if (rc == 0)
		rc = put(out, p, at);
	p = at > p ? at : p;
	/* A header section without a line end at its end (no body): end that line before adding. */
	if (rc == 0 && at > data && at[-1] != '\n' && at == section.p + section.len)
		rc = cli_out_append(out, eol, strlen(eol));
	for (i = 0; i < report->n_changes && rc == 0; i++) {
		const struct mv_change *c = &report->changes[i];

		if (c->op != MV_CHANGE_ADD_HEADER)
			continue;
		rc = cli_out_append(out, c->name.p, c->name.len);
		rc |= cli_out_append(out, ": ", 2);
		rc |= cli_out_append(out, c->value.p != NULL ? c->value.p : "", c->value.len);
		rc |= cli_out_append(out, eol, strlen(eol));
	}
	if (rc == 0)
		rc = put(out, p, end);
	free(cuts);
	return rc;
}

static bool has_header_changes(const struct mv_report *report)
{
	unsigned i;

	for (i = 0; i < report->n_changes; i++) {
		if (report->changes[i].op == MV_CHANGE_REMOVE_HEADER || report->changes[i].op == MV_CHANGE_ADD_HEADER)
			return true;
	}
	return false;
}

static int write_file(const char *dir, const char *name, const struct cli_out *out)
{
	char path[4400], tmp[4400];
	int fd, saved;
	size_t done = 0;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.mailvet-tmp", dir, name) >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	while (done < out->len) {
		ssize_t w = write(fd, out->p + done, out->len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	if (done != out->len || close(fd) != 0 || rename(tmp, path) != 0) {
		saved = errno;
		if (done != out->len)
			close(fd);
		unlink(tmp);
		errno = saved != 0 ? saved : EIO;
		return -1;
	}
	return 0;
}

int cli_rewrite_message(const char *dir, const char *input_path, unsigned index, const char *data, size_t len,
			const struct mv_msg *msg, const struct mv_report *report)
{
	const char *base = strrchr(input_path, '/');
	struct cli_out out = { NULL, 0, 0 };
	char name[300];
	int rc;

	if (!has_header_changes(report))
		return 0;
	base = base != NULL ? base + 1 : input_path;
	if (strcmp(input_path, "-") == 0 || base[0] == '\0')
		base = "stdin";
	if (index == 0)
		snprintf(name, sizeof(name), "%s", base);
	else
		snprintf(name, sizeof(name), "%.280s#%u", base, index);
	rc = rewrite(data, len, msg, report, &out);
	if (rc == 0)
		rc = write_file(dir, name, &out);
	else
		errno = ENOMEM;
	free(out.p);
	return rc;
}
