#!/bin/bash
# mailvet logs on the scenario log of tests/data/logs (tests/logs/gen-scenario.py): the unattended
# PC's read receipts are the top finding with every one of their queue ids, the busy account and
# the newsletter give none, the password-guessing run is found; the same report from the log
# plain, gzip, xz, rotated in three files, on standard input, as journalctl exports; the year of
# timestamps without one, from --year or the file's modification time.
set -u
: "${MAILVET:?}" "${MV_SRC:?}"
pass=0; fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export TZ=UTC
data=$MV_SRC/tests/data/logs
expect=$data/scenario.expect.json
gzip -dc "$data/scenario.log.gz" > "$tmp/maillog"

# The findings, checked against what the generator says it wrote.
check() {	# check WHAT JSON-FILE
	python3 - "$2" "$expect" <<'PY' && ok || bad "$1"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
x = json.load(open(sys.argv[2]))
logs = d["logs"]
assert set(logs) >= {"files", "lines", "parsed", "skipped", "start", "end"}, logs
assert set(logs["skipped"]) == {"unknown", "truncated", "binary", "too_long", "bad_time"}, logs["skipped"]
assert logs["lines"] == logs["parsed"] and not any(logs["skipped"].values()), logs
assert logs["start"].startswith("2026-10-05T") and logs["end"].startswith("2026-11-02T"), logs
for a in d["accounts"]:
    assert set(a) >= {"account", "messages", "recipients", "domains", "new_domains", "receipts", "bounced",
                      "deferred", "clients", "logins", "hourly"}, a.keys()
    for h in a["hourly"]:
        assert set(h) >= {"hour", "messages", "recipients", "domains"} and h["hour"].endswith(":00:00Z"), h
sev = {"high": 3, "medium": 2, "low": 1}
f = d["findings"]
for g in f:
    assert set(g) >= {"severity", "kind", "account", "client", "start", "end", "count", "summary", "advice",
                      "evidence"}, g.keys()
    assert g["kind"] in ("receipt_burst", "burst", "new_domains", "bounce_rate", "new_client", "password_guessing")
assert [sev[g["severity"]] for g in f] == sorted((sev[g["severity"]] for g in f), reverse=True), "order"
top = f[0]
assert top["kind"] == "receipt_burst" and top["severity"] == "high", top
assert top["account"] == x["receipt_account"] and top["client"] == "192.0.2.41", top
assert top["count"] == 50 and sorted(top["evidence"]) == sorted(x["receipt_qids"]), top
assert top["start"].startswith("2026-11-01T22:1") and top["end"].startswith("2026-11-01T22:"), top
assert "Tools > Options > E-mail Options > Tracking Options" in top["advice"], top["advice"]
assert "Ask me before sending a response" in top["advice"], top["advice"]
assert "12 deferred" in top["summary"] and "8 bounced" in top["summary"], top["summary"]
assert not [g for g in f if g["account"] == x["normal_account"]], "a finding for the busy account"
assert not [g for g in f if g["account"] == x["newsletter_account"]], "a finding for the newsletter"
guess = [g for g in f if g["kind"] == "password_guessing"]
assert len(guess) == 1 and guess[0]["client"] == x["guessing_client"] and guess[0]["count"] >= 100, guess
assert guess[0]["start"].startswith("2026-10-20T03:"), guess
anna = [a for a in d["accounts"] if a["account"] == x["receipt_account"]][0]
assert anna["receipts"] >= 50 and anna["deferred"] == 12 and anna["bounced"] == 8, anna
assert "192.0.2.41" in anna["clients"], anna["clients"]
burst_hour = [h for h in anna["hourly"] if h["hour"] == "2026-11-01T22:00:00Z"][0]
assert burst_hour["messages"] >= 50 and burst_hour["domains"] >= 50, burst_hour
news = [a for a in d["accounts"] if a["account"] == x["newsletter_account"]][0]
assert news["messages"] > 1000, news
PY
}

