#!/bin/bash
# mailvet's ARC verdicts equal those of an independent implementation, dkimpy (python3-dkim with
# python3-authres, test dependencies), on chains it seals with keys made here, intact and changed.
# tests/arc/arc_dkimpy_compare.py does the work and prints every difference.  Debian's python3 is
# used: the one on PATH may lack dkimpy.
set -u
py=/usr/bin/python3
if ! "$py" -c 'import dkim, authres' 2>/dev/null; then
	echo "skipped: $py cannot import dkim and authres (apt-get install python3-dkim python3-authres)"
	exit 77
fi
command -v openssl >/dev/null || { echo "skipped: no openssl command"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$py" "$MV_SRC/tests/arc/arc_dkimpy_compare.py" "$MAILVET" "$work"
