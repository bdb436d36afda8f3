/* String view helpers: the word-at-a-time comparison against a byte loop. */
#include <stdint.h>
#include <string.h>

#include "mailvet/str.h"
#include "test.h"

/* The reference: equal lengths and every byte equal once ASCII letters are lower-cased. */
static bool ref_eq_ci(const char *a, size_t alen, const char *b)
{
	size_t i;

	if (strlen(b) != alen)
		return false;
	for (i = 0; i < alen; i++)
		if (mv_ascii_lower(a[i]) != mv_ascii_lower(b[i]))
			return false;
	return true;
}

/*
 * Every length to 24 (byte loop, two 4-byte words, overlapping 8-byte words)
 * with one byte changed at every place to every value, the case-folding
 * pitfalls among them ('@' and '`', '[' and '{', 0xC1 and 0xE1); the view
 * sits in a heap block of exactly its length.
 */
static void test_eq_ci_every_length_place_and_byte(void)
{
	size_t len, pos;
	unsigned b;
	int bad = 0;

	for (len = 0; len <= 24; len++) {
		char want[25];
		size_t i;

		for (i = 0; i < len; i++)
			want[i] = "Content-Type@[x`{Q9zZaA-_"[i];
		want[len] = '\0';
		for (pos = 0; pos < (len != 0 ? len : 1); pos++) {
			for (b = 1; b < 256; b += len != 0 ? 1 : 256) {
				char *s = malloc(len != 0 ? len : 1);

				memcpy(s, want, len);
				if (len != 0)
					s[pos] = (char)b;
				bad += mv_str_eq_ci(mv_str_make(s, len), want) != ref_eq_ci(s, len, want);
				free(s);
			}
		}
		/* A length off by one either way is never equal. */
		bad += len != 0 && mv_str_eq_ci(mv_str_make(want, len - 1), want);
		bad += len < 24 && mv_str_eq_ci(mv_str_make("Content-Type@[x`{Q9zZaA-_", len + 1), want);
	}
	CHECK_INT(bad, 0);
	CHECK(mv_str_eq_ci(MV_STR_LIT("QUOTED-Printable"), "quoted-printable"));
	CHECK(mv_str_eq_ci(MV_STR_NULL, ""));
	CHECK(!mv_str_eq_ci(MV_STR_LIT("base6@"), "base6`"));
}

int main(void)
{
	RUN(test_eq_ci_every_length_place_and_byte);
	return test_summary();
}
