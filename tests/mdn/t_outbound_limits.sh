#!/bin/bash
# Outbound limits per SASL user, counted in an LMDB store across scans: messages, read receipts and
# first-time recipients each counted as itself; past a limit, tempfail with a reply, one log line
# on stderr per message, and alert_command run once per user and window with the facts in its
# environment and on its input; the next window starts again; other users and inbound mail are
# not counted.
set -u
pass=0; fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/alerts"
cat > "$tmp/alert.sh" <<EOF
#!/bin/sh
{ env | grep '^MAILVET_' | sort; echo '--- input'; cat; } > "$tmp/alerts/.\$\$" && mv "$tmp/alerts/.\$\$" "$tmp/alerts/\$\$"
EOF
chmod +x "$tmp/alert.sh"
conf=(--store "lmdb:$tmp/store" -o local_domains=example.com -o outbound_max_messages=3 -o outbound_max_receipts=1
      -o outbound_max_new_recipients=2 -o "alert_command=$tmp/alert.sh --from-mailvet")
msg() {	# msg SUBJECT: an ordinary message
	printf 'From: someone@example.com\nTo: x@partner.example\nSubject: %s\nMessage-ID: <%s@example.com>\n\nhello\n' \
		"$1" "$RANDOM$RANDOM"
}
receipt() {
	printf 'From: dave@example.com\nSubject: Read: plans\nMessage-ID: <%s@example.com>\n' "$RANDOM$RANDOM"
	printf 'Content-Type: multipart/report; report-type=disposition-notification; boundary=b\n\n--b\n'
	printf 'Content-Type: text/plain\n\nYour message was read.\n--b\nContent-Type: message/disposition-notification\n\n'
	printf 'Disposition: manual-action/MDN-sent-manually; displayed\n--b--\n'
}
scan() {	# scan USER NOW RCPT... < message: the report's action, symbols and reply on one line
	local user=$1 now=$2; shift 2
	local rcpts=()
	for r in "$@"; do rcpts+=(--rcpt "$r"); done
	"$MAILVET" scan --json "${conf[@]}" --client-ip 192.0.2.10 --sasl-user "$user" --mail-from "$user" \
		--now "$now" "${rcpts[@]}" 2>> "$tmp/stderr" | python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
s = {x["name"]: x["detail"] for x in r["symbols"]}
print(r["action"], "OUTBOUND_RATE" in s, s.get("OUTBOUND_RATE", ""), "|", r["reply"])'
}
alerts() { ls "$tmp/alerts" | wc -l; }
wait_alerts() {	# wait_alerts N: the command runs apart from the scan; give it a few seconds
	for _ in $(seq 50); do [ "$(alerts)" -ge "$1" ] && return 0; sleep 0.1; done
	return 1
}

# alice: three messages pass, the fourth and fifth are deferred; one alert.
for i in 1 2 3; do
	out=$(msg "report $i" | scan alice@example.com 2026-12-07T10:0$i:00Z bob@partner.example)
	[[ $out == "accept False"* ]] && ok || bad "alice message $i: $out"
done
out=$(msg "report 4" | scan alice@example.com 2026-12-07T10:04:00Z bob@partner.example)
[[ $out == "tempfail True alice@example.com sent 4 messages (limit 3) in 3600 s"* ]] && ok || bad "alice message 4: $out"
[[ $out == *"Sending limit reached: 4 messages (limit 3) in 60 minutes"* ]] && ok || bad "reply: $out"
wait_alerts 1 && ok || bad "no alert after the fourth message"
out=$(msg "report 5" | scan alice@example.com 2026-12-07T10:05:00Z bob@partner.example)
[[ $out == "tempfail True"*"5 messages"* ]] && ok || bad "alice message 5: $out"
sleep 0.5
[ "$(alerts)" -eq 1 ] && ok || bad "alerts after the fifth message: $(alerts), expected still 1"
a=$(cat "$tmp/alerts"/*)
grep -qx 'MAILVET_USER=alice@example.com' <<< "$a" && ok || bad "alert: no MAILVET_USER: $a"
grep -qx 'MAILVET_EXCEEDED=messages' <<< "$a" && ok || bad "alert: MAILVET_EXCEEDED: $a"
grep -qx 'MAILVET_WINDOW=3600' <<< "$a" && ok || bad "alert: MAILVET_WINDOW: $a"
grep -q '^MAILVET_COUNTS=messages=4/3 recipients=4 new_recipients=1/2 receipts=0/1$' <<< "$a" && ok ||
	bad "alert: MAILVET_COUNTS: $a"
# The subjects this process saw: one scan per process here, so the message's own.
grep -qx 'subject: report 4' <<< "$a" && grep -qx 'MAILVET_SUBJECTS=report 4' <<< "$a" && ok || bad "alert: subjects: $a"
grep -qx 'exceeded: messages' <<< "$a" && ok || bad "alert input: $a"
# One syslog-style line per deferred message, nothing else on stderr.
[ "$(grep -c '^mailvet\[[0-9]*\]: warning: outbound_rate: user=alice@example.com messages=[45]/3 ' "$tmp/stderr")" -eq 2 ] &&
	ok || { bad "log lines"; cat "$tmp/stderr"; }
[ "$(wc -l < "$tmp/stderr")" -eq 2 ] && ok || { bad "stderr has more than the log lines"; cat "$tmp/stderr"; }

# The next window starts again.
out=$(msg "report 6" | scan alice@example.com 2026-12-07T11:00:10Z bob@partner.example)
[[ $out == "accept False"* ]] && ok || bad "alice in the next window: $out"

# dave: receipts count apart from messages; the second receipt in the window is deferred.
out=$(receipt | scan dave@example.com 2026-12-07T10:10:00Z dave@example.com)
[[ $out == "accept False"* ]] && ok || bad "dave receipt 1: $out"
out=$(receipt | scan dave@example.com 2026-12-07T10:11:00Z dave@example.com)
[[ $out == "tempfail True dave@example.com sent 2 read receipts (limit 1)"* ]] && ok || bad "dave receipt 2: $out"
wait_alerts 2 && ok || bad "no alert for dave"

# erin: a message to three addresses she never wrote to passes two first-time recipients.
out=$(msg "intro" | scan erin@example.com 2026-12-07T10:20:00Z a@one.example b@two.example c@three.example)
[[ $out == "tempfail True erin@example.com sent 3 new recipients (limit 2)"* ]] && ok || bad "erin: $out"
# frank wrote to them before: not new.  (Three messages, one recipient each, each recorded.)
for r in a@one.example b@two.example; do
	msg "hi" | scan frank@example.com 2026-12-07T10:21:00Z "$r" > /dev/null
done
out=$(msg "both" | scan frank@example.com 2026-12-07T10:22:00Z a@one.example b@two.example)
[[ $out == "accept False"* ]] && ok || bad "frank to known correspondents: $out"

# Inbound mail is never counted, whatever its volume.
for i in 1 2 3 4 5; do
	out=$(msg "in $i" | "$MAILVET" scan --json "${conf[@]}" --client-ip 203.0.113.9 --mail-from x@partner.example \
		--rcpt alice@example.com --now 2026-12-07T10:30:0${i}Z | grep -c OUTBOUND_RATE)
	[ "$out" -eq 0 ] || bad "inbound message $i counted"
done
ok

# An alert_command that is not an absolute path is a configuration error.
"$MAILVET" scan -o alert_command=alert.sh --store "lmdb:$tmp/store" /dev/null > /dev/null 2>&1
[ $? -eq 2 ] && ok || bad "a relative alert_command accepted"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