# The same analysis, whatever the input's form: everything but the file names.
same() {	# same WHAT JSON-FILE
	python3 - "$tmp/base.json" "$2" <<'PY' && ok || bad "$1: a different report"
import json, sys
a, b = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
for d in (a, b):
    del d["logs"]["files"]
assert a == b, [k for k in a if a[k] != b[k]]
PY
}

"$MAILVET" logs --json --year 2026 "$tmp/maillog" > "$tmp/base.json"; st=$?
[ "$st" -eq 0 ] && ok || bad "plain: exit $st"
check "plain" "$tmp/base.json"

"$MAILVET" logs --json --year 2026 "$data/scenario.log.gz" > "$tmp/gz.json" && same "gzip" "$tmp/gz.json"
xz -c "$tmp/maillog" > "$tmp/maillog.xz"
"$MAILVET" logs --json --year 2026 "$tmp/maillog.xz" > "$tmp/xz.json" && same "xz" "$tmp/xz.json"
# Two gzip members one after the other are one stream.
n=$(wc -l < "$tmp/maillog")
{ head -n $((n / 2)) "$tmp/maillog" | gzip -c; tail -n +$((n / 2 + 1)) "$tmp/maillog" | gzip -c; } > "$tmp/members.gz"
"$MAILVET" logs --json --year 2026 "$tmp/members.gz" > "$tmp/members.json" && same "gzip members" "$tmp/members.json"
# Rotated: maillog.2.gz maillog.1 maillog, given in any order, merged by time.
mkdir "$tmp/rot"
head -n $((n / 3)) "$tmp/maillog" | gzip -c > "$tmp/rot/maillog.2.gz"
sed -n "$((n / 3 + 1)),$((2 * n / 3))p" "$tmp/maillog" > "$tmp/rot/maillog.1"
tail -n +$((2 * n / 3 + 1)) "$tmp/maillog" > "$tmp/rot/maillog"
"$MAILVET" logs --json --year 2026 "$tmp/rot/maillog" "$tmp/rot/maillog.2.gz" "$tmp/rot/maillog.1" > "$tmp/rot.json" &&
	same "rotated" "$tmp/rot.json"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["logs"]["files"] == sys.argv[2:]' "$tmp/rot.json" \
	"$tmp/rot/maillog" "$tmp/rot/maillog.2.gz" "$tmp/rot/maillog.1" && ok || bad "rotated: files"
# Standard input: "-", and no FILE when it is not a terminal.
"$MAILVET" logs --json --year 2026 - < "$tmp/maillog" > "$tmp/stdin.json" && same "stdin -" "$tmp/stdin.json"
gzip -dc "$data/scenario.log.gz" | "$MAILVET" logs --json --year 2026 > "$tmp/pipe.json" && same "pipe" "$tmp/pipe.json"
xz -dc "$tmp/maillog.xz" | xz -c | "$MAILVET" logs --json --year 2026 - > "$tmp/pipexz.json" && same "xz pipe" "$tmp/pipexz.json"

# journalctl -o short-iso and -o json of the same lines.
python3 - "$tmp/maillog" "$tmp/short-iso.log" "$tmp/journal.json" <<'PY'
import datetime, json, re, sys
line_re = re.compile(r"^(\w{3}) +(\d+) (\d\d):(\d\d):(\d\d) (\S+) ([^\[:]+)(?:\[(\d+)\])?: (.*)$")
months = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as iso, open(sys.argv[3], "w") as js:
    for i, line in enumerate(f):
        m = line_re.match(line.rstrip("\n"))
        mon, day, hh, mm, ss, host, prog, pid, msg = m.groups()
        t = datetime.datetime(2026, months[mon], int(day), int(hh), int(mm), int(ss), tzinfo=datetime.timezone.utc)
        # short-iso in a zone east of UTC: the same instants
        local = t.astimezone(datetime.timezone(datetime.timedelta(hours=1)))
        iso.write("%s %s %s%s: %s\n" % (local.strftime("%Y-%m-%dT%H:%M:%S%z"), host, prog,
                                        "[%s]" % pid if pid else "", msg))
        o = {"__CURSOR": "s=abc;i=%x" % i, "__REALTIME_TIMESTAMP": str(int(t.timestamp()) * 1000000 + 123),
             "_HOSTNAME": host, "SYSLOG_IDENTIFIER": prog, "PRIORITY": "6", "MESSAGE": msg}
        if pid:
            o["_PID"] = pid
        js.write(json.dumps(o) + "\n")
