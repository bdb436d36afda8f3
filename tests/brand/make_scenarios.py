#!/usr/bin/python3
"""Makes the impersonation scenarios of issue 11 in WORKDIR, with keys made here.

Usage: make_scenarios.py WORKDIR

Everything is new on each run (no key is kept in the tree).  The brand is Microsoft,
whose 2003 security notice sent through a bulk-mail provider started mailvet; its test
brands file says its mail is DKIM-signed by microsoft.com and S/MIME-signed under its
own CA.  Writes:

  brands.conf        the test brands file (Microsoft: require dkim smime, smime_ca brand-ca.pem)
  brands-subject.conf, brands-wrong-subject.conf
                     the brand's CA named by its subject (smime_ca_subject), and by another
  brand-ca.pem       the brand's CA (also the smime_ca_file of the test configuration)
  scenarios.zone     SPF, DKIM and DMARC records of every domain below
  scenarios.tsv      file, client IP, HELO, MAIL FROM, expectation (accept|stop), then
                     the symbols that must be there (+NAME) or must not (-NAME)
  notice-bulk.eml        the brand's notice sent by a bulk-mail provider on its behalf:
                         unsigned, tracked links that show the brand's URLs
  notice-own.eml         the same notice sent by the brand: DKIM d=microsoft.com,
                         S/MIME under the brand's CA, direct links
  lookalike-digit.eml    From micr0soft.com, whose own SPF and DKIM pass
  idn-homograph.eml      From a Cyrillic look-alike of microsoft.com (punycode), an href
                         written in Unicode inside quoted-printable HTML
  spoof-consumer-ip.eml  the brand's exact address, from a consumer IP, S/MIME-signed
                         with a self-signed certificate
  newsletter.eml         a newsletter through the same provider, DKIM-signed by its own
                         From domain, tracked links whose texts are article titles
"""
import base64
import os
import quopri
import subprocess
import sys
import time

import dkim

WORK = sys.argv[1]
NOW = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())


def run(*args, stdin=None):
    return subprocess.run(args, check=True, capture_output=True, cwd=WORK, input=stdin).stdout


def path(name):
    return os.path.join(WORK, name)


def write(name, data):
    with open(path(name), "wb") as f:
        f.write(data)


def rsa_key(name):
    run("openssl", "genrsa", "-traditional", "-out", name + ".key", "2048")
    der = run("openssl", "rsa", "-in", name + ".key", "-pubout", "-outform", "DER")
    with open(path(name + ".key"), "rb") as f:
        return f.read(), "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode()


def zone_txt(text):
    return " ".join('"%s"' % text[i:i + 255] for i in range(0, len(text), 255))


def dkim_sign(msg, domain, key):
    return dkim.sign(msg, b"s1", domain.encode(), key, canonicalize=(b"relaxed", b"relaxed"),
                     include_headers=[b"from", b"to", b"subject", b"date", b"message-id", b"mime-version",
                                      b"content-type", b"reply-to", b"list-unsubscribe"]) + msg


def crlf(text):
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode()


# ---- keys, certificates, the brands file ----

keys = {d: rsa_key(d) for d in ("microsoft.com", "micr0soft.com", "weekly-digest.example")}

with open(path("ext.cnf"), "w") as f:
    f.write("[signer]\nbasicConstraints = CA:false\nkeyUsage = critical, digitalSignature\n"
            "extendedKeyUsage = emailProtection\nsubjectAltName = email:security-notice@microsoft.com\n")
run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "brand-ca.key")
run("openssl", "req", "-new", "-x509", "-key", "brand-ca.key", "-subj", "/O=Microsoft test/CN=Microsoft test CA",
    "-days", "3650", "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    "-out", "brand-ca.pem")
run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "signer.key")
run("openssl", "req", "-new", "-key", "signer.key", "-subj", "/CN=Microsoft Security/emailAddress=security-notice@microsoft.com",
    "-out", "signer.csr")
run("openssl", "x509", "-req", "-in", "signer.csr", "-CA", "brand-ca.pem", "-CAkey", "brand-ca.key",
    "-CAcreateserial", "-days", "3650", "-extfile", "ext.cnf", "-extensions", "signer", "-out", "signer.pem")
# The forger's look-alike: the same names, signed by itself.
run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "fake.key")
run("openssl", "req", "-new", "-x509", "-key", "fake.key", "-subj",
    "/CN=Microsoft Security/emailAddress=security-notice@microsoft.com", "-days", "3650",
    "-addext", "subjectAltName=email:security-notice@microsoft.com", "-addext", "extendedKeyUsage=emailProtection",
    "-out", "fake.pem")

