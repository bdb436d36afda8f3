#!/bin/bash
# docs/symbols.md comes from the registry: below its marker line it must be exactly what
# `mailvet symbols --markdown` prints (regenerate it with that command), and `mailvet symbols`
# must list the same names with the same default scores.
set -u
fail=0
doc="$MV_SRC/docs/symbols.md"
marker='<!-- Below: `mailvet symbols --markdown`. Do not edit by hand. -->'
grep -qxF "$marker" "$doc" || { echo "docs/symbols.md has no marker line"; exit 1; }
want=$("$MAILVET" -c /dev/null symbols --markdown) || { echo "mailvet symbols --markdown failed"; exit 1; }
got=$(sed -n "/^$(sed 's/[]\/$*.^[]/\\&/g' <<< "$marker")\$/,\$p" "$doc" | tail -n +2)
if [ "$got" != "$want" ]; then
	echo "docs/symbols.md differs from the registry (regenerate below the marker with 'mailvet symbols --markdown'):"
	diff <(printf '%s\n' "$got") <(printf '%s\n' "$want") | head -40
	fail=1
fi
code=$("$MAILVET" -c /dev/null symbols) || { echo "mailvet symbols failed"; exit 1; }
while read -r name score _; do
	grep -A1 "^### $name\$" "$doc" | grep -q "^Score $score," || { echo "not documented with score $score: $name"; fail=1; }
done <<< "$code"
n=$(wc -l <<< "$code")
[ "$fail" -eq 0 ] && echo "1 passed, 0 failed ($n symbols checked)" || echo "0 passed, 1 failed"
exit "$fail"
