#!/bin/bash
# Authentication-Results: our own value for every scan, and, when DNS is not available, the results our
# own server recorded on arrival — only from a trusted authserv-id, and only above the trust boundary.
set -u
pass=0; fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# No zone: the DNS these scans use is a server that refuses (below), or a zone of their own.
export MAILVET_CONFIG=/dev/null
cat > "$tmp/m.eml" <<'EML'
Authentication-Results: mx.example.org;
 spf=pass (sender ok) smtp.mailfrom=bounce@example.com;
 dkim=pass header.d=example.com header.s=s1 header.a=rsa-sha256;
 dmarc=pass (p=reject dis=none) header.from=example.com
Received: from out.example.com (out.example.com [192.0.2.9]) by mx.example.org with ESMTPS id 1;
 Mon, 7 Dec 2026 10:00:00 +0000
Authentication-Results: mx.example.org; spf=fail smtp.mailfrom=forged.example
From: a@example.com
Subject: s

body
EML
# DNS is not available: a server that refuses, and a short timeout.
offline=(-o "dns_servers = 127.0.0.1:9" -o "dns_timeout = 100ms" -o "dns_retries = 0")
auth() { "$MAILVET" scan --json -o authserv_id=here.example "${offline[@]}" "$@" | python3 -c '
import json, sys
a = json.load(sys.stdin)["auth"]
print(a["source"], a["spf"]["result"], a["spf"]["domain"], len(a["dkim"]), a["dmarc"]["policy"] or "-")'; }

[ "$(auth -o trusted_authserv_ids=mx.example.org -o trusted_relays=mx.example.org "$tmp/m.eml")" = \
  "trusted-header pass example.com 1 reject" ] && ok || bad "trusted field above the boundary not read"
# Without trusted_relays the topmost field of a trusted server is taken.
[ "$(auth -o trusted_authserv_ids=mx.example.org "$tmp/m.eml")" = "trusted-header pass example.com 1 reject" ] &&
	ok || bad "topmost trusted field"
# DNS that answers: the checks' own results stand, the field is not read.
printf 'out.example.com. 300 IN TXT "v=spf1 -all"\n' > "$tmp/z.zone"
[ "$(auth -o trusted_authserv_ids=mx.example.org -o trusted_relays=mx.example.org --dns-zone "$tmp/z.zone" "$tmp/m.eml" |
     cut -d' ' -f1-2)" = "checked fail" ] && ok || bad "a field was read though DNS answered"
# A field below the boundary is the sender's claim, whatever authserv-id it names.
sed '1,4d' "$tmp/m.eml" > "$tmp/below.eml"
[ "$(auth -o trusted_authserv_ids=mx.example.org -o trusted_relays=mx.example.org "$tmp/below.eml" |
     cut -d' ' -f1,3)" = "checked out.example.com" ] && ok || bad "a field below the boundary was believed"
# An authserv-id that is not ours, or no trusted ids at all: not believed.
[ "$(auth -o trusted_authserv_ids=other.example "$tmp/m.eml")" = "checked none  0 -" ] && ok || bad "untrusted id"
[ "$(auth "$tmp/m.eml")" = "checked none  0 -" ] && ok || bad "no trusted ids"
# Our own value names our authserv-id; the symbol and the text report say where the results come from.
out=$("$MAILVET" scan --json -o authserv_id=here.example "${offline[@]}" -o trusted_authserv_ids=mx.example.org "$tmp/m.eml")
python3 - "$out" <<'PY' && ok || bad "authentication_results value: $out"
import json, sys
o = json.loads(sys.argv[1])
v = o["auth"]["authentication_results"]
assert v.startswith("here.example;"), v
assert "spf=pass smtp.mailfrom=example.com" in v and "dkim=pass header.d=example.com" in v, v
assert any(s["name"] == "AUTH_TRUSTED_HEADER" for s in o["symbols"]), o["symbols"]
PY
"$MAILVET" scan "${offline[@]}" -o trusted_authserv_ids=mx.example.org -o trusted_relays=mx.example.org "$tmp/m.eml" |
	grep -q "SPF: 192.0.2.9 is a server that example.com allows to send its mail." && ok || bad "text report sentence"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
