#!/usr/bin/env python3
"""Writes a realistic Postfix + Dovecot mail log (traditional syslog lines, in time order) of
about SIZE bytes, the same bytes for the same seed: the input of bench/bench-logs.sh.

usage: gen-postfix-log.py [--size BYTES] [--seed N] [--accounts N] [--start YYYY-MM-DD] [--rate X] [OUT]

What a mid-size provider's /var/log/mail.log holds: inbound mail through postscreen and smtpd
(TLS, greylisting by postgrey with later retries, DNSBL rejects, unknown recipients), delivery
to Dovecot over LMTP, authenticated submissions from the accounts' own clients (to their usual
correspondents and now and then new ones; remote greylisting, deferrals and bounces with their
non-delivery notices), the Subject lines header_checks logs, IMAP logins and logouts, password
guessing against submission and IMAP, lost connections and anvil statistics; plus a few
incidents (automatic "Not read:" receipts from one account, a compromised account's spam run)
so that an analyser has findings to make.  Timestamps have no year (the log starts on --start,
default 2026-10-01) and a day-and-night rhythm; --rate scales the traffic (0.05: a small
site, a month in about 40 MB).  OUT defaults to standard output.
"""
import argparse
import calendar
import heapq
import random
import sys
import time

HOST = "mx1"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
SYL = ["al", "be", "cor", "da", "el", "fin", "gar", "hol", "in", "jor", "kel", "lum", "mar", "nor",
       "ost", "pel", "quin", "ros", "sal", "tor", "ur", "ven", "wil", "xan", "yor", "zed"]
TLDS = ["com", "net", "org", "de", "fr", "nl", "it", "es", "co.uk", "se", "ch", "at", "be", "pl"]
FIRST = ["anna", "ben", "carla", "david", "eva", "frank", "gina", "hans", "ines", "jan", "karin",
         "leo", "maria", "nils", "olga", "paul", "rita", "sven", "tina", "uwe", "vera", "walter"]
SUBJECTS = ["Re: Meeting on Thursday", "Invoice {n}", "Fwd: photos", "Re: Re: offer {n}",
            "Order confirmation {n}", "Your account", "Lunch?", "Minutes {n}", "Re: question",
            "Quote request {n}", "Newsletter {n}", "Re: Fwd: contract", "Holiday plans",
            "Delivery note {n}", "Weekly report", "Re: invoice {n}"]
CIPHERS = ["TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 "
           "server-signature RSA-PSS (2048 bits) server-digest SHA256",
           "TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)"]
GREY = "450 4.2.0 <{r}>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/{d}.html"


