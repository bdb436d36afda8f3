#!/bin/bash
# docs/impersonation-ham.md lists every FROM_MALFORMED, BRAND_UNSIGNED, DISPLAY_NAME_SPOOF and
# LOOKALIKE_DOMAIN raised on the ham of the SpamAssassin corpus, with the action, each with its
# reason: this scan (bench/offline.conf) must raise exactly those rows, no more and no fewer.
set -u
: "${MAILVET:?set by CMake: the mailvet command}"
: "${MV_SRC:?set by CMake: the source tree}"

fail() {
	echo "t_impersonation_ham: FAIL: $*" >&2
	exit 1
}

command -v python3 >/dev/null 2>&1 || fail "needs python3"
corpus=$("$MV_SRC/scripts/fetch-corpus") || fail "could not fetch the corpus (see docs/corpus.md)"
work=$(mktemp -d "${TMPDIR:-/tmp}/t_impersonation_ham.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$MV_SRC/bench" && "$MAILVET" -c offline.conf scan --json -j 2 "$corpus/eml/ham") >"$work/out.jsonl" ||
	fail "the scan failed"
python3 - "$work/out.jsonl" "$MV_SRC/docs/impersonation-ham.md" <<'PY'
import json, re, sys

ours = {"FROM_MALFORMED", "BRAND_UNSIGNED", "DISPLAY_NAME_SPOOF", "LOOKALIKE_DOMAIN"}
got = set()
for line in open(sys.argv[1], encoding="utf-8"):
    d = json.loads(line)
    path = d["file"].split("/eml/", 1)[1]
    for s in d["symbols"]:
        if s["name"] in ours:
            got.add((path, s["name"], d["action"]))
want = set()
for line in open(sys.argv[2], encoding="utf-8"):
    m = re.match(r"\| `(ham/[^`]+)` \| ([A-Z_]+) \| ([a-z]+) \|", line)
    if m:
        want.add(m.groups())
for row in sorted(got - want):
    print("raised on ham but not in docs/impersonation-ham.md: %s %s (%s)" % row, file=sys.stderr)
for row in sorted(want - got):
    print("in docs/impersonation-ham.md but not raised: %s %s (%s)" % row, file=sys.stderr)
if got != want:
    sys.exit("t_impersonation_ham: FAIL: update the list (with the reason of each row) or fix the check")
print("1 passed, 0 failed (%d rows)" % len(got))
PY
