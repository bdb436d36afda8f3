/*
 * The fast and the general header parsers on every corpus field of their
 * kind (tests/corpus.h), in every part's header: each Received field
 * (mv_received_parse() against hdr_received_parse_general()); each Date and
 * Resent-Date field and the date of each Received field (the common-shape
 * reader, where it takes one, against the general parser); each address
 * field (the single-address reader, where it takes one, against the
 * general list parser).
 */
#include "corpus.h"
#include "hdr_agree.h"
#include "mailvet/hdr.h"
#include "mailvet/msg.h"
#include "test.h"

struct field_counts {
	unsigned received, dates, dates_common, addrs, addrs_single;
};

static const char *const date_fields[] = { "Date", "Resent-Date" };
static const char *const addr_fields[] = {
	"From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Resent-From", "Resent-Sender", "Resent-To",
	"Resent-Cc", "Resent-Bcc",
};

static bool named(const struct mv_header *h, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (mv_str_eq_ci(h->name, names[i]))
			return true;
	}
	return false;
}

static void count_date(struct field_counts *c, mv_str date)
{
	c->dates++;
	if (check_date_agrees(date) != DATE_NOT_COMMON)
		c->dates_common++;
}

static void check_fields(struct mv_msg *msg, const char *path, void *ctx)
{
	struct field_counts *c = ctx;
	unsigned i, k;

	(void)path;	/* a difference prints the field itself */
	for (i = 0; i < msg->n_parts; i++) {
		const struct mv_part *part = msg->parts[i];

		for (k = 0; k < part->n_headers; k++) {
			const struct mv_header *h = &part->headers[k];

			if (mv_str_eq_ci(h->name, "Received")) {
				struct mv_received r;

				c->received++;
				check_received_agrees(h->value.p, h->value.len);
				mv_received_parse(NULL, h->value, &r);
				if (r.date_raw.len != 0)
					count_date(c, r.date_raw);
			} else if (named(h, date_fields, sizeof(date_fields) / sizeof(date_fields[0]))) {
				count_date(c, h->value);
			} else if (named(h, addr_fields, sizeof(addr_fields) / sizeof(addr_fields[0]))) {
				c->addrs++;
				check_single_matches_general(h->value.p, h->value.len, &c->addrs_single);
			}
		}
	}
}

static void test_hdr_corpus_fast_matches_general(void)
{
	struct field_counts c = { 0 };

	corpus_for_each(check_fields, &c);
	printf("corpus: %u Received; %u dates, %u by the common reader; %u address fields, %u single\n",
	       c.received, c.dates, c.dates_common, c.addrs, c.addrs_single);
	/* The corpus holds these many; fewer means the fields were not found. */
	CHECK(c.received > 30000);
	CHECK(c.dates > 35000 && c.dates_common * 10 > c.dates * 9);
	CHECK(c.addrs > 12000 && c.addrs_single * 2 > c.addrs);
}

int main(void)
{
	RUN(test_hdr_corpus_fast_matches_general);
	return test_summary();
}
