#!/bin/bash
# Links in realistic messages (tests/data/links/): a brand's URLs shown over a tracker and a
# redirector, Proofpoint v3 and v2, Safe Links inside Google, a Unicode href in quoted-printable
# HTML, and a newsletter signed by its From domain (DKIM, dkimpy, a key made here) whose trackers
# are then ordinary.  tests/links/links_scenarios.py does the work.  Debian's python3 is used: the
# one on PATH may lack dkimpy.
set -u
py=/usr/bin/python3
if ! "$py" -c 'import dkim' 2>/dev/null; then
	echo "skipped: $py cannot import dkim (apt-get install python3-dkim)"
	exit 77
fi
command -v openssl >/dev/null || { echo "skipped: no openssl command"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$py" "$MV_SRC/tests/links/links_scenarios.py" "$MAILVET" "$MV_SRC" "$work"
