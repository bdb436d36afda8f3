/*
 * Domain names as DMARC uses them: the Author Domain comes from a From field
 * (UTF-8 after decoding, any case), and every name the tree walk queries is
 * a suffix of a valid one, so it is checked and converted once, here.
 */
#include <idn2.h>
#include <stdlib.h>
#include <string.h>

#include "auth/dmarc.h"

bool dmarc_domain_valid(mv_str d)
{
	size_t i, label = 0;

	if (d.len == 0 || d.len > 253)
		return false;
	for (i = 0; i < d.len; i++) {
		char c = d.p[i];

		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '_') || ++label > 63)
			return false;
	}
	return label != 0;
}

bool dmarc_domain_ascii(mv_str domain, char out_r[256])
{
	char in[1024], *ascii = NULL;
	size_t i;
	bool plain = true;
	int rc;

	if (domain.len != 0 && domain.p[domain.len - 1] == '.')
		domain.len--;
	if (domain.len == 0 || domain.len >= sizeof(in) || memchr(domain.p, '\0', domain.len) != NULL)
		return false;
	for (i = 0; i < domain.len; i++)
		plain &= (unsigned char)domain.p[i] < 0x80;
	if (plain) {
		if (domain.len > 253)
			return false;
		mv_ascii_lower_copy(out_r, domain.p, domain.len);
		out_r[domain.len] = '\0';
		return dmarc_domain_valid(mv_str_make(out_r, domain.len));
	}
	memcpy(in, domain.p, domain.len);
	in[domain.len] = '\0';
	rc = idn2_to_ascii_8z(in, &ascii, IDN2_NONTRANSITIONAL);
	if (rc != IDN2_OK) {
		ascii = NULL;
		rc = idn2_to_ascii_8z(in, &ascii, IDN2_TRANSITIONAL);
	}
	if (rc != IDN2_OK)
		return false;
	i = strlen(ascii);
	if (i > 253) {
		idn2_free(ascii);
		return false;
	}
	mv_ascii_lower_copy(out_r, ascii, i);
	out_r[i] = '\0';
	idn2_free(ascii);
	return dmarc_domain_valid(mv_str_make(out_r, i));
}
