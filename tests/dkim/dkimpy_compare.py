#!/usr/bin/python3
"""mailvet's DKIM verdicts against dkimpy's, signature by signature.

Usage: dkimpy_compare.py MAILVET WORKDIR

Generates RSA (512, 1024, 2048 bits) and ed25519 keys, writes their records
to a zone file, signs messages with dkimpy in every canonicalization, with and
without l=, with default and over-signed header lists, RSA and ed25519, then
tampers with copies (a body byte, appended or re-spaced body text, added,
reordered and re-cased header fields, an added From) and adds signatures
whose key record or tags make them special (another key, revoked, missing,
t=y, t=s, h=, k=, short keys, rsa-sha1, x=, t=, l= past the body, two
signatures on one message).  dkimpy verifies each signature (its own
verify(), with a dnsfunc reading the same records) and mailvet scans all the
messages in one run with the zone; each signature's mailvet verdict is read
from the DKIM symbols whose options name it (domain:selector).

The verdicts must be equal (pass / not pass), except for the few cases listed
in KNOWN_DIFFERENCES where dkimpy 1.1.4 does not implement what an RFC
requires; for those the exact pair is checked.  Any other difference fails
the test and is printed.
"""
import base64
import json
import os
import subprocess
import sys
import time

import dkim
import dkim.crypto
import nacl.encoding
import nacl.signing

DOMAIN = b"example.org"
SYMBOLS = ("DKIM_VALID", "DKIM_INVALID", "DKIM_PERMERROR", "DKIM_TEMPERROR", "DKIM_WEAK")

# label -> (dkimpy's verdict, mailvet's symbols, why they differ)
KNOWN_DIFFERENCES = {
    "sha1": (True, "DKIM_WEAK",
             "RFC 8301 3.1: rsa-sha1 signatures must not be considered valid (mailvet: policy); dkimpy accepts them"),
    "key-strict-sub": (True, "DKIM_PERMERROR",
                       "RFC 6376 3.6.1 t=s: i= must not be a subdomain of d=; dkimpy does not read the key's t="),
    "key-hsha1": (True, "DKIM_PERMERROR",
                  "RFC 6376 3.6.1 h=: the key allows sha1 only; dkimpy does not read the key's h="),
    "l-past": (True, "DKIM_PERMERROR",
               "l= longer than the body: mailvet refuses it, dkimpy hashes the body there is"),
}

BASES = {
    "plain": (b"From: Alice Example <alice@example.org>\r\n"
              b"To: Bob <bob@example.net>\r\n"
              b"Subject: Lunch at noon?\r\n"
              b"Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
              b"Message-ID: <plain.1@example.org>\r\n"
              b"\r\n"
              b"Hello Bob,\r\n"
              b"  are we  still on\tfor lunch? \r\n"
              b"\r\n"
              b"Alice\r\n"
              b"\r\n"
              b"\r\n"),
    "folded": (b"Received: from a.example.org by b.example.net;\r\n"
               b"\tTue, 14 Nov 2023 22:13:22 +0000\r\n"
               b"Received: from c.example.org by a.example.org; Tue, 14 Nov 2023 22:13:21 +0000\r\n"
               b"From: \"Example, Alice\"\r\n <alice@example.org>\r\n"
               b"To: bob@example.net,\r\n\tcarol@example.net\r\n"
               b"Subject: a subject that is folded\r\n \t over   two lines  \r\n"
               b"X-Tag: one\r\n"
               b"X-Tag:two\r\n"
               b"X-Empty:\r\n"
               b"Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
               b"MIME-Version: 1.0\r\n"
               b"Content-Type: text/plain; charset=us-ascii\r\n"
               b"\r\n"
               b"line one\r\n"
               b" \t \r\n"
               b"line  three\t\t\r\n"
               b"\r\n"
               b"last\r\n"),
    "empty": (b"From: alice@example.org\r\n"
              b"To: bob@example.net\r\n"
              b"Subject: nothing to say\r\n"
              b"\r\n"),
    "lf": (b"From: alice@example.org\n"
           b"To: bob@example.net\n"
           b"Subject: stored with bare LF\n"
           b"Date: Tue, 14 Nov 2023 22:13:20 +0000\n"
           b"\n"
           b"Hello,\n"
           b"  this file uses  LF only.\n"
           b"\n"
           b"\n"),
    "utf8": ("From: Zoë <zoe@example.org>\r\n"
             "To: bob@example.net\r\n"
             "Subject: déjà vu\r\n"
             "Content-Type: text/plain; charset=utf-8\r\n"
             "Content-Transfer-Encoding: 8bit\r\n"
             "\r\n"
             "Grüße aus Zürich — à bientôt.\r\n").encode("utf-8"),
    "noeol": (b"From: alice@example.org\r\n"
              b"To: bob@example.net\r\n"
              b"Subject: no final line end\r\n"
              b"\r\n"
              b"first line\r\n"
              b"last line without a line end"),
}

