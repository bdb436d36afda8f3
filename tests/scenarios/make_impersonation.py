#!/usr/bin/env python3
"""Makes the impersonation scenarios of docs/scenarios.md in DIR: the DKIM keys, the S/MIME
certificates, the zone file and the configuration they are checked with, and six messages, each
as a receiving server (mx.example.org) would store it.  Everything is new on each run: no key is
kept in the tree.

  provider-notice.eml   a "Microsoft" security notice sent by a bulk-mail provider: unsigned,
                        its links show microsoft.com but go through the provider's click-tracker
  brand-notice.eml      the same notice sent by Microsoft itself: DKIM-signed by microsoft.com,
                        S/MIME-signed with a certificate of the brand's CA, direct links
  lookalike.eml         the notice from micr0soft-security.com (a digit for a letter), whose own
                        SPF and DKIM pass
  homograph.eml         a PayPal notice from an IDN look-alike (Cyrillic a), with an href written
                        in Unicode inside quoted-printable HTML
  spoofed-smime.eml     Microsoft's exact address, sent from a consumer IP, S/MIME-signed with a
                        self-signed certificate
  provider-newsletter.eml  a newsletter sent through the same provider, DKIM-signed by its own
                        From domain, tracked links whose texts are article titles
"""
import os
import subprocess
import sys
import time

import dkim

out = sys.argv[1]
os.chdir(out)
# Two minutes from now: the scan time is the trusted Received field's, and the keys and certificates
# are made now, so they must not look newer than the mail.
DATE = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(time.time() + 120))


def run(*args, stdin=None):
    return subprocess.run(args, input=stdin, check=True, capture_output=True).stdout


def rsa_key(name):
    run("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", name + ".key")
    der = run("openssl", "pkey", "-in", name + ".key", "-pubout", "-outform", "DER")
    import base64
    return base64.b64encode(der).decode()


def key_txt(p):
    """A DKIM key record's TXT data, in strings of at most 255 bytes as a zone file wants them."""
    text = "v=DKIM1; k=rsa; p=" + p
    return "( " + " ".join('"%s"' % text[i:i + 250] for i in range(0, len(text), 250)) + " )"


def dkim_sign(msg, selector, domain, key):
    priv = open(key + ".key", "rb").read()
    sig = dkim.sign(msg, selector.encode(), domain.encode(), priv,
                    include_headers=[b"from", b"to", b"subject", b"date", b"message-id", b"mime-version",
                                     b"content-type", b"list-unsubscribe"])
    return sig + msg


def crlf(text):
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode()


def received(client_name, client_ip, helo, queue_id, rcpt):
    """The top Received fields: our MX's from the SMTP client, then a local reinjection."""
    return ("Received: from mx.example.org (localhost [127.0.0.1])\n"
            "\tby mx.example.org (Postfix) with ESMTP id 4XyZ1r0D%s\n"
            "\tfor <%s>; %s\n"
            "Received: from %s (%s [%s])\n"
            "\tby mx.example.org (Postfix) with ESMTPS id 4XyZ1q6m%s\n"
            "\tfor <%s>; %s\n") % (queue_id, rcpt, DATE, helo, client_name, client_ip, queue_id, rcpt, DATE)


def write(name, return_path, trace, body):
    data = crlf("Return-Path: <%s>\n%s" % (return_path, trace)) + body
    open(name, "wb").write(data)


NOTICE_HTML = """<html><body>
<p>Dear customer,</p>
<p>Microsoft has released the November security update. To keep your account protected, review
the update and confirm your sign-in details before <b>November 14</b>.</p>
<p><a href="{a}">https://www.microsoft.com/security/updates</a></p>
<p>Release notes: <a href="{b}">msrc.microsoft.com/update-guide</a></p>
<p style="font-size:11px;color:#666">Microsoft Corporation, One Microsoft Way, Redmond, WA 98052</p>
{pixel}</body></html>
"""


def notice(from_hdr, msgid, a, b, pixel="", extra=""):
    return crlf(("From: %s\nTo: security@example.org\n"
                 "Subject: Action required: November security update for your Microsoft account\n"
                 "Date: %s\nMessage-ID: <%s>\n%sMIME-Version: 1.0\n"
                 "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 7bit\n\n")
                % (from_hdr, DATE, msgid, extra) + NOTICE_HTML.format(a=a, b=b, pixel=pixel))


# Keys and certificates.
ms_p = rsa_key("microsoft")
lk_p = rsa_key("lookalike")
nl_p = rsa_key("newsletter")
sg_p = rsa_key("provider")
open("ext.cnf", "w").write("""[brand]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = emailProtection
subjectAltName = email:security-notice@microsoft.com
""")
run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ca.key")
run("openssl", "req", "-new", "-x509", "-key", "ca.key", "-subj", "/O=mailvet scenarios/CN=Brand Issuing CA",
    "-days", "3650", "-addext", "basicConstraints=critical,CA:true",
    "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", "ca.pem")
