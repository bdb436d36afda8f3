#!/bin/bash
# The ABI of a shared libmailvet is what include/mailvet/ declares, nothing more and nothing
# less: every exported symbol starts with mv_ and is declared in a public header, and every
# function a public header declares (static inline ones aside) is exported.  The command and
# the benchmark use only the public API, so they must link against the shared library too.
set -u
: "${MV_SRC:?set by CMake: the source tree}"
: "${MV_BUILD:?set by CMake: the build tree}"
fail() { echo "t_abi: FAIL: $*" >&2; exit 1; }
command -v perl > /dev/null || fail "needs perl"
command -v nm > /dev/null || fail "needs nm (binutils)"

# Headers whose functions are declared ahead of their implementation: a declared function
# that the library does not define at all is only noted for these.  When one is implemented
# in full, this test asks for it to be taken off the list, so the list stays true.
pending=""

# A shared build of its own, kept in the build tree so that a rerun only rebuilds what changed
# (the build tree itself, when it is a shared build).
log=$MV_BUILD/t_abi.log
if [ -e "$MV_BUILD/libmailvet.so" ]; then
	dir=$MV_BUILD
else
	dir=$MV_BUILD/t_abi-shared
	cmake -S "$MV_SRC" -B "$dir" -DBUILD_SHARED_LIBS=ON -DCMAKE_BUILD_TYPE=Release \
		-DCMAKE_C_COMPILER="${MV_CC:-cc}" > "$log" 2>&1 || { cat "$log"; fail "cmake configure"; }
fi
cmake --build "$dir" -j2 --target mailvet > "$log" 2>&1 || { tail -40 "$log"; fail "building the shared library"; }
so=$dir/libmailvet.so
[ -e "$so" ] || fail "no $so"

# Functions (and extern data) the public headers declare, one "name header" a line.  Rough C:
# comments, preprocessor lines and brace blocks (struct, enum and inline function bodies) go,
# then each top-level declaration but typedefs and static ones gives its first mv_ name that
# is followed by "(", or for extern data its last mv_ name.
declared() {
	perl -0777 -ne '
		my $h = $ARGV; $h =~ s{.*/}{};
		s{/\*.*?\*/}{ }gs;
		s{//[^\n]*}{}g;
		s{^[ \t]*#(?:[^\n]*\\\n)*[^\n]*}{}mg;
		1 while s/\{[^{}]*\}/;/g;
		for my $d (split /;/) {
			next if $d =~ /^\s*(?:typedef|static)\b/;
			if ($d =~ /^\s*extern\b/) {
				print "$1 $h\n" if $d =~ /.*\b(mv_[a-z0-9_]+)/s;
			} elsif ($d =~ /\b(mv_[a-z0-9_]+)\s*\(/) {
				print "$1 $h\n";
			}
		}' "$MV_SRC"/include/mailvet/*.h | sort -u
}
decl=$(declared)
[ "$(echo "$decl" | wc -l)" -ge 20 ] || fail "found too few declarations in include/mailvet/*.h: $decl"
exported=$(nm -D --defined-only "$so" | awk '{ print $3 }' | sort -u)
# Every function the library defines, hidden or not (the symbol table, not the dynamic one).
defined=$(nm --defined-only "$so" | awk '{ print $3 }' | sort -u)
[ -n "$exported" ] && [ -n "$defined" ] || fail "no symbols in $so (stripped?)"

bad=0
unimplemented=""
for sym in $exported; do
	case "$sym" in
	mv_*) ;;
	*) echo "exported without the mv_ prefix: $sym"; bad=1; continue ;;
	esac
	echo "$decl" | grep -q "^$sym " || { echo "exported but declared in no public header: $sym"; bad=1; }
done
while read -r name header; do
	if echo "$exported" | grep -qx "$name"; then
		:
	elif echo "$defined" | grep -qx "$name"; then
		echo "declared in include/mailvet/$header but hidden: $name"; bad=1
	elif [[ " $pending " == *" $header "* ]]; then
		unimplemented="$unimplemented $header"
	else
		echo "declared in include/mailvet/$header but not in the library: $name"; bad=1
	fi
done <<< "$decl"
for header in $pending; do
	n=$(echo "$unimplemented" | tr ' ' '\n' | grep -cx "$header")
	if [ "$n" -eq 0 ]; then
		echo "every function of $header is implemented: take it off \$pending in $0"; bad=1
	else
		echo "note: $n functions of $header are not implemented yet"
	fi
done
[ "$bad" -eq 0 ] || fail "the exported symbols of $so do not match include/mailvet/"

cmake --build "$dir" -j2 --target mailvet-cli bench-mailvet > "$log" 2>&1 ||
	{ tail -40 "$log"; fail "the command or the benchmark against the shared library (using an internal function?)"; }
"$dir/mailvet" --version > /dev/null || fail "the command does not run against the shared library"
echo "abi: ok ($(echo "$exported" | wc -l) symbols exported, all declared in include/mailvet/)"