PY
"$MAILVET" logs --json "$tmp/short-iso.log" > "$tmp/iso.json" && same "short-iso" "$tmp/iso.json"
"$MAILVET" logs --json "$tmp/journal.json" > "$tmp/journal-out.json" && same "journal json" "$tmp/journal-out.json"

# The year: --year, or the newest line not after the file's modification time.
year_of() { python3 -c 'import json,sys; d=json.load(sys.stdin)["logs"]; print(d["start"][:4], d["end"][:4])'; }
[ "$("$MAILVET" logs --json --year 2025 "$tmp/maillog" | year_of)" = "2025 2025" ] && ok || bad "--year 2025"
cp "$tmp/maillog" "$tmp/dated"
touch -d "2026-11-03 08:00:00 UTC" "$tmp/dated"
[ "$("$MAILVET" logs --json "$tmp/dated" | year_of)" = "2026 2026" ] && ok || bad "mtime just after the newest line"
touch -d "2027-06-01 00:00:00 UTC" "$tmp/dated"
[ "$("$MAILVET" logs --json "$tmp/dated" | year_of)" = "2026 2026" ] && ok || bad "mtime months after"
touch -d "2026-07-01 00:00:00 UTC" "$tmp/dated"
[ "$("$MAILVET" logs --json "$tmp/dated" | year_of)" = "2025 2025" ] && ok || bad "mtime before November: the year before"
# A log across New Year, gzip (read through for its newest line), given its year.
printf 'Dec 31 23:59:58 mx postfix/qmgr[8]: AAAA000001: removed\nJan  1 00:00:03 mx postfix/qmgr[8]: AAAA000002: removed\n' |
	gzip -c > "$tmp/newyear.gz"
touch -d "2027-01-01 01:00:00 UTC" "$tmp/newyear.gz"
out=$("$MAILVET" logs --json "$tmp/newyear.gz" | python3 -c 'import json,sys; d=json.load(sys.stdin)["logs"]; print(d["start"], d["end"], d["skipped"]["bad_time"])')
[ "$out" = "2026-12-31T23:59:58Z 2027-01-01T00:00:03Z 0" ] && ok || bad "New Year: $out"

# The example of the README: the same story, small, with its year written.
"$MAILVET" logs --json "$MV_SRC/examples/maillog" > "$tmp/example.json"; st=$?
python3 - "$tmp/example.json" <<'PY' && [ "$st" -eq 0 ] && ok || bad "examples/maillog: exit $st"
import json, sys
d = json.load(open(sys.argv[1]))
f = d["findings"]
assert len(f) == 1 and f[0]["kind"] == "receipt_burst" and f[0]["severity"] == "high", f
assert f[0]["account"] == "anna@example.com" and f[0]["count"] == 50 and len(f[0]["evidence"]) == 50, f[0]
assert f[0]["start"].startswith("2026-11-01T21:14"), f[0]["start"]
assert d["logs"]["lines"] == d["logs"]["parsed"], d["logs"]
PY

# The text report: the receipt burst first, with what to change in Outlook.
"$MAILVET" logs --year 2026 "$tmp/maillog" > "$tmp/report.txt"
sed -n '5p' "$tmp/report.txt" | grep -q "HIGH   receipt_burst  anna@example.com  192.0.2.41" && ok ||
	bad "text: the receipt burst is not first: $(sed -n '1,6p' "$tmp/report.txt")"
tr -s ' \n' '  ' < "$tmp/report.txt" | grep -q '"Ask me before sending a response"' && ok || bad "text: no advice"
grep -q "^bob@example.com" "$tmp/report.txt" && ok || bad "text: no account table"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
