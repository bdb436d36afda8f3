#!/usr/bin/python3
"""mailvet's ARC verdicts against dkimpy's, chain by chain.
Usage: arc_dkimpy_compare.py MAILVET WORKDIR

dkimpy (python3-dkim, with python3-authres for its AAR) seals chains of 1 to
5 sets, with RSA keys of 2048, 1024 and 512 bits made here (dkimpy seals
with RSA only), then the chains are
changed the ways that matter: the body or a header before and after the
newest set, an earlier set's fields, a set removed from the top or the
middle, a set doubled, a sealer that saw a failed chain (cv=fail), a key
that is not published.  dkimpy's arc_verify() judges each message with the
same key records; mailvet scans them all in one run with the zone, each
as sealed (CRLF) and as a mailbox stores it (LF; dkimpy's own LF mode makes
seals it does not verify itself, so it judges the CRLF copy), and its
auth.arc.result must equal dkimpy's cv for every one.
"""
import base64
import json
import os
import subprocess
import sys
import time

import dkim

DOMAIN = b"example.org"

BASE = (b"From: Alice <alice@example.org>\r\n"
        b"To: list@lists.example.net\r\n"
        b"Subject: lunch  at noon\r\n"
        b"Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
        b"Message-ID: <1@example.org>\r\n"
        b"\r\n"
        b"Hello all,\r\n"
        b"  see you  at noon. \r\n"
        b"\r\n")


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True)


def rsa_key(work, bits):
    path = os.path.join(work, "rsa%d.pem" % bits)
    run(["openssl", "genrsa", "-traditional", "-out", path, str(bits)])
    der = run(["openssl", "rsa", "-in", path, "-pubout", "-outform", "DER"]).stdout
    with open(path, "rb") as f:
        return f.read(), b"v=DKIM1; k=rsa; p=" + base64.b64encode(der)


