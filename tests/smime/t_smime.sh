#!/bin/bash
# The smime check through the command, on messages make_smime.sh signs for this run: the
# symbols and their details in the JSON report, the scan time given with --now, and the
# trust anchors named with smime_ca_file (a bad one stops the command before any scan).
set -u
command -v openssl >/dev/null || { echo "skipped: no openssl command"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bash "$MV_SRC/tests/smime/make_smime.sh" "$tmp" || { echo "make_smime.sh failed:"; cat "$tmp/openssl.log"; exit 1; }
echo "smime_ca_file = $tmp/ca.pem" >"$tmp/mailvet.conf"
fail=0 n=0

# expect FILE SYMBOL DETAIL-WORDS [scan options]: the message's one SMIME_ symbol and its detail.
expect() {
	local file=$1 want=$2 words=$3 out got
	shift 3
	n=$((n + 1))
	out=$("$MAILVET" -c "$tmp/mailvet.conf" scan --json "$@" "$tmp/$file") || { echo "$file: mailvet failed"; fail=1; return; }
	got=$(grep -o '"name":"SMIME_[A-Z_]*","group":"auth","score":[-0-9.]*,"detail":"[^"]*"' <<<"$out")
	case "$got" in
	*"\"$want\""*"$words"*) ;;
	*) echo "$file $*: expected $want with '$words', got: ${got:-no SMIME_ symbol}"; fail=1 ;;
	esac
}

later=$(date -u -d '+3 days' +%Y-%m-%dT%H:%M:%SZ)
earlier=$(date -u -d '-2 days' +%Y-%m-%dT%H:%M:%SZ)
expect valid.eml SMIME_VALID "signed by alice@example.org"
expect valid-lf.eml SMIME_VALID "signed by alice@example.org"
expect opaque.eml SMIME_VALID "signed by alice@example.org"
expect untrusted.eml SMIME_UNTRUSTED "self-signed certificate"
expect invalid.eml SMIME_INVALID "altered"
expect mismatch.eml SMIME_SIGNER_MISMATCH "the certificate is bob@example.org's"
expect garbage.eml SMIME_INVALID "cannot be read"
expect truncated.eml SMIME_INVALID ""
expect short.eml SMIME_VALID "" --now "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
expect short.eml SMIME_UNTRUSTED "certificate has expired" --now "$later"
expect short.eml SMIME_UNTRUSTED "certificate is not yet valid" --now "$earlier"
expect valid.eml SMIME_UNTRUSTED "unable to get local issuer certificate" -o smime_ca_file=

n=$((n + 1))
if err=$("$MAILVET" -c "$tmp/mailvet.conf" scan -o "smime_ca_file=$tmp/none.pem" "$tmp/valid.eml" 2>&1); then
	echo "a missing smime_ca_file was accepted"
	fail=1
elif [[ "$err" != *"smime_ca_file: cannot read '$tmp/none.pem': No such file or directory"* ]]; then
	echo "a missing smime_ca_file: unexpected message: $err"
	fail=1
fi
[ "$fail" -eq 0 ] && echo "$n passed, 0 failed" || echo "some of $n failed"
exit "$fail"
