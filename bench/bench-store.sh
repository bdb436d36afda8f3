#!/bin/bash
# The store's cost per message: the whole local scan of the SpamAssassin corpus (bench-store:
# parse, every check, the JSON report, each message with an SMTP envelope as a server gives it)
# with no store, with LMDB, and with a local Redis over TCP and over a unix socket; the store's
# cost is the difference from the scan without one.  What the store does per message is the
# `store` check's records and the look-ups the read-receipt, thread and rate checks will make
# (bench/bench_store.c says which).  The Redis server is started here on 127.0.0.1, a free port
# and a unix socket, with nothing saved to disk, and stopped by its PID.
#
# CPU times are medians of runs taking turns, of the mailvet process (CLOCK_PROCESS_CPUTIME_ID,
# pinned to one CPU) and, apart, of redis-server (from /proc, over every pass of a run); wall
# time is the mailvet process's.  Instructions (callgrind, inside the timed loop) for no store and
# LMDB repeat exactly, but do not count the kernel's work (LMDB's writes).  Prints a Markdown
# section "The store"; with -u FILE, puts it into FILE instead (replacing the section there,
# else appending it).
#
# Usage: bench/bench-store.sh [-u FILE]
# Env:   MV_BENCH_BUILD, MV_BENCH_RUNS (default 5), MV_BENCH_CPU as for bench/run-bench.sh
# Needs: cmake, a C compiler, valgrind, redis-server, and what scripts/fetch-corpus needs.
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
build=${MV_BENCH_BUILD:-$src/build-bench}
runs=${MV_BENCH_RUNS:-5}
[ "$runs" -le 99 ] || { echo "bench-store: at most 99 runs" >&2; exit 2; }
passes=3
update=
[ "${1:-}" = -u ] && [ $# -eq 2 ] && update=$2
[ $# -eq 0 ] || [ -n "$update" ] || { echo "usage: bench-store.sh [-u FILE]" >&2; exit 2; }

# shellcheck source=bench/bench-common.sh
. "$src/bench/bench-common.sh"

die() {
	echo "bench-store: $*" >&2
	exit 1
}

command -v valgrind >/dev/null || die "needs valgrind"
command -v redis-server >/dev/null || die "needs redis-server"
if [ ! -x "$build/mailvet" ]; then
	cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" >/dev/null
fi
cmake --build "$build" -j2 --target bench-store >/dev/null
corpus=$("$src/scripts/fetch-corpus") || die "could not fetch the corpus"

work=$(mktemp -d)
redis_pid=
cleanup() {
	[ -z "$redis_pid" ] || { kill "$redis_pid" 2>/dev/null; wait "$redis_pid" 2>/dev/null || true; }
	rm -rf "$work"
}
trap cleanup EXIT
sed "s|^|$corpus/|" <(cut -f1 "$corpus/index.tsv") >"$work/list"
msgs=$(wc -l <"$work/list")

# ---- Redis, on a free port and a socket of its own ----

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --bind 127.0.0.1 --port "$port" --unixsocket "$work/redis.sock" --unixsocketperm 700 \
	--save "" --appendonly no --databases 128 --dir "$work" --daemonize no --logfile "$work/redis.log" &
redis_pid=$!
for _ in $(seq 50); do
	[ -S "$work/redis.sock" ] && break
	sleep 0.1
done
[ -S "$work/redis.sock" ] || die "redis-server did not start: $(cat "$work/redis.log")"
redis_ticks() {	# utime + stime of redis-server, in clock ticks
	awk '{ print $14 + $15 }' "/proc/$redis_pid/stat"
}

# ---- the configurations: every check on, DNS from a zone with no records ----

# A generous store_timeout: on a loaded machine Redis may stall for longer than the default 200 ms,
# and what is measured here is the cost of the calls, not what a failure costs.
printf 'dns_zone = %s\nstore_timeout = 2s\n' "$src/tests/data/no-records.zone" >"$work/none.conf"
kinds="none lmdb redis unix"
conf_of() {	# kind run -> the configuration file, with a store of its own for each run
	local f="$work/$1.$2.conf"
	cp "$work/none.conf" "$f"
	case $1 in
	lmdb) echo "store = lmdb:$work/lmdb.$2" >>"$f" ;;
	redis) echo "store = redis://127.0.0.1:$port/$2" >>"$f" ;;
	unix) echo "store = redis+unix:$work/redis.sock?db=$2" >>"$f" ;;
	esac
	echo "$f"
}

# ---- instructions (callgrind): the timed loop only, after an untimed pass ----

for k in none lmdb; do
	instructions --collect-atstart=no --toggle-collect=run_all "$build/bench-store" -w \
		-c "$(conf_of "$k" 99)" -l "$work/list" >"$work/$k.ins"
done

# ---- CPU and wall time: every configuration once per round ----