run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "brand.key")
run("openssl", "req", "-new", "-key", "brand.key", "-subj",
    "/CN=Microsoft Security/emailAddress=security-notice@microsoft.com", "-out", "brand.csr")
run("openssl", "x509", "-req", "-in", "brand.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
    "-days", "3650", "-extfile", "ext.cnf", "-extensions", "brand", "-out", "brand.pem")
run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "fake.key")
run("openssl", "req", "-new", "-x509", "-key", "fake.key", "-subj",
    "/CN=Microsoft Security/emailAddress=security-notice@microsoft.com", "-days", "3650",
    "-addext", "subjectAltName=email:security-notice@microsoft.com",
    "-addext", "extendedKeyUsage=emailProtection", "-out", "fake.pem")

open("scenarios.zone", "w").write("""$TTL 3600
; Microsoft sends from its own servers (SPF), signs (DKIM selector s2026) and rejects the rest.
microsoft.com.               TXT "v=spf1 ip4:198.18.10.0/24 -all"
_dmarc.microsoft.com.        TXT "v=DMARC1; p=reject"
s2026._domainkey.microsoft.com. TXT {ms}
; The bulk-mail provider: its bounce domain passes SPF from its servers, and it signs as itself.
sendgrid.net.                TXT "v=spf1 ip4:198.51.100.0/24 ~all"
em7731.sendgrid.net.         TXT "v=spf1 ip4:198.51.100.0/24 ~all"
s1._domainkey.sendgrid.net.  TXT {sg}
o17.sendgrid.net.            A   198.51.100.17
; The look-alike registered its own domain properly.
micr0soft-security.com.      TXT "v=spf1 ip4:192.0.2.200 -all"
_dmarc.micr0soft-security.com. TXT "v=DMARC1; p=none"
k1._domainkey.micr0soft-security.com. TXT {lk}
mail.micr0soft-security.com. A   192.0.2.200
; PayPal rejects what it did not send.
paypal.com.                  TXT "v=spf1 ip4:198.18.20.0/24 -all"
_dmarc.paypal.com.           TXT "v=DMARC1; p=reject"
; A newsletter that signs its mail sent through the provider.
contoso-weekly.example.      TXT "v=spf1 include:sendgrid.net -all"
_dmarc.contoso-weekly.example. TXT "v=DMARC1; p=quarantine"
nl._domainkey.contoso-weekly.example. TXT {nl}
""".format(ms=key_txt(ms_p), sg=key_txt(sg_p), lk=key_txt(lk_p), nl=key_txt(nl_p)))

open("scenarios.conf", "w").write("""trusted_relays = mx.example.org
local_domains = example.org
authserv_id = mx.example.org
dns_zone = scenarios.zone
smime_ca_file = ca.pem
""")

TRACK = "https://u7731.ct.sendgrid.net/ls/click?upn=%s"
# 1. The provider's notice.
body = notice('"Microsoft Security" <security-notice@microsoft.com>', "20261110091400.88123@sendgrid.net",
              TRACK % "Zm9vYmFyLmV4YW1wbGUtMQ", TRACK % "cmVsZWFzZS1ub3Rlcy0y",
              '<img src="https://u7731.ct.sendgrid.net/wf/open?upn=b3Blbi03NzMx" width="1" height="1" alt="">',
              "List-Unsubscribe: <https://u7731.ct.sendgrid.net/asm/unsubscribe/?user_id=7731>\n"
              "X-SG-EID: u001.k2aWVx8vPZb1u0sT\nFeedback-ID: 7731:88123:campaign:sendgrid\n")
write("provider-notice.eml", "bounces+88123-security=example.org@em7731.sendgrid.net",
      received("o17.sendgrid.net", "198.51.100.17", "o17.sendgrid.net", "01", "security@example.org"), body)

# 2. The brand's own notice: S/MIME first, then DKIM over the whole.
html = NOTICE_HTML.format(a="https://www.microsoft.com/security/updates", b="https://msrc.microsoft.com/update-guide",
                          pixel="")
open("content.txt", "wb").write(crlf("Content-Type: text/html; charset=utf-8\n\n" + html))
signed = run("openssl", "cms", "-sign", "-in", "content.txt", "-signer", "brand.pem", "-inkey", "brand.key",
             "-from", '"Microsoft Security" <security-notice@microsoft.com>', "-to", "security@example.org",
             "-subject", "Action required: November security update for your Microsoft account", "-crlfeol")
