#!/bin/bash
# The converted ARC suite (tests/data/arc/*.txt) is what the converter makes of the YAML beside it.
set -eu
if ! python3 -c 'import yaml' 2>/dev/null; then
	echo "python3 with PyYAML is not installed: skipped"
	exit 77
fi
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
suite=arc-draft-validation-tests
python3 "$MV_SRC/tests/arc/arc_suite_convert.py" "$MV_SRC/tests/data/arc/$suite.yml" >"$tmp"
if ! cmp -s "$tmp" "$MV_SRC/tests/data/arc/$suite.txt"; then
	echo "tests/data/arc/$suite.txt is out of date: run tests/arc/arc_suite_convert.py" >&2
	diff "$MV_SRC/tests/data/arc/$suite.txt" "$tmp" | head -20 >&2
	exit 1
fi
