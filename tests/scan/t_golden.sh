#!/bin/bash
# Golden tests: whole messages (tests/data/golden/*.eml and the bundled examples) scanned
# with --json must give exactly the reviewed reports in tests/data/golden/*.json, and the
# examples' text reports those in tests/data/golden/site-*.txt.
# MV_GOLDEN_UPDATE=1 rewrites the expected files; review the diff before committing.
set -u
pass=0; fail=0
dir="$MV_SRC/tests/data/golden"
# Each message with no configuration, and the examples again with the sample one (etc/mailvet.conf:
# their envelope comes from the Received field the trusted relay wrote, and their DNS from the
# zone it names, etc/examples.zone): site-NAME.json.  The others get a zone with no records (every
# name NXDOMAIN), so no scan depends on the network.
# The examples' text reports too, as `./run examples` prints them (site-NAME.txt): the verdict in
# words comes first.
cases=()
for eml in "$dir"/*.eml "$MV_SRC"/examples/*.eml; do cases+=("$eml:"); done
for eml in "$MV_SRC"/examples/*.eml; do cases+=("$eml:site" "$eml:text"); done
for case in "${cases[@]}"; do
	eml=${case%:*}
	site=${case##*:}
	name=$(basename "$eml" .eml)
	config=/dev/null; zone=(--dns-zone "$MV_SRC/tests/data/no-records.zone")
	if [ -n "$site" ]; then name=site-$name; config=$MV_SRC/etc/mailvet.conf; zone=(); fi
	if [ "$site" = text ]; then
		want="$dir/$name.txt"
		got=$(cd "$MV_SRC" && "$MAILVET" -c etc/mailvet.conf scan -o authserv_id=mx.example.org \
			"examples/$(basename "$eml")")
	else
		want="$dir/$name.json"
		got=$("$MAILVET" -c "$config" scan --json -o authserv_id=mx.example.org "${zone[@]}" "$eml" | python3 -c '
import json, os, sys
o = json.loads(sys.stdin.read())
o["file"] = os.path.basename(o["file"])
print(json.dumps(o, indent=1, ensure_ascii=False))')
	fi
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
