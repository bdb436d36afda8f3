#!/bin/bash
# mailvet batv sign|verify: what an administrator sees, and the exit statuses (0 signed or valid,
# 1 cannot be tagged or not valid, 2 usage or configuration error).
set -u
pass=0; fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf '# rotated in March\n1 0123456789abcdef0123\n2 fedcba9876543210fedcba\n' > "$tmp/keys"
printf 'batv_key_file = %s\nbatv_lifetime = 7d\n' "$tmp/keys" > "$tmp/conf"
mv() { "$MAILVET" -c "$tmp/conf" batv "$@"; }
expect() {	# expect STATUS STDOUT DESCRIPTION COMMAND...
	want=$1; out=$2; what=$3; shift 3
	got_out=$("$@" 2> "$tmp/err"); got=$?
	[ "$got" -eq "$want" ] && [ "$got_out" = "$out" ] && ok ||
		bad "$what: exit $got (want $want), output '$got_out' (want '$out'), stderr: $(cat "$tmp/err")"
}

# The highest key signs; the tag expires 7 days after --now.
tag=$(mv --now 2026-03-01T10:00:00Z sign alice@example.org)
case "$tag" in prvs=2520??????=alice@example.org) ok ;; *) bad "sign: $tag" ;; esac
expect 0 "alice@example.org" "verify the same day" mv --now 2026-03-01T12:00:00Z verify "$tag"
expect 0 "alice@example.org" "verify with angle brackets" mv --now 2026-03-08T23:59:59Z verify "<$tag>"
grep -q "key 2, 0 days left" "$tmp/err" && ok || bad "days left: $(cat "$tmp/err")"
expect 1 "" "verify after expiry" mv --now 2026-03-09T00:00:00Z verify "$tag"
grep -q "expired 1 day ago" "$tmp/err" && ok || bad "expiry reason: $(cat "$tmp/err")"
expect 1 "" "a tag copied onto another user" mv --now 2026-03-01T12:00:00Z verify "${tag%%=alice@example.org}=bob@example.org"
grep -q "bad signature" "$tmp/err" && ok || bad "copied tag reason: $(cat "$tmp/err")"
expect 1 "" "untagged" mv verify alice@example.org
grep -q "untagged" "$tmp/err" && ok || bad "untagged reason: $(cat "$tmp/err")"
expect 1 "" "bad hex" mv verify prvs=2520zzzzzz=alice@example.org
grep -q "malformed" "$tmp/err" && ok || bad "bad hex reason: $(cat "$tmp/err")"
expect 1 "" "unknown key" mv --now 2026-03-01T12:00:00Z verify prvs=7520abcdef=alice@example.org
grep -q "unknown key 7" "$tmp/err" && ok || bad "unknown key reason: $(cat "$tmp/err")"
expect 1 "" "already tagged" mv sign "$tag"
expect 1 "" "no domain" mv sign alice

# Usage and configuration errors.
expect 0 "" "--help" true
"$MAILVET" batv --help | grep -q "usage: mailvet batv" && ok || bad "batv --help"
expect 2 "" "no verb" mv
expect 2 "" "unknown verb" mv check alice@example.org
expect 2 "" "no address" mv sign
expect 2 "" "bad --now" mv --now yesterday sign alice@example.org
expect 2 "" "no key file" "$MAILVET" -c /dev/null batv sign alice@example.org
grep -q "no batv_key_file" "$tmp/err" && ok || bad "no key file message: $(cat "$tmp/err")"
printf '1 0123456789abcdef0123\n\n1 another-secret-of-16+\n' > "$tmp/dup"
expect 2 "" "bad key file" "$MAILVET" -c /dev/null batv -o "batv_key_file = $tmp/dup" sign a@example.org
grep -q "$tmp/dup:3: this key number is given twice" "$tmp/err" && ok || bad "key file error: $(cat "$tmp/err")"
expect 2 "" "missing key file" "$MAILVET" -c /dev/null batv -o "batv_key_file = $tmp/none" sign a@example.org
grep -q "$tmp/none: No such file or directory" "$tmp/err" && ok || bad "missing key file: $(cat "$tmp/err")"

echo "t_batv_cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
