/* Receipt requests arriving: the fields, the addresses, RFC 8098 2.1's test; and the store record's text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mdn/mdn.h"
#include "test.h"

static struct mv_msg *parse(const char *text)
{
	struct mv_msg *msg = NULL;

	if (mv_msg_parse(text, strlen(text), NULL, &msg) < 0)
		return NULL;
	return msg;
}

/* The foreign verdict of the message's request against return path rp. */
static int foreign_of(const char *text, const char *rp)
{
	struct mv_msg *msg = parse(text);
	struct mdn_request req;
	int f = -1;

	if (msg != NULL && mdn_request_read(msg->arena, msg->root, &req) == 0 && req.n_fields != 0)
		f = (int)mdn_request_foreign(&req, mv_str_cstr(rp));
	mv_msg_free(&msg);
	return f;
}

static void test_mdn_request_rfc8098_foreign(void)
{
	const char *one = "From: a@example.org\nDisposition-Notification-To: <A@Example.org>\n\nx\n";

	CHECK_INT(foreign_of(one, "a@example.org"), MDN_FOREIGN_NO);
	CHECK_INT(foreign_of(one, "bounces@example.org"), MDN_FOREIGN_DIFFERS);
	CHECK_INT(foreign_of(one, ""), MDN_FOREIGN_NO_RETURN_PATH);
	CHECK_INT(foreign_of("Disposition-Notification-To: a@x.example, b@y.example\n\nx\n", "a@x.example"),
		  MDN_FOREIGN_SEVERAL);
	CHECK_INT(foreign_of("Disposition-Notification-To: undisclosed-recipients:;\n\nx\n", "a@x.example"),
		  MDN_FOREIGN_UNREADABLE);
	CHECK_INT(foreign_of("Disposition-Notification-To: \n\nx\n", "a@x.example"), MDN_FOREIGN_UNREADABLE);
	/* The same address in a legacy field beside it is still one address. */
	CHECK_INT(foreign_of("Disposition-Notification-To: a@x.example\nReturn-Receipt-To: <a@X.EXAMPLE>\n\nx\n",
			     "a@x.example"), MDN_FOREIGN_NO);
	CHECK_INT(foreign_of("From: a@x.example\n\nx\n", "a@x.example"), -1);
}

static void test_mdn_request_every_field_listed_with_its_index(void)
{
	struct mv_msg *msg = parse("Read-Receipt-To: c@z.example\n"
				   "Disposition-Notification-To: a@x.example\n"
				   "Subject: s\n"
				   "X-Confirm-Reading-To: b@y.example\n"
				   "disposition-notification-to: d@w.example\n"
				   "Return-Receipt-To: a@x.example\n\nbody\n");
	struct mdn_request req;

	CHECK(msg != NULL);
	CHECK_INT(mdn_request_read(msg->arena, msg->root, &req), 0);
	CHECK_INT(req.n_fields, 5);
	/* Header order, each field's index counted within its own name. */
	CHECK_INT(req.fields[0].kind, MDN_REQ_READ);
	CHECK_INT(req.fields[1].kind, MDN_REQ_DNT);
	CHECK_INT(req.fields[1].index, 1);
	CHECK_INT(req.fields[2].kind, MDN_REQ_XCRT);
	CHECK_INT(req.fields[3].kind, MDN_REQ_DNT);
	CHECK_INT(req.fields[3].index, 2);
	CHECK_STR(req.fields[3].header->name, "disposition-notification-to");
	CHECK_INT(req.fields[4].kind, MDN_REQ_RRT);
	CHECK_INT(req.n_addrs, 4);
	CHECK_STR(req.addrs[0], "c@z.example");
	CHECK(!req.more);
	mv_msg_free(&msg);
}

