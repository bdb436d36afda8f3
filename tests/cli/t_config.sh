#!/bin/bash
# One configuration for every subcommand: -c FILE and -o, `mailvet config`, errors that name the
# file and the line, scores and composites that change verdicts; and the envelope options.
set -u
pass=0; fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ex="$MV_SRC/examples"
mv() { "$MAILVET" "$@"; }

# A missing default file is fine; a missing -c file is not.
mv -c "$tmp/none.conf" config >/dev/null 2>"$tmp/err" && bad "missing -c file accepted" || ok
grep -q "none.conf" "$tmp/err" && ok || bad "missing -c file not named: $(cat "$tmp/err")"

cat > "$tmp/site.conf" <<'CONF'
# our site
reject_score = 20
local_networks = 127.0.0.0/8,
    192.0.2.0/24
score HTML_ONLY = 0
composite FORM_NO_DATE = HTML_FORM and (MISSING_DATE or BAD_DATE)
CONF

# $MAILVET_CONFIG names the file when -c does not; it must exist.
[ "$(MAILVET_CONFIG="$tmp/site.conf" "$MAILVET" config reject_score 2>/dev/null)" = "reject_score = 20" ] && ok ||
	bad "MAILVET_CONFIG not read"
MAILVET_CONFIG="$tmp/none.conf" "$MAILVET" config >/dev/null 2>&1 && bad "missing MAILVET_CONFIG accepted" || ok

# Errors name the file and the line, for every subcommand.
printf '# site\ntag_score = 4\n\nmax_urls = lots\n' > "$tmp/bad1.conf"
for sub in scan config symbols limits; do
	if [ "$sub" = scan ]; then args=("$ex/ordinary.eml"); else args=(); fi
	mv -c "$tmp/bad1.conf" "$sub" "${args[@]}" >/dev/null 2>"$tmp/err"; st=$?
	[ "$st" -eq 2 ] && ok || bad "$sub with a bad value: exit $st"
	grep -q "bad1.conf:4: .*max_urls" "$tmp/err" && ok || bad "$sub: error does not name line 4: $(cat "$tmp/err")"
done
printf 'tag_score = 4\nno_such_setting = 1\n' > "$tmp/bad2.conf"
mv config -c "$tmp/bad2.conf" 2>"$tmp/err" >/dev/null
grep -q "bad2.conf:2: unknown setting 'no_such_setting'" "$tmp/err" && ok || bad "unknown setting: $(cat "$tmp/err")"
printf 'score NO_SUCH_SYMBOL = 2\n' > "$tmp/bad3.conf"
mv -c "$tmp/bad3.conf" scan "$ex/ordinary.eml" 2>"$tmp/err" >/dev/null; st=$?
[ "$st" -eq 2 ] && grep -q "bad3.conf:1: score NO_SUCH_SYMBOL" "$tmp/err" && ok || bad "unknown symbol: $st $(cat "$tmp/err")"
printf 'composite X = HTML_ONLY and\n' > "$tmp/bad4.conf"
mv -c "$tmp/bad4.conf" symbols 2>"$tmp/err" >/dev/null
grep -q "bad4.conf:1: composite X" "$tmp/err" && ok || bad "bad composite: $(cat "$tmp/err")"

# mailvet config: what the file sets (postconf -n), --all, --defaults, NAME.
out=$(mv -c "$tmp/site.conf" config)
grep -qx "reject_score = 20" <<< "$out" && ok || bad "config: reject_score: $out"
grep -q "^local_networks = 127.0.0.0/8, 192.0.2.0/24" <<< "$out" && ok || bad "config: continuation line: $out"
grep -q "^tag_score" <<< "$out" && bad "config prints settings the file does not set" || ok
grep -qx "score HTML_ONLY = 0" <<< "$out" && ok || bad "config: directives: $out"
all=$(mv -c "$tmp/site.conf" config --all)
grep -qx "tag_score = 5" <<< "$all" && grep -qx "reject_score = 20" <<< "$all" && ok || bad "config --all"
defaults=$(mv -c "$tmp/site.conf" config --defaults)
grep -qx "reject_score = 15" <<< "$defaults" && ok || bad "config --defaults"
[ "$(mv -c "$tmp/site.conf" config reject_score)" = "reject_score = 20" ] && ok || bad "config NAME"
mv config no_such >/dev/null 2>&1 && bad "config of an unknown name" || ok
[ "$(mv -c "$tmp/site.conf" config -o reject_score=30 reject_score)" = "reject_score = 30" ] && ok || bad "-o"

