#!/bin/bash
# mailvet logs against pflogsumm (Debian's package), the usual Postfix report, on the same
# generated Postfix log of at least 1 GB (bench/gen-postfix-log.py: a month of a mid-size
# provider's mail.log, fixed seed, kept between runs):
#
# 1. Time: `mailvet logs --json` and `pflogsumm`, taking turns run by run, each pinned to the same
#    CPU, under /usr/bin/time -v: wall clock, CPU (user + sys) and peak RSS; medians of the runs.
# 2. Memory: one more run of each with its RSS sampled twice a second next to how far into the
#    log it has read (the file offset of its descriptor): mailvet's should stay flat.
#
# Prints the Markdown section "mailvet logs against pflogsumm"; with -u FILE, puts it into FILE
# instead (replacing the section there, else appending it).  The raw figures stay in
# $MV_BENCH_DATA (the log, runs.tsv, curve-*.tsv).
#
# Usage: bench/bench-logs.sh [-u FILE]
# Env:   MV_BENCH_BUILD  the Release build (default build-bench; configured if missing)
#        MV_BENCH_RUNS   timed runs of each tool (default 5)
#        MV_BENCH_CPU    as for bench/run-bench.sh
#        MV_BENCH_DATA   where the log is made and kept (default $MV_BENCH_BUILD/bench-logs)
#        MV_BENCH_LOG_SIZE  bytes of log (default 1100000000), MV_BENCH_SEED (default 13)
#        MV_BENCH_REPORT_ONLY=1  no runs: the section from the figures of the last runs
#        MV_BENCH_KEEP_PFLOGSUMM=1  pflogsumm not run again (minutes a run): its figures and
#                        curve from the last runs, with their date, next to new mailvet runs
# Needs: cmake, a C compiler, python3, pflogsumm, /usr/bin/time (package time); about 1.2 GB of
#        disk; about 2 CPU-minutes per mailvet run set and pflogsumm's time (minutes per run).
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
build=${MV_BENCH_BUILD:-$src/build-bench}
runs=${MV_BENCH_RUNS:-5}
data=${MV_BENCH_DATA:-$build/bench-logs}
size=${MV_BENCH_LOG_SIZE:-1100000000}
seed=${MV_BENCH_SEED:-13}
accounts=5000
start=2026-10-01
update=
[ "${1:-}" = -u ] && [ $# -eq 2 ] && update=$2
[ $# -eq 0 ] || [ -n "$update" ] || { echo "usage: bench-logs.sh [-u FILE]" >&2; exit 2; }

# shellcheck source=bench/bench-common.sh
. "$src/bench/bench-common.sh"

die() {
	echo "bench-logs: $*" >&2
	exit 1
}

command -v pflogsumm >/dev/null || die "needs pflogsumm (Debian package pflogsumm)"
[ -x /usr/bin/time ] || die "needs /usr/bin/time (Debian package time)"
command -v python3 >/dev/null || die "needs python3"
if [ ! -x "$build/mailvet" ]; then
	cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" >/dev/null
fi
cmake --build "$build" -j2 --target mailvet-cli >/dev/null
mailvet=$build/mailvet
"$mailvet" logs --help >/dev/null 2>&1 || die "$mailvet has no logs command"

# The log: made once per seed and size, kept.
mkdir -p "$data"
log=$data/mail-$seed-$size-$accounts-$start.log
if [ ! -s "$log" ]; then
	echo "bench-logs: writing $log ..." >&2
	python3 "$src/bench/gen-postfix-log.py" --size "$size" --seed "$seed" --accounts "$accounts" --start "$start" \
		"$log.part" 2>"$data/gen.txt" ||
		{ cat "$data/gen.txt" >&2; die "gen-postfix-log.py failed"; }
	mv "$log.part" "$log"
fi
bytes=$(stat -c %s "$log")
[ "$bytes" -ge 1000000000 ] || echo "bench-logs: warning: the log has $bytes bytes, under 1 GB" >&2
lines=$(wc -l <"$log")
year=${start%%-*}

keep_pf=${MV_BENCH_KEEP_PFLOGSUMM:-}
if [ "$keep_pf" = 1 ]; then
	[ -s "$data/runs.tsv.last" ] && [ -s "$data/curve-pflogsumm.tsv" ] && [ -s "$data/out-pflogsumm.txt" ] ||
		die "no pflogsumm figures of an earlier run in $data"
fi

mailvet_cmd=("$mailvet" logs --json --year "$year" "$log")
pflogsumm_cmd=(pflogsumm "$log")

# One timed run: appends "tool wall_s cpu_s rss_kB" to runs.tsv.
timed() { # TOOL command...
	local tool=$1 wall cpu rss
	shift
	pinned /usr/bin/time -v -o "$data/time.txt" "$@" >"$data/out-$tool.txt" 2>"$data/err-$tool.txt" ||
		{ tail -5 "$data/err-$tool.txt" >&2; die "$tool failed"; }
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0
		for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$data/time.txt")
	cpu=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { print u + s }' "$data/time.txt")
	rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$data/time.txt")
	printf '%s\t%s\t%s\t%s\n' "$tool" "$wall" "$cpu" "$rss" >>"$data/runs.tsv"
	echo "bench-logs: $tool: ${wall} s wall, ${cpu} s CPU, $((rss / 1024)) MB peak RSS" >&2
}

: >"$data/runs.tsv"
[ "$keep_pf" = 1 ] && awk -F'\t' '$1 == "pflogsumm"' "$data/runs.tsv.last" >"$data/runs.tsv"
if [ "${MV_BENCH_REPORT_ONLY:-}" = 1 ]; then
	[ -s "$data/runs.tsv.last" ] || die "no figures of an earlier run in $data"
	cp "$data/runs.tsv.last" "$data/runs.tsv"
	runs=$(awk -F'\t' '$1 == "mailvet"' "$data/runs.tsv" | wc -l)
else
	for i in $(seq "$runs"); do
		[ "$keep_pf" = 1 ] || timed pflogsumm "${pflogsumm_cmd[@]}"
		timed mailvet "${mailvet_cmd[@]}"
	done
	cp "$data/runs.tsv" "$data/runs.tsv.last"
	cp /proc/loadavg "$data/loadavg"
	[ "$keep_pf" = 1 ] || date +%F >"$data/pflogsumm.date"
fi

# RSS against the bytes read, sampled every half second: "seconds rss_kB offset" lines.
curve() { # TOOL command...
	local tool=$1 pid fd pos rss t0 now fdpath
	shift
	: >"$data/curve-$tool.tsv"
	# taskset execs the command: $! is the tool's own PID.
	if [ -n "$bench_cpu" ]; then
		taskset -c "$bench_cpu" "$@" >/dev/null 2>&1 &
	else
		"$@" >/dev/null 2>&1 &
	fi
	pid=$!
	t0=$(date +%s%N)
	while kill -0 "$pid" 2>/dev/null; do
		rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || break
		pos=
		for fdpath in /proc/"$pid"/fd/*; do
			if [ "$(readlink "$fdpath" 2>/dev/null)" = "$log" ]; then
				fd=${fdpath##*/}
				pos=$(awk '/^pos:/ { print $2 }' "/proc/$pid/fdinfo/$fd" 2>/dev/null)
				break
			fi
		done
		now=$(date +%s%N)
		[ -n "$rss" ] && printf '%d.%d\t%s\t%s\n' $(((now - t0) / 1000000000)) $(((now - t0) / 100000000 % 10)) \
			"$rss" "${pos:-}" >>"$data/curve-$tool.tsv"
		sleep 0.5
	done
	wait "$pid" || die "$tool failed in the memory run"
}
if [ "${MV_BENCH_REPORT_ONLY:-}" != 1 ]; then
	curve mailvet "${mailvet_cmd[@]}"
	[ "$keep_pf" = 1 ] || curve pflogsumm "${pflogsumm_cmd[@]}"
fi

med() { # TOOL COLUMN
	awk -v t="$1" -v c="$2" -F'\t' '$1 == t { print $c }' "$data/runs.tsv" | median
}
mv_wall=$(med mailvet 2) mv_cpu=$(med mailvet 3) mv_rss=$(med mailvet 4)
pf_wall=$(med pflogsumm 2) pf_cpu=$(med pflogsumm 3) pf_rss=$(med pflogsumm 4)
read -r days report < <(python3 -c '
import collections, datetime, json, sys
d = json.load(open(sys.argv[1]))
t = lambda s: datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")
days = (t(d["logs"]["end"]) - t(d["logs"]["start"])).total_seconds() / 86400
kinds = collections.Counter("%s %s" % (f["severity"], f["kind"]) for f in d["findings"])
print("%.1f %d accounts, %d lines parsed of %d, %d findings (%s)" % (days, len(d["accounts"]),
      d["logs"]["parsed"], d["logs"]["lines"], len(d["findings"]),
      ", ".join("%d %s" % (n, k) for k, n in sorted(kinds.items(), key=lambda x: -x[1]))))' "$data/out-mailvet.txt")
pf_report=$(awk '/^ *[0-9]+[km]? +received/ { r = $1 } /^ *[0-9]+[km]? +delivered/ { d = $1 }
	/^ *[0-9]+[km]? +bounced/ { b = $1 }
	END { printf "%s received, %s delivered, %s bounced", r, d, b }' "$data/out-pflogsumm.txt")

# The curve at each tenth of the log read (offset), or of the run's time when no offset was seen.
curve_row() { # TOOL: RSS in MB at 10 %, 20 % ... 100 %
	awk -F'\t' -v total="$bytes" '
		{ t[NR] = $1; r[NR] = $2; o[NR] = $3; if ($3 != "") have = 1; n = NR }
		END {
			for (k = 1; k <= 10; k++) {
				best = n
				for (i = 1; i <= n; i++) {
					x = have ? (o[i] != "" ? o[i] / total : -1) : t[i] / t[n]
					if (x >= k / 10) { best = i; break }
				}
				printf " %.0f |", r[best] / 1024
			}
		}' "$data/curve-$1.tsv"
}
curve_span() { # TOOL: how many samples, and how RSS moves over the second fifth and the rest of the log
	awk -F'\t' -v total="$bytes" '{ r[NR] = $2; o[NR] = $3 } END {
		for (i = 1; i <= NR; i++) if (o[i] != "" && o[i] >= total / 5) { a = r[i]; break }
		printf "%d samples; RSS %.0f MB when a fifth of the log is read, %.0f MB at the end (%+.0f MB over the other %.2f GB)",
			NR, a / 1024, r[NR] / 1024, (r[NR] - a) / 1024, total * 0.8 / 1e9 }' "$data/curve-$1.tsv"
}

section() {
	local commit
	commit=$(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo unknown)
	cat <<EOF
## mailvet logs against pflogsumm

Produced by \`bench/bench-logs.sh\` on $(date +%F) (commit $commit): \`mailvet logs --json\` and
pflogsumm $(pflogsumm --version 2>/dev/null | awk '{ print $NF; exit }') (Debian's package, its default report) on the same log,
taking turns run by run, each $pin_text; medians of $runs runs each, from \`/usr/bin/time -v\`.$(
	[ "$keep_pf" = 1 ] && printf '\npflogsumm'"'"'s figures and curve are those of its runs of %s (MV_BENCH_KEEP_PFLOGSUMM: only mailvet ran again).' \
		"$(cat "$data/pflogsumm.date" 2>/dev/null || echo "an earlier day")")

- Machine: $(nproc) CPUs online, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo) (a shared machine: other jobs ran too; load average $(cut -d' ' -f1-3 "$data/loadavg") over the last
  1, 5 and 15 minutes of the timed runs, so CPU seconds are the steadier figure)
- The log: \`bench/gen-postfix-log.py --seed $seed --size $size --accounts $accounts --start $start\`, $(awk -v b="$bytes" 'BEGIN { printf "%.2f GB", b / 1e9 }'),
  $(awk -v l="$lines" 'BEGIN { printf "%.1f million", l / 1e6 }') lines of traditional syslog: $days days of a mid-size provider's
  mail.log (inbound mail through postscreen and smtpd with TLS, greylisting and DNSBL rejects, LMTP
  delivery to Dovecot, authenticated submissions from $accounts accounts with remote greylisting,
  deferrals and bounces, logged Subjects, IMAP logins, password guessing, a receipt burst and a
  compromised account's spam run).
- What each made of it: mailvet $report; pflogsumm $pf_report.

| tool | wall (median) | CPU user+sys (median) | MB/s (wall) | MB/s per CPU second | peak RSS (median) |
|---|---|---|---|---|---|
$(awk -v b="$bytes" -v w="$mv_wall" -v c="$mv_cpu" -v r="$mv_rss" 'BEGIN {
	printf "| mailvet logs --json | %.1f s | %.1f s | %.0f | %.0f | %.1f MB |\n", w, c, b / 1e6 / w, b / 1e6 / c, r / 1024 }')
$(awk -v b="$bytes" -v w="$pf_wall" -v c="$pf_cpu" -v r="$pf_rss" 'BEGIN {
	printf "| pflogsumm | %.1f s | %.1f s | %.1f | %.1f | %.1f MB |\n", w, c, b / 1e6 / w, b / 1e6 / c, r / 1024 }')

$(awk -v mw="$mv_wall" -v mc="$mv_cpu" -v pw="$pf_wall" -v pc="$pf_cpu" 'BEGIN {
	printf "**mailvet logs is %.1f× pflogsumm'"'"'s speed (wall clock), %.1f× per CPU second** (%s),", pw / mw, pc / mc,
		(pw / mw >= 10 && pc / mc >= 10) ? "the issue asks for at least 10×: met" : "the issue asks for at least 10×: NOT met" }')
while doing more: pflogsumm counts per domain and per host, mailvet also joins every line per
queue id, session and login, keeps each account's recipients, domains and clients, and looks
for findings.

Memory over one run of each, sampled twice a second (RSS in MB when the tool has read each tenth
of the log: the file offset of its descriptor):

| tool | 10 % | 20 % | 30 % | 40 % | 50 % | 60 % | 70 % | 80 % | 90 % | 100 % |
|---|---|---|---|---|---|---|---|---|---|---|
| mailvet logs |$(curve_row mailvet)
| pflogsumm |$(curve_row pflogsumm)

- mailvet: $(curve_span mailvet). What it keeps is bounded by its limits (open queue ids,
  accounts, client addresses: logs.clients_evicted, logs.queue_ids_evicted and
  logs.accounts_untracked in the document say when one was reached): each account's
  correspondents are in a filter of a fixed 16 KiB, made at its first one, so once the accounts
  are all seen what still grows is mostly the accounts' hours the log covers (40 bytes an active
  account-hour, which the report lists).
- pflogsumm: $(curve_span pflogsumm).

Commands:

    ${mailvet_cmd[*]#"$src/"}
    ${pflogsumm_cmd[*]#"$src/"}
EOF
}

if [ -n "$update" ]; then
	section >"$data/section.md"
	put_section "$update" "mailvet logs against pflogsumm" "$data/section.md"
	echo "bench-logs: wrote the section into $update" >&2
else
	section
fi
