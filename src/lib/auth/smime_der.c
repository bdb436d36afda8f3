/*
 * How many digest algorithms a SignedData lists (RFC 5652 5.1), read from
 * its BER before OpenSSL verifies it.  CMS_verify() hashes the content once
 * per listed algorithm, duplicates included, so a signature of a few
 * kilobytes listing thousands would make one message cost minutes; OpenSSL
 * gives no count of them.
 *
 *   ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT SignedData }
 *   SignedData ::= SEQUENCE { version INTEGER, digestAlgorithms SET OF ..., ... }
 *
 * Lengths may be indefinite (BER, as streaming signers write them); nesting
 * is bounded, and every step consumes bytes, so the walk is linear.
 */
#include <openssl/asn1.h>

#include "auth/smime.h"

#define MAX_NESTING 16

/* An end-of-contents octet pair (X.690 8.1.5) at p. */
static bool at_eoc(const unsigned char *p, const unsigned char *end)
{
	return end - p >= 2 && p[0] == 0 && p[1] == 0;
}

/* Reads an element's header: *pp to its contents, *len_r its length, -1 when indefinite. */
static int ber_header(const unsigned char **pp, const unsigned char *end, long *len_r, bool *constructed_r)
{
	int tag, xclass, ret;

	if (*pp >= end)
		return -1;
	ret = ASN1_get_object(pp, len_r, &tag, &xclass, end - *pp);
	if (ret & 0x80)
		return -1;	/* bad header, or a length past the end */
	*constructed_r = (ret & V_ASN1_CONSTRUCTED) != 0;
	if (ret == (V_ASN1_CONSTRUCTED | 1))
		*len_r = -1;
	return 0;
}

/* Moves *pp past one element, indefinite-length contents included. */
static bool ber_skip(const unsigned char **pp, const unsigned char *end, int depth)
{
	const unsigned char *p = *pp;
	bool constructed;
	long len;

	if (depth == 0 || ber_header(&p, end, &len, &constructed) < 0)
		return false;
	if (len >= 0) {
		*pp = p + len;
		return true;
	}
	while (!at_eoc(p, end)) {
		if (!ber_skip(&p, end, depth - 1))
			return false;
	}
	*pp = p + 2;
	return true;
}

/* Moves *pp into a constructed element's contents; *end_r is its end, NULL when indefinite. */
static bool ber_enter(const unsigned char **pp, const unsigned char *end, const unsigned char **end_r)
{
	bool constructed;
	long len;

	if (ber_header(pp, end, &len, &constructed) < 0 || !constructed)
		return false;
	*end_r = len >= 0 ? *pp + len : NULL;
	return true;
}

long smime_digest_algorithms(mv_str der)
{
	const unsigned char *p = (const unsigned char *)der.p, *end = p + der.len, *inner;
	long n = 0;

	if (!ber_enter(&p, end, &inner) || !ber_skip(&p, end, 1) ||	/* ContentInfo, contentType */
	    !ber_enter(&p, end, &inner) || !ber_enter(&p, end, &inner) ||	/* [0], SignedData */
	    !ber_skip(&p, end, 1) || !ber_enter(&p, end, &inner))		/* version, digestAlgorithms */
		return -1;
	if (inner != NULL)
		end = inner;
	while (inner != NULL ? p < end : !at_eoc(p, end)) {
		if (!ber_skip(&p, end, MAX_NESTING))
			return -1;
		n++;
	}
	return n;
}
