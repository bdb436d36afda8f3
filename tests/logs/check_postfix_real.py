#!/usr/bin/env python3
"""What `mailvet logs --json` must find in a log of tests/logs/postfix_capture.sh's session.

usage: check_postfix_real.py REPORT.json

The session (postfix_capture.sh): alice@mailvet.test submits 3 messages to 4 recipients from
127.0.0.10, one bounced by virtual (unknown user); frontdesk@mailvet.test submits 3 "Not read:"
receipts from 127.0.0.20, one deferred (450) and one bounced (550); 127.0.0.66 fails a SASL login
as alice.  Every line of the log has a readable timestamp and is whole.  Prints what is wrong and
exits 1, or exits 0.
"""
import json
import sys

EXPECTED = {
    "alice@mailvet.test": {"messages": 3, "recipients": 4, "bounced": 1, "receipts": 0,
                           "clients": ["127.0.0.10"]},
    "frontdesk@mailvet.test": {"messages": 3, "receipts": 3, "deferred": 1, "bounced": 1,
                               "clients": ["127.0.0.20"]},
}


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        doc = json.load(f)
    problems = []

    def expect(what, got, want):
        if got != want:
            problems.append("%s: %r, expected %r" % (what, got, want))

    logs = doc.get("logs", {})
    skipped = logs.get("skipped", {})
    for k in ("truncated", "binary", "too_long", "bad_time"):
        expect("lines skipped as " + k, skipped.get(k), 0)
    if logs.get("parsed", 0) < logs.get("lines", 0) - skipped.get("unknown", 0):
        problems.append("%s of %s lines parsed" % (logs.get("parsed"), logs.get("lines")))

    accounts = {a.get("account"): a for a in doc.get("accounts", [])}
    for name, fields in EXPECTED.items():
        account = accounts.get(name)
        if account is None:
            problems.append("no account %s (accounts: %r)" % (name, sorted(accounts)))
            continue
        for k, want in fields.items():
            expect("%s's %s" % (name, k), account.get(k), want)
    for name in accounts:
        if name not in EXPECTED:
            problems.append("an account that did not send nor log in: %r" % name)

    clients = {c.get("client"): c for c in doc.get("clients", [])}
    stranger = clients.get("127.0.0.66")
    if stranger is None:
        problems.append("the failed login's client 127.0.0.66 is not listed (clients: %r)" % sorted(clients))
    else:
        expect("failed logins of 127.0.0.66", stranger.get("auth_failures"), 1)
        expect("logins of 127.0.0.66", stranger.get("logins"), 0)

    for p in problems:
        print("check_postfix_real: " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
