#!/bin/bash
# docs/symbols.md and the symbol registry must agree: every symbol the code can report is
# documented with its score, and every documented symbol exists.
set -u
fail=0
code=$("$MAILVET" symbols) || { echo "mailvet symbols failed"; exit 1; }
doc="$MV_SRC/docs/symbols.md"
while read -r name score _; do
	if ! grep -q "^### $name\$" "$doc"; then
		echo "not documented: $name"; fail=1; continue
	fi
	if ! grep -A1 "^### $name\$" "$doc" | grep -q "^Score $score\."; then
		echo "score of $name differs: code says $score"; fail=1
	fi
done <<< "$code"
for name in $(sed -n 's/^### \([A-Z0-9_]*\)$/\1/p' "$doc"); do
	grep -q "^$name " <<< "$code" || { echo "documented but not in the code: $name"; fail=1; }
done
n=$(wc -l <<< "$code")
[ "$fail" -eq 0 ] && echo "1 passed, 0 failed ($n symbols checked)" || echo "0 passed, 1 failed"
exit "$fail"