OVERSIGNED = [b"from", b"to", b"subject", b"subject", b"date", b"x-tag", b"x-tag", b"x-tag", b"x-missing",
              b"from"]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, **kw)


def rsa_key(work, bits):
    path = os.path.join(work, "rsa%d.pem" % bits)
    run(["openssl", "genrsa", "-traditional", "-out", path, str(bits)])
    der = run(["openssl", "rsa", "-in", path, "-pubout", "-outform", "DER"]).stdout
    with open(path, "rb") as f:
        return {"alg": b"rsa-sha256", "private": f.read(), "p": base64.b64encode(der)}


def ed_key():
    sk = nacl.signing.SigningKey.generate()
    return {"alg": b"ed25519-sha256", "private": base64.b64encode(bytes(sk)),
            "p": base64.b64encode(bytes(sk.verify_key))}


class Corpus:
    def __init__(self, work, now):
        self.work = work
        self.now = now
        self.zone = {}          # name -> [TXT string, ...]
        self.messages = []      # (file name, bytes, [(domain:selector, label)])
        self.keys = {}

    def record(self, selector, text):
        self.zone.setdefault(b"%s._domainkey.%s" % (selector, DOMAIN), []).append(text)

    def add(self, name, msg, sigs):
        self.messages.append((name + ".eml", msg, sigs))

    def sign(self, msg, key, selector, canon=(b"relaxed", b"relaxed"), length=False, include=None, **extra):
        """A DKIM-Signature field for msg (dkimpy's sign(), or its gen_header() when tags need setting)."""
        k = self.keys[key]
        alg = extra.pop("alg", k["alg"])
        linesep = b"\n" if b"\r\n" not in msg else b"\r\n"
        if not extra:
            return dkim.sign(msg, selector, DOMAIN, k["private"], canonicalize=canon, include_headers=include,
                             length=length, signature_algorithm=alg, linesep=linesep)
        return self.sign_with_tags(msg, k, alg, selector, canon, include or [b"from", b"to", b"subject"],
                                   extra, linesep)

    def sign_with_tags(self, msg, k, alg, selector, canon, include, extra, linesep):
        """dkimpy's sign(), with tags it cannot set (x=, t=, l=, i=) given as keyword arguments."""
        d = dkim.DKIM(msg, signature_algorithm=alg, linesep=linesep)
        if alg == b"ed25519-sha256":
            pk = nacl.signing.SigningKey(k["private"], encoder=nacl.encoding.Base64Encoder)
        else:
            pk = dkim.crypto.parse_pem_private_key(k["private"])
        policy = dkim.CanonicalizationPolicy.from_c_value(b"/".join(canon))
        include = tuple(x.lower() for x in include)
        d.hasher = dkim.HASH_ALGORITHMS[alg]
        h = d.hasher()
        h.update(policy.canonicalize_body(d.body))
        tags = {b"t": str(self.now).encode()}
        tags.update({name.encode(): value for name, value in extra.items()})
        fields = [(b"v", b"1"), (b"a", alg), (b"c", policy.to_c_value()), (b"d", DOMAIN), (b"s", selector)]
        fields += sorted(tags.items())
        fields += [(b"h", b" : ".join(include)), (b"bh", base64.b64encode(h.digest())), (b"b", b"0" * 60)]
        return b"DKIM-Signature: " + d.gen_header(fields, include, policy, b"DKIM-Signature", pk)


