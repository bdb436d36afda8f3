#!/bin/bash
# mailvet logs on bad input: unknown, truncated, binary, too long and badly timed lines are
# counted and skipped, never fatal; corrupt compressed data is an error that still reports what
# was read; exit statuses; --help and the man page agree on the options.
set -u
: "${MAILVET:?}" "${MV_SRC:?}"
pass=0; fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
expect_status() {	# expect_status WANT DESCRIPTION COMMAND...
	want=$1; what=$2; shift 2
	"$@" > /dev/null 2>&1; got=$?
	[ "$got" -eq "$want" ] && ok || bad "$what: exit $got, expected $want"
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export TZ=UTC

counts() {	# the logs object's counters, one line
	python3 -c 'import json,sys; d=json.load(sys.stdin)["logs"]; s=d["skipped"]
print(d["lines"], d["parsed"], s["unknown"], s["truncated"], s["binary"], s["too_long"], s["bad_time"])'
}

# Each kind of bad line, between good ones.
python3 - "$tmp/garbage.log" <<'PY'
import sys
good = ["Nov  2 09:00:0%d mx postfix/smtpd[1]: connect from a[192.0.2.%d]" % (i, i) for i in range(5)]
with open(sys.argv[1], "wb") as f:
    w = lambda s: f.write(s.encode() if isinstance(s, str) else s)
    w(good[0] + "\n")
    w(b"Nov  2 09:00:01 mx postfix/smtpd[1]: connect \x00from a[192.0.2.1]\n")     # binary
    w(b"\x89PNG\x1a\x00\x00\x00\rIHDR\x00\x00\x01\n")                                # binary
    w(good[1] + "\n")
    w("A" * (1536 * 1024) + "\n")                                                  # too long
    w("Nov  2 09:00:02 mx postfix/smtp[7]: ABCDEF1234: to=<a@b.example>, relay=x, delay=1\n")  # truncated
    w("Nov  2 09:00:02 mx postfix/smtpd[1]: ABCDEF1234: client=foo[1.2\n")         # truncated
    w(good[2] + "\n")
    w("Nov  2 09:00:03 mx kernel: [1.0] eth0: link up\n")                          # unknown program
    w("hello, world\n")                                                            # unknown
    w("Nov 31 09:00:03 mx postfix/smtpd[1]: connect from a[192.0.2.9]\n")          # bad time
    w("Nov  2 27:00:03 mx postfix/smtpd[1]: connect from a[192.0.2.9]\n")          # bad time
    w("Oct  2 09:00:03 mx postfix/smtpd[1]: connect from a[192.0.2.9]\n")          # a month back: bad time
    w(good[3] + "\n")
    w(good[4] + "\n")
    w("Nov  2 09:00:09 mx postfix/qmgr[8]: ABCDEF1234: rem")                       # no newline: truncated
PY
out=$("$MAILVET" logs --json --year 2026 "$tmp/garbage.log" | counts)
[ "$out" = "16 5 2 3 2 1 3" ] && ok || bad "garbage counters: $out (lines parsed unknown truncated binary too_long bad_time)"
gzip -c "$tmp/garbage.log" > "$tmp/garbage.log.gz"
out=$("$MAILVET" logs --json --year 2026 "$tmp/garbage.log.gz" | counts)
[ "$out" = "16 5 2 3 2 1 3" ] && ok || bad "garbage counters, gzip: $out"
"$MAILVET" logs --year 2026 "$tmp/garbage.log" > "$tmp/garbage.txt"; st=$?
[ "$st" -eq 0 ] && grep -q "11 skipped: 2 unknown, 3 truncated, 2 binary, 1 too long, 3 with a wrong time" "$tmp/garbage.txt" &&
	ok || bad "garbage, text: exit $st: $(head -1 "$tmp/garbage.txt")"

# Random bytes: read, counted, nothing found, exit 0.
head -c 3000000 /dev/urandom > "$tmp/random.bin"
out=$("$MAILVET" logs --json "$tmp/random.bin" | counts); st=$?
[ "$st" -eq 0 ] && [ "${out%% *}" -gt 1000 ] && ok || bad "random bytes: exit $st, $out"

# An empty input: a report of nothing.
: > "$tmp/empty.log"
out=$("$MAILVET" logs --json "$tmp/empty.log" | python3 -c 'import json,sys; d=json.load(sys.stdin)
print(d["logs"]["lines"], repr(d["logs"]["start"]), len(d["accounts"]), len(d["findings"]))')
[ "$out" = "0 '' 0 0" ] && ok || bad "empty: $out"

# Corrupt compressed data: an error (exit 1, said on stderr), and the report of what came before.
seq 1 3000 | sed 's/.*/Nov  2 09:00:00 mx postfix\/smtpd[1]: connect from a[192.0.2.&]/; s/192.0.2.\([0-9]*\)/192.0.2.1/' |
	gzip -c > "$tmp/good.gz"
size=$(stat -c %s "$tmp/good.gz")
head -c $((size / 2)) "$tmp/good.gz" > "$tmp/cut.gz"
"$MAILVET" logs --json --year 2026 "$tmp/cut.gz" > "$tmp/cut.json" 2> "$tmp/cut.err"; st=$?
[ "$st" -eq 1 ] && grep -q "cut.gz: gzip data cut short" "$tmp/cut.err" && ok || bad "cut gzip: exit $st, $(cat "$tmp/cut.err")"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["logs"]["parsed"] > 0' "$tmp/cut.json" && ok ||
	bad "cut gzip: nothing reported"
python3 -c 'import random, sys
d = open(sys.argv[1], "rb").read()[:200]
r = random.Random(7)
open(sys.argv[2], "wb").write(d + bytes(r.getrandbits(8) for _ in range(5000)))' "$tmp/good.gz" "$tmp/corrupt.gz"
"$MAILVET" logs --json --year 2026 "$tmp/corrupt.gz" > /dev/null 2> "$tmp/corrupt.err"; st=$?
[ "$st" -eq 1 ] && grep -q "corrupt.gz: corrupt gzip data" "$tmp/corrupt.err" && ok || bad "corrupt gzip: exit $st, $(cat "$tmp/corrupt.err")"
seq 1 3000 | xz -c > "$tmp/good.xz"
head -c 300 "$tmp/good.xz" > "$tmp/cut.xz"
"$MAILVET" logs --json "$tmp/cut.xz" > /dev/null 2> "$tmp/cutxz.err"; st=$?
[ "$st" -eq 1 ] && grep -q "cut.xz: " "$tmp/cutxz.err" && ok || bad "cut xz: exit $st, $(cat "$tmp/cutxz.err")"
# A good input after a bad one is still read.
out=$("$MAILVET" logs --json --year 2026 "$tmp/corrupt.gz" "$tmp/garbage.log" 2> /dev/null | counts | cut -d' ' -f2)
[ "$out" -ge 5 ] && ok || bad "good after bad: $out lines read"

# Exit statuses.
expect_status 0 "--help" "$MAILVET" logs --help
expect_status 2 "missing file" "$MAILVET" logs "$tmp/does-not-exist"
expect_status 2 "a directory" "$MAILVET" logs "$tmp"
expect_status 2 "unknown option" "$MAILVET" logs --no-such-option "$tmp/empty.log"
expect_status 2 "--year 0" "$MAILVET" logs --year 0 "$tmp/empty.log"
expect_status 2 "--year abc" "$MAILVET" logs --year abc "$tmp/empty.log"
"$MAILVET" logs "$tmp/does-not-exist" 2> "$tmp/err" > /dev/null
grep -q "does-not-exist" "$tmp/err" && ok || bad "missing file not named on stderr"

# The options of mailvet logs are in --help and the man page.
help=$("$MAILVET" --help)
for opt in --json --year; do
	grep -q -- "$opt" <<< "$help" && ok || bad "--help lacks $opt"
	grep -q -- "$(sed 's/-/\\\\-/g' <<< "$opt")" "$MV_SRC/docs/mailvet.1" && ok || bad "man page lacks $opt"
done
grep -q '^\.SH LOGS' "$MV_SRC/docs/mailvet.1" && ok || bad "man page lacks the LOGS section"
grep -q 'mailvet logs --json' "$MV_SRC/docs/json.md" && ok || bad "docs/json.md lacks mailvet logs --json"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
