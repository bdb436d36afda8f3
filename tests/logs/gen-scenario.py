#!/usr/bin/env python3
"""Writes the scenario log of tests/data/logs/: four weeks of a small company's mail server
(Postfix with submission, SASL through Dovecot, postscreen, Dovecot IMAP), traditional syslog
lines as Debian's rsyslog writes them, local time = UTC.  Deterministic (a fixed seed).

The stories in it, which tests/logs/t_logs_scenario.sh checks:
  anna@example.com  four weeks of ordinary mail with a dozen correspondents, then on Sunday
                    2026-11-01 evening her PC, left on, answers a wave of spam that asks for read
                    receipts: 50 "Not read:" receipts in under ten minutes, each to an unrelated
                    domain; 12 greylisted (deferred 450, sent on retry), 8 bounced (with the bounce
                    notices back to her).  Must be the top finding, with each of the 50 queue ids.
  bob@example.com   busy and normal: 25 to 60 messages a working day, office PC and phone, a
                    few new domains a week.  Must give no finding.
  news@example.com  a weekly newsletter to ~300 subscribers from the web server.
  203.0.113.66      a password-guessing run on SMTP AUTH and IMAP on 2026-10-20 at night.
Writes the log and a JSON file of what the tests expect (the receipts' queue ids).

With --example, writes the small log of examples/ instead: the same unattended PC over four
days (and bob), as journalctl -o short-iso writes it (zone +0100), so that its report does not depend
on the year it is read in.

Usage: gen-scenario.py LOG EXPECT.json | gen-scenario.py --example LOG"""
import datetime as dt
import json
import random
import sys

EXAMPLE = len(sys.argv) > 1 and sys.argv[1] == "--example"
R = random.Random(20261102)
START = dt.datetime(2026, 10, 29) if EXAMPLE else dt.datetime(2026, 10, 5)
END = dt.datetime(2026, 11, 1, 23, 59) if EXAMPLE else dt.datetime(2026, 11, 2, 23, 59)
HOST = "mx"
lines = []          # (time, seq, text)
seq = 0
qids = set()


def emit(t, prog, pid, text):
    global seq
    seq += 1
    if EXAMPLE:
        stamp = t.strftime("%Y-%m-%dT%H:%M:%S") + "+0100"
    else:
        stamp = t.strftime("%b ") + ("%2d" % t.day) + t.strftime(" %H:%M:%S")
    lines.append((t, seq, "%s %s %s[%d]: %s" % (stamp, HOST, prog, pid, text)))


def qid():
    while True:
        q = "%010X" % R.getrandbits(40)
        if q[0] != "0" and q not in qids:
            qids.add(q)
            return q


def sec(s):
    return dt.timedelta(seconds=s)


PIDS = {"qmgr": 812, "cleanup": 0, "smtp": 0, "lmtp": 0, "bounce": 0}


def pid(kind):
    return R.randint(2000, 32000)


def msgid(t, q):
    return "<%s.%s@%s>" % (t.strftime("%Y%m%d%H%M%S"), q.lower(), R.choice(["example.com", "mail.example.com"]))


def lmtp_deliver(t, q, rcpt):
    emit(t, "postfix/lmtp", pid("lmtp"),
         "%s: to=<%s>, relay=mx.example.com[private/dovecot-lmtp], delay=%.2f, delays=0.05/0.01/0.01/0.02, "
         "dsn=2.0.0, status=sent (250 2.0.0 <%s> %s Saved)" % (q, rcpt, R.uniform(0.05, 0.4), rcpt,
                                                                "%016x" % R.getrandbits(64)))


def remote_host(domain):
    return "mx%d.%s" % (R.randint(1, 2), domain), "198.18.%d.%d" % (R.randint(0, 255), R.randint(1, 254))


