#!/bin/bash
# A stored message scanned with trusted_relays and dns_zone gives the same authentication results
# as the same message scanned with its envelope given as options (as the milter gives it): for
# every example, the envelope read from the trust boundary is passed back as options (the source
# must then be "options": nothing is read from Received), and the auth results and symbols must be
# the same.  trusted_relays stays set, as it is for the milter: the bounce check also reads it, as
# the relays our own mail passes through.
set -u
pass=0; fail=0
conf="$MV_SRC/etc/mailvet.conf"
for eml in "$MV_SRC"/examples/*.eml; do
	stored=$("$MAILVET" -c "$conf" scan --json "$eml")
	mapfile -t opts < <(python3 - "$stored" <<'PY'
import json, sys
e = json.loads(sys.argv[1])["envelope"]
assert e["source"] == "received", e
print("--client-ip"); print(e["client_ip"])
if e["helo"]: print("--helo"); print(e["helo"])
if e["client_name"]: print("--client-name"); print(e["client_name"])
if e["mail_from"] is not None: print("--mail-from"); print("<" + e["mail_from"] + ">")
for r in e["rcpt"]: print("--rcpt"); print(r)
PY
	)
	given=$("$MAILVET" -c "$conf" scan --json "${opts[@]}" "$eml")
	if python3 - "$stored" "$given" <<'PY'
import json, sys
a, b = (json.loads(x) for x in sys.argv[1:3])
assert a["envelope"]["source"] == "received" and b["envelope"]["source"] == "options"
for k in ("client_ip", "helo", "mail_from", "rcpt", "direction"):
    assert a["envelope"][k] == b["envelope"][k], (k, a["envelope"][k], b["envelope"][k])
assert a["auth"] == b["auth"], (a["auth"], b["auth"])
sa = sorted((s["name"], s["detail"]) for s in a["symbols"])
sb = sorted((s["name"], s["detail"]) for s in b["symbols"])
assert sa == sb, (sa, sb)
assert a["action"] == b["action"] and a["score"] == b["score"]
PY
	then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $(basename "$eml")"; fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
