#!/usr/bin/python3
"""Signs corpus messages with DKIM for bench-dkim and bench/bench-checks.sh.

Usage: dkim-sign.py WORKDIR N LISTFILE

Makes one key of each kind (RSA 1024, 2048, 4096 bits with openssl, ed25519
with PyNaCl) and signs N messages of LISTFILE (spread over it) with each, by
dkimpy: relaxed/relaxed, its default header fields, d=bench.example,
s=<kind>.  Writes WORKDIR/<kind>/*.eml, WORKDIR/<kind>.list (their paths),
WORKDIR/<kind>.key (the key record) and WORKDIR/dkim.zone (every key record,
for dns_zone).  The mbox "From " line of a corpus file stays on top.  A message dkimpy cannot sign, or with more than one From
field (its signature could not pass), is skipped for the next one.
"""
import base64
import os
import re
import subprocess
import sys

import dkim
import nacl.signing

DOMAIN = b"bench.example"


def rsa_key(work, bits):
    path = os.path.join(work, "rsa%d.pem" % bits)
    subprocess.run(["openssl", "genrsa", "-traditional", "-out", path, str(bits)], check=True,
                   stderr=subprocess.DEVNULL)
    der = subprocess.run(["openssl", "rsa", "-in", path, "-pubout", "-outform", "DER"], check=True,
                         capture_output=True).stdout
    with open(path, "rb") as f:
        return b"rsa-sha256", f.read(), b"v=DKIM1; k=rsa; p=" + base64.b64encode(der)


def ed25519_key():
    sk = nacl.signing.SigningKey.generate()
    return (b"ed25519-sha256", base64.b64encode(bytes(sk)),
            b"v=DKIM1; k=ed25519; p=" + base64.b64encode(bytes(sk.verify_key)))


def zone_txt(record):
    """A TXT record's text as quoted strings of at most 255 bytes."""
    text = record.decode()
    return " ".join('"%s"' % text[i:i + 255] for i in range(0, len(text), 255))


def main():
    work, n, listfile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(listfile) as f:
        paths = [line.strip() for line in f if line.strip()]
    step = max(1, len(paths) // (n * 2))
    keys = {"rsa1024": rsa_key(work, 1024), "rsa2048": rsa_key(work, 2048),
            "rsa4096": rsa_key(work, 4096), "ed25519": ed25519_key()}
    zone = ["$TTL 3600"]
    for kind, (alg, private, record) in keys.items():
        os.makedirs(os.path.join(work, kind), exist_ok=True)
        signed = []
        for path in paths[::step]:
            if len(signed) == n:
                break
            with open(path, "rb") as f:
                msg = f.read()
            # The corpus keeps the mbox "From " line: the signature goes below it, as a
            # delivery agent would have written it.
            mbox = b""
            if msg.startswith(b"From "):
                mbox, msg = msg.split(b"\n", 1)
                mbox += b"\n"
            if len(re.findall(rb"(?im)^from:", msg.split(b"\n\n", 1)[0])) != 1:
                continue
            try:
                sig = dkim.sign(msg, kind.encode(), DOMAIN, private, canonicalize=(b"relaxed", b"relaxed"),
                                signature_algorithm=alg, linesep=dkim.util.get_linesep(msg))
            except Exception:
                continue
            out = os.path.join(work, kind, "%04d.eml" % len(signed))
            with open(out, "wb") as f:
                f.write(mbox + sig + msg)
            signed.append(out)
        if len(signed) < n:
            sys.exit("dkim-sign: only %d messages signed with %s" % (len(signed), kind))
        with open(os.path.join(work, kind + ".list"), "w") as f:
            f.write("".join(p + "\n" for p in signed))
        with open(os.path.join(work, kind + ".key"), "wb") as f:
            f.write(record)
        zone.append("%s._domainkey.%s. TXT ( %s )" % (kind, DOMAIN.decode(), zone_txt(record)))
    with open(os.path.join(work, "dkim.zone"), "w") as f:
        f.write("\n".join(zone) + "\n")


main()
