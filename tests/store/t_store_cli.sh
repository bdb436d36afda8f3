#!/bin/bash
# mailvet scan --store: a directory scanned in order records as a server would (the sent message,
# the correspondent, its first-seen time kept when a later message renews it), with --store and
# -o store= alike; a store that cannot be opened makes each message say STORE_UNAVAILABLE and the
# scan goes on; a malformed one is an error; `mailvet config` opens nothing.
set -u
pass=0; fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mail="$MV_SRC/tests/data/store/conversation"
site=(-o trusted_relays=mx.example.org -o local_domains=example.org)
command -v mdb_dump >/dev/null || { echo "mdb_dump (lmdb-utils) is not installed: skipped"; exit 77; }

# The entries of a store, one "key value" a line, with the 8-byte expiry in front of each value dropped.
entries() {
	mdb_dump -p "$1" | sed -n '/^HEADER=END/,/^DATA=END/p' | sed '1d;$d' | paste - - |
		sed -E 's/^ //; s/\t (\\..|.){8}/ /'
}

"$MAILVET" scan "${site[@]}" --store "lmdb:$tmp/db" --json "$mail" >"$tmp/out" 2>"$tmp/err" && ok ||
	bad "scan --store failed: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/out")" -eq 3 ] && ok || bad "3 reports wanted: $(cat "$tmp/out")"
grep -q STORE_UNAVAILABLE "$tmp/out" && bad "the store was unavailable: $(cat "$tmp/out")" || ok
entries "$tmp/db" >"$tmp/entries"
# 01 was outbound (ESMTPSA at our MX): its Message-ID (lower case, no brackets), sender and recipient.
grep -qxF 'mv:s:m1.lunch@example.org alice@example.org\09bob@other.example' "$tmp/entries" && ok ||
	bad "sent mail not recorded: $(cat "$tmp/entries")"
# ... and Bob became the correspondent of the sender (no SASL user named in Received).
grep -qxF 'mv:p:alice@example.org\09bob@other.example 1796637600' "$tmp/entries" && ok ||
	bad "correspondent not recorded, or its first-seen time (01, 10:00) not kept by 02 and 03: $(cat "$tmp/entries")"
[ "$(wc -l <"$tmp/entries")" -eq 2 ] && ok || bad "2 entries wanted: $(cat "$tmp/entries")"

# -o store= is the same; one message at a time, each in a scan of its own, ends the same.
for f in "$mail"/*.eml; do
	"$MAILVET" scan "${site[@]}" -o "store=lmdb:$tmp/db2" "$f" >/dev/null 2>&1 || bad "scan of $f failed"
done
entries "$tmp/db2" | cmp -s - "$tmp/entries" && ok || bad "separate scans recorded otherwise: $(entries "$tmp/db2")"

# A store that cannot be opened: every message says so, the scan goes on and succeeds.
"$MAILVET" scan "${site[@]}" --store lmdb:/proc/no/such --json "$mail" >"$tmp/out" 2>"$tmp/err" && ok ||
	bad "scan with an unusable store failed: $(cat "$tmp/err")"
[ "$(grep -c '"STORE_UNAVAILABLE"' "$tmp/out")" -eq 3 ] && ok || bad "STORE_UNAVAILABLE not on each message: $(cat "$tmp/out")"
grep -q 'opening the store failed: lmdb:/proc/no/such: ' "$tmp/out" && ok || bad "the detail does not say why: $(cat "$tmp/out")"

# A malformed store is an error of the configuration.
"$MAILVET" scan --store redis://host:99999/0 "$mail" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && ok || bad "a bad --store was not a usage error"
grep -qF "'99999' is not a port" "$tmp/err" && ok || bad "the error does not say what is wrong: $(cat "$tmp/err")"

# Reading the configuration opens nothing.
"$MAILVET" config -o "store=lmdb:$tmp/never" store >"$tmp/out" && ok || bad "config failed"
[ ! -e "$tmp/never" ] && ok || bad "mailvet config opened the store"
grep -qxF "store = lmdb:$tmp/never" "$tmp/out" && ok || bad "config shows: $(cat "$tmp/out")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
