#!/bin/bash
# Compares mailvet's message parser with GMime 3 over the SpamAssassin public
# corpus (scripts/fetch-corpus) using $MV_BUILD/gmime-compare, and checks every
# difference against the explained allow-list docs/gmime-differences.tsv:
#   - a difference that no entry explains fails the test;
#   - an entry that explains no difference any more fails it too, so the list
#     stays true.
# `t_gmime_compare.sh --suggest` prints the unexplained differences as
# allow-list lines (reason "TODO") instead, for a human to sort and explain.
set -u

: "${MV_SRC:?set by CMake: the source tree}"
: "${MV_BUILD:?set by CMake: the build tree}"
N=6046
ALLOW=$MV_SRC/docs/gmime-differences.tsv
suggest=0
[ "${1:-}" = "--suggest" ] && suggest=1

fail() {
	echo "t_gmime_compare: FAIL: $*" >&2
	exit 1
}

tool=$MV_BUILD/gmime-compare
if [ ! -x "$tool" ]; then
	echo "t_gmime_compare: SKIP: $tool not built: configure with -DMV_GMIME=ON (needs libgmime-3.0-dev)"
	exit 77	# ctest: skipped
fi
[ -f "$ALLOW" ] || fail "no allow-list $ALLOW"
command -v python3 >/dev/null 2>&1 || fail "needs python3"
corpus=$("$MV_SRC/scripts/fetch-corpus") ||
	fail "could not fetch the corpus (needs npm, node and access to the npm registry; see docs/corpus.md)"

work=$(mktemp -d "${TMPDIR:-/tmp}/t_gmime_compare.XXXXXX")
trap 'rm -rf "$work"' EXIT
cut -f1 "$corpus/index.tsv" >"$work/list"
# Paths in the output are relative to the corpus directory: eml/<label>/<group>/<file>.
(cd "$corpus" && "$tool" -l "$work/list") >"$work/diff" 2>"$work/err"
rc=$?
[ "$rc" -eq 0 ] || { cat "$work/err" >&2; fail "gmime-compare exited with $rc"; }

python3 - "$work/diff" "$ALLOW" "$N" "$suggest" <<'EOF'
import fnmatch, sys

diff_path, allow_path, n, suggest = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
entries = []
with open(allow_path, encoding="utf-8") as fp:
    for lineno, line in enumerate(fp, 1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        f = line.split("\t")
        if len(f) < 3 or not f[2].strip():
            sys.exit("t_gmime_compare: FAIL: %s:%d: want pattern<TAB>kind<TAB>reason" % (allow_path, lineno))
        entries.append({"line": lineno, "pattern": f[0], "kind": f[1], "reason": f[2], "used": 0})

diffs, messages = [], None
with open(diff_path, encoding="utf-8") as fp:
    for line in fp:
        line = line.rstrip("\n")
        if line.startswith("# messages "):
            messages = int(line.split()[2].rstrip(","))
        if line.startswith("#"):
            print(line)
            continue
        f = line.split("\t")
        if len(f) != 4:
            sys.exit("t_gmime_compare: FAIL: bad output line: %r" % line)
        diffs.append(f)
if messages != n:
    sys.exit("t_gmime_compare: FAIL: compared %r messages, expected %d" % (messages, n))

unexplained = []
for path, kind, gm, mv in diffs:
    for e in entries:
        if (e["kind"] == "*" or e["kind"] == kind) and fnmatch.fnmatchcase(path, e["pattern"]):
            e["used"] += 1
            break
    else:
        unexplained.append((path, kind, gm, mv))

if suggest:
    for path, kind, gm, mv in unexplained:
        print("%s\t%s\tTODO %s %s" % (path, kind, gm, mv))
    sys.exit(0)
stale = [e for e in entries if e["used"] == 0]
for path, kind, gm, mv in unexplained:
    print("unexplained: %s\t%s\t%s\t%s" % (path, kind, gm, mv), file=sys.stderr)
for e in stale:
    print("stale allow-list entry (line %d): %s\t%s\t%s" % (e["line"], e["pattern"], e["kind"], e["reason"]),
          file=sys.stderr)
print("t_gmime_compare: %d differences, %d explained by %d entries, %d unexplained, %d stale entries"
      % (len(diffs), len(diffs) - len(unexplained), len(entries), len(unexplained), len(stale)))
if unexplained or stale:
    sys.exit("t_gmime_compare: FAIL: fix the parser, or explain the difference in docs/gmime-differences.tsv")
EOF
