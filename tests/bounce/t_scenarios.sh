#!/bin/bash
# The bounce scenarios (tests/data/bounce, SOURCE.md tells the story), scanned in order through
# `mailvet scan --store --json` as the mail server would see them, so that the joins through the
# store are real: Alice's message goes out tagged (change_from); the Exchange bounce of it comes
# back to the tag and is accepted with the tag taken off (change_rcpt); bounces of spam that forged
# Bob's address (Postfix, qmail, Sendmail, and one to a tag copied from Alice's) are rejected; the
# partner's reply is a known thread, and a forged one is not.  With LMDB, and with a Redis started
# here when redis-server is installed.
set -u
pass=0; fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
redis_pid=
cleanup() { [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
data="$MV_SRC/tests/data/bounce"
conf="$data/site.conf"

# scan STORE FILE NOW [ENVELOPE OPTION...]: the JSON report of one message.
scan() {
	local store=$1 file=$2 now=$3
	shift 3
	"$MAILVET" -c "$conf" scan --store "$store" --json --now "$now" "$@" "$data/$file"
}

# expect WHAT JSON PYTHON-CONDITION: o is the report, sym(NAME) its symbol (or None), change(OP) its first change of OP.
expect() {
	python3 - "$2" "$3" <<'PY' && ok || bad "$1"
import json, sys
o = json.loads(sys.argv[1])
def sym(name):
    return next((s for s in o["symbols"] if s["name"] == name), None)
def change(op):
    return next((c for c in o["changes"] if c["op"] == op), None)
if not eval(sys.argv[2]):
    print("  condition: " + sys.argv[2])
    print("  action: %s  reply: %r" % (o["action"], o["reply"]))
    print("  changes: %s" % o["changes"])
    for s in o["symbols"]:
        print("  %s %.2f %s" % (s["name"], s["score"], s["detail"]))
    sys.exit(1)
PY
}

scenario() {
	local store=$1 tag out
	echo "# store $store"

	# 1. Alice writes to the partner and to a mistyped colleague of his, through her account.
	out=$(scan "$store" 01-sent.eml 2026-11-09T09:00:33Z --client-ip 10.1.2.3 --helo alice-laptop \
		--sasl-user alice@example.org --mail-from alice@example.org --rcpt partner@contoso.example \
		--rcpt j.smiht@contoso.example)
	expect "$store: outbound mail is accepted, its sender tagged" "$out" \
		'o["action"] == "accept" and change("change_from") and change("change_from")["old"] == "alice@example.org" and change("change_from")["value"].startswith("prvs=2") and change("change_from")["value"].endswith("=alice@example.org") and not sym("KNOWN_THREAD")'
	tag=$(python3 -c 'import json, sys; print(next(c["value"] for c in json.loads(sys.argv[1])["changes"] if c["op"] == "change_from"))' "$out" 2>/dev/null)
	[ "$tag" = "prvs=27739c34fe=alice@example.org" ] && ok || bad "$store: the tag is $tag, not the one 06-copied-tag.eml copies"

	# 2. Exchange Online returns it for the mistyped address, to the tag: ours, delivered untagged.
	out=$(scan "$store" 02-exchange-bounce.eml 2026-11-09T09:00:38Z --client-ip 40.107.22.50 \
		--helo EUR05-AM6-obe.outbound.protection.outlook.com --mail-from '<>' --rcpt "$tag")
	expect "$store: the genuine Exchange bounce is accepted, its tag taken off" "$out" \
		'o["action"] == "accept" and sym("BOUNCE") and sym("BOUNCE_VALID") and not sym("BOUNCE_BACKSCATTER") and not sym("BATV_INVALID") and change("change_rcpt") == {**change("change_rcpt"), "value": "alice@example.org", "old": "prvs=27739c34fe=alice@example.org"} and "exchange" in sym("BOUNCE")["detail"] and o["reply"] == ""'

	# 3-5. Spam that forged Bob's address bounced by Postfix, qmail and Sendmail: backscatter.
	out=$(scan "$store" 03-postfix-backscatter.eml 2026-11-10T14:05:03Z --client-ip 198.51.100.80 \
		--helo mail.faraway-isp.example --mail-from '<>' --rcpt bob@example.org)
	expect "$store: the Postfix DSN of forged spam is rejected" "$out" \
		'o["action"] == "reject" and sym("BOUNCE") and "postfix" in sym("BOUNCE")["detail"] and "000d01dbf3a2$9c4e1b70$6401a8c0@example.org" in sym("BOUNCE_BACKSCATTER")["detail"] and "never sent from here" in sym("BOUNCE_BACKSCATTER")["detail"] and o["reply"].startswith("5.7.1 ") and not sym("BOUNCE_VALID") and o["changes"] == []'
	out=$(scan "$store" 04-qmail-backscatter.eml 2026-11-10T16:20:11Z --client-ip 198.51.100.120 \
		--helo mx1.tokyo-hosting.example --mail-from '<>' --rcpt bob@example.org)
	expect "$store: the qmail text bounce of forged spam is rejected" "$out" \
		'o["action"] == "reject" and "qmail" in sym("BOUNCE")["detail"] and "E1tAq8x-0004Zr-Kq@example.org" in sym("BOUNCE_BACKSCATTER")["detail"] and not sym("BOUNCE_VALID")'
	out=$(scan "$store" 05-sendmail-backscatter.eml 2026-11-11T08:00:05Z --client-ip 198.51.100.200 \
		--helo relay.univ-somewhere.example --mail-from '<>' --rcpt bob@example.org)
	expect "$store: the Sendmail DSN of forged spam (no Message-ID returned) is rejected" "$out" \
		'o["action"] == "reject" and "sendmail" in sym("BOUNCE")["detail"] and "never passed through our relays" in sym("BOUNCE_BACKSCATTER")["detail"]'

	# 6. A bounce to Bob at a tag copied from Alice's mail.
	out=$(scan "$store" 06-copied-tag.eml 2026-11-11T09:30:14Z --client-ip 198.51.100.160 \
		--helo smtp.westfalen-net.example --mail-from '<>' --rcpt prvs=27739c34fe=bob@example.org)
	expect "$store: the bounce to a copied tag is rejected" "$out" \
		'o["action"] == "reject" and "was not made by us" in sym("BATV_INVALID")["detail"] and "was not made by us" in sym("BOUNCE_BACKSCATTER")["detail"] and "exim" in sym("BOUNCE")["detail"] and o["changes"] == []'

	# 7. The partner answers Alice: a known thread.  8. A forger "answers" from outside contoso's servers.
	out=$(scan "$store" 07-reply.eml 2026-11-12T11:00:09Z --client-ip 40.107.20.107 \
		--helo EUR05-DB8-obe.outbound.protection.outlook.com --mail-from partner@contoso.example --rcpt alice@example.org)
	expect "$store: the partner's reply is a known thread" "$out" \
		'o["action"] == "accept" and sym("KNOWN_THREAD") and sym("KNOWN_THREAD")["score"] < 0 and "7d0c2f1e-5b1a-4c39-9e0f-3b8a1f2c4d5e@example.org" in sym("KNOWN_THREAD")["detail"] and "alice@example.org" in sym("KNOWN_THREAD")["detail"] and sym("DMARC_PASS") and not sym("BOUNCE")'
	# 7b. A later message of the thread: References only, the ID of Alice's message among others.
	sed -e 's/^In-Reply-To: .*/In-Reply-To: <DB9PR02MB73551C2E8F0A4B6D9E1F3A7BC2D4A@DB9PR02MB7355.eurprd02.prod.outlook.com>/' \
		-e 's/^References: .*/References: <0.1@elsewhere.example> <7d0c2f1e-5b1a-4c39-9e0f-3b8a1f2c4d5e@example.org>\n <DB9PR02MB73551C2E8F0A4B6D9E1F3A7BC2D4A@DB9PR02MB7355.eurprd02.prod.outlook.com>/' \
		"$data/07-reply.eml" > "$tmp/07b-reply.eml"
	out=$("$MAILVET" -c "$conf" scan --store "$store" --json --now 2026-11-12T12:00:00Z --client-ip 40.107.20.107 \
		--mail-from partner@contoso.example --rcpt alice@example.org "$tmp/07b-reply.eml")
	expect "$store: a reply whose References name Alice's message is a known thread" "$out" \
		'sym("KNOWN_THREAD") and sym("KNOWN_THREAD")["detail"].startswith("its References name <7d0c2f1e")'
	out=$(scan "$store" 08-forged-reply.eml 2026-11-12T13:41:52Z --client-ip 198.51.100.77 \
		--helo vps-3318.cheap-cloud.example --mail-from partner@contoso.example --rcpt alice@example.org)
	expect "$store: a forged reply in the thread is no known thread" "$out" \
		'not sym("KNOWN_THREAD") and sym("DMARC_REJECT") and o["action"] == "reject"'

	# 9. The same Exchange bounce arriving after the tag's 7 days: refused, as of the scan time.
	out=$(scan "$store" 02-exchange-bounce.eml 2026-11-17T09:00:38Z --client-ip 40.107.22.50 \
		--helo EUR05-AM6-obe.outbound.protection.outlook.com --mail-from '<>' --rcpt "$tag")
	expect "$store: a bounce to an expired tag is rejected" "$out" \
		'o["action"] == "reject" and "expired 1 day ago" in sym("BATV_INVALID")["detail"] and not change("change_rcpt")'

	# 10. The same bounce sent to Alice untagged: the store still knows the message it returns.
	out=$(scan "$store" 02-exchange-bounce.eml 2026-11-09T09:00:38Z --client-ip 40.107.22.50 \
		--helo EUR05-AM6-obe.outbound.protection.outlook.com --mail-from '<>' --rcpt alice@example.org)
	expect "$store: an untagged bounce of a message we sent is ours by the store" "$out" \
		'o["action"] == "accept" and "which alice@example.org sent from here" in sym("BOUNCE_VALID")["detail"] and o["changes"] == []'
	grep -q STORE_UNAVAILABLE <<< "$out" && bad "$store: the store was unavailable" || ok
}

command -v python3 > /dev/null || { echo "needs python3"; exit 1; }
scenario "lmdb:$tmp/lmdb"

if command -v redis-server > /dev/null; then
	redis-server --port 0 --unixsocket "$tmp/redis.sock" --save '' --appendonly no > "$tmp/redis.log" 2>&1 &
	redis_pid=$!
	for _ in $(seq 1 50); do [ -S "$tmp/redis.sock" ] && break; sleep 0.1; done
	if [ -S "$tmp/redis.sock" ]; then
		scenario "redis+unix:$tmp/redis.sock"
	else
		bad "redis-server did not start: $(cat "$tmp/redis.log")"
	fi
else
	echo "redis-server is not installed: the Redis run is skipped"
fi

echo "t_scenarios: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