hz=$(getconf CLK_TCK)
load_before=$(cut -d' ' -f1 /proc/loadavg)
for ((i = 0; i < runs; i++)); do
	for k in $kinds; do
		before=$(redis_ticks)
		pinned "$build/bench-store" -w -r "$passes" -c "$(conf_of "$k" "$i")" -l "$work/list" >"$work/out" \
			2>"$work/err" || die "bench-store $k failed: $(cat "$work/out" "$work/err")"
		after=$(redis_ticks)
		sed -n 's/.* ms_cpu_per_msg=\([0-9.]*\) .*/\1/p' "$work/out" >>"$work/$k.cpu"
		sed -n 's/.* ms_wall_per_msg=\([0-9.]*\) .*/\1/p' "$work/out" >>"$work/$k.wall"
		sed -n 's/.* lookups_per_msg=\([0-9.]*\) records_per_msg=\([0-9.]*\) .*/\1 \2/p' "$work/out" >"$work/$k.calls"
		# Redis serves the untimed pass too: its CPU is over every pass.
		awk -v t=$((after - before)) -v hz="$hz" -v n="$msgs" -v p=$((passes + 1)) \
			'BEGIN { print t / hz * 1000 / (n * p) }' >>"$work/$k.redis"
	done
done

med() {	# file -> median
	median <"$work/$1"
}

section() {
	local none lmdb
	none=$(med none.cpu)
	lmdb=$(med lmdb.cpu)
	cat <<EOF
## The store

Produced by \`bench/bench-store.sh\` on $(date -u +%Y-%m-%d) (commit $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo unknown)).
\`bench-store\` scans each of the corpus's $msgs messages whole (parse, every check, the JSON
report; DNS from a zone with no records; \`store_timeout = 2s\`) with an SMTP envelope made from
its header before the clock starts: every other message outbound (SASL user and MAIL FROM its
From address, RCPT TO its To and Cc, at most 10), the others inbound to the same recipients; the
scan time goes up a minute a message. The store then does what it will do on a server: the
\`store\` check records the Message-ID of outbound mail and a correspondent (a get, to keep the
time first seen, and a put) per recipient of outbound and of accepted inbound mail; a bench check
makes the look-ups of the read-receipt, thread and rate checks (the In-Reply-To and References ids
of inbound mail, each recipient's correspondent, three rate counters of outbound mail). That is
$(awk '{ printf "%.1f", $1 + $2 }' "$work/lmdb.calls") store calls per message on average ($(awk '{ printf "%.1f look-ups and counters, %.1f for the records", $1, $2 }' "$work/lmdb.calls")), with no store
call failing. Redis runs on the same machine (\`redis-server\` 127.0.0.1, a free port, and a unix
socket; nothing saved to disk). Medians of $runs runs of $passes passes each after an untimed one, the
configurations taking turns, mailvet $pin_text, on a shared machine with 2
CPUs where other jobs ran (load average $load_before at the start, $(cut -d' ' -f1 /proc/loadavg) at the end): they vary by tens of
per cent, wall times most. Redis's own CPU is read from /proc over every pass.

| store | ms CPU/message, whole scan | the store's cost, ms CPU/message | ms wall/message | redis-server, ms CPU/message | instructions/message |
|---|---|---|---|---|---|
$(for k in $kinds; do
	awk -v k="$k" -v c="$(med "$k.cpu")" -v n="$none" -v w="$(med "$k.wall")" -v r="$(med "$k.redis")" \
		-v i="$([ -f "$work/$k.ins" ] && cat "$work/$k.ins" || echo -)" -v m="$msgs" 'BEGIN {
		name = k == "none" ? "none" : k == "lmdb" ? "LMDB" : k == "redis" ? "Redis, TCP (127.0.0.1)" : "Redis, unix socket"
		ins = i == "-" ? "-" : sprintf("%.0f", i / m)
		rs = k == "redis" || k == "unix" ? sprintf("%.4f", r) : "-"
		printf "| %s | %.4f | %s | %.4f | %s | %s |\n", name, c, k == "none" ? "-" : sprintf("%.4f", c - n), w, rs, ins }'
done)

**The whole local scan with LMDB takes $(awk -v c="$lmdb" 'BEGIN { printf "%.3f", c }') ms of CPU per message, the store's part
$(awk -v c="$lmdb" -v n="$none" 'BEGIN { printf "%.3f", c - n }') ms: $(awk -v c="$lmdb" 'BEGIN { if (c < 0.19) printf "within the 0.19 ms budget, with %.0f %% of it to spare", (1 - c / 0.19) * 100; else printf "over the 0.19 ms budget" }').**

- LMDB: a look-up is a read transaction (well under a microsecond); a record is a write
  transaction of a few microseconds, most of them the kernel's, writing the changed pages to the
  file (the instructions count only LMDB's own part). Commits do not wait for the disk; one in a
  second flushes the file (docs/internals/store.md).
- Redis: each call is a round trip, a system call or two each way; the CPU is mostly the
  kernel's, on both sides, and the wall time is mostly waiting for the answer. The look-ups of
  one message could share a round trip (pipelining) if that time ever matters.
EOF
}

if [ -n "$update" ]; then
	section >"$work/section.md"
	put_section "$update" "The store" "$work/section.md"
	echo "bench-store: wrote the section into $update" >&2
else
	section
fi