/* A request naming a thousand addresses, in one field and in a thousand fields: bounded, all fields listed. */
static void test_mdn_request_thousand_addresses_bounded(void)
{
	size_t cap = 64 * 1024, len = 0;
	char *text = malloc(cap);
	struct mv_msg *msg;
	struct mdn_request req;
	clock_t t0;
	int i;

	len += (size_t)snprintf(text + len, cap - len, "Disposition-Notification-To: ");
	for (i = 0; i < 1000; i++)
		len += (size_t)snprintf(text + len, cap - len, "%s t%d@v%d.example", i != 0 ? "," : "", i, i);
	len += (size_t)snprintf(text + len, cap - len, "\n\nbody\n");
	msg = parse(text);
	t0 = clock();
	CHECK_INT(mdn_request_read(msg->arena, msg->root, &req), 0);
	CHECK_INT(req.n_fields, 1);
	CHECK_INT(req.n_addrs, MDN_MAX_ADDRS);
	CHECK(req.more);
	CHECK_INT(mdn_request_foreign(&req, mv_str_cstr("t0@v0.example")), MDN_FOREIGN_SEVERAL);
	mv_msg_free(&msg);

	len = 0;
	for (i = 0; i < 1000; i++)
		len += (size_t)snprintf(text + len, cap - len, "Disposition-Notification-To: t%d@v.example\n", i);
	len += (size_t)snprintf(text + len, cap - len, "\nbody\n");
	msg = parse(text);
	CHECK_INT(mdn_request_read(msg->arena, msg->root, &req), 0);
	CHECK_INT(req.n_fields, 1000);
	CHECK_INT(req.fields[999].index, 1000);
	CHECK_INT(req.n_addrs, MDN_MAX_ADDRS);
	CHECK(req.more);
	CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < time_bound(0.5));
	mv_msg_free(&msg);
	free(text);
}

static void test_mdn_record_round_trip(void)
{
	mv_arena *arena = mv_arena_new(1 << 20);
	struct mdn_record rec = { true, MV_STR_LIT("spam@x.example"), MV_STR_LIT("a@b.example,c@d.example"),
				  MV_STR_LIT("alice@example.com"), 1796637600 };
	struct mdn_record back;
	mv_str text = mdn_record_format(arena, &rec);

	CHECK_STR(text, "v1\tremoved\tspam@x.example\ta@b.example,c@d.example\talice@example.com\t1796637600");
	CHECK(mdn_record_parse(text, &back));
	CHECK(back.removed);
	CHECK_STR(back.return_path, "spam@x.example");
	CHECK_STR(back.requested, "a@b.example,c@d.example");
	CHECK_INT(back.time, 1796637600);
	CHECK(mdn_list_has(back.requested, mv_str_cstr("C@D.example")));
	CHECK(!mdn_list_has(back.requested, mv_str_cstr("d.example")));
	CHECK(!mdn_record_parse(MV_STR_LIT("v2\tkept\t\t\t\t1"), &back));
	CHECK(!mdn_record_parse(MV_STR_LIT("v1\tkept\t\t\t1"), &back));
	CHECK(!mdn_record_parse(MV_STR_LIT("v1\tmaybe\t\t\t\t1"), &back));
	CHECK(mdn_record_parse(MV_STR_LIT("v1\tkept\t\t\t\t1"), &back) && !back.removed);
	mv_arena_free(&arena);
}

/* Lists too long for a record are cut at an address; addresses a list cannot hold are left out. */
static void test_mdn_record_bounded(void)
{
	mv_arena *arena = mv_arena_new(1 << 20);
	mv_str items[200];
	char buf[200][40];
	struct mdn_record rec, back;
	mv_str text, list;
	unsigned i;

	for (i = 0; i < 200; i++) {
		snprintf(buf[i], sizeof(buf[i]), "target%03u@victim.example", i);
		items[i] = mv_str_cstr(buf[i]);
	}
	items[1] = MV_STR_LIT("\"a,b\"@x.example");
	list = mdn_list_join(arena, items, 200, MDN_RECORD_MAX);
	CHECK(list.len <= MDN_RECORD_MAX);
	CHECK(!mdn_list_has(list, items[1]));
	memset(&rec, 0, sizeof(rec));
	rec.requested = list;
	rec.recipients = list;
	text = mdn_record_format(arena, &rec);
	CHECK(text.len != 0 && text.len <= MDN_RECORD_MAX);
	CHECK(mdn_record_parse(text, &back));
	CHECK(back.requested.len != 0 && back.requested.p[back.requested.len - 1] != ',');
	CHECK(mdn_list_has(back.requested, items[0]));
	mv_arena_free(&arena);
}

int main(void)
{
	RUN(test_mdn_request_rfc8098_foreign);
	RUN(test_mdn_request_every_field_listed_with_its_index);
	RUN(test_mdn_request_thousand_addresses_bounded);
	RUN(test_mdn_record_round_trip);
	RUN(test_mdn_record_bounded);
	return test_summary();
}
