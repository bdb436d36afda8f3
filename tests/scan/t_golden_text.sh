#!/bin/bash
# Golden text reports: the bundled examples scanned as `./run examples` does (etc/mailvet.conf:
# their envelope from the trusted relay's Received field, their DNS from etc/examples.zone) must
# give exactly the reviewed reports in tests/data/golden/site-*.txt, verdict in words first.
# MV_GOLDEN_UPDATE=1 rewrites the expected files; review the diff before committing.
set -u
pass=0; fail=0
dir="$MV_SRC/tests/data/golden"
for eml in "$MV_SRC"/examples/*.eml; do
	name=site-$(basename "$eml" .eml)
	want="$dir/$name.txt"
	got=$(cd "$MV_SRC" && "$MAILVET" -c etc/mailvet.conf scan -o authserv_id=mx.example.org "examples/$(basename "$eml")")
	if [ "${MV_GOLDEN_UPDATE:-}" = 1 ]; then
		printf '%s\n' "$got" > "$want"
	fi
	if [ -f "$want" ] && [ "$got" = "$(cat "$want")" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $name:"
		diff <(printf '%s\n' "$got") "$want" | head -40
	fi
done
# The brand notice is explained in words: who it claims to be, and who sent it on its behalf.
if grep -q "^  Claims to be: Microsoft Security, security-notice@microsoft.com" "$dir/site-brand-notice.txt" &&
	grep -q "^  Sent by: From says microsoft.com; sent by bulkmail-relay.net, a bulk-mail sender, on its behalf" \
		"$dir/site-brand-notice.txt"; then
	pass=$((pass + 1))
else
	fail=$((fail + 1))
	echo "FAIL the brand notice's verdict does not say who sent it on microsoft.com's behalf"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
