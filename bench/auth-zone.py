#!/usr/bin/python3
"""What bench/bench-checks.sh needs from a scan of the corpus (`mailvet scan --json`, on stdin).

Usage: auth-zone.py relays < SCAN.json   the hosts that wrote the topmost Received field of
                                         each message, for trusted_relays (comma-separated)
       auth-zone.py zone < SCAN.json     a zone (dns_zone) where every From domain, MAIL FROM
                                         domain and HELO name publishes an SPF record, and
                                         every From domain a DMARC record of p=none

The SPF record, "v=spf1 ip4:192.0.2.0/24 -all", allows none of the corpus's clients: SPF
evaluates one mechanism and fails; DMARC finds the policy and evaluates alignment.
"""
import json
import re
import sys

NAME = re.compile(r"^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z]{2,63}$")


def domain(text):
    text = (text or "").rsplit("@", 1)[-1].strip().rstrip(".").lower()
    return text if NAME.match(text) else None


def main():
    reports = [json.loads(line) for line in sys.stdin if line.strip()]
    if sys.argv[1:] == ["relays"]:
        hosts = {r["received"][0]["by"].lower() for r in reports if r.get("received") and r["received"][0]["by"]}
        print(", ".join(sorted(hosts)))
        return
    if sys.argv[1:] != ["zone"]:
        sys.exit(__doc__)
    froms, spf = set(), set()
    for r in reports:
        env = r.get("envelope") or {}
        d = domain((r.get("from") or {}).get("address"))
        if d:
            froms.add(d)
        for name in (d, domain(env.get("mail_from")), domain(env.get("helo"))):
            if name:
                spf.add(name)
    print("$TTL 3600")
    for name in sorted(spf):
        print('%s. TXT "v=spf1 ip4:192.0.2.0/24 -all"' % name)
    for name in sorted(froms):
        print('_dmarc.%s. TXT "v=DMARC1; p=none"' % name)


main()
