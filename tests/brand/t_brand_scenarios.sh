#!/bin/bash
# The impersonation scenarios of issue 11 through the command, end to end: messages that
# make_scenarios.py writes and signs for this run (DKIM by dkimpy, S/MIME by openssl), a zone
# of their SPF, DKIM and DMARC records, the envelope each came with.  The forgeries must be
# stopped (quarantine or reject) with the impersonation symbols that explain them; the brand's
# own notice and a newsletter through the same provider must be accepted with none.
set -u
command -v openssl >/dev/null || { echo "skipped: no openssl command"; exit 77; }
/usr/bin/python3 -c 'import dkim' 2>/dev/null || { echo "skipped: no python3-dkim"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 "$MV_SRC/tests/brand/make_scenarios.py" "$tmp" || { echo "make_scenarios.py failed"; exit 1; }
cat >"$tmp/mailvet.conf" <<CONF
dns_zone = $tmp/scenarios.zone
brands_file = $tmp/brands.conf
smime_ca_file = $tmp/brand-ca.pem
local_domains = example.org
CONF
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
fail=0 n=0
while IFS=$'\t' read -r file ip helo mail_from want symbols; do
	n=$((n + 1))
	out=$("$MAILVET" -c "$tmp/mailvet.conf" scan --json --now "$now" --client-ip "$ip" --helo "$helo" \
		--mail-from "$mail_from" --rcpt security@example.org "$tmp/$file") ||
		{ echo "$file: mailvet failed"; fail=1; continue; }
	/usr/bin/python3 - "$file" "$want" "$symbols" "$out" <<'PY' || fail=1
import json, sys
file, want, symbols, out = sys.argv[1], sys.argv[2], sys.argv[3].split(), json.loads(sys.argv[4])
names = {s["name"]: s for s in out["symbols"]}
bad = []
if want == "stop" and out["action"] not in ("quarantine", "reject"):
    bad.append("action %s, expected quarantine or reject" % out["action"])
if want == "accept" and out["action"] != "accept":
    bad.append("action %s, expected accept" % out["action"])
for s in symbols:
    # +NAME: reported; +NAME/words_of_it: reported, its detail or an option holding the words.
    name, _, words = s[1:].partition("/")
    if s[0] == "+" and name not in names:
        bad.append("no " + name)
    elif s[0] == "+" and words and not any(words.replace("_", " ") in t
                                           for t in [names[name]["detail"]] + names[name]["options"]):
        bad.append("%s does not say '%s': %s" % (name, words.replace("_", " "), names[name]["options"]))
    if s[0] == "-" and name in names:
        bad.append("unexpected %s: %s" % (name, names[name]["detail"]))
if bad:
    print("%s: %s" % (file, "; ".join(bad)))
    for s in out["symbols"]:
        print("    %s %.1f %s" % (s["name"], s["score"], s["detail"]))
    sys.exit(1)
print("%s: %s, score %.1f: %s" % (file, out["action"], out["score"],
      "; ".join(s["detail"] for s in out["symbols"] if s["group"] == "impersonation") or "no impersonation"))
PY
done <"$tmp/scenarios.tsv"
[ "$n" -eq 6 ] || { echo "expected 6 scenarios, ran $n"; fail=1; }

# The brand's CA named by its subject among the smime_ca_file anchors: the brand's own notice
# passes with the right subject, and is not the brand's with another.
subject() {	# brands-file: the BRAND_UNSIGNED symbol of the brand's own notice, or "failed"
	local out
	out=$("$MAILVET" -c "$tmp/mailvet.conf" scan -o "brands_file=$tmp/$1" --json --now "$now" \
		--client-ip 192.0.2.10 --helo mail.microsoft.com --mail-from security-notice@microsoft.com \
		"$tmp/notice-own.eml") || { echo failed; return; }
	grep -o '"name":"BRAND_UNSIGNED"[^}]*' <<<"$out"
}
got=$(subject brands-subject.conf)
[ -z "$got" ] || { echo "smime_ca_subject (right): $got"; fail=1; }
got=$(subject brands-wrong-subject.conf)
case $got in
*"no S/MIME signature that chains to Microsoft's CA"*) ;;
*) echo "smime_ca_subject (wrong): expected BRAND_UNSIGNED for S/MIME, got: ${got:-nothing}"; fail=1 ;;
esac
[ "$fail" -eq 0 ] && echo "1 passed, 0 failed ($n scenarios)" || echo "0 passed, 1 failed"
exit "$fail"