def smtp_result(t, q, rcpt, outcome):
    """outcome: sent, deferred, bounced.  Returns the time after it."""
    dom = rcpt.split("@")[1]
    host, ip = remote_host(dom)
    d = R.uniform(0.4, 2.5)
    t = t + sec(d)
    if outcome == "sent":
        text = ("to=<%s>, relay=%s[%s]:25, delay=%.1f, delays=0.1/0.02/0.4/%.1f, dsn=2.0.0, "
                "status=sent (250 2.0.0 Ok: queued as %s)" % (rcpt, host, ip, d, d - 0.5, "%X" % R.getrandbits(36)))
    elif outcome == "deferred":
        text = ("to=<%s>, relay=%s[%s]:25, delay=%.1f, delays=0.1/0.02/0.4/0.3, dsn=4.7.1, status=deferred "
                "(host %s[%s] said: 450 4.7.1 <%s>: Recipient address rejected: Greylisted, see "
                "https://postgrey.schweikert.ch/help/%s.html (in reply to RCPT TO command))"
                % (rcpt, host, ip, d, host, ip, rcpt, dom))
    else:
        text = ("to=<%s>, relay=%s[%s]:25, delay=%.1f, delays=0.1/0.02/0.4/0.3, dsn=5.1.1, status=bounced "
                "(host %s[%s] said: 550 5.1.1 <%s>: Recipient address rejected: User unknown in virtual "
                "mailbox table (in reply to RCPT TO command))" % (rcpt, host, ip, d, host, ip, rcpt))
    emit(t, "postfix/smtp", pid("smtp"), "%s: %s" % (q, text))
    return t


def bounce_notice(t, q, sender, size):
    """Postfix's non-delivery notice for q, back to the local sender."""
    n = qid()
    t = t + sec(0.1)
    emit(t, "postfix/cleanup", pid("cleanup"), "%s: message-id=<%s.%s@mx.example.com>" % (n, t.strftime("%Y%m%d%H%M%S"), n))
    emit(t, "postfix/bounce", pid("bounce"), "%s: sender non-delivery notification: %s" % (q, n))
    emit(t, "postfix/qmgr", PIDS["qmgr"], "%s: from=<>, size=%d, nrcpt=1 (queue active)" % (n, size + 2400))
    lmtp_deliver(t + sec(0.1), n, sender)
    emit(t + sec(0.2), "postfix/qmgr", PIDS["qmgr"], "%s: removed" % n)


def submit(t, user, client, rcpts, subject, outcomes=None, retry=None, session=None):
    """A message an account sends through submission.  outcomes: rcpt -> sent|deferred|bounced
    (deferred ones are sent on a retry `retry` seconds later).  Returns its queue id."""
    host, ip = client
    p = session if session is not None else pid("smtpd")
    if session is None:
        emit(t, "postfix/submission/smtpd", p, "connect from %s[%s]" % (host, ip))
        emit(t, "postfix/submission/smtpd", p,
             "Anonymous TLS connection established from %s[%s]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 "
             "(256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256" % (host, ip))
    t = t + sec(R.uniform(0.2, 0.8))
    q = qid()
    size = R.randint(1800, 60000)
    emit(t, "postfix/submission/smtpd", p, "%s: client=%s[%s], sasl_method=LOGIN, sasl_username=%s" % (q, host, ip, user))
    cl = pid("cleanup")
    emit(t, "postfix/cleanup", cl, "%s: message-id=%s" % (q, msgid(t, q)))
    emit(t, "postfix/cleanup", cl, "%s: warning: header Subject: %s from %s[%s]; from=<%s> to=<%s> proto=ESMTP helo=<%s>"
         % (q, subject, host, ip, user, rcpts[0], host.split(".")[0].upper()))
    t = t + sec(0.05)
    emit(t, "postfix/qmgr", PIDS["qmgr"], "%s: from=<%s>, size=%d, nrcpt=%d (queue active)" % (q, user, size, len(rcpts)))
    if session is None:
        emit(t + sec(0.1), "postfix/submission/smtpd", p,
             "disconnect from %s[%s] ehlo=2 starttls=1 auth=1 mail=1 rcpt=%d data=1 quit=1 commands=%d"
             % (host, ip, len(rcpts), 7 + len(rcpts)))
    outcomes = outcomes or {}
    left = []
    last = t
    for r in rcpts:
        o = outcomes.get(r, "sent")
        if r.endswith("@example.com"):
            lmtp_deliver(t + sec(0.2), q, r)
            last = max(last, t + sec(0.2))
            continue
        t2 = smtp_result(t, q, r, o)
        last = max(last, t2)
        if o == "deferred":
            left.append(r)
        if o == "bounced":
            bounce_notice(t2, q, user, size)
    if left:
        t3 = t + sec(retry or R.randint(300, 900))
        emit(t3, "postfix/qmgr", PIDS["qmgr"], "%s: from=<%s>, size=%d, nrcpt=%d (queue active)" % (q, user, size, len(left)))
        for r in left:
            last = max(last, smtp_result(t3, q, r, "sent"))
    emit(last + sec(0.3), "postfix/qmgr", PIDS["qmgr"], "%s: removed" % q)
    return q


