#!/bin/bash
# `mailvet scan --dns-zone FILE` and `dns_zone = FILE`: a good zone scans, a bad one is a
# configuration error that names the zone file's line, a relative path is taken from the
# configuration file's directory, and the option is the setting.
set -u
pass=0; fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
msg="$MV_SRC/examples/ordinary.eml"

"$MAILVET" -c /dev/null scan --dns-zone "$MV_SRC/tests/data/dns/live.zone" "$msg" >"$tmp/out" 2>"$tmp/err" &&
	ok || bad "scan with a good zone: $(cat "$tmp/err")"
grep -q "ordinary.eml: " "$tmp/out" && ok || bad "no verdict: $(cat "$tmp/out")"

printf '$ORIGIN example.org.\n@ A 192.0.2.1\nwww A 192.0.2\n' > "$tmp/bad.zone"
"$MAILVET" -c /dev/null scan --dns-zone "$tmp/bad.zone" "$msg" >/dev/null 2>"$tmp/err"; st=$?
[ "$st" -eq 2 ] && ok || bad "bad zone: exit $st"
grep -q "bad.zone:3: '192.0.2' is not an IPv4 address" "$tmp/err" && ok || bad "bad zone: $(cat "$tmp/err")"

"$MAILVET" -c /dev/null scan --dns-zone "$tmp/none.zone" "$msg" >/dev/null 2>"$tmp/err"; st=$?
[ "$st" -eq 2 ] && ok || bad "missing zone: exit $st"
grep -q "none.zone: cannot read: No such file or directory" "$tmp/err" && ok || bad "missing zone: $(cat "$tmp/err")"

"$MAILVET" -c /dev/null scan --dns-zone "" "$msg" >/dev/null 2>"$tmp/err" && bad "empty --dns-zone accepted" || ok

# The setting: from -o, and relative to the file that sets it.
zone="$MV_SRC/tests/data/dns/live.zone"
[ "$("$MAILVET" -c /dev/null config -o "dns_zone=$zone" dns_zone)" = "dns_zone = $zone" ] && ok || bad "-o dns_zone"
mkdir "$tmp/etc"
cp "$MV_SRC/tests/data/dns/live.zone" "$tmp/etc/site.zone"
printf 'dns_zone = site.zone\n' > "$tmp/etc/mailvet.conf"
(cd / && "$MAILVET" -c "$tmp/etc/mailvet.conf" scan "$msg" >/dev/null 2>"$tmp/err") && ok ||
	bad "relative dns_zone: $(cat "$tmp/err")"
printf 'dns_zone = other.zone\n' > "$tmp/etc/mailvet.conf"
(cd / && "$MAILVET" -c "$tmp/etc/mailvet.conf" scan "$msg" >/dev/null 2>"$tmp/err")
grep -q "$tmp/etc/other.zone: cannot read" "$tmp/err" && ok || bad "relative dns_zone not from its file: $(cat "$tmp/err")"

# Bad servers are configuration errors too.
"$MAILVET" -c /dev/null scan -o "dns_servers = 192.0.2.1:99999" "$msg" >/dev/null 2>"$tmp/err"; st=$?
[ "$st" -eq 2 ] && grep -q "dns_servers: '192.0.2.1:99999' is not a server" "$tmp/err" && ok ||
	bad "bad dns_servers: exit $st $(cat "$tmp/err")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