# Scores and composites change verdicts; symbols shows the configured score.
mv -c "$tmp/site.conf" symbols | grep -q "^HTML_ONLY  *0.00 " && ok || bad "symbols: configured score"
mv symbols | grep -q "^HTML_ONLY  *0.50 " && ok || bad "symbols: default score"
printf 'From: a@example.com\nSubject: s\nContent-Type: text/html\n\n<form action="https://x.example/">pw</form>\n' \
	> "$tmp/form.eml"
out=$(mv -c "$tmp/site.conf" scan --json "$tmp/form.eml")
python3 - "$out" <<'PY' && ok || bad "composite in a scan: $out"
import json, sys
o = json.loads(sys.argv[1])
names = {s["name"]: s for s in o["symbols"]}
assert "FORM_NO_DATE" in names and names["FORM_NO_DATE"]["group"] == "composite", names
assert names["HTML_ONLY"]["score"] == 0
PY
out=$(mv scan --json -o "disabled_symbols = HTML_FORM" "$tmp/form.eml")
grep -q '"HTML_FORM"' <<< "$out" && bad "disabled_symbols" || ok

# The envelope options, and the trust boundary from a configuration.
out=$(mv scan --json --client-ip 203.0.113.9 --helo mail.example.com --mail-from '<>' \
	--rcpt bob@example.org --rcpt '<carol@example.org>' "$ex/ordinary.eml")
python3 - "$out" <<'PY' && ok || bad "envelope options: $out"
import json, sys
e = json.loads(sys.argv[1])["envelope"]
assert e["client_ip"] == "203.0.113.9" and e["helo"] == "mail.example.com", e
assert e["mail_from"] == "" and e["rcpt"] == ["bob@example.org", "carol@example.org"], e
assert e["source"] == "options" and e["direction"] == "inbound" and e["sasl_user"] is None, e
PY
out=$(mv scan --json --sasl-user alice --rcpt x@elsewhere.example "$ex/ordinary.eml")
grep -q '"direction":"outbound"' <<< "$out" && grep -q '"sasl_user":"alice"' <<< "$out" && ok || bad "sasl-user: $out"
out=$(mv scan --json -o local_domains=example.org --sasl-user alice --rcpt x@example.org "$ex/ordinary.eml")
grep -q '"direction":"internal"' <<< "$out" && ok || bad "internal: $out"
mv scan --client-ip 300.1.1.1 "$ex/ordinary.eml" >/dev/null 2>&1 && bad "bad --client-ip accepted" || ok
mv scan --now yesterday "$ex/ordinary.eml" >/dev/null 2>&1 && bad "bad --now accepted" || ok
mv scan --now 2026-12-07T10:20:30+01:00 "$ex/ordinary.eml" >/dev/null && ok || bad "--now with a zone"
out=$(mv scan --json "$ex/ordinary.eml")
grep -q '"source":"none"' <<< "$out" && ok || bad "no trusted_relays: source none: $out"
out=$(mv scan --json -o "trusted_relays = mx.example.org" "$ex/ordinary.eml")
python3 - "$out" <<'PY' && ok || bad "trusted_relays: envelope from the boundary: $out"
import json, sys
o = json.loads(sys.argv[1])
e = o["envelope"]
assert e["source"] == "received" and e["client_ip"] == "192.0.2.25" and e["helo"] == "mail.example.net", e
assert [h["trusted"] for h in o["received"]] == [True, False], o["received"]
# The second hop's "Authenticated sender" is the sender's own claim: not believed.
assert e["sasl_user"] is None and e["direction"] == "inbound", e
PY
# The text report shows the envelope when there is one.
mv scan --client-ip 203.0.113.9 --helo desktop "$ex/ordinary.eml" | grep -q "envelope: client 203.0.113.9 helo desktop" &&
	ok || bad "text report: envelope line"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
