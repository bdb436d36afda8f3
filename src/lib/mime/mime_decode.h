/*
 * Content-Transfer-Encoding decoders (RFC 2045 6.7, 6.8; uuencode as
 * POSIX uuencode(1) writes it).  All are tolerant of garbage: they decode what
 * they can, skip what they cannot, and report the damage as MV_PROB_* bits in
 * *problems.  With out == NULL they only count the decoded size, so the size of
 * an attachment is known without materialising it.
 *
 * Output bounds: base64 writes at most len * 3 / 4 + 3 bytes, quoted-printable
 * and uuencode at most len bytes.
 */
#ifndef MAILVET_MIME_DECODE_H
#define MAILVET_MIME_DECODE_H

#include <stddef.h>

size_t mime_base64_decode(const char *in, size_t len, char *out, unsigned *problems);
size_t mime_qp_decode(const char *in, size_t len, char *out, unsigned *problems);
size_t mime_uu_decode(const char *in, size_t len, char *out, unsigned *problems);

/* True when body holds a uuencoded file ("begin NNN name" on a line). */
const char *mime_uu_find_begin(const char *in, size_t len);

#endif
