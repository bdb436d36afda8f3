#!/bin/bash
# mailvet scan --rewrite DIR: each changed message written byte for byte as the input, but for the
# receipt-request fields removed (with their continuation lines and line ends); CRLF and LF input;
# mbox members by number; unchanged messages not written.
set -u
pass=0; fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/in" "$tmp/out" "$tmp/want"
env=(--client-ip 192.0.2.1 --mail-from promo@cheap-pills.example --rcpt alice@example.com)

# Junk with a folded Disposition-Notification-To and the legacy fields, CRLF line ends. want: the same
# bytes without the request fields.
head='Return-Path: <promo@cheap-pills.example>
From: "Best Offers" <promo@cheap-pills.example>
To: alice@example.com
Subject: You won!!!
Message-ID: <junk1@cheap-pills.example>'
req='Disposition-Notification-To: target1@victim-a.example, target2@victim-b.example,
 target3@victim-c.example,
	target4@victim-d.example
Return-Receipt-To: target1@victim-a.example
X-Confirm-Reading-To: <target2@victim-b.example>'
tail='Date: Mon, 07 Dec 2026 10:00:00 +0000
Read-Receipt-To: target3@victim-c.example
MIME-Version: 1.0

Buy now.
From the desk of nobody: Disposition-Notification-To: stays in the body
'
crlf() { sed 's/$/\r/'; }
printf '%s\n%s\n%s' "$head" "$req" "$tail" | crlf > "$tmp/in/crlf.eml"
printf '%s\n%s' "$head" "$tail" | grep -v '^Read-Receipt-To' | crlf > "$tmp/want/crlf.eml"
printf '%s\n%s\n%s' "$head" "$req" "$tail" > "$tmp/in/lf.eml"
printf '%s\n%s' "$head" "$tail" | grep -v '^Read-Receipt-To' > "$tmp/want/lf.eml"
# An ordinary message: not changed, not written.
printf 'From: bob@example.org\nTo: alice@example.com\nSubject: lunch\n\nAt noon?\n' > "$tmp/in/plain.eml"

"$MAILVET" scan --json --rewrite "$tmp/out" "${env[@]}" "$tmp/in" > "$tmp/report.jsonl"; st=$?
[ "$st" -eq 0 ] && ok || bad "scan --rewrite: exit $st"
for f in crlf.eml lf.eml; do
	cmp -s "$tmp/out/$f" "$tmp/want/$f" && ok || { bad "$f: not the input less the request fields"; \
		diff <(od -c "$tmp/want/$f") <(od -c "$tmp/out/$f") | head -20; }
done
[ ! -e "$tmp/out/plain.eml" ] && ok || bad "an unchanged message was written"
[ "$(ls -A "$tmp/out" | wc -l)" -eq 2 ] && ok || bad "files in DIR: $(ls -A "$tmp/out")"
# The report lists each removal, by name and index as a milter counts them.
python3 - "$tmp/report.jsonl" <<'EOF' && ok || bad "changes in the JSON report"
import json, sys
reports = [json.loads(l) for l in open(sys.argv[1])]
crlf = next(r for r in reports if r["file"].endswith("crlf.eml"))
got = [(c["op"], c["name"], c["index"]) for c in crlf["changes"]]
want = [("remove_header", "Disposition-Notification-To", 1), ("remove_header", "Return-Receipt-To", 1),
        ("remove_header", "X-Confirm-Reading-To", 1), ("remove_header", "Read-Receipt-To", 1)]
assert got == want, got
assert crlf["changes"][0]["value"].startswith("target1@victim-a.example, target2@victim-b.example, "), crlf["changes"][0]
assert "\r" not in crlf["changes"][0]["value"] and "\n" not in crlf["changes"][0]["value"]
plain = next(r for r in reports if r["file"].endswith("plain.eml"))
assert plain["changes"] == []
EOF

# An mbox: only the second member has a request; it is written as NAME#2.
rm -f "$tmp/out"/*
{
	printf 'From promo@x Mon Dec  7 10:00:00 2026\nFrom: a@x.example\nSubject: one\n\nfirst\n\n'
	printf 'From promo@x Mon Dec  7 10:01:00 2026\n%s\n%s\n%s\n' "$head" "$req" "$tail"
	printf 'From promo@x Mon Dec  7 10:02:00 2026\nFrom: c@x.example\nSubject: three\n\nthird\n'
} > "$tmp/in.mbox"
# The member is its slice of the file: its "From " line, not the blank line before the next one.
printf 'From promo@x Mon Dec  7 10:01:00 2026\n%s\n%s' "$head" "$tail" | grep -v '^Read-Receipt-To' > "$tmp/want.member"
"$MAILVET" scan --rewrite "$tmp/out" "${env[@]}" "$tmp/in.mbox" > /dev/null || bad "scan --rewrite of an mbox failed"
[ "$(ls -A "$tmp/out")" = "in.mbox#2" ] && ok || bad "mbox: files in DIR: $(ls -A "$tmp/out")"
cmp -s "$tmp/out/in.mbox#2" "$tmp/want.member" && ok || { bad "mbox member 2 not the input less the request"; \
	diff "$tmp/want.member" "$tmp/out/in.mbox#2" | head; }

# A request with mdn_enforce = no is reported but not removed: nothing written.
rm -f "$tmp/out"/*
"$MAILVET" scan -o mdn_enforce=no --rewrite "$tmp/out" "${env[@]}" "$tmp/in/lf.eml" > /dev/null
[ -z "$(ls -A "$tmp/out")" ] && ok || bad "mdn_enforce = no: a file was written"
# DIR must be a directory.
"$MAILVET" scan --rewrite "$tmp/in/lf.eml" "$tmp/in/lf.eml" > /dev/null 2>&1
[ $? -eq 2 ] && ok || bad "--rewrite FILE accepted"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