with open(path("brands.conf"), "w") as f:
    f.write("""# Test brands file for the scenarios (tests/brand/make_scenarios.py)
brand Microsoft
domains microsoft.com office.com
mailboxes outlook.com hotmail.com
names Microsoft "Office 365"
alone Outlook
signature "One Microsoft Way"
require dkim smime
smime_ca brand-ca.pem
""")

# The same brand naming its CA by subject (RFC 2253, as OpenSSL prints it), right and wrong.
for name, subject in (("brands-subject.conf", "CN=Microsoft test CA,O=Microsoft test"),
                      ("brands-wrong-subject.conf", "CN=Some other CA,O=Microsoft test")):
    with open(path(name), "w") as f:
        f.write('brand Microsoft\ndomains microsoft.com\nnames Microsoft\nrequire dkim smime\n'
                'smime_ca_subject "%s"\n' % subject)

zone = ["$TTL 3600"]
for d, (_, record) in keys.items():
    zone.append("s1._domainkey.%s. IN TXT %s" % (d, zone_txt(record)))
zone += [
    # The brand: its own servers only; a DMARC policy that only monitors, so that what stops
    # the forgeries below is the brand's policy in the brands file, not DMARC's.
    'microsoft.com. IN TXT "v=spf1 ip4:192.0.2.10 -all"',
    '_dmarc.microsoft.com. IN TXT "v=DMARC1; p=none"',
    # The bulk-mail provider's bounce domain.
    'em.bulkmail-relay.example. IN TXT "v=spf1 ip4:198.51.100.0/24 -all"',
    # The look-alike: its own SPF and DKIM, all in order.
    'micr0soft.com. IN TXT "v=spf1 ip4:203.0.113.66 -all"',
    '_dmarc.micr0soft.com. IN TXT "v=DMARC1; p=none"',
    # The newsletter publisher.
    'weekly-digest.example. IN TXT "v=spf1 include:em.bulkmail-relay.example -all"',
    '_dmarc.weekly-digest.example. IN TXT "v=DMARC1; p=quarantine"',
]
write("scenarios.zone", ("\n".join(zone) + "\n").encode())

# ---- the brand's notice ----

NOTICE_HTML = """<html><body>
<p>Dear customer,</p>
<p>Microsoft has released the security update MS03-026. Install it from
<a href="{update}">https://www.microsoft.com/security/updates</a>.</p>
<p>Microsoft does not send software by mail. Notices from Microsoft are signed.</p>
<p>Microsoft Corporation, One Microsoft Way, Redmond, WA 98052</p>
</body></html>
"""


def notice(update_href, extra_headers):
    html = NOTICE_HTML.format(update=update_href)
    body = quopri.encodestring(html.encode()).decode()
    return ("From: Microsoft Security <security-notice@microsoft.com>\n"
            "To: security@example.org\n"
            "Subject: Critical Security Update\n"
            "Date: %s\n" % NOW + extra_headers +
            "MIME-Version: 1.0\n"
            "Content-Type: text/html; charset=utf-8\n"
            "Content-Transfer-Encoding: quoted-printable\n"
            "\n" + body)


bulk = notice("https://click.bulkmail-relay.example/ls/click?upn=bXMwMy0wMjY&c=7731",
              "Message-ID: <20260101.7731@em.bulkmail-relay.example>\n"
              "List-Unsubscribe: <https://click.bulkmail-relay.example/unsubscribe?u=88123&c=7731>\n")
write("notice-bulk.eml", crlf(bulk))

# The brand's own: S/MIME under its CA, then DKIM over the whole.
content = crlf("Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n" +
               quopri.encodestring(NOTICE_HTML.format(
                   update="https://www.microsoft.com/security/updates").encode()).decode())
write("content-own.txt", content)
signed = run("openssl", "cms", "-sign", "-in", "content-own.txt", "-signer", "signer.pem", "-inkey", "signer.key",
             "-from", "Microsoft Security <security-notice@microsoft.com>", "-to", "security@example.org",
             "-subject", "Critical Security Update", "-crlfeol", "-binary")
own = crlf("Date: %s\nMessage-ID: <20260101.1@microsoft.com>\n" % NOW) + signed
write("notice-own.eml", dkim_sign(own, "microsoft.com", keys["microsoft.com"][0]))

# ---- the look-alike with a digit swap, signed by its own domain ----

look = crlf("""From: Microsoft Security <security@micr0soft.com>
To: security@example.org
Subject: Critical Security Update
Date: %s
Message-ID: <20260101.2@micr0soft.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Microsoft has released a critical update. Install it now:
https://update.micr0soft.com/MS03-026.exe

Microsoft Corporation, One Microsoft Way, Redmond
""" % NOW)
write("lookalike-digit.eml", dkim_sign(look, "micr0soft.com", keys["micr0soft.com"][0]))

# ---- the IDN homograph: micrоsoft.com with a Cyrillic о, and an href written in Unicode ----

