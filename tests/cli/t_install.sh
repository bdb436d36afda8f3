#!/bin/bash
# `cmake --install` into a fresh prefix, as the README says, then a program built against the
# installed library with nothing but pkg-config: the headers, the library and mailvet.pc must
# all be there and agree, wherever the prefix is.
set -u
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL $*"; exit 1; }

cmake --install "$MV_BUILD" --prefix "$tmp/prefix" > "$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "cmake --install"; }
pc=$(find "$tmp/prefix" -name mailvet.pc -print -quit)
[ -n "$pc" ] || fail "no mailvet.pc installed"
[ -x "$tmp/prefix/bin/mailvet" ] || fail "no mailvet command installed"
export PKG_CONFIG_PATH=$(dirname "$pc")
flags=$(pkg-config --cflags --libs mailvet) || fail "pkg-config mailvet"
case "$flags" in *"$tmp/prefix"*) ;; *) fail "pkg-config points elsewhere: $flags" ;; esac

cat > "$tmp/use.c" <<'C'
#include <stdio.h>
#include <string.h>
#include "mailvet/msg.h"

int main(void)
{
	static const char m[] = "From: Ann <ann@example.org>\r\nSubject: hi\r\n\r\nbody\r\n";
	struct mv_msg *msg;

	if (mv_msg_parse(m, strlen(m), NULL, &msg) < 0)
		return 1;
	printf("%u\n", msg->n_parts);
	mv_msg_free(&msg);
	return 0;
}
C
# The build's own compiler, and its sanitizers when the library was built with them.
# shellcheck disable=SC2086
"${MV_CC:-cc}" -std=c17 -Wall -Werror ${MV_SANITIZE_FLAGS:-} "$tmp/use.c" $flags -o "$tmp/use" ||
	fail "building against the installed library"
# A shared build's library is found at run time only from the standard places.
libdir=$(dirname "$(find "$tmp/prefix" -name 'libmailvet.*' -print -quit)")
[ "$(LD_LIBRARY_PATH="$libdir" "$tmp/use")" = 1 ] ||
	fail "the program built against the installed library did not parse a message"
"$tmp/prefix/bin/mailvet" --help > /dev/null || fail "installed mailvet --help"
echo "install: ok ($tmp/prefix)"
