#!/bin/bash
# providers_file through the command: a relative path is taken beside the configuration that
# names it; a bad file stops mailvet with exit 2 and names its file and line; a good one replaces
# the built-in list.
set -u
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ex="$MV_SRC/examples/brand-notice.eml"

printf 'provider A\n  domain a.example\n  domain b..example\n' > "$tmp/bad.providers"
printf 'providers_file = bad.providers\n' > "$tmp/site.conf"
out=$("$MAILVET" -c "$tmp/site.conf" scan "$ex" 2>&1); rc=$?
[ "$rc" -eq 2 ] && ok || bad "a bad providers file: exit $rc, not 2"
grep -qF "$tmp/bad.providers:3: 'b..example': a label is empty or ends in '-'" <<< "$out" && ok ||
	bad "the error names the file and line: $out"

out=$("$MAILVET" -c "$tmp/site.conf" scan -o providers_file="$tmp/none" "$ex" 2>&1); rc=$?
[ "$rc" -eq 2 ] && grep -qF "$tmp/none: cannot read" <<< "$out" && ok || bad "a missing providers file: $rc $out"

printf 'provider Bulk Relay Inc\n  domain bulkmail-relay.net\n' > "$tmp/good.providers"
printf 'providers_file = good.providers\ndns_zone = %s\n' "$MV_SRC/tests/data/no-records.zone" > "$tmp/site.conf"
out=$("$MAILVET" -c "$tmp/site.conf" scan --json "$ex"); rc=$?
[ "$rc" -eq 0 ] && grep -qF '"provider":"Bulk Relay Inc"' <<< "$out" && ok || bad "a good providers file names it: $out"
[ "$("$MAILVET" -c "$tmp/site.conf" config providers_file)" = "providers_file = good.providers" ] && ok ||
	bad "config shows the setting"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
