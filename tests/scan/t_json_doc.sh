#!/bin/bash
# docs/json.md documents every JSON field `mailvet scan --json` writes: each key found in the
# reports of the golden messages must appear in the documentation as `key`, and every top-level
# field of the table at the top of docs/json.md must be in every report.
set -u
doc="$MV_SRC/docs/json.md"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$MAILVET" -c "$MV_SRC/etc/mailvet.conf" scan --json "$MV_SRC"/examples/*.eml "$MV_SRC"/tests/data/golden/*.eml \
	> "$tmp/reports.jsonl" || { echo "mailvet scan --json failed"; exit 1; }
python3 - "$tmp/reports.jsonl" "$doc" <<'PY'
import json, re, sys
doc = open(sys.argv[2], encoding="utf-8").read()
documented = set(re.findall(r"`([a-z_]+)`", doc))
top = []
for line in doc.splitlines():
    m = re.match(r"\| `([a-z_]+)` \| (string|number|object|array|string or null) \|", line)
    if m:
        top.append(m.group(1))
keys, fail = set(), 0
def walk(v):
    if isinstance(v, dict):
        for k, x in v.items():
            keys.add(k)
            walk(x)
    elif isinstance(v, list):
        for x in v:
            walk(x)
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    n += 1
    walk(r)
    for k in top:
        if k not in r:
            print(f"{r.get('file')}: top-level field {k} of docs/json.md is missing")
            fail = 1
for k in sorted(keys - documented):
    print(f"JSON field not documented in docs/json.md: {k}")
    fail = 1
if not top:
    print("docs/json.md: no top-level field table found")
    fail = 1
print(f"{0 if fail else 1} passed, {fail} failed ({n} reports, {len(keys)} field names, {len(top)} top-level fields)")
sys.exit(fail)
PY
