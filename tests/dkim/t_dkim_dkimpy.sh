#!/bin/bash
# mailvet's DKIM verdicts equal those of an independent implementation, dkimpy (python3-dkim, a test
# dependency), on messages it signs with keys made here: every canonicalization, with and without l=,
# over-signed headers, RSA and ed25519, and tampered copies.  tests/dkim/dkimpy_compare.py does the
# work and prints every difference.  Debian's python3 is used: the one on PATH may lack dkimpy.
set -u
py=/usr/bin/python3
if ! "$py" -c 'import dkim, nacl.signing' 2>/dev/null; then
	echo "skipped: $py cannot import dkim and nacl (apt-get install python3-dkim python3-nacl)"
	exit 77
fi
command -v openssl >/dev/null || { echo "skipped: no openssl command"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$py" "$MV_SRC/tests/dkim/dkimpy_compare.py" "$MAILVET" "$work"
