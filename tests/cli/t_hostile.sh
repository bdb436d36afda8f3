#!/bin/bash
# Hostile shapes through the whole command: each must be scanned (exit 0, one report), in
# bounded time, with peak memory a small multiple of the input (the input is mapped, so it
# counts once), and must report the limit it hit.
set -u
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

check() {	# check NAME FILE SYMBOL
	name=$1; file=$2; sym=$3
	size=$(stat -c %s "$file")
	if ! /usr/bin/time -f "%M %e" -o "$tmp/time" timeout 120 "$MAILVET" scan --json "$file" > "$tmp/out"; then
		echo "FAIL $name: mailvet failed"; fail=$((fail + 1)); return
	fi
	read -r rss_kb secs < "$tmp/time"
	limit_kb=$(( (size * 3 / 1024) + 128 * 1024 ))
	lines=$(wc -l < "$tmp/out")
	echo "$name: input $((size / 1048576)) MiB, peak RSS $((rss_kb / 1024)) MiB, ${secs}s"
	if [ "$lines" -ne 1 ]; then echo "FAIL $name: $lines reports"; fail=$((fail + 1)); return; fi
	if [ "$rss_kb" -gt "$limit_kb" ]; then echo "FAIL $name: RSS over $((limit_kb / 1024)) MiB"; fail=$((fail + 1)); return; fi
	if [ -n "$sym" ] && ! grep -q "\"$sym\"" "$tmp/out"; then
		echo "FAIL $name: no $sym symbol"; fail=$((fail + 1)); return
	fi
	pass=$((pass + 1))
}

# A 64 MiB header field.
{ printf 'From: a@example.com\nSubject: '; head -c $((64 << 20)) /dev/zero | tr '\0' 'a'; printf '\n\nbody\n'; } > "$tmp/bigheader.eml"
check "64 MiB header" "$tmp/bigheader.eml" HEADER_SIZE_LIMIT

# A million header fields.
{ yes 'X-Spam-Filler: lorem ipsum' | head -n 1000000; printf '\nbody\n'; } > "$tmp/manyheaders.eml"
check "a million headers" "$tmp/manyheaders.eml" HEADER_COUNT_LIMIT

# 20,000 nested multiparts.
python3 - "$tmp/nested.eml" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(20000):
        f.write(f"Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n")
    f.write("Content-Type: text/plain\n\ndeep\n")
PY
check "20,000 nested multiparts" "$tmp/nested.eml" MIME_DEPTH_LIMIT

# 20,000 nested message/rfc822 parts.
python3 - "$tmp/rfc822.eml" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(20000):
        f.write(f"Subject: level {i}\nContent-Type: message/rfc822\n\n")
    f.write("Content-Type: text/plain\n\ndeep\n")
PY
check "20,000 nested message/rfc822" "$tmp/rfc822.eml" MIME_DEPTH_LIMIT

# A 256 MiB attachment (base64).
{ printf 'From: a@example.com\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nsee attachment\n--b\n'
  printf 'Content-Type: application/octet-stream; name=big.bin\nContent-Transfer-Encoding: base64\n\n'
  head -c $((192 << 20)) /dev/zero | base64 -w 76; printf -- '--b--\n'; } > "$tmp/bigattach.eml"
check "256 MiB attachment" "$tmp/bigattach.eml" ""
python3 -c '
import json, sys
o = json.loads(open(sys.argv[1]).read())
assert o["parts"][2]["decoded_size"] == 192 << 20, o["parts"][2]
' "$tmp/out" && pass=$((pass + 1)) || { echo "FAIL: attachment decoded_size"; fail=$((fail + 1)); }

# 5,000 parts (over max-parts) and 100,000 links (over max-urls).
python3 - "$tmp/parts.eml" "$tmp/links.eml" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("Content-Type: multipart/mixed; boundary=b\n\n")
    for i in range(5000):
        f.write("--b\n\nx\n")
    f.write("--b--\n")
with open(sys.argv[2], "w") as f:
    f.write("Content-Type: text/html\n\n")
    for i in range(100000):
        f.write(f'<a href="http://h{i}.example.com/">{i}</a>\n')
PY
check "5,000 parts" "$tmp/parts.eml" MIME_PART_LIMIT
check "100,000 links" "$tmp/links.eml" ""
grep -q -e '"URL_LIMIT"' -e '"HTML_LIMIT"' "$tmp/out" && pass=$((pass + 1)) || { echo "FAIL: no link limit symbol"; fail=$((fail + 1)); }

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
