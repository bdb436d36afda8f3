#!/bin/bash
# The read-receipt scenarios of issue 12, in order, through `mailvet scan --store SPEC --json` with
# each message's SMTP envelope, so that the joins are the store's: junk asking receipts for Bcc'd
# targets and for third parties (requests removed), the Outlook "Not read:" the first one produces
# leaving through the victim's account (refused, with the reply text), the same in German from an
# Exchange text receipt (refused), a colleague's request and the receipt answering it (untouched),
# the read-receipt self-test and its automatic receipt (allowed, with the advice). Run on LMDB and,
# when redis-server is installed, on Redis.
set -u
pass=0; fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
redis_pid=
cleanup() { [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
data="$MV_SRC/tests/data/mdn/scenario"

# FILE TIME then the envelope: inbound mail comes from outside; our users authenticate.
outside=(--client-ip 203.0.113.77 --helo mx.outside.example)
alice=(--client-ip 192.0.2.10 --helo ALICEPC --sasl-user alice@example.com --mail-from alice@example.com)
carol=(--client-ip 192.0.2.11 --helo carol-laptop --sasl-user carol@example.com --mail-from carol@example.com)
steps=(
	"01-junk-dnt-bcc.eml|2026-12-07T09:58:02Z|${outside[*]} --mail-from offers@bulk-bargains.example --rcpt alice@example.com"
	"02-junk-legacy.eml|2026-12-07T10:01:40Z|${outside[*]} --mail-from bounce-4471@mailer.cheap-meds.example --rcpt alice@example.com"
	"03-outlook-not-read.eml|2026-12-07T10:14:03Z|${alice[*]} --rcpt sales@acme-widgets.example"
	"08-exchange-nicht-gelesen.eml|2026-12-07T10:50:31Z|${alice[*]} --rcpt accounts@riverside-bakery.example"
	"04-colleague-request.eml|2026-12-07T10:20:10Z|${carol[*]} --rcpt alice@example.com"
	"05-colleague-receipt.eml|2026-12-07T10:31:44Z|${alice[*]} --rcpt carol@example.com"
	"06-self-test.eml|2026-12-07T10:40:00Z|${alice[*]} --rcpt alice@example.com"
	"07-self-test-receipt.eml|2026-12-07T10:41:12Z|${alice[*]} --rcpt alice@example.com"
	"03-outlook-not-read.eml|2026-12-07T10:55:00Z|${alice[*]} --rcpt sales@acme-widgets.example"
)

# Scans every step in order against the store SPEC; the reports go to OUT (one JSON line each).
run_steps() {	# run_steps SPEC OUT
	local spec=$1 out=$2 step file now envelope
	: > "$out"
	for step in "${steps[@]}"; do
		IFS='|' read -r file now envelope <<< "$step"
		# shellcheck disable=SC2086
		"$MAILVET" scan --json --store "$spec" -o local_domains=example.com --now "$now" $envelope \
			"$data/$file" >> "$out" 2>> "$tmp/stderr" || bad "$spec: scan of $file failed"
	done
}

check_reports() {	# check_reports NAME OUT
	python3 - "$1" "$2" <<'EOF'
import json, sys
name, path = sys.argv[1], sys.argv[2]
reports = [json.loads(line) for line in open(path)]
failures = []
def expect(i, cond, what):
    if not cond:
        r = reports[i]
        failures.append("%s step %d (%s): %s\n  symbols %s\n  action %s changes %s" % (
            name, i + 1, r["file"].rsplit("/", 1)[-1], what, [s["name"] for s in r["symbols"]], r["action"],
            [(c["op"], c["name"], c["index"]) for c in r["changes"]]))
def syms(i):
    return {s["name"]: s for s in reports[i]["symbols"]}
def removed(i):
    return [(c["name"], c["index"]) for c in reports[i]["changes"] if c["op"] == "remove_header"]
mdn = {"MDN_REQUEST", "MDN_REQUEST_FOREIGN", "MDN_REQUEST_BCC", "MDN_OUTBOUND", "MDN_OUTBOUND_FOREIGN",
       "MDN_CLIENT_AUTOSENDS", "AUTOREPLY_OUTBOUND"}
def mdn_syms(i):
    return set(syms(i)) & mdn

expect(0, len(reports) == 9, "%d reports, not 9" % len(reports))
for i in range(len(reports)):
    expect(i, "STORE_UNAVAILABLE" not in syms(i), "the store failed: %s" % syms(i).get("STORE_UNAVAILABLE"))
# 1. Junk naming four targets, sent to alice in Bcc: foreign and Bcc; the request removed.
expect(0, mdn_syms(0) == {"MDN_REQUEST", "MDN_REQUEST_FOREIGN", "MDN_REQUEST_BCC"}, "symbols")
expect(0, removed(0) == [("Disposition-Notification-To", 1)], "the request not removed")
expect(0, len(syms(0)["MDN_REQUEST"]["options"]) == 4, "the four requested addresses")
# 2. The legacy fields naming third parties: all three removed, in header order.
expect(1, mdn_syms(1) == {"MDN_REQUEST", "MDN_REQUEST_FOREIGN"}, "symbols")
expect(1, removed(1) == [("Return-Receipt-To", 1), ("X-Confirm-Reading-To", 1), ("Read-Receipt-To", 1)],
       "the legacy requests not removed")
# 3. Outlook's "Not read:" for the first, to a Bcc'd target, through alice's account: refused.
for i in (2, 3, 8):
    expect(i, {"MDN_OUTBOUND", "MDN_OUTBOUND_FOREIGN"} <= mdn_syms(i), "a receipt to a third party not found")
    expect(i, "MDN_CLIENT_AUTOSENDS" not in syms(i), "advice instead of a refusal")
    expect(i, reports[i]["action"] == "reject", "not refused")
    expect(i, "Ask me before sending a response" in reports[i]["reply"], "the reply says nothing of the fix: %r"
           % reports[i]["reply"])
expect(2, "did not send" in syms(2)["MDN_OUTBOUND_FOREIGN"]["detail"], "the join to the junk not made")
# 4, 5. A colleague's ordinary request, and the manual receipt that answers it: untouched.
expect(4, mdn_syms(4) == {"MDN_REQUEST"}, "symbols")
expect(4, reports[4]["changes"] == [], "the colleague's request changed")
expect(4, "kept" in syms(4)["MDN_REQUEST"]["detail"], "not said kept")
expect(5, mdn_syms(5) == {"MDN_OUTBOUND"}, "symbols")
expect(5, reports[5]["action"] == "accept", "the colleague's receipt not accepted")
# 6, 7. The self-test and its automatic receipt: kept, allowed, with the advice.
expect(6, mdn_syms(6) == {"MDN_REQUEST"}, "symbols")
expect(6, reports[6]["changes"] == [], "the self-test's request changed")
expect(6, "themselves" in syms(6)["MDN_REQUEST"]["detail"], "not kept as a request to oneself")
expect(7, mdn_syms(7) == {"MDN_OUTBOUND", "MDN_CLIENT_AUTOSENDS"}, "symbols")
expect(7, reports[7]["action"] == "accept", "the self-test receipt not accepted")
expect(7, "Ask me before sending a response" in syms(7)["MDN_CLIENT_AUTOSENDS"]["detail"], "no advice")
for f in failures:
    print("FAIL: " + f)
print("%s: %d checks failed" % (name, len(failures)))
sys.exit(1 if failures else 0)
EOF
}

run_steps "lmdb:$tmp/lmdb" "$tmp/lmdb.jsonl"
check_reports lmdb "$tmp/lmdb.jsonl" && ok || bad "lmdb scenarios"
[ ! -s "$tmp/stderr" ] && ok || { bad "stderr not empty"; head "$tmp/stderr"; }

# The same against Redis, on a unix socket of its own.
if [ -x /usr/bin/redis-server ]; then
	/usr/bin/redis-server --port 0 --unixsocket "$tmp/redis.sock" --save '' --appendonly no \
		--dir "$tmp" > "$tmp/redis.log" 2>&1 &
	redis_pid=$!
	for _ in $(seq 50); do [ -S "$tmp/redis.sock" ] && break; sleep 0.1; done
	run_steps "redis+unix:$tmp/redis.sock" "$tmp/redis.jsonl"
	check_reports redis "$tmp/redis.jsonl" && ok || bad "redis scenarios"
	# Both backends give the same reports, but for the store's name.
	cmp -s "$tmp/lmdb.jsonl" "$tmp/redis.jsonl" && ok || bad "lmdb and redis reports differ"
else
	echo "redis-server is not installed: the Redis run is skipped"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
