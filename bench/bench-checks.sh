#!/bin/bash
# The cost of each check, and of a DKIM signature, with no network time in any figure:
#
# 1. The full scan of the SpamAssassin corpus (bench-mailvet scan: parse, every check, the JSON
#    report) with every check on, then with each check disabled in turn (disabled_checks):
#    the difference is that check's cost.  Two configurations:
#      offline  bench/offline.conf: DNS from an empty zone, no envelope (the corpus's messages
#               carry none that is trusted), so SPF does not run and DMARC finds no policy;
#      auth     the envelope of each message read from its Received fields (trusted_relays:
#               the hosts that wrote the corpus's topmost Received fields), and DNS from a zone
#               made here where every From, MAIL FROM and HELO domain has an SPF record and
#               every From domain a DMARC record (bench/auth-zone.py): SPF and DMARC do the work
#               they do on live mail, the lookups answered in process.
# 2. DKIM, per signature: corpus messages signed here (bench/dkim-sign.py: dkimpy, keys made
#    here, RSA 1024/2048/4096 and ed25519), verified stage by stage by bench-dkim, next to
#    `openssl speed` for the same keys; and the dkim check's whole cost in a scan (bench-mailvet
#    check over the signed messages, with and without the check, DNS from a zone of the keys).
#
# Instructions (callgrind, inside the timed loop only) repeat exactly; CPU times are medians of
# runs taking turns on a shared machine.  Prints a Markdown section "Sender authentication";
# with -u FILE, puts it into FILE instead (replacing the section there, else appending it).
#
# Usage: bench/bench-checks.sh [-u FILE]
# Env:   MV_BENCH_BUILD, MV_BENCH_RUNS, MV_BENCH_CPU as for bench/run-bench.sh
#        MV_BENCH_SIGNED  messages signed per kind of key (default 100)
# Needs: cmake, a C compiler, valgrind, openssl, /usr/bin/python3 with dkim (python3-dkim) and
#        nacl (python3-nacl), and what scripts/fetch-corpus needs.
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
build=${MV_BENCH_BUILD:-$src/build-bench}
runs=${MV_BENCH_RUNS:-7}
n_signed=${MV_BENCH_SIGNED:-100}
py=/usr/bin/python3
update=
[ "${1:-}" = -u ] && [ $# -eq 2 ] && update=$2
[ $# -eq 0 ] || [ -n "$update" ] || { echo "usage: bench-checks.sh [-u FILE]" >&2; exit 2; }

# shellcheck source=bench/bench-common.sh
. "$src/bench/bench-common.sh"

die() {
	echo "bench-checks: $*" >&2
	exit 1
}

command -v valgrind >/dev/null || die "needs valgrind"
"$py" -c 'import dkim, nacl.signing' 2>/dev/null || die "$py needs dkim and nacl (python3-dkim python3-nacl)"
if [ ! -x "$build/mailvet" ]; then
	cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" >/dev/null
fi
cmake --build "$build" -j2 --target mailvet-cli bench-mailvet bench-dkim >/dev/null
corpus=$("$src/scripts/fetch-corpus") || die "could not fetch the corpus"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s|^|$corpus/|" <(cut -f1 "$corpus/index.tsv") >"$work/list"
msgs=$(wc -l <"$work/list")
checks=$("$build/mailvet" symbols --checks | awk '{ print $1 }')

# ---- the configurations ----

"$build/mailvet" -c "$src/bench/offline.conf" scan --json "$corpus/eml" >"$work/offline.json" ||
	die "the offline scan failed"
relays=$("$py" "$src/bench/auth-zone.py" relays <"$work/offline.json")
printf 'dns_zone = %s\ntrusted_relays = %s\n' "$src/tests/data/no-records.zone" "$relays" >"$work/envelope.conf"
"$build/mailvet" -c "$work/envelope.conf" scan --json "$corpus/eml" >"$work/envelope.json" ||
	die "the scan with trusted_relays failed"
"$py" "$src/bench/auth-zone.py" zone <"$work/envelope.json" >"$work/auth.zone"
printf 'dns_zone = %s\ntrusted_relays = %s\n' "$work/auth.zone" "$relays" >"$work/auth.conf"
cp "$src/bench/offline.conf" "$work/offline.conf"
sed -i "s|^dns_zone = .*|dns_zone = $src/tests/data/no-records.zone|" "$work/offline.conf"
with_envelope=$(grep -c '"source":"received"' "$work/envelope.json" || true)

# A configuration with one check disabled: NAME.conf, from BASE.conf.
disable() {	# base check
	{ cat "$work/$1.conf"; echo "disabled_checks = $2"; } >"$work/$1-$2.conf"
}
for base in offline auth; do
	for c in $checks; do
		disable "$base" "$c"
	done
done

"$build/mailvet" -c "$work/auth.conf" scan --json "$corpus/eml" >"$work/auth.json" || die "the auth scan failed"
spf_ran=$(grep -vc '"spf":{"result":"none"' "$work/auth.json" || true)
dmarc_policy=$(grep -c '"policy":"none"' "$work/auth.json" || true)

# ---- DKIM: signed messages, keys and their zone ----

mkdir "$work/dkim"
"$py" "$src/bench/dkim-sign.py" "$work/dkim" "$n_signed" "$work/list" || die "signing failed"
kinds="rsa1024 rsa2048 rsa4096 ed25519"
printf 'dns_zone = %s/dkim/dkim.zone\n' "$work" >"$work/dkim.conf"
disable dkim dkim

# ---- instructions (callgrind): the timed loop only, after an untimed pass (-w) ----

count() {	# conf list [mode [-w]] -> instructions
	instructions --collect-atstart=no --toggle-collect=run_all "$build/bench-mailvet" "${3:-scan}" ${4--w} \
		-c "$work/$1.conf" -l "$2"
}
for base in offline auth; do
	count "$base" "$work/list" >"$work/$base.ins"
	count "$base" "$work/list" scan "" >"$work/$base.cold.ins"
	for c in $checks; do
		count "$base-$c" "$work/list" >"$work/$base-$c.ins"
	done
done
for k in $kinds; do
	count dkim "$work/dkim/$k.list" check >"$work/dkim.$k.ins"
	count dkim-dkim "$work/dkim/$k.list" check >"$work/dkim-dkim.$k.ins"
done

# ---- CPU time: every configuration once per round, runs rounds ----

passes=3	# per run: the steady state of a long-running filter
cpu_run() {	# conf list mode -> appends ms CPU per message to $work/<conf>[.<tag>].cpu
	pinned "$build/bench-mailvet" "$3" -w -c "$work/$1.conf" -r "$passes" -l "$2" |
		sed -n 's/.* ms_cpu_per_msg=\([0-9.]*\) .*/\1/p' >>"$work/$1${4:+.$4}.cpu"
}
speed_runs=$((runs < 3 ? runs : 3))
for ((i = 0; i < runs; i++)); do
	for base in offline auth; do
		cpu_run "$base" "$work/list" scan
		for c in $checks; do
			cpu_run "$base-$c" "$work/list" scan
		done
	done
	for k in $kinds; do
		cpu_run dkim "$work/dkim/$k.list" check "$k"
		cpu_run dkim-dkim "$work/dkim/$k.list" check "$k"
		pinned "$build/bench-dkim" -k "$(cat "$work/dkim/$k.key")" -r 5 -l "$work/dkim/$k.list" \
			>>"$work/bench-dkim.$k" || die "bench-dkim $k failed"
	done
	if [ "$i" -lt "$speed_runs" ]; then
		pinned openssl speed -seconds 2 rsa1024 rsa2048 rsa4096 ed25519 2>/dev/null >>"$work/speed" ||
			die "openssl speed failed"
	fi
done

med() {	# file -> median
	median <"$work/$1"
}
# A figure of bench-dkim's output lines for kind k: its median.
dkim_us() {	# kind key
	sed -n "s/.* $2=\\([0-9.]*\\).*/\\1/p" "$work/bench-dkim.$1" | median
}
# openssl speed's verify/s for a kind, as µs per verification: the median of its runs.
speed_us() {	# kind
	case $1 in
	rsa*) awk -v b="${1#rsa}" '$1 == "rsa" && $2 == b && $3 == "bits" { print 1e6 / $NF }' "$work/speed" ;;
	ed25519) awk '/EdDSA \(Ed25519\)/ { print 1e6 / $NF }' "$work/speed" ;;
	esac | median
}

