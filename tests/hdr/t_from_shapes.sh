#!/bin/bash
# The From fields phishing breaks on purpose, read by mailvet and by GMime 3 as the oracle of
# what a mail client shows (tests/reference/gmime_from_shapes.c has the shapes and the rules).
set -u
: "${MV_BUILD:?set by CMake: the build tree}"
tool=$MV_BUILD/gmime-from-shapes
if [ ! -x "$tool" ]; then
	echo "t_from_shapes: SKIP: $tool not built: configure with -DMV_GMIME=ON (needs libgmime-3.0-dev)"
	exit 77	# ctest: skipped
fi
"$tool"