def tampered(msg):
    """(label, copy) for each way of changing a signed message; the signature field is the first line(s)."""
    crlf = b"\r\n" if b"\r\n" in msg else b"\n"
    head, sep, body = msg.partition(crlf + crlf)
    out = []
    if body:
        i = next((k for k, c in enumerate(body) if chr(c).isalpha()), None)
        if i is not None:
            out.append(("body-byte", head + sep + body[:i] + bytes([body[i] ^ 0x20]) + body[i + 1:]))
        if b" " in body:
            out.append(("body-ws", head + sep + body.replace(b" ", b"  ", 1)))
    out.append(("body-append", msg + b"appended line" + crlf))
    lines = head.split(crlf)
    first = next(k for k, line in enumerate(lines) if not line.startswith((b"DKIM-Signature", b" ", b"\t")))
    out.append(("hdr-add-top", crlf.join(lines[:first] + [b"Subject: injected"] + lines[first:]) + sep + body))
    out.append(("hdr-add-bottom", head + crlf + b"Subject: injected" + sep + body))
    out.append(("from-add", crlf.join(lines[:first] + [b"From: mallory@example.com"] + lines[first:]) + sep + body))
    to = next((k for k, line in enumerate(lines) if line.startswith(b"To:")), None)
    subj = next((k for k, line in enumerate(lines) if line.startswith(b"Subject:")), None)
    def one_line(k):
        return k + 1 == len(lines) or not lines[k + 1].startswith((b" ", b"\t"))

    if to is not None and subj is not None and one_line(to) and one_line(subj):
        swapped = list(lines)
        swapped[to], swapped[subj] = swapped[subj], swapped[to]
        out.append(("hdr-reorder", crlf.join(swapped) + sep + body))
    if subj is not None:
        out.append(("hdr-case", head.replace(b"\nSubject:", b"\nSUBJECT:", 1) + sep + body))
        out.append(("hdr-ws", head.replace(b"\nSubject: ", b"\nSubject:   ", 1) + sep + body))
    return out


def build(corpus):
    c = corpus
    c.keys = {"rsa2048": rsa_key(c.work, 2048), "rsa1024": rsa_key(c.work, 1024), "rsa512": rsa_key(c.work, 512),
              "ed": ed_key()}
    for name in ("rsa2048", "rsa1024", "rsa512"):
        c.record(name.encode(), b"v=DKIM1; k=rsa; p=" + c.keys[name]["p"])
    c.record(b"ed", b"v=DKIM1; k=ed25519; p=" + c.keys["ed"]["p"])
    c.record(b"swapped", b"v=DKIM1; p=" + c.keys["rsa1024"]["p"])
    c.record(b"revoked", b"v=DKIM1; p=")
    c.record(b"testing", b"v=DKIM1; t=y; p=" + c.keys["rsa2048"]["p"])
    c.record(b"strict", b"v=DKIM1; t=s; p=" + c.keys["rsa2048"]["p"])
    c.record(b"hsha1", b"v=DKIM1; h=sha1; p=" + c.keys["rsa2048"]["p"])
    c.record(b"hsha256", b"v=DKIM1; h=sha256; s=email; p=" + c.keys["rsa2048"]["p"])
    c.record(b"sstar", b"v=DKIM1; s=*; p=" + c.keys["rsa2048"]["p"])
    c.record(b"edwrongk", b"v=DKIM1; k=rsa; p=" + c.keys["ed"]["p"])
    c.record(b"twice", b"v=spf1 -all")
    c.record(b"twice", b"v=DKIM1; p=" + c.keys["rsa2048"]["p"])

    n = 0
    for base, msg in BASES.items():
        for hc in (b"simple", b"relaxed"):
            for bc in (b"simple", b"relaxed"):
                for length in (False, True):
                    for key in ("rsa2048", "ed"):
                        n += 1
                        include = OVERSIGNED if n % 2 == 0 else None
                        signed = c.sign(msg, key, key.encode(), (hc, bc), length, include) + msg
                        stem = "%s-%s-%s%s-%s%s" % (base, hc.decode()[0], bc.decode()[0], "-l" if length else "",
                                                    key, "-over" if include else "")
                        sig = [(key, "signed")]
                        c.add(stem, signed, sig)
                        for label, copy in tampered(signed):
                            c.add(stem + "-" + label, copy, [(key, label)])

    plain = BASES["plain"]
    special = [
        ("key-swapped", "rsa2048", b"swapped", {}),
        ("key-revoked", "rsa2048", b"revoked", {}),
        ("key-missing", "rsa2048", b"absent", {}),
        ("key-testing", "rsa2048", b"testing", {}),
        ("key-strict-ok", "rsa2048", b"strict", {"i": b"@example.org"}),
        ("key-strict-sub", "rsa2048", b"strict", {"i": b"joe@mail.example.org"}),
        ("key-hsha1", "rsa2048", b"hsha1", {}),
        ("key-hsha256", "rsa2048", b"hsha256", {}),
        ("key-sstar", "rsa2048", b"sstar", {}),
        ("key-twice", "rsa2048", b"twice", {}),
        ("key-ktype", "ed", b"edwrongk", {}),
        ("rsa1024", "rsa1024", b"rsa1024", {}),
        ("rsa512", "rsa512", b"rsa512", {}),
        ("sha1", "rsa2048", b"rsa2048", {"alg": b"rsa-sha1"}),
        ("x-expired", "rsa2048", b"rsa2048", {"t": b"%d" % (c.now - 3 * 86400), "x": b"%d" % (c.now - 2 * 86400)}),
        ("x-future", "rsa2048", b"rsa2048", {"x": b"%d" % (c.now + 2 * 86400)}),
        ("t-future", "rsa2048", b"rsa2048", {"t": b"%d" % (c.now + 2 * 86400)}),
        ("l-past", "rsa2048", b"rsa2048", {"l": b"100000"}),
        ("l-exact", "ed", b"ed", {"l": b"%d" % len(dkim.CanonicalizationPolicy.from_c_value(
            b"relaxed/relaxed").canonicalize_body(dkim.rfc822_parse(plain)[1]))}),
    ]
    for label, key, selector, tags in special:
        c.add("special-" + label, c.sign(plain, key, selector, **tags) + plain, [(selector.decode(), label)])

    # Two signatures, the ed25519 one with l=: text appended below breaks only the RSA one.
    two = c.sign(plain, "rsa2048", b"rsa2048", (b"simple", b"simple"))
    two = c.sign(two + plain, "ed", b"ed", (b"relaxed", b"relaxed"), True) + two + plain
    c.add("multi", two, [("ed", "multi-ed"), ("rsa2048", "multi-rsa")])
    c.add("multi-appended", two + b"P.S. appended\r\n", [("ed", "multi-ed-appended"), ("rsa2048", "multi-rsa-appended")])


