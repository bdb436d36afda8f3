#!/bin/bash
# An mbox separator starts the file or follows a blank line: a bounce that quotes the "From " line
# of the message it returns stays one message, and a real mbox still splits.
set -u
pass=0; fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
data="$MV_SRC/tests/data/bounces-sisimai/msgs"
names() { "$MAILVET" scan --json "$@" | python3 -c '
import json, sys
for line in sys.stdin: o = json.loads(line); print(o["file"].rsplit("/", 1)[1], o["subject"])'; }

# A Postfix bounce as an MDA stored it (a "From " line first), quoting its original's mbox line
# after a line of dashes.
{ echo "From MAILER-DAEMON  Thu Apr 29 23:34:46 2015"; cat "$data/0314.eml"; } > "$tmp/one.mbox"
got=$(names "$tmp/one.mbox")
[ "$got" = "one.mbox Undelivered Mail Returned to Sender" ] && ok || bad "a bounce quoting a From line was split:
$got"

# The same bounce followed by a second message: two messages, the bounce whole.
{ cat "$tmp/one.mbox"; echo; printf 'From b@example.com Tue Jun 18 11:23:46 2002\nSubject: two\n\nbody\n'; } \
	> "$tmp/two.mbox"
got=$(names "$tmp/two.mbox")
[ "$got" = "two.mbox#1 Undelivered Mail Returned to Sender
two.mbox#2 two" ] && ok || bad "mbox of a bounce and a message:
$got"
# A real bounce whose file starts with "From " and that quotes a "From " line right after a MIME
# boundary (sisimai rhost-cox-01): one message.
got=$(names "$data/0555.eml")
[ "$got" = "0555.eml Undelivered Mail Returned to Sender" ] && ok || bad "0555.eml was split:
$got"

echo "t_mbox: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