def inbound(t, sender, rcpt, subject, client=None):
    """A message from the Internet to a local mailbox."""
    dom = sender.split("@")[1]
    host, ip = client or remote_host(dom)
    p = pid("smtpd")
    port = R.randint(30000, 65000)
    emit(t, "postfix/postscreen", pid("ps"), "CONNECT from [%s]:%d to [192.0.2.1]:25" % (ip, port))
    emit(t, "postfix/postscreen", pid("ps"), "PASS OLD [%s]:%d" % (ip, port))
    t = t + sec(0.3)
    emit(t, "postfix/smtpd", p, "connect from %s[%s]" % (host, ip))
    q = qid()
    t = t + sec(0.5)
    emit(t, "postfix/smtpd", p, "%s: client=%s[%s]" % (q, host, ip))
    cl = pid("cleanup")
    emit(t, "postfix/cleanup", cl, "%s: message-id=<%s@%s>" % (q, "%x" % R.getrandbits(48), dom))
    emit(t, "postfix/cleanup", cl, "%s: warning: header Subject: %s from %s[%s]; from=<%s> to=<%s> proto=ESMTP helo=<%s>"
         % (q, subject, host, ip, sender, rcpt, host))
    emit(t, "postfix/qmgr", PIDS["qmgr"], "%s: from=<%s>, size=%d, nrcpt=1 (queue active)" % (q, sender, R.randint(3000, 90000)))
    lmtp_deliver(t + sec(0.2), q, rcpt)
    emit(t + sec(0.3), "postfix/qmgr", PIDS["qmgr"], "%s: removed" % q)
    emit(t + sec(0.4), "postfix/smtpd", p, "disconnect from %s[%s] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5" % (host, ip))


def rejected(t, ip, sender, rcpt):
    p = pid("smtpd")
    emit(t, "postfix/smtpd", p, "connect from unknown[%s]" % ip)
    emit(t + sec(1), "postfix/smtpd", p,
         "NOQUEUE: reject: RCPT from unknown[%s]: 554 5.7.1 Service unavailable; Client host [%s] blocked using "
         "zen.spamhaus.org; https://www.spamhaus.org/query/ip/%s; from=<%s> to=<%s> proto=ESMTP helo=<[%s]>"
         % (ip, ip, ip, sender, rcpt, ip))
    emit(t + sec(1.2), "postfix/smtpd", p, "disconnect from unknown[%s] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4" % ip)


def imap_login(t, user, ip):
    mp = R.randint(2000, 32000)
    sess = "%x" % R.getrandbits(64)
    emit(t, "dovecot", pid("dovecot"),
         "imap-login: Login: user=<%s>, method=PLAIN, rip=%s, lip=192.0.2.1, mpid=%d, TLS, session=<%s>" % (user, ip, mp, sess))
    emit(t + sec(R.randint(5, 400)), "dovecot", pid("dovecot"),
         "imap(%s)<%d><%s>: Logged out in=%d out=%d deleted=0 expunged=0 trashed=0 hdr_count=0 hdr_bytes=0 body_count=0 "
         "body_bytes=0" % (user, mp, sess, R.randint(50, 900), R.randint(500, 90000)))


def days():
    d = START
    while d <= END:
        yield d
        d += dt.timedelta(days=1)


def at(day, hour_lo, hour_hi):
    return day + sec(R.randint(hour_lo * 3600, hour_hi * 3600 - 1))


WORDS = ["offer", "invoice", "meeting", "report", "project", "schedule", "contract", "delivery", "update", "question",
         "agenda", "budget", "review", "draft", "minutes", "order", "quote", "plan", "notes", "proposal"]


def subject():
    s = " ".join(R.choice(WORDS) for _ in range(R.randint(2, 5)))
    return s[0].upper() + s[1:]