idn_html = ('<html><body><p>Your Office 365 password expires today.</p>'
            '<p><a href="https://login.micr\u043esoft.com/reset">Keep my password</a></p></body></html>\n')
idn = crlf("""From: =?utf-8?q?Microsoft_Office_365?= <no-reply@xn--micrsoft-qbh.com>
To: security@example.org
Subject: Password expiry notice
Date: %s
Message-ID: <20260101.3@xn--micrsoft-qbh.com>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

""" % NOW + quopri.encodestring(idn_html.encode()).decode())
write("idn-homograph.eml", idn)

# ---- the brand's exact address from a consumer IP, with a self-signed certificate ----

write("content-spoof.txt", crlf("Content-Type: text/plain; charset=utf-8\n\n"
                                "Your account is locked. Sign in at http://192.0.2.99/login to unlock it.\n"))
spoof = run("openssl", "cms", "-sign", "-in", "content-spoof.txt", "-signer", "fake.pem", "-inkey", "fake.key",
            "-from", "Microsoft Security <security-notice@microsoft.com>", "-to", "security@example.org",
            "-subject", "Account locked", "-crlfeol", "-binary")
write("spoof-consumer-ip.eml", crlf("Date: %s\nMessage-ID: <1@dsl-77.consumer-isp.example>\n" % NOW) + spoof)

# ---- a newsletter through the same provider, signed by its own From domain ----

news_html = """<html><body>
<h1>The Weekly Digest</h1>
<p><a href="https://click.bulkmail-relay.example/ls/click?upn=YXJ0aWNsZTE&c=9911">How the city
rebuilt its harbour</a></p>
<p><a href="https://click.bulkmail-relay.example/ls/click?upn=YXJ0aWNsZTI&c=9911">Ten quiet places
to read in spring</a></p>
<p>Weekly Digest Ltd, 5 Harbour Road</p>
</body></html>
"""
news = crlf("""From: The Weekly Digest <news@weekly-digest.example>
To: reader@example.org
Subject: This week: the harbour, and places to read
Date: %s
Message-ID: <20260101.9911@em.bulkmail-relay.example>
List-Unsubscribe: <https://click.bulkmail-relay.example/unsubscribe?u=4411&c=9911>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

""" % NOW + quopri.encodestring(news_html.encode()).decode())
write("newsletter.eml", dkim_sign(news, "weekly-digest.example", keys["weekly-digest.example"][0]))

IMPERSONATION = ["BRAND_UNSIGNED", "DISPLAY_NAME_SPOOF", "LOOKALIKE_DOMAIN"]
NONE = " ".join("-" + s for s in IMPERSONATION)
rows = [
    ("notice-bulk.eml", "198.51.100.17", "o17.em.bulkmail-relay.example",
     "bounce-7731@em.bulkmail-relay.example", "stop",
     "+BRAND_UNSIGNED/claims_Microsoft_by_its_From_domain -LOOKALIKE_DOMAIN -DISPLAY_NAME_SPOOF"),
    ("notice-own.eml", "192.0.2.10", "mail.microsoft.com", "security-notice@microsoft.com", "accept",
     NONE + " +SMIME_VALID +DKIM_VALID"),
    ("lookalike-digit.eml", "203.0.113.66", "mail.micr0soft.com", "security@micr0soft.com", "stop",
     "+LOOKALIKE_DOMAIN/micr0soft.com_looks_like_microsoft.com_(0_for_o) +DISPLAY_NAME_SPOOF +BRAND_UNSIGNED "
     "+LOOKALIKE_DOMAIN/link_host:_update.micr0soft.com +SPF_PASS +DKIM_VALID"),
    ("idn-homograph.eml", "203.0.113.80", "mx.example.net", "no-reply@xn--micrsoft-qbh.com", "stop",
     "+LOOKALIKE_DOMAIN/Cyrillic_\u043e_(U+043E)_for_o +LOOKALIKE_DOMAIN/link_host:_login.xn--micrsoft-qbh.com "
     "+DISPLAY_NAME_SPOOF/names_Microsoft +BRAND_UNSIGNED"),
    ("spoof-consumer-ip.eml", "192.0.2.77", "dsl-77.consumer-isp.example", "security-notice@microsoft.com", "stop",
     "+BRAND_UNSIGNED/no_S/MIME_signature_that_chains +SMIME_UNTRUSTED +SPF_FAIL -LOOKALIKE_DOMAIN"),
    ("newsletter.eml", "198.51.100.17", "o17.em.bulkmail-relay.example",
     "bounce-9911@em.bulkmail-relay.example", "accept", NONE + " +DKIM_VALID +DMARC_PASS"),
]
write("scenarios.tsv", ("".join("\t".join(r) + "\n" for r in rows)).encode())
