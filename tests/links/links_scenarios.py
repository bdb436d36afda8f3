#!/usr/bin/python3
"""Links in realistic messages (tests/data/links/*.eml, SOURCE.md there).

Usage: links_scenarios.py MAILVET SRC WORKDIR

Each message is scanned with --json; each link's destination, redirects and
flags and the links symbols with their words are checked.  The newsletter is
signed here with dkimpy (a key made with openssl, its record in a zone file
written here) and scanned signed and unsigned: its trackers, redirect and
shortener are ordinary when its From domain signed it, and reported when not.
Prints each failure; exits 1 when any.
"""
import base64
import json
import os
import subprocess
import sys

import dkim

MAILVET, SRC, WORK = sys.argv[1:4]
DATA = os.path.join(SRC, "tests/data/links")
failures = 0


def fail(msg):
    global failures
    failures += 1
    print("FAIL " + msg)


def scan(path, zone):
    out = subprocess.run([MAILVET, "-c", "/dev/null", "scan", "--json", "--dns-zone", zone, path],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def link_symbols(report):
    return {s["name"]: s for s in report["symbols"] if s["group"] == "links"}


def expect(name, got, want):
    if got != want:
        fail("%s:\n  got:  %r\n  want: %r" % (name, got, want))


def flags(link):
    return [k for k in ("tracker", "hidden_destination", "shortener", "followed") if link.get(k)]


NO_RECORDS = os.path.join(SRC, "tests/data/no-records.zone")


def brand_tracker():
    r = scan(os.path.join(DATA, "brand-tracker.eml"), NO_RECORDS)
    anchors = [l for l in r["links"] if l["kind"] == "anchor"]
    expect("brand-tracker: tracker link", (anchors[0]["destination_domain"], anchors[0]["mismatch"], flags(anchors[0])),
           ("send-engine.example", True, ["tracker", "hidden_destination"]))
    expect("brand-tracker: redirect", (anchors[2]["destination"], anchors[2]["mismatch"], anchors[2]["redirects"]),
           ("https://paypal-account-check.example.net/help", True,
            ["https://www.google.com/url?q=https%3A%2F%2Fpaypal-account-check.example.net%2Fhelp&sa=D"]))
    s = link_symbols(r)
    expect("brand-tracker: symbols", sorted(s), ["LINK_HIDDEN_DESTINATION", "LINK_REDIRECT", "LINK_TEXT_MISMATCH"])
    expect("brand-tracker: hidden", s["LINK_HIDDEN_DESTINATION"]["detail"],
           "a link shows www.paypal.com, but where it goes is hidden behind click.send-engine.example's tracker "
           "(and 1 more link)")
    expect("brand-tracker: mismatch", s["LINK_TEXT_MISMATCH"]["detail"],
           "a link shows www.paypal.com but goes to example.net (paypal-account-check.example.net)")


def proofpoint():
    r = scan(os.path.join(DATA, "proofpoint-v3.eml"), NO_RECORDS)
    expect("proofpoint: destinations", [(l["destination"], len(l["redirects"]), flags(l)) for l in r["links"]],
           [("https://docs.example.org/release%20notes/2026-11?part=abc", 1, []),
            ("https://docs.example.org/archive?y=2025", 1, [])])
    expect("proofpoint: symbols", sorted(link_symbols(r)), [])


def safelinks_in_google():
    r = scan(os.path.join(DATA, "safelinks-in-google.eml"), NO_RECORDS)
    l = r["links"][0]
    expect("safelinks: destination", (l["destination"], l["destination_domain"], l["mismatch"]),
           ("https://evil-login.example.net/microsoft/verify?id=77", "example.net", True))
    expect("safelinks: hops", [h.split("?")[0] for h in l["redirects"]],
           ["https://www.google.com/url", "https://eur03.safelinks.protection.outlook.com/"])
    s = link_symbols(r)
    expect("safelinks: symbols", sorted(s), ["LINK_REDIRECT", "LINK_TEXT_MISMATCH"])
    expect("safelinks: mismatch", s["LINK_TEXT_MISMATCH"]["detail"],
           "a link shows onedrive.live.com but goes to example.net (evil-login.example.net)")


def unicode_href():
    r = scan(os.path.join(DATA, "unicode-href-qp.eml"), NO_RECORDS)
    l = r["links"][0]
    expect("unicode href: link", (l["url"], l["host"], l["destination_domain"], l["mismatch"]),
           ("https://www.xn--pypal-4ve.com/signin?session=8812", "www.xn--pypal-4ve.com", "xn--pypal-4ve.com", True))
    s = link_symbols(r)
    expect("unicode href: symbols", sorted(s), ["LINK_TEXT_MISMATCH"])
    expect("unicode href: words", s["LINK_TEXT_MISMATCH"]["detail"],
           "a link shows www.paypal.com but goes to xn--pypal-4ve.com (www.xn--pypal-4ve.com)")


def newsletter():
    key = os.path.join(WORK, "news.key")
    subprocess.run(["openssl", "genrsa", "-out", key, "2048"], check=True, capture_output=True)
    der = subprocess.run(["openssl", "rsa", "-in", key, "-pubout", "-outform", "DER"], check=True,
                         capture_output=True).stdout
    p = base64.b64encode(der).decode()
    chunks = " ".join('"%s"' % p[i:i + 200] for i in range(0, len(p), 200))
    zone = os.path.join(WORK, "news.zone")
    with open(zone, "w") as f:
        f.write('news._domainkey.gardenweekly.example. 300 IN TXT "v=DKIM1; k=rsa; p=" %s\n' % chunks)
    with open(os.path.join(DATA, "newsletter.eml"), "rb") as f:
        plain = f.read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    with open(key, "rb") as f:
        sig = dkim.sign(plain, b"news", b"gardenweekly.example", f.read(),
                        include_headers=[b"from", b"to", b"subject", b"date", b"message-id", b"list-unsubscribe"])
    signed = os.path.join(WORK, "newsletter-signed.eml")
    unsigned = os.path.join(WORK, "newsletter-unsigned.eml")
    with open(signed, "wb") as f:
        f.write(sig + plain)
    with open(unsigned, "wb") as f:
        f.write(plain)

    r = scan(signed, zone)
    expect("newsletter signed: DKIM", [(d["result"], d["domain"]) for d in r["auth"]["dkim"]],
           [("pass", "gardenweekly.example")])
    expect("newsletter signed: no links symbol", sorted(link_symbols(r)), [])
    anchors = [l for l in r["links"] if l["kind"] == "anchor"]
    expect("newsletter: link facts", [(flags(l), l["mismatch"], l["destination_domain"]) for l in anchors],
           [(["tracker", "hidden_destination"], False, "list-manage.com"),
            (["tracker", "hidden_destination"], False, "list-manage.com"),
            (["tracker"], False, "example.org"),
            (["shortener"], False, "bit.ly"),
            ([], False, "list-manage.com")])
    expect("newsletter: SES destination", anchors[2]["destination"], "https://seedswap.example.org/events/2026-12")
    if r["action"] != "accept":
        fail("newsletter signed: action %s, score %s" % (r["action"], r["score"]))

    r = scan(unsigned, zone)
    s = link_symbols(r)
    expect("newsletter unsigned: symbols", sorted(s), ["LINK_HIDDEN_DESTINATION", "LINK_REDIRECT", "LINK_SHORTENER"])
    expect("newsletter unsigned: hidden", s["LINK_HIDDEN_DESTINATION"]["detail"],
           "the destination of a link is hidden behind gardenweekly.us5.list-manage.com's tracker (and 1 more link)")


for case in (brand_tracker, proofpoint, safelinks_in_google, unicode_href, newsletter):
    try:
        case()
    except Exception as e:  # a scan that fails or a report without a field is a failure, not a crash
        fail("%s: %r" % (case.__name__, e))
print("%d failed" % failures)
sys.exit(1 if failures else 0)