# --- anna: a dozen correspondents, an office PC that stays on ---
ANNA = "anna@example.com"
ANNA_PC = ("pc-anna.office.example.com", "192.0.2.41")
anna_people = ["mark@client-a.example", "lisa@client-a.example", "tom@supplier-b.example", "sara@supplier-b.example",
               "ines@partner-c.example", "paul@partner-c.example", "accounts@bank-d.example", "carl@lawfirm-e.example",
               "bob@example.com", "carol@example.com", "dave@example.com", "office@architects-f.example"]
# --- bob: busy, normal ---
BOB = "bob@example.com"
BOB_PC = ("pc-bob.office.example.com", "192.0.2.42")
BOB_PHONE = ("phone.mobile-carrier.example", "198.51.100.23")
bob_domains = ["client%02d.example" % i for i in range(60)]
bob_people = ["%s@%s" % (n, d) for d in bob_domains for n in R.sample(["info", "sales", "jan", "eva", "otto", "mia"], 3)]
# --- news: weekly newsletter ---
NEWS = "news@example.com"
NEWS_SRV = ("web.example.com", "192.0.2.50")
news_domains = ["mailbox%03d.example" % i for i in range(110)]
subscribers = ["reader%04d@%s" % (i, R.choice(news_domains)) for i in range(300)]

expect = {"receipt_account": ANNA, "receipt_qids": [], "receipt_deferred": [], "receipt_bounced": [],
          "normal_account": BOB, "newsletter_account": NEWS, "guessing_client": "203.0.113.66"}

for day in days():
    workday = day.weekday() < 5
    # anna's ordinary mail, and what she receives
    if workday:
        for _ in range(R.randint(1, 5)):
            to = R.sample(anna_people, R.randint(1, 2))
            submit(at(day, 8, 17), ANNA, ANNA_PC, to, ("Re: " if R.random() < 0.5 else "") + subject())
        for _ in range(R.randint(3, 8)):
            sender = R.choice([p for p in anna_people if not p.endswith("@example.com")])
            inbound(at(day, 7, 18), sender, ANNA, subject())
        for h in range(8, 17, 4 if EXAMPLE else 1):
            imap_login(day + sec(h * 3600 + R.randint(0, 1800)), ANNA, ANNA_PC[1])
        if R.random() < 0.15:
            # now and then a read receipt by hand, to a colleague
            submit(at(day, 9, 16), ANNA, ANNA_PC, [R.choice(anna_people[:4])], "Read: " + subject())
    # bob
    if workday:
        for _ in range(R.randint(4, 8) if EXAMPLE else R.randint(25, 60)):
            phone = R.random() < 0.15
            if R.random() < 0.02:
                # a new contact now and then
                d = "newcontact%03d.example" % R.randint(0, 999)
                to = ["info@" + d]
            else:
                to = R.sample(bob_people, R.randint(1, 3))
            outcomes = {r: "bounced" for r in to if R.random() < 0.01}
            submit(at(day, 7, 19), BOB, BOB_PHONE if phone else BOB_PC, to, subject(), outcomes)
        for _ in range(R.randint(2, 5) if EXAMPLE else R.randint(10, 25)):
            inbound(at(day, 6, 20), R.choice(bob_people), BOB, subject())
        for h in range(7, 19, 6 if EXAMPLE else 2):
            imap_login(day + sec(h * 3600 + R.randint(0, 3000)), BOB, BOB_PC[1])
    # the newsletter, Tuesdays at ten, one message per subscriber
    if day.weekday() == 1 and not EXAMPLE:
        subscribers += ["reader%04d@%s" % (len(subscribers) + i, R.choice(news_domains)) for i in range(R.randint(3, 8))]
        t = day + sec(10 * 3600)
        for r in subscribers:
            t += sec(R.uniform(0.5, 2.5))
            submit(t, NEWS, NEWS_SRV, [r], "Example Company news, week %d" % day.isocalendar()[1],
                   {r: "bounced"} if R.random() < 0.015 else None)
    # carol and dave: a little mail
    for user, host in () if EXAMPLE else (("carol@example.com", "192.0.2.43"), ("dave@example.com", "192.0.2.44")):
        if workday and R.random() < 0.7:
            submit(at(day, 9, 17), user, ("pc-%s.office.example.com" % user.split("@")[0], host),
                   [R.choice(anna_people[:8])], subject())
    # the Internet's noise
    for _ in range(R.randint(1, 3) if EXAMPLE else R.randint(10, 25)):
        ip = "%d.%d.%d.%d" % (R.choice([45, 77, 91, 185, 194]), R.randint(0, 255), R.randint(0, 255), R.randint(1, 254))
        rejected(at(day, 0, 24), ip, "%s@%s" % (R.choice(["info", "noreply", "promo"]), "spam%d.example" % R.randint(0, 500)),
                 R.choice([ANNA, BOB, "carol@example.com", "sales@example.com"]))

