#!/bin/bash
# docs/mailvet.conf.5 and the code's settings must agree: every setting `mailvet config --defaults`
# prints is documented with the same default, and every documented setting exists.
set -u
fail=0
doc="$MV_SRC/docs/mailvet.conf.5"
defaults=$("$MAILVET" -c /dev/null config --defaults) || { echo "mailvet config --defaults failed"; exit 1; }
n=0
while IFS= read -r line; do
	name=${line%% =*}
	value=${line#*=}
	value=${value# }
	[ -n "$value" ] || value=empty
	n=$((n + 1))
	if ! grep -qxF ".BR $name \" (default: $value)\"" "$doc"; then
		echo "not documented with its default ($value): $name"
		grep -F ".BR $name " "$doc" | sed 's/^/  the page says: /'
		fail=1
	fi
done <<< "$defaults"
for name in $(sed -n 's/^\.BR \([a-z0-9_]*\) " (default: .*)"$/\1/p' "$doc"); do
	grep -q "^$name =" <<< "$defaults" || { echo "documented but not in the code: $name"; fail=1; }
done
[ "$fail" -eq 0 ] && echo "1 passed, 0 failed ($n settings checked)" || echo "0 passed, 1 failed"
exit "$fail"