class Gen:
    def __init__(self, seed, n_accounts, start, out, size, rate=1.0):
        self.r = random.Random(seed)
        self.out, self.size, self.written = out, size, 0
        self.t0 = start
        self.rate = rate
        self.heap, self.seq = [], 0
        self.prefix_sec, self.prefix = -1, ""
        self.qid_n = self.r.randrange(1 << 36)
        self.pids = {}
        r = self.r
        self.local_domains = ["example.com", "example.net", "mailvet-customer.example"]
        self.remote = ["%s%s.%s" % (r.choice(SYL), r.choice(SYL), r.choice(TLDS)) for _ in range(20000)]
        self.remote = sorted(set(self.remote))
        self.accounts = []
        for i in range(n_accounts):
            dom = self.local_domains[i % len(self.local_domains)]
            name = "%s.%s%d@%s" % (r.choice(FIRST), r.choice(SYL), i, dom)
            busy = r.paretovariate(1.3)
            ip = "%d.%d.%d.%d" % (r.choice([77, 81, 84, 91, 93, 188, 213]), r.randrange(256),
                                  r.randrange(256), r.randrange(1, 255))
            friends = ["%s@%s" % (r.choice(FIRST), r.choice(self.remote)) for _ in range(r.randrange(3, 40))]
            self.accounts.append({"name": name, "busy": busy, "ip": ip, "friends": friends})
        self.weights = [a["busy"] for a in self.accounts]
        self.cum = []
        acc = 0.0
        for w in self.weights:
            acc += w
            self.cum.append(acc)
        self.bot_ips = ["%d.%d.%d.%d" % (r.choice([45, 103, 141, 185, 193, 194]), r.randrange(256),
                                         r.randrange(256), r.randrange(1, 255)) for _ in range(400)]

    # Output ------------------------------------------------------------------------------
    def stamp(self, t):
        sec = int(t)
        if sec != self.prefix_sec:
            tm = time.gmtime(sec)
            self.prefix = "%s %2d %02d:%02d:%02d %s " % (MONTHS[tm.tm_mon - 1], tm.tm_mday, tm.tm_hour,
                                                        tm.tm_min, tm.tm_sec, HOST)
            self.prefix_sec = sec
        return self.prefix

    def at(self, t, prog, text):
        self.seq += 1
        heapq.heappush(self.heap, (t, self.seq, prog, text))

    def flush_until(self, t):
        h, out = self.heap, []
        while h and h[0][0] <= t:
            ts, _, prog, text = heapq.heappop(h)
            if prog == "dovecot":  # Dovecot logs to syslog without its PID
                out.append("%sdovecot: %s\n" % (self.stamp(ts), text))
            else:
                out.append("%s%s[%d]: %s\n" % (self.stamp(ts), prog, self.pid(prog), text))
        if out:
            s = "".join(out)
            self.out.write(s)
            self.written += len(s)

    def pid(self, prog):
        p = self.pids.get(prog)
        if p is None or self.r.random() < 0.002:
            p = self.r.randrange(1000, 4000000)
            self.pids[prog] = p
        return p

    def qid(self):
        self.qid_n = (self.qid_n + self.r.randrange(1, 5000)) & 0xFFFFFFFFFF
        return "%010X" % self.qid_n

    def msgid(self, t, dom):
        return "<%d.%x@%s>" % (int(t), self.r.getrandbits(40), dom)

    # Traffic -----------------------------------------------------------------------------
    def account(self):
        x = self.r.random() * self.cum[-1]
        lo, hi = 0, len(self.cum) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if self.cum[mid] < x:
                lo = mid + 1
            else:
                hi = mid
        return self.accounts[lo]

    def remote_host(self):
        r = self.r
        dom = r.choice(self.remote)
        ip = "%d.%d.%d.%d" % (r.randrange(1, 224), r.randrange(256), r.randrange(256), r.randrange(1, 255))
        name = "mail.%s" % dom if r.random() < 0.8 else "unknown"
        return dom, name, ip

    def inbound(self, t):
        r = self.r
        dom, name, ip = self.remote_host()
        port = r.randrange(1024, 65535)
        self.at(t, "postfix/postscreen", "CONNECT from [%s]:%d to [192.0.2.25]:25" % (ip, port))
        x = r.random()
        if x < 0.08:
            self.at(t + 0.3, "postfix/postscreen", "DNSBL rank 3 for [%s]:%d" % (ip, port))
            self.at(t + 0.9, "postfix/postscreen", "NOQUEUE: reject: RCPT from [%s]:%d: 550 5.7.1 Service "
                    "unavailable; client [%s] blocked using zen.spamhaus.org; from=<%s@%s>, to=<%s>, "
                    "proto=ESMTP, helo=<%s>" % (ip, port, ip, r.choice(FIRST), dom,
                                                self.account()["name"], name))
            self.at(t + 1.0, "postfix/postscreen", "DISCONNECT [%s]:%d" % (ip, port))
            return
        self.at(t + 0.01, "postfix/postscreen", "PASS OLD [%s]:%d" % (ip, port))
        smtpd = "postfix/smtpd"
        client = "%s[%s]" % (name, ip)
        self.at(t + 0.02, smtpd, "connect from %s" % client)
        tls = r.random() < 0.85
        if tls:
            self.at(t + 0.1, smtpd, "Anonymous TLS connection established from %s: %s" % (client, r.choice(CIPHERS)))
        rcpt = self.account()["name"]
        sender = "%s@%s" % (r.choice(FIRST), dom)
        helo = name if name != "unknown" else "[%s]" % ip
        if x < 0.14:
            self.at(t + 0.3, smtpd, "NOQUEUE: reject: RCPT from %s: %s; from=<%s> to=<%s> proto=ESMTP helo=<%s>" %
                    (client, GREY.format(r=rcpt, d=rcpt.split("@")[1]), sender, rcpt, helo))
            self.at(t + 0.4, smtpd, "disconnect from %s ehlo=%d%s mail=1 rcpt=0/1 quit=1 commands=%s" %
                    (client, 2 if tls else 1, " starttls=1" if tls else "", "5/6" if tls else "3/4"))
            if r.random() < 0.7:  # the retry, later
                self.inbound_accepted(t + r.uniform(300, 1800), client, helo, sender, [rcpt], tls)
            return
        if x < 0.17:
            bad = "%s%d@%s" % (r.choice(FIRST), r.randrange(100), r.choice(self.local_domains))
            self.at(t + 0.3, smtpd, "NOQUEUE: reject: RCPT from %s: 550 5.1.1 <%s>: Recipient address rejected: "
                    "User unknown in virtual mailbox table; from=<%s> to=<%s> proto=ESMTP helo=<%s>" %
                    (client, bad, sender, bad, helo))
            self.at(t + 0.4, smtpd, "disconnect from %s ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4" % client)
            return
        rcpts = [rcpt] + [self.account()["name"] for _ in range(r.randrange(3) if r.random() < 0.1 else 0)]
        self.inbound_accepted(t + 0.05, client, helo, sender, rcpts, tls)

    def inbound_accepted(self, t, client, helo, sender, rcpts, tls):
        r = self.r
        q = self.qid()
        smtpd = "postfix/smtpd"
        self.at(t + 0.2, smtpd, "%s: client=%s" % (q, client))
        self.at(t + 0.3, "postfix/cleanup", "%s: message-id=%s" % (q, self.msgid(t, sender.split("@")[1])))
        size = int(r.lognormvariate(9.5, 1.2))
        self.at(t + 0.32, "postfix/qmgr", "%s: from=<%s>, size=%d, nrcpt=%d (queue active)" % (q, sender, size, len(rcpts)))
        self.at(t + 0.4, smtpd, "disconnect from %s ehlo=%d%s mail=1 rcpt=%d data=1 quit=1 commands=%d" %
                (client, 2 if tls else 1, " starttls=1" if tls else "", len(rcpts), len(rcpts) + (6 if tls else 4)))
        d = t + 0.35
        for rc in rcpts:
            d += r.uniform(0.01, 0.3)
            self.at(d, "postfix/lmtp", "%s: to=<%s>, relay=mail.example.com[private/dovecot-lmtp], delay=%.2g, "
                    "delays=0.3/0/0/%.2g, dsn=2.0.0, status=sent (250 2.0.0 <%s> %s Saved)" %
                    (q, rc, d - t, d - t - 0.3, rc, "%012x" % r.getrandbits(48)))
        self.at(d + 0.01, "postfix/qmgr", "%s: removed" % q)

    def submission(self, t, acc=None, rcpts=None, subject=None, fate=None):
        r = self.r
        a = acc or self.account()
        sub = "postfix/submission/smtpd"
        ip = a["ip"] if r.random() < 0.9 else "%s.%d" % (a["ip"].rsplit(".", 1)[0], r.randrange(1, 255))
        client = "unknown[%s]" % ip
        helo = "[192.168.1.%d]" % r.randrange(2, 250)
        self.at(t, sub, "connect from %s" % client)
        self.at(t + 0.05, sub, "Anonymous TLS connection established from %s: %s" % (client, CIPHERS[0]))
        q = self.qid()
        if rcpts is None:
            n = 1 if r.random() < 0.8 else r.randrange(2, 8)
            rcpts = [r.choice(a["friends"]) if r.random() < 0.93 else "%s@%s" % (r.choice(FIRST), r.choice(self.remote))
                     for _ in range(n)]
        self.at(t + 0.3, sub, "%s: client=%s, sasl_method=PLAIN, sasl_username=%s" % (q, client, a["name"]))
        subj = subject or r.choice(SUBJECTS).format(n=r.randrange(10000))
        self.at(t + 0.4, "postfix/cleanup", "%s: info: header Subject: %s from %s; from=<%s> to=<%s> proto=ESMTP helo=<%s>" %
                (q, subj, client, a["name"], rcpts[0], helo))
        self.at(t + 0.41, "postfix/cleanup", "%s: message-id=%s" % (q, self.msgid(t, a["name"].split("@")[1])))
        size = int(r.lognormvariate(9.8, 1.3))
        self.at(t + 0.43, "postfix/qmgr", "%s: from=<%s>, size=%d, nrcpt=%d (queue active)" % (q, a["name"], size, len(rcpts)))
        self.at(t + 0.5, sub, "disconnect from %s ehlo=2 starttls=1 auth=1 mail=1 rcpt=%d data=1 quit=1 commands=%d" %
                (client, len(rcpts), len(rcpts) + 7))
        last = t + 0.5
        bounced = []
        for rc in rcpts:
            f = fate or r.random()
            dom = rc.split("@")[1]
            mx_ip = "%d.%d.%d.%d" % (r.randrange(1, 224), r.randrange(256), r.randrange(256), r.randrange(1, 255))
            relay = "mx.%s[%s]:25" % (dom, mx_ip)
            d = t + 0.6 + r.uniform(0.1, 2.0)
            if f < 0.05:  # greylisted: deferred, then sent on a later queue run
                self.at(d, "postfix/smtp", "%s: to=<%s>, relay=%s, delay=%.1f, delays=0.4/0/0.3/0.2, dsn=4.2.0, "
                        "status=deferred (host %s said: %s (in reply to RCPT TO command))" %
                        (q, rc, relay, d - t, relay[:-3], GREY.format(r=rc, d=dom)))
                d2 = d + r.uniform(300, 1500)
                self.at(d2, "postfix/smtp", "%s: to=<%s>, relay=%s, delay=%d, delays=%d/0.1/0.3/0.4, dsn=2.0.0, "
                        "status=sent (250 2.0.0 Ok: queued as %s)" % (q, rc, relay, d2 - t, d2 - t - 1, self.qid()))
                last = max(last, d2)
            elif f < 0.07:  # rejected by the remote end: bounced
                self.at(d, "postfix/smtp", "%s: to=<%s>, relay=%s, delay=%.1f, delays=0.4/0/0.3/0.2, dsn=5.1.1, "
                        "status=bounced (host %s said: 550 5.1.1 <%s>: Recipient address rejected: User unknown "
                        "(in reply to RCPT TO command))" % (q, rc, relay, d - t, relay[:-3], rc))
                bounced.append(d)
                last = max(last, d)
            elif f < 0.075:  # the remote end is down: deferred for good in this log
                self.at(d, "postfix/smtp", "connect to %s: Connection timed out" % relay)
                self.at(d + 30, "postfix/smtp", "%s: to=<%s>, relay=none, delay=%.0f, delays=0.4/0/30/0, dsn=4.4.1, "
                        "status=deferred (connect to %s: Connection timed out)" % (q, rc, d + 30 - t, relay))
                return
            else:
                self.at(d, "postfix/smtp", "%s: to=<%s>, relay=%s, delay=%.1f, delays=0.4/0.01/0.3/0.5, dsn=2.0.0, "
                        "status=sent (250 2.0.0 OK %d %s - gsmtp)" % (q, rc, relay, d - t, int(d), "%08x" % r.getrandbits(32)))
                last = max(last, d)
        if bounced:
            b = self.qid()
            bt = max(bounced) + 0.05
            self.at(bt, "postfix/cleanup", "%s: message-id=<%d.%s@%s.%s>" % (b, int(bt), b, HOST, self.local_domains[0]))
            self.at(bt + 0.01, "postfix/bounce", "%s: sender non-delivery notification: %s" % (q, b))
            self.at(bt + 0.02, "postfix/qmgr", "%s: from=<>, size=%d, nrcpt=1 (queue active)" % (b, 2400 + r.randrange(3000)))
            self.at(bt + 0.1, "postfix/lmtp", "%s: to=<%s>, relay=mail.example.com[private/dovecot-lmtp], delay=0.08, "
                    "delays=0/0/0/0.08, dsn=2.0.0, status=sent (250 2.0.0 <%s> %012x Saved)" %
                    (b, a["name"], a["name"], r.getrandbits(48)))
            self.at(bt + 0.11, "postfix/qmgr", "%s: removed" % b)
        self.at(last + 0.01, "postfix/qmgr", "%s: removed" % q)

    def imap(self, t):
        r = self.r
        a = self.account()
        session = "%016x" % r.getrandbits(64)
        mpid = r.randrange(1000, 4000000)
        self.at(t, "dovecot", "imap-login: Login: user=<%s>, method=PLAIN, rip=%s, lip=192.0.2.25, mpid=%d, TLS, "
                "session=<%s>" % (a["name"], a["ip"], mpid, session))
        d = t + r.uniform(2, 1800)
        self.at(d, "dovecot", "imap(%s)<%d><%s>: Logged out in=%d out=%d deleted=0 expunged=0 trashed=0 "
                "hdr_count=0 hdr_bytes=0 body_count=0 body_bytes=0" %
                (a["name"], mpid, session, r.randrange(100, 9000), r.randrange(500, 900000)))

    def guessing(self, t):
        r = self.r
        ip = r.choice(self.bot_ips)
        client = "unknown[%s]" % ip
        sub = "postfix/submission/smtpd"
        for i in range(r.randrange(1, 30)):
            s = t + i * r.uniform(2, 20)
            user = r.choice([r.choice(FIRST), "admin", "info", "test", self.account()["name"]])
            self.at(s, sub, "connect from %s" % client)
            self.at(s + 1.5, sub, "warning: %s: SASL LOGIN authentication failed: UGFzc3dvcmQ6, sasl_username=%s" %
                    (client, user))
            self.at(s + 1.6, sub, "lost connection after AUTH from %s" % client)
            self.at(s + 1.61, sub, "disconnect from %s ehlo=1 auth=0/1 commands=1/2" % client)

    def incidents(self, day, t):
        r = self.r
        if day == 6:  # an unattended PC answers read-receipt requests of spam, at night
            a = self.accounts[7]
            for i in range(50):
                rc = "%s@%s" % (r.choice(FIRST), r.choice(self.remote))
                self.submission(t + 3 * 3600 + i * 11, a, [rc], "Not read: %s" % r.choice(SUBJECTS).format(n=i),
                                fate=0.5 if i % 9 else 0.06)
        if day == 10:  # a stolen password: a spam run from another country
            a = self.accounts[3]
            a2 = dict(a, ip="185.220.%d.%d" % (r.randrange(256), r.randrange(1, 255)))
            for i in range(400):
                rcs = ["%s%d@%s" % (r.choice(FIRST), i, r.choice(self.remote)) for _ in range(5)]
                self.submission(t + 1 * 3600 + i * 4, a2, rcs, "Your parcel is waiting %d" % i)

    def run(self):
        r = self.r
        t = self.t0
        day_done = -1
        while self.written < self.size:
            hour = (t % 86400) / 3600.0
            day = int((t - self.t0) // 86400)
            if day != day_done:
                day_done = day
                self.incidents(day, self.t0 + day * 86400)
                if day > 0:
                    self.at(t, "postfix/anvil", "statistics: max connection rate 31/60s for (smtp:%s) at %s" %
                            (r.choice(self.bot_ips), time.strftime("%b %e %H:%M:%S", time.gmtime(t - 3600))))
            # Day and night: about 3 sessions a second at noon, 0.4 at night; weekends are quieter.
            rate = (0.4 + 2.6 * max(0.0, 1 - abs(hour - 13) / 7.0)) * (0.5 if time.gmtime(t).tm_wday >= 5 else 1)
            t += r.expovariate(rate * self.rate)
            x = r.random()
            if x < 0.55:
                self.inbound(t)
            elif x < 0.80:
                self.submission(t)
            elif x < 0.96:
                self.imap(t)
            elif x < 0.965:
                self.guessing(t)
            else:
                ip = r.choice(self.bot_ips)
                self.at(t, "postfix/smtpd", "connect from unknown[%s]" % ip)
                self.at(t + 5, "postfix/smtpd", "lost connection after CONNECT from unknown[%s]" % ip)
                self.at(t + 5, "postfix/smtpd", "disconnect from unknown[%s] commands=0/0" % ip)
            self.flush_until(t - 2000)
        self.flush_until(float("inf"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=float, default=1.1e9, help="bytes to write, about (default 1.1e9)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--accounts", type=int, default=5000)
    ap.add_argument("--start", default="2026-10-01")
    ap.add_argument("--rate", type=float, default=1.0, help="traffic, relative to the default")
    ap.add_argument("out", nargs="?")
    args = ap.parse_args()
    start = calendar.timegm(time.strptime(args.start, "%Y-%m-%d"))
    out = open(args.out, "w", buffering=1 << 20) if args.out else sys.stdout
    g = Gen(args.seed, args.accounts, start, out, args.size, args.rate)
    g.run()
    out.close()
    print("gen-postfix-log: %d bytes, %s to %s" % (g.written, args.start,
          time.strftime("%Y-%m-%d %H:%M", time.gmtime(g.prefix_sec))), file=sys.stderr)


if __name__ == "__main__":
    main()
