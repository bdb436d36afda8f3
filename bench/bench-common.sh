# Shell helpers of the benchmark scripts (bench/run-bench.sh, bench/bench-checks.sh): sourced.
#
# Env: MV_BENCH_CPU  the CPU single-threaded runs are pinned to (default: the last one this
#                    process may use; empty: not pinned)

# The median of the numbers on stdin, one a line.
median() {
	sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Single-threaded runs are pinned to one CPU (MV_BENCH_CPU, default the last one the process
# may use): on a virtual machine one CPU can be slower than another (here CPU 0, which takes the
# interrupts, ran the same scan 30 % slower), and a pair of runs is only like for like on the
# same CPU.
last_allowed_cpu() {
	sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status 2>/dev/null | tr ',' '\n' |
		tail -n 1 | sed 's/.*-//'
}
bench_cpu=${MV_BENCH_CPU-$(last_allowed_cpu)}
command -v taskset >/dev/null 2>&1 || bench_cpu=
if [ -n "$bench_cpu" ]; then
	pin_text="pinned to CPU $bench_cpu (\`taskset -c $bench_cpu\`)"
else
	pin_text="not pinned"
fi

# Runs its arguments on the benchmark CPU; children (as under /usr/bin/time) inherit it.
pinned() {
	if [ -n "$bench_cpu" ]; then
		taskset -c "$bench_cpu" "$@"
	else
		"$@"
	fi
}

# Instructions (callgrind) do not depend on what else the host runs: the figure that repeats.
# Options before the command go to callgrind (--toggle-collect=FN: only inside FN).
instructions() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
		sed -n 's/.*refs: *//p' | tr -d ,
}

# Puts the Markdown section in SECTION_FILE (its first line "## HEADING") into PAGE: it replaces
# the section of the same heading, up to the next "## ", or is appended.
update_section() { # HEADING SECTION_FILE PAGE
	local tmp_page
	tmp_page=$(mktemp) || return 1
	awk -v f="$2" -v h="## $1" '
		/^## / { if (skip) skip = 0 }
		$0 == h { while ((getline l < f) > 0) print l; print ""; skip = 1; done = 1; next }
		!skip { print }
		END { if (!done) { print ""; while ((getline l < f) > 0) print l } }' "$3" >"$tmp_page" &&
		cat "$tmp_page" >"$3"
	rm -f "$tmp_page"
}
