#!/bin/bash
# The impersonation scenarios (issue: who really sent it): six messages made fresh by
# make_impersonation.py, with their DNS in a zone file and their keys and certificates made by
# the test, scanned as mx.example.org received them.  The provider's notice, the look-alike, the
# homograph and the spoofed S/MIME notice must be quarantined or rejected for the right reasons,
# in words; the brand's own notice and the provider's newsletter accepted with no impersonation
# symbol.
set -u
py=/usr/bin/python3
if ! "$py" -c 'import dkim' 2>/dev/null; then
	echo "skipped: $py cannot import dkim (apt-get install python3-dkim)"
	exit 77
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$py" "$MV_SRC/tests/scenarios/make_impersonation.py" "$tmp" || { echo "making the scenarios failed"; exit 1; }
cd "$tmp" || exit 1
for f in *.eml; do
	"$MAILVET" -c scenarios.conf scan --json "$f" > "${f%.eml}.json" || { echo "scan failed: $f"; exit 1; }
	"$MAILVET" -c scenarios.conf scan "$f" > "${f%.eml}.txt" || { echo "scan failed: $f"; exit 1; }
done
python3 - <<'PY'
import json, sys

IMPERSONATION = {"BRAND_UNSIGNED", "DISPLAY_NAME_SPOOF", "LOOKALIKE_DOMAIN", "SENT_ON_BEHALF",
                 "LINK_TEXT_MISMATCH", "FROM_MALFORMED"}
passed = failed = 0


def check(name, cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: {what}")


def load(name):
    r = json.load(open(name + ".json", encoding="utf-8"))
    return r, {s["name"]: s for s in r["symbols"]}, open(name + ".txt", encoding="utf-8").read()


def refused(name, want, words):
    r, syms, text = load(name)
    check(name, r["action"] in ("quarantine", "reject"), f"action {r['action']} (score {r['score']}), want quarantine or reject")
    for s in want:
        check(name, s in syms, f"no {s} among {sorted(syms)}")
    for w in words:
        check(name, w in text, f"the text report does not say {w!r}")
    return r, syms


def accepted(name):
    r, syms, text = load(name)
    check(name, r["action"] == "accept", f"action {r['action']} (score {r['score']}), want accept")
    bad = IMPERSONATION & set(syms)
    check(name, not bad, f"impersonation symbols on a legitimate message: {sorted(bad)}")
    return r, syms


r, syms = refused("provider-notice", ["SENT_ON_BEHALF", "BRAND_UNSIGNED"], ["microsoft.com", "sendgrid.net", "behalf"])
check("provider-notice", r["sender"]["on_behalf"] and r["sender"]["org"] == "sendgrid.net",
      f"sender {r['sender']}")
check("provider-notice", r["sender"]["claimed"] == "microsoft.com", f"claimed {r['sender']['claimed']}")
check("provider-notice", any(l["tracker"] or l["mismatch"] for l in r["links"]), "no link seen as tracked or mismatched")
check("provider-notice", {"LINK_TEXT_MISMATCH", "LINK_HIDDEN_DESTINATION"} & set(syms),
      "neither LINK_TEXT_MISMATCH nor LINK_HIDDEN_DESTINATION for links that show microsoft.com and go elsewhere")

r, syms = refused("lookalike", ["LOOKALIKE_DOMAIN"], ["micr0soft-security.com"])
check("lookalike", "microsoft.com" in syms["LOOKALIKE_DOMAIN"]["detail"] if "LOOKALIKE_DOMAIN" in syms else False,
      "LOOKALIKE_DOMAIN does not name microsoft.com")

r, syms = refused("homograph", ["LOOKALIKE_DOMAIN"], [])
check("homograph", "paypal.com" in syms["LOOKALIKE_DOMAIN"]["detail"] if "LOOKALIKE_DOMAIN" in syms else False,
      "LOOKALIKE_DOMAIN does not name paypal.com")
check("homograph", any(l["destination_domain"] == "xn--pypal-4ve.com" for l in r["links"]),
      f"the Unicode href's destination is not xn--pypal-4ve.com: {[l['destination_domain'] for l in r['links']]}")

r, syms = refused("spoofed-smime", ["BRAND_UNSIGNED", "SMIME_UNTRUSTED", "DMARC_REJECT"], [])
check("spoofed-smime", r["action"] == "reject", f"action {r['action']}, want reject")

r, syms = accepted("brand-notice")
check("brand-notice", "SMIME_VALID" in syms and "DMARC_PASS" in syms, f"symbols {sorted(syms)}")
check("brand-notice", not r["sender"]["on_behalf"], f"sender {r['sender']}")

r, syms = accepted("provider-newsletter")
check("provider-newsletter", r["sender"]["provider"] != "" and not r["sender"]["on_behalf"],
      f"sender {r['sender']}")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
