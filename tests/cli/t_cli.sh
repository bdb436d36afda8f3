#!/bin/bash
# The mailvet command as a user meets it: inputs of every kind, exit statuses, output
# order, JSON validity, and the help text agreeing with the man page.
set -u
pass=0; fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
expect_status() {	# expect_status WANT DESCRIPTION COMMAND...
	want=$1; what=$2; shift 2
	"$@" >/dev/null 2>&1; got=$?
	[ "$got" -eq "$want" ] && ok || bad "$what: exit $got, expected $want"
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ex="$MV_SRC/examples"

# Exit statuses.
expect_status 0 "--help" "$MAILVET" --help
expect_status 0 "--version" "$MAILVET" --version
expect_status 2 "no command" "$MAILVET"
expect_status 2 "unknown command" "$MAILVET" frobnicate
# Without a PATH, standard input is read when it is a file or a pipe (as rspamc does).
out=$("$MAILVET" scan --json < "$ex/ordinary.eml"); st=$?
[ "$st" -eq 0 ] && [ "$(wc -l <<< "$out")" -eq 1 ] && grep -q '"file":"-"' <<< "$out" && ok ||
	bad "scan without PATH did not read standard input: exit $st"
expect_status 2 "unknown option" "$MAILVET" scan --no-such-option "$ex"
expect_status 2 "-j 0" "$MAILVET" scan -j 0 "$ex"
expect_status 2 "bad --limit name" "$MAILVET" scan --limit max-nothing=3 "$ex"
expect_status 2 "bad --limit value" "$MAILVET" scan --limit max-parts=lots "$ex"
expect_status 2 "decreasing thresholds" "$MAILVET" scan --tag-score 20 "$ex"
expect_status 0 "examples" "$MAILVET" scan "$ex"
expect_status 2 "missing path" "$MAILVET" scan "$tmp/does-not-exist"

# An unreadable path does not stop the others.
out=$("$MAILVET" scan --json "$tmp/does-not-exist" "$ex/ordinary.eml" 2>"$tmp/err"); st=$?
[ "$st" -eq 2 ] && ok || bad "missing + good path: exit $st"
[ "$(wc -l <<< "$out")" -eq 1 ] && ok || bad "missing + good path: the good one was not scanned"
grep -q "does-not-exist" "$tmp/err" && ok || bad "missing path not named on stderr"

# Every JSON line is valid and has the interface fields.
"$MAILVET" scan --json "$ex"/*.eml > "$tmp/ex.jsonl" || bad "scan --json examples failed"
python3 - "$tmp/ex.jsonl" "$(ls "$ex"/*.eml | wc -l)" <<'PY' && ok || bad "JSON fields"
import json, sys
need = {"file", "message_id", "from", "subject", "parts", "links", "received", "score", "action", "symbols"}
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert len(lines) == int(sys.argv[2]), (len(lines), sys.argv[2])
for line in lines:
    o = json.loads(line)
    assert need <= set(o), need - set(o)
    assert set(o["from"]) >= {"name", "address"}
    for p in o["parts"]:
        assert {"type", "charset", "encoding", "size", "decoded_size"} <= set(p)
    for l in o["links"]:
        assert {"text", "href", "host", "domain"} <= set(l)
    for r in o["received"]:
        assert {"from", "helo", "ip", "by", "with", "id", "for", "date"} <= set(r)
    for s in o["symbols"]:
        assert {"name", "group", "score", "detail", "options"} <= set(s)
    assert {"client_ip", "client_name", "helo", "mail_from", "rcpt", "sasl_user", "direction", "source"} <= set(o["envelope"])
    assert o["action"] in ("accept", "tag", "quarantine", "reject")
PY

# Directories: recursive, name order, hidden entries skipped; Maildir: cur and new, not tmp.
mkdir -p "$tmp/tree/b/deeper" "$tmp/tree/a" "$tmp/md/cur" "$tmp/md/new" "$tmp/md/tmp"
cp "$ex/ordinary.eml" "$tmp/tree/b/deeper/2.eml"
cp "$ex/ordinary.eml" "$tmp/tree/a/1.eml"
cp "$ex/ordinary.eml" "$tmp/tree/.hidden.eml"
cp "$ex/ordinary.eml" "$tmp/md/cur/1700000000.1.host:2,S"
cp "$ex/ordinary.eml" "$tmp/md/new/1700000001.2.host"
cp "$ex/ordinary.eml" "$tmp/md/tmp/1700000002.3.host"
files=$("$MAILVET" scan --json "$tmp/tree/" "$tmp/md" | python3 -c '
import json, sys
for line in sys.stdin: print(json.loads(line)["file"])')
want="$tmp/tree/a/1.eml
$tmp/tree/b/deeper/2.eml
$tmp/md/cur/1700000000.1.host:2,S
$tmp/md/new/1700000001.2.host"
[ "$files" = "$want" ] && ok || bad "directory walk order: got
$files"

# mbox: split at "From " lines with a date, not at other body lines; names PATH#N.
{ printf 'From a@example.com Tue Jun 18 11:23:45 2002\nSubject: one\n\nFrom here on, a body line.\n\n'
  printf 'From b@example.com Tue Jun 18 11:23:46 2002\nSubject: two\n\nbody\n'; } > "$tmp/box.mbox"
subjects=$("$MAILVET" scan --json "$tmp/box.mbox" | python3 -c '
import json, sys
for line in sys.stdin: o = json.loads(line); print(o["file"].rsplit("/", 1)[1], o["subject"])')
[ "$subjects" = "box.mbox#1 one
box.mbox#2 two" ] && ok || bad "mbox split: got
$subjects"

# Standard input, as a message and as an mbox.
n=$("$MAILVET" scan --json - < "$ex/ordinary.eml" | wc -l)
[ "$n" -eq 1 ] && ok || bad "stdin message: $n lines"
n=$("$MAILVET" scan --json - < "$tmp/box.mbox" | wc -l)
[ "$n" -eq 2 ] && ok || bad "stdin mbox: $n lines"

# Output is the same with one thread or several.
for i in $(seq 1 40); do cp "$ex/brand-notice.eml" "$tmp/tree/a/m$i.eml"; done
a=$("$MAILVET" scan --json -j 1 "$tmp/tree" "$ex" | md5sum)
b=$("$MAILVET" scan --json -j 4 "$tmp/tree" "$ex" | md5sum)
[ "$a" = "$b" ] && ok || bad "-j 1 and -j 4 differ"

# A limit given on the command line is applied and reported.
out=$("$MAILVET" scan --json --limit max-urls=1 "$ex/ordinary.eml")
grep -q '"URL_LIMIT"' <<< "$out" && ok || bad "--limit max-urls=1 did not report URL_LIMIT"

# Every option in --help is in the man page, and the reverse.
help=$("$MAILVET" --help)
for opt in $(grep -o -- '--[a-z][a-z-]*' <<< "$help" | sort -u); do
	grep -q -- "$(sed 's/-/\\\\-/g' <<< "$opt")" "$MV_SRC/docs/mailvet.1" && ok || bad "man page lacks $opt"
done
for opt in $(grep -o -- '\\-\\-[a-z][a-z\\-]*' "$MV_SRC/docs/mailvet.1" | sed 's/\\//g' | sort -u); do
	grep -q -- "$opt" <<< "$help" && ok || bad "--help lacks $opt (in the man page)"
done
# Every limit is listed by 'mailvet limits' and in the docs.
for name in $("$MAILVET" limits | awk '{print $1}'); do
	grep -q "$name" "$MV_SRC/docs/limits.md" && ok || bad "docs/limits.md lacks $name"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
