/*
 * BATV tags (draft-levine-smtp-batv-01 4.1, "prvs"): making and checking
 * them.  The hash source is K, DDD and the address, as Exim's prvs does; the
 * domain is taken in lower case.  Signatures are compared in constant time.
 * An expiry day is read the nearer way round the 1000-day cycle: a day in
 * the past has expired, a day further ahead than the lifetime cannot be one
 * we wrote.
 */
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "batv/batv_int.h"

#define LOCAL_MAX 64	/* RFC 5321 4.5.3.1.1 */
#define DOMAIN_MAX 255

const char *mv_batv_status_name(enum mv_batv_status status)
{
	switch (status) {
	case MV_BATV_VALID:
		return "valid";
	case MV_BATV_UNTAGGED:
		return "untagged";
	case MV_BATV_MALFORMED:
		return "malformed";
	case MV_BATV_UNKNOWN_KEY:
		return "unknown key";
	case MV_BATV_BAD_SIGNATURE:
		return "bad signature";
	case MV_BATV_EXPIRED:
		return "expired";
	case MV_BATV_BAD_DAY:
		return "impossible day";
	}
	return "malformed";
}

/* local@domain at the last '@'; false without both. */
static bool split(mv_str address, mv_str *local_r, mv_str *domain_r)
{
	size_t i = address.len;

	while (i > 0 && address.p[i - 1] != '@')
		i--;
	if (i <= 1 || i == address.len)
		return false;
	*local_r = mv_str_make(address.p, i - 1);
	*domain_r = mv_str_make(address.p + i, address.len - i);
	return true;
}

/* The first three bytes of HMAC-SHA1(secret, K DDD local "@" domain), the domain in lower case. */
static bool signature(const struct mv_batv_keys *keys, unsigned k, unsigned day, mv_str local, mv_str domain,
		      unsigned char sig_r[3])
{
	unsigned char src[4 + LOCAL_MAX + 1 + DOMAIN_MAX], md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	size_t n = 0;

	if (keys->secret[k] == NULL || local.len > LOCAL_MAX || domain.len > DOMAIN_MAX)
		return false;
	src[n++] = (unsigned char)('0' + k);
	src[n++] = (unsigned char)('0' + day / 100);
	src[n++] = (unsigned char)('0' + day / 10 % 10);
	src[n++] = (unsigned char)('0' + day % 10);
	memcpy(src + n, local.p, local.len);
	n += local.len;
	src[n++] = '@';
	mv_ascii_lower_copy((char *)src + n, domain.p, domain.len);
	n += domain.len;
	if (HMAC(EVP_sha1(), keys->secret[k], (int)keys->len[k], src, n, md, &md_len) == NULL || md_len < 3)
		return false;
	memcpy(sig_r, md, 3);
	OPENSSL_cleanse(md, sizeof(md));
	return true;
}

static unsigned day_of(int64_t now)
{
	return now > 0 ? (unsigned)((now / 86400) % 1000) : 0;
}

int mv_batv_sign(const struct mv_batv_keys *keys, mv_str address, int64_t now, unsigned lifetime_days, char *out,
		 size_t size)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char sig[3];
	mv_str local, domain;
	unsigned day = (day_of(now) + lifetime_days) % 1000, k = keys->signer, i;
	size_t n;

	if (!split(address, &local, &domain) || mv_str_prefix_ci(local, "prvs=") ||
	    local.len + MV_BATV_TAG_LEN > LOCAL_MAX || domain.len > DOMAIN_MAX)
		return 0;
	n = MV_BATV_TAG_LEN + address.len;
	if (n + 1 > size)
		return -1;
	if (!signature(keys, k, day, local, domain, sig))
		return 0;
	memcpy(out, "prvs=", 5);
	out[5] = (char)('0' + k);
	out[6] = (char)('0' + day / 100);
	out[7] = (char)('0' + day / 10 % 10);
	out[8] = (char)('0' + day % 10);
	for (i = 0; i < 3; i++) {
		out[9 + 2 * i] = hex[sig[i] >> 4];
		out[10 + 2 * i] = hex[sig[i] & 15];
	}
	out[15] = '=';
	memcpy(out + MV_BATV_TAG_LEN, address.p, address.len);
	out[n] = '\0';
	return (int)n;
}

enum mv_batv_status mv_batv_verify(const struct mv_batv_keys *keys, mv_str address, int64_t now,
				   unsigned lifetime_days, struct mv_batv_result *result)
{
	const char *t;
	unsigned char want[3], got[3];
	mv_str local, domain;
	unsigned day = 0, i, ahead;

	memset(result, 0, sizeof(*result));
	result->address = address;
	result->status = MV_BATV_UNTAGGED;
	if (!split(address, &local, &domain) || !mv_str_prefix_ci(local, "prvs="))
		return result->status;
	result->status = MV_BATV_MALFORMED;
	t = local.p + 5;
	if (local.len <= MV_BATV_TAG_LEN || t[10] != '=' || t[0] < '0' || t[0] > '9')
		return result->status;
	for (i = 1; i < 4; i++) {
		if (t[i] < '0' || t[i] > '9')
			return result->status;
		day = day * 10 + (unsigned)(t[i] - '0');
	}
	for (i = 0; i < 3; i++) {
		int hi = mv_hex_value((unsigned char)t[4 + 2 * i]), lo = mv_hex_value((unsigned char)t[5 + 2 * i]);

		if (hi < 0 || lo < 0)
			return result->status;
		got[i] = (unsigned char)(hi << 4 | lo);
	}
	local = mv_str_make(local.p + MV_BATV_TAG_LEN, local.len - MV_BATV_TAG_LEN);
	if (local.len > LOCAL_MAX || domain.len > DOMAIN_MAX)
		return result->status;
	result->address = mv_str_make(local.p, address.len - MV_BATV_TAG_LEN);
	result->key = (unsigned)(t[0] - '0');
	if (keys->secret[result->key] == NULL)
		return result->status = MV_BATV_UNKNOWN_KEY;
	if (!signature(keys, result->key, day, local, domain, want) || CRYPTO_memcmp(want, got, 3) != 0)
		return result->status = MV_BATV_BAD_SIGNATURE;
	ahead = (day + 1000 - day_of(now)) % 1000;
	if (ahead <= lifetime_days) {
		result->days = ahead;
		return result->status = MV_BATV_VALID;
	}
	if (ahead < 1000 - ahead) {
		result->days = ahead;
		return result->status = MV_BATV_BAD_DAY;
	}
	result->days = 1000 - ahead;
	return result->status = MV_BATV_EXPIRED;
}