head, sep, rest = signed.partition(b"\r\n\r\n")
head += crlf("\nDate: %s\nMessage-ID: <20261110091400.5512@smtp.microsoft.com>" % DATE)
msg = dkim_sign(head + sep + rest, "s2026", "microsoft.com", "microsoft")
write("brand-notice.eml", "security-notice@microsoft.com",
      received("mail-out.microsoft.com", "198.18.10.25", "mail-out.microsoft.com", "02", "security@example.org"), msg)

# 3. The look-alike, properly authenticated as itself.
body = notice('"Microsoft Security" <security-notice@micr0soft-security.com>',
              "20261110.4411@mail.micr0soft-security.com",
              "https://micr0soft-security.com/account/verify?id=4411",
              "https://micr0soft-security.com/update-guide")
msg = dkim_sign(body, "k1", "micr0soft-security.com", "lookalike")
write("lookalike.eml", "security-notice@micr0soft-security.com",
      received("mail.micr0soft-security.com", "192.0.2.200", "mail.micr0soft-security.com", "03",
               "security@example.org"), msg)

# 4. The IDN homograph: From in punycode, the href in Unicode inside quoted-printable HTML.
qp_html = ("<html><body><p>We noticed an unusual sign-in to your PayPal account.</p>\n"
           "<p><a href=3D\"https://www.p=D0=B0ypal.com/signin?case=3D5512\">Review the activity</a></p>\n"
           "<p>PayPal</p></body></html>\n")
body = crlf("From: \"PayPal\" <service@xn--pypal-4ve.com>\nTo: security@example.org\n"
            "Subject: Unusual sign-in activity\nDate: %s\nMessage-ID: <5512.case@xn--pypal-4ve.com>\n"
            "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n"
            "Content-Transfer-Encoding: quoted-printable\n\n" % DATE + qp_html)
write("homograph.eml", "service@xn--pypal-4ve.com",
      received("unknown", "192.0.2.210", "xn--pypal-4ve.com", "04", "security@example.org"), body)

# 5. The exact address, spoofed from a consumer line, with a self-signed certificate.
open("content.txt", "wb").write(crlf(
    "Content-Type: text/plain; charset=utf-8\n\nYour account will be closed today. Confirm your password at\n"
    "https://account-microsoft.verify-login.example/confirm\n\nMicrosoft account team\n"))
signed = run("openssl", "cms", "-sign", "-in", "content.txt", "-signer", "fake.pem", "-inkey", "fake.key",
             "-from", '"Microsoft account team" <security-notice@microsoft.com>', "-to", "security@example.org",
             "-subject", "Your account will be closed", "-crlfeol")
head, sep, rest = signed.partition(b"\r\n\r\n")
head += crlf("\nDate: %s\nMessage-ID: <a81c2@desktop-7731>" % DATE)
write("spoofed-smime.eml", "security-notice@microsoft.com",
      received("203-0-113-77.dsl.consumer-isp.example", "203.0.113.77", "DESKTOP-7731", "05",
               "security@example.org"), head + sep + rest)

# 6. A newsletter through the same provider, signed by its own domain (and by the provider).
nl_html = """<html><body><h1>Contoso Weekly</h1>
<p><a href="{t1}">Ten years of the Contoso garden project</a></p>
<p><a href="{t2}">Interview: the people behind the new library</a></p>
<p><a href="{t3}">Unsubscribe</a></p>
<img src="https://u7731.ct.sendgrid.net/wf/open?upn=bmwtb3Blbg" width="1" height="1" alt="">
</body></html>
""".format(t1=TRACK % "YXJ0aWNsZS0x", t2=TRACK % "YXJ0aWNsZS0y", t3=TRACK % "dW5zdWI")
body = crlf("From: \"Contoso Weekly\" <news@contoso-weekly.example>\nTo: security@example.org\n"
            "Subject: This week: the garden project turns ten\nDate: %s\n"
            "Message-ID: <20261110.9921@contoso-weekly.example>\n"
            "List-Unsubscribe: <https://u7731.ct.sendgrid.net/asm/unsubscribe/?user_id=9921>\n"
            "X-SG-EID: u001.Zq8mWv1yB0p\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n" % DATE
            + nl_html)
msg = dkim_sign(body, "nl", "contoso-weekly.example", "newsletter")
msg = dkim_sign(msg, "s1", "sendgrid.net", "provider")
write("provider-newsletter.eml", "bounces+9921-security=example.org@em7731.sendgrid.net",
      received("o17.sendgrid.net", "198.51.100.17", "o17.sendgrid.net", "06", "security@example.org"), msg)