# --- the password-guessing run: 2026-10-20, 03:10 to about 03:50 ---
t = dt.datetime(2026, 10, 20, 3, 10, 4)
guess_ip = "203.0.113.66"
for i in range(0 if EXAMPLE else 90):
    p = pid("smtpd")
    emit(t, "postfix/submission/smtpd", p, "connect from unknown[%s]" % guess_ip)
    emit(t + sec(2), "postfix/submission/smtpd", p,
         "warning: unknown[%s]: SASL LOGIN authentication failed: UGFzc3dvcmQ6" % guess_ip)
    emit(t + sec(3), "postfix/submission/smtpd", p, "disconnect from unknown[%s] ehlo=1 auth=0/1 quit=1 commands=2/3" % guess_ip)
    t += sec(R.randint(15, 20))
for user in [] if EXAMPLE else ["admin", "info", "test", ANNA, "office", "sales", "webmaster", "postmaster", "anna", "bob",
                                 "root", "mail"]:
    emit(t, "dovecot", pid("dovecot"),
         "imap-login: Disconnected (auth failed, 3 attempts in 14 secs): user=<%s>, method=PLAIN, rip=%s, lip=192.0.2.1, "
         "TLS, session=<%x>" % (user, guess_ip, R.getrandbits(64)))
    t += sec(R.randint(20, 40))

# --- the unattended PC: Sunday 2026-11-01 ---
# Spam asking for read receipts arrives all evening; Outlook's junk rule deletes it unread.
spam_t = dt.datetime(2026, 11, 1, 18, 0)
for i in range(20 if EXAMPLE else 55):
    spam_t += sec(R.randint(60, 240))
    inbound(spam_t, "bounce-%d@bulkmail%02d.example" % (R.randint(1000, 9999), i % 17), ANNA,
            R.choice(["Your parcel is waiting", "Exclusive offer inside", "Re: your account", "Last chance", "Invoice due"]))
# At 22:14 the PC sends the receipts for what it deleted: one connection, 50 messages.
t = dt.datetime(2026, 11, 1, 22, 14, 7)
p = pid("smtpd")
emit(t, "postfix/submission/smtpd", p, "connect from %s[%s]" % ANNA_PC)
shop_words = ["shop", "deals", "store", "outlet", "market", "promo", "club", "trade", "prime", "global"]
tlds = ["example", "example.net", "example.org", "test"]
targets = []
while len(targets) < 50:
    d = "%s-%s%d.%s" % (R.choice(shop_words), R.choice(shop_words), R.randint(1, 99), R.choice(tlds))
    if d not in [x.split("@")[1] for x in targets]:
        targets.append("%s@%s" % (R.choice(["info", "contact", "sales", "news", "service"]), d))
deferred = set(R.sample(range(50), 12))
bounced = set(R.sample([i for i in range(50) if i not in deferred], 8))
for i, rcpt in enumerate(targets):
    t += sec(R.uniform(4, 12))
    o = "deferred" if i in deferred else "bounced" if i in bounced else "sent"
    q = submit(t, ANNA, ANNA_PC, [rcpt], "Not read: " + R.choice(
        ["Your parcel is waiting", "Exclusive offer inside", "Re: your account", "Last chance", "Invoice due"]),
        {rcpt: o}, retry=R.randint(420, 700), session=p)
    expect["receipt_qids"].append(q)
    if o == "deferred":
        expect["receipt_deferred"].append(q)
    if o == "bounced":
        expect["receipt_bounced"].append(q)
emit(t + sec(1), "postfix/submission/smtpd", p,
     "disconnect from %s[%s] ehlo=1 auth=1 mail=50 rcpt=50 data=50 quit=1 commands=153" % ANNA_PC)

lines.sort()
with open(sys.argv[2] if EXAMPLE else sys.argv[1], "w") as f:
    for _, _, text in lines:
        f.write(text + "\n")
if not EXAMPLE:
    with open(sys.argv[2], "w") as f:
        json.dump(expect, f, indent=1)
        f.write("\n")
