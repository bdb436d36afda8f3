#!/bin/bash
# The converted SPF suites (tests/data/spf/*.txt) are what the converter makes of the YAML files beside them.
set -eu
if ! python3 -c 'import yaml' 2>/dev/null; then
	echo "python3 with PyYAML is not installed: skipped"
	exit 77
fi
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
status=0
for suite in rfc7208-tests pyspf-extra-tests; do
	python3 "$MV_SRC/tests/spf/spf_suite_convert.py" "$MV_SRC/tests/data/spf/$suite.yml" >"$tmp"
	if ! cmp -s "$tmp" "$MV_SRC/tests/data/spf/$suite.txt"; then
		echo "tests/data/spf/$suite.txt is out of date: run tests/spf/spf_suite_convert.py" >&2
		diff "$MV_SRC/tests/data/spf/$suite.txt" "$tmp" | head -20 >&2
		status=1
	fi
done
exit $status