def write_zone(corpus, path):
    with open(path, "wb") as f:
        for name, texts in sorted(corpus.zone.items()):
            for text in texts:
                chunks = [text[i:i + 250] for i in range(0, len(text), 250)] or [b""]
                f.write(name + b". 300 IN TXT " + b" ".join(b'"' + ch + b'"' for ch in chunks) + b"\n")


def dkimpy_verdicts(corpus, msg, count):
    def dnsfunc(name, timeout=5):
        # dkimpy takes one record; where the zone has a non-key record beside the key, hand it the key.
        for text in corpus.zone.get(name.rstrip(b".").lower(), []):
            if not text.startswith(b"v=spf1"):
                return text
        return None

    verdicts = []
    for idx in range(count):
        try:
            verdicts.append(bool(dkim.DKIM(msg).verify(idx=idx, dnsfunc=dnsfunc)))
        except dkim.DKIMException:
            verdicts.append(False)
    return verdicts


def main():
    mailvet, work = sys.argv[1], sys.argv[2]
    now = int(time.time())
    corpus = Corpus(work, now)
    build(corpus)
    msgdir = os.path.join(work, "msg")
    os.makedirs(msgdir, exist_ok=True)
    for name, msg, _ in corpus.messages:
        with open(os.path.join(msgdir, name), "wb") as f:
            f.write(msg)
    zone = os.path.join(work, "keys.zone")
    write_zone(corpus, zone)
    out = subprocess.run([mailvet, "-c", "/dev/null", "scan", "--json", "--dns-zone", zone, "--now",
                          time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)), msgdir],
                         capture_output=True, check=True).stdout
    reports = {}
    for line in out.splitlines():
        r = json.loads(line)
        reports[os.path.basename(r["file"])] = r

    fails = 0
    tally = {}
    for name, msg, sigs in corpus.messages:
        report = reports.get(name)
        if report is None:
            print("FAIL %s: no report from mailvet" % name)
            fails += 1
            continue
        theirs = dkimpy_verdicts(corpus, msg, len(sigs))
        for (selector, label), dk in zip(sigs, theirs):
            option = "%s:%s" % (DOMAIN.decode(), selector)
            ours = "+".join(s["name"] for s in report["symbols"]
                            if s["name"] in SYMBOLS and option in s.get("options", [])) or "-"
            passed = "DKIM_VALID" in ours.split("+")
            known = KNOWN_DIFFERENCES.get(label)
            if known is not None:
                ok = (dk, ours) == known[:2]
                what = "known difference: " + known[2]
            else:
                ok = passed == dk
                what = "verdicts differ"
            key = (label, "pass" if dk else "no", ours)
            tally[key] = tally.get(key, 0) + 1
            if not ok:
                fails += 1
                print("FAIL %s signature %s (%s): dkimpy %s, mailvet %s -- %s" %
                      (name, option, label, "pass" if dk else "not pass", ours, what))
    for (label, dk, ours), count in sorted(tally.items()):
        print("%5d  %-22s dkimpy %-4s mailvet %s" % (count, label, dk, ours))
    total = sum(tally.values())
    print("%d signatures on %d messages, %d differ%s" % (total, len(corpus.messages), fails,
                                                          "" if fails else " (known differences checked exactly)"))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