# ---- the section ----

section() {
	local base c all off_all auth_all
	off_all=$(med offline.cpu)
	auth_all=$(med auth.cpu)
	cat <<EOF
## Sender authentication

Produced by \`bench/bench-checks.sh\` on $(date -u +%Y-%m-%d) (commit $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo unknown)); \`bench/run-bench.sh\` runs it.
No network time is in any figure: DNS is answered in process from a zone file. Instructions are
callgrind's count inside the timed loop (\`--toggle-collect=run_all\`: parse, scan, report; not
loading the files or the configuration); they repeat exactly. Both are of the steady state of a
long-running filter: \`bench-mailvet -w\` makes one untimed pass over the messages first, so
one-time costs are left out (they are given apart below). CPU times are medians of $runs runs
of $passes passes over the messages each, the configurations taking turns, $pin_text, on a shared
machine with 2 CPUs where other jobs ran: they vary by tens of per cent, so small differences
below are noise, and the instruction counts are the figures to compare.

Two configurations of the corpus ($msgs messages):

- **offline**: \`bench/offline.conf\`, DNS from an empty zone and no envelope. The corpus's
  messages carry no trusted envelope, so SPF does not run; DMARC finds no policy.
- **auth**: each message's envelope read from its Received fields, as for stored mail:
  \`trusted_relays\` lists the $(echo "$relays" | tr ',' '\n' | wc -l) hosts that wrote the corpus's topmost Received fields
  ($with_envelope of $msgs messages then have a client address; the others have no Received
  field those hosts wrote). DNS from a zone made at bench time (\`bench/auth-zone.py\`, not kept):
  every From, MAIL FROM and HELO domain has \`v=spf1 ip4:192.0.2.0/24 -all\` and every From
  domain \`_dmarc\` \`v=DMARC1; p=none\`. SPF reached a result other than none for $spf_ran messages,
  and $dmarc_policy found a DMARC policy. This is what an MX pays (less the network's wait).

### The whole local scan against the budget

| configuration | instructions/message | ms CPU/message | share of the 0.19 ms budget |
|---|---|---|---|
$(for base in offline auth; do
	awk -v n="$msgs" -v i="$(cat "$work/$base.ins")" -v c="$(med "$base.cpu")" -v b="$base" 'BEGIN {
		printf "| %s, every check on | %.0f | %.4f | %.0f %% |\n", b, i / n, c, c / 0.19 * 100 }'
done)

**The whole local scan with every check on (parse, every check, the JSON report) takes
$(awk -v c="$auth_all" 'BEGIN { printf "%.3f", c }') ms of CPU per message with SPF and DMARC doing their work (auth), $(awk -v c="$off_all" 'BEGIN { printf "%.3f", c }') ms
offline: $(awk -v c="$auth_all" 'BEGIN { if (c < 0.19) printf "within the 0.19 ms budget, with %.0f %% of it to spare", (1 - c / 0.19) * 100; else printf "over the 0.19 ms budget" }').**

One-time costs, paid in the first pass of a process (not in the figures above): $(awk -v o="$(cat "$work/offline.ins")" \
	-v oc="$(cat "$work/offline.cold.ins")" -v a="$(cat "$work/auth.ins")" -v ac="$(cat "$work/auth.cold.ins")" 'BEGIN {
	printf "%.0f million instructions offline, %.0f million with auth", (oc - o) / 1e6, (ac - a) / 1e6 }'),
mostly the S/MIME trust anchors (Debian's CA bundle), read on the first signed message: the
corpus has two.  Spread over a single pass of the corpus, they would add $(awk -v n="$msgs" -v a="$(cat "$work/auth.ins")" \
	-v ac="$(cat "$work/auth.cold.ins")" 'BEGIN { printf "%.0f", (ac - a) / n }') instructions per message.

### The cost of each check

Each check's cost is the scan with every check on less the scan with that check disabled
(\`disabled_checks\`); a check that others use (content's links, spf's result for dmarc, authres
reading the others' results) takes what they do with it along. A difference of a few hundred
instructions either way is no cost: disabling a check also moves what the others allocate.
Per message, over the corpus:

| check | offline: instructions | offline: µs CPU | auth: instructions | auth: µs CPU |
|---|---|---|---|---|
$(for c in $checks; do
	awk -v c="$c" -v n="$msgs" -v oa="$(cat "$work/offline.ins")" -v oc="$(cat "$work/offline-$c.ins")" \
		-v aa="$(cat "$work/auth.ins")" -v ac="$(cat "$work/auth-$c.ins")" \
		-v ta="$off_all" -v tc="$(med "offline-$c.cpu")" -v ua="$auth_all" -v uc="$(med "auth-$c.cpu")" 'BEGIN {
		printf "| %s | %.0f | %.1f | %.0f | %.1f |\n", c, (oa - oc) / n, (ta - tc) * 1000, (aa - ac) / n, (ua - uc) * 1000 }'
done)

The corpus has no DKIM signatures and no S/MIME: there the dkim and smime checks only look
for the fields. What a signature costs is below.

### DKIM: one signature

$n_signed messages of the corpus signed per kind of key at bench time (\`bench/dkim-sign.py\`:
dkimpy, relaxed/relaxed, its default header fields, keys made at bench time); every signature
verifies. \`bench-dkim\` times each stage over them (µs of CPU per signature, median of $runs
runs); \`openssl speed -seconds 2\` gives OpenSSL's verify/s for the same key sizes (median of
$speed_runs runs, as µs per verification). In a scan: the dkim check's whole cost per signature,
\`bench-mailvet check\` over the signed messages with the check on less with it off, DNS from a
zone holding the keys.

| key | verify | \`openssl speed\` verify | ratio | key record loaded | body hash | whole signature (bench-dkim) | in a scan: instructions | in a scan: µs CPU |
|---|---|---|---|---|---|---|---|---|
$(for k in $kinds; do
	awk -v k="$k" -v v="$(dkim_us "$k" verify_us)" -v s="$(speed_us "$k")" -v key="$(dkim_us "$k" key_us)" \
		-v body="$(dkim_us "$k" body_us)" -v sig="$(dkim_us "$k" signature_us)" -v n="$n_signed" \
		-v ia="$(cat "$work/dkim.$k.ins")" -v io="$(cat "$work/dkim-dkim.$k.ins")" \
		-v ca="$(med "dkim.$k.cpu")" -v co="$(med "dkim-dkim.$k.cpu")" 'BEGIN {
		printf "| %s | %.1f µs | %.1f µs | %.2f | %.1f µs | %.1f µs | %.1f µs | %.0f | %.1f µs |\n",
			k, v, s, v / s, key, body, sig, (ia - io) / n, (ca - co) * 1000 }'
done)

- *verify*: the signature checked over the selected header fields with the key already
  loaded: OpenSSL's public-key operation plus hashing the header data and setting up the
  context, so its ratio to \`openssl speed\` is the overhead around OpenSSL's verification.
- *key record loaded*: the record's \`p=\` decoded and loaded into OpenSSL
  (\`dkim_pkey_load\`), done for every signature of every message: no key is kept between scans.
- *whole signature*: everything the check does for a signature apart from its DNS lookup
  (the field parsed, the key loaded, the body hashed, the header fields selected, verify).
EOF
}

if [ -n "$update" ]; then
	section >"$work/section.md"
	update_section "Sender authentication" "$work/section.md" "$update"
	echo "bench-checks: wrote the section into $update" >&2
else
	section
fi