class Sealer:
    def __init__(self, work):
        self.keys = {}
        self.zone = {}
        for bits in (2048, 1024, 512):
            priv, record = rsa_key(work, bits)
            self.keys[b"rsa%d" % bits] = priv
            self.zone[b"rsa%d._domainkey.example.org" % bits] = record
        # A selector whose key is not published: the seal is made, the record is missing.
        self.keys[b"unpublished"] = self.keys[b"rsa2048"]

    def seal(self, msg, n, selector=b"rsa2048", arc=None):
        """msg with ARC set n added by dkimpy; its AR says the chain it saw was `arc`."""
        arc = arc or (b"none" if n == 1 else b"pass")
        ar = b"Authentication-Results: hop%d.example; arc=%s; spf=pass smtp.mailfrom=example.org\r\n" % (n, arc)
        fields = dkim.arc_sign(ar + msg, selector, DOMAIN, self.keys[selector], b"hop%d.example" % n,
                               include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
        return b"".join(fields) + ar + msg

    def chain(self, msg, n, **kw):
        for i in range(1, n + 1):
            msg = self.seal(msg, i, **kw)
        return msg

    def dnsfunc(self, name, timeout=5):
        return self.zone.get(name.rstrip(b".").lower())


def field_lines(msg, name, instance):
    """The line range [start, end) of the ARC field `name` with instance i= in msg's header section."""
    nl = b"\r\n"
    lines = msg.split(nl)
    for k, line in enumerate(lines):
        if line.lower().startswith(name.lower() + b":"):
            end = k + 1
            while end < len(lines) and lines[end][:1] in (b" ", b"\t"):
                end += 1
            if b"i=%d;" % instance in nl.join(lines[k:end]).replace(b" ", b""):
                return lines, k, end, nl
    raise KeyError((name, instance))


def without_set(msg, instance):
    for name in (b"ARC-Seal", b"ARC-Message-Signature", b"ARC-Authentication-Results"):
        lines, k, end, nl = field_lines(msg, name, instance)
        msg = nl.join(lines[:k] + lines[end:])
    return msg


def doubled(msg, name, instance):
    lines, k, end, nl = field_lines(msg, name, instance)
    return nl.join(lines[:k] + lines[k:end] + lines[k:end] + lines[end:])


def cases(s):
    base = BASE
    nl = b"\r\n"
    for n in range(1, 6):
        c = s.chain(base, n)
        yield "%d" % n, c
        yield "%d-body-after" % n, c.replace(b"see you", b"meet you")
        yield "%d-subject-after" % n, c.replace(b"Subject: lunch", b"Subject: dinner")
        yield "%d-received-added" % n, b"Received: from relay.example by mx.example" + nl + c
        at = c.index(b" b=") + 3          # the newest seal's b=, one character changed
        yield "%d-seal-b" % n, c[:at] + (b"B" if c[at:at + 1] == b"A" else b"A") + c[at + 1:]
        if n >= 2:
            # Changed before the newest set: what ARC carries across.
            yield "%d-body-before" % n, s.seal(s.chain(base, n - 1).replace(b"see you", b"meet you"), n)
            yield "%d-aar1-after" % n, c.replace(b"hop1.example; arc=none", b"hop1.example; arc=pass", 1)
            yield "%d-top-removed" % n, without_set(c, n)
            yield "%d-set1-removed" % n, without_set(c, 1)
            yield "%d-cv-fail" % n, s.seal(s.chain(base, n - 1), n, arc=b"fail")
            yield "%d-aar-doubled" % n, doubled(c, b"ARC-Authentication-Results", n - 1)
            yield "%d-as-doubled" % n, doubled(c, b"ARC-Seal", 1)
    yield "body-changed-then-sealed", s.chain(base.replace(b"see you", b"meet you"), 2)
    for sel in (b"rsa1024", b"rsa512", b"unpublished"):
        yield "key-%s" % sel.decode(), s.chain(base, 1, selector=sel)
        yield "key-%s-over" % sel.decode(), s.seal(s.chain(base, 1), 2, selector=sel)


def write_zone(zone, path):
    with open(path, "wb") as f:
        for name, text in sorted(zone.items()):
            chunks = [text[i:i + 250] for i in range(0, len(text), 250)]
            f.write(name + b". 300 IN TXT " + b" ".join(b'"' + ch + b'"' for ch in chunks) + b"\n")


def main():
    mailvet, work = sys.argv[1], sys.argv[2]
    s = Sealer(work)
    msgdir = os.path.join(work, "msg")
    os.makedirs(msgdir, exist_ok=True)
    theirs = {}
    for name, msg in cases(s):
        for form, copy in (("crlf", msg), ("lf", msg.replace(b"\r\n", b"\n"))):
            with open(os.path.join(msgdir, "%s-%s.eml" % (name, form)), "wb") as f:
                f.write(copy)
        # dkimpy answers no cv at all (and says why) when the newest seal has cv=fail: that is fail.
        cv = dkim.arc_verify(msg, dnsfunc=s.dnsfunc)[0]
        theirs[name] = cv.decode() if cv is not None else "fail"
    zone = os.path.join(work, "keys.zone")
    write_zone(s.zone, zone)
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    out = run([mailvet, "-c", "/dev/null", "scan", "--json", "--dns-zone", zone, "--now", now, msgdir]).stdout
    ours = {}
    for line in out.splitlines():
        r = json.loads(line)
        arc = r["auth"]["arc"] if "auth" in r else {"result": "none", "reason": ""}
        ours[os.path.basename(r["file"])[:-4]] = (arc["result"], arc.get("reason", ""))
    fails = 0
    tally = {}
    for name in sorted(theirs):
        for form in ("crlf", "lf"):
            got, reason = ours.get("%s-%s" % (name, form), ("(no report)", ""))
            tally[(theirs[name], got)] = tally.get((theirs[name], got), 0) + 1
            if got != theirs[name]:
                fails += 1
                print("FAIL %s (%s): dkimpy %s, mailvet %s (%s)" % (name, form, theirs[name], got, reason))
    for (dk, mv), count in sorted(tally.items()):
        print("%5d  dkimpy %-5s mailvet %s" % (count, dk, mv))
    print("%d chains, each as CRLF and LF: %d differ" % (len(theirs), fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
