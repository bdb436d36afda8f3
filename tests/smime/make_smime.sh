#!/bin/bash
# Makes the S/MIME test material in DIR with the openssl command: a CA, certificates issued by it,
# a self-signed look-alike, and messages signed with them (detached multipart/signed, opaque
# pkcs7-mime).  Everything is new on each run: no key or certificate is kept in the tree.
#   ca.pem                      the trust anchor (smime_ca_file)
#   valid.eml                   From alice, signed by alice (CA-issued), CRLF line ends
#   valid-lf.eml                the same with bare LF line ends (as stored in a Unix mailbox)
#   opaque.eml                  From alice, application/pkcs7-mime; smime-type=signed-data
#   opaque-x.eml                the same as application/x-pkcs7-mime (openssl smime)
#   streamed.eml                opaque, BER with indefinite lengths (openssl cms -stream)
#   digests-4.eml, digests-5.eml  streamed.eml listing its digest algorithm 4 and 5 times
#   untrusted.eml               From alice, signed by a self-signed certificate for alice
#   invalid.eml                 valid.eml with one byte of the signed text changed
#   invalid-header.eml          valid.eml with a byte of the signed part's header changed
#   mismatch.eml                From alice, signed by bob (CA-issued)
#   short.eml                   From alice, signed by a certificate valid for one day
#   server.eml                  From alice, signed by a CA-issued certificate for TLS servers only
#   subject-email.eml           From carol, whose certificate has her address only in the subject
#   nocerts.eml                 valid.eml without the signer's certificate (openssl cms -nocerts)
#   garbage.eml                 a multipart/signed whose signature is random bytes
#   truncated.eml               valid.eml with the signature's DER cut short
#   unknown-digest.eml          valid.eml with a digest algorithm OpenSSL does not know
#   listed.eml                  valid.eml's signed part inside multipart/mixed with a footer
#   forwarded.eml               valid.eml attached as message/rfc822 to an unsigned message
set -eu
dir=$1
cd "$dir"
exec 2>openssl.log

cat >ext.cnf <<'CNF'
[alice]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = emailProtection
subjectAltName = email:alice@example.org
[bob]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = emailProtection
subjectAltName = email:bob@example.org
[server]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = email:alice@example.org
[carol]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = emailProtection
CNF

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key"; }
# issue NAME SUBJECT DAYS: a certificate for NAME.key signed by the CA, extensions from [NAME].
issue() {
	openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
	openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days "$3" \
		-extfile ext.cnf -extensions "${4:-$1}" -out "$1.pem"
}

key ca
openssl req -new -x509 -key ca.key -subj "/O=mailvet test/CN=mailvet test CA" -days 3650 \
	-addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem
key alice
issue alice "/CN=Alice/emailAddress=alice@example.org" 3650
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out bob.key
issue bob "/CN=Bob/emailAddress=bob@example.org" 3650
key carol
issue carol "/CN=Carol/emailAddress=carol@example.org" 3650
key server
issue server "/CN=Alice/emailAddress=alice@example.org" 3650
key short
issue short "/CN=Alice/emailAddress=alice@example.org" 1 alice
# The look-alike: the same names as alice's, but signed by itself.
key fake
openssl req -new -x509 -key fake.key -subj "/CN=Alice/emailAddress=alice@example.org" -days 3650 \
	-addext "subjectAltName=email:alice@example.org" -addext "extendedKeyUsage=emailProtection" -out fake.pem

printf 'Content-Type: text/plain; charset=us-ascii\r\n\r\nHello Bob,\r\n\r\nthe invoice is attached.\r\n' >content.txt

# sign TOOL SIGNER FROM OUT [options]: a message From FROM signed with SIGNER's key.
sign() {
	local tool=$1 signer=$2 from=$3 out=$4
	shift 4
	openssl "$tool" -sign -in content.txt -signer "$signer.pem" -inkey "$signer.key" -from "$from" \
		-to bob@example.net -subject "invoice" -crlfeol "$@" -out "$out"
}
sign cms alice alice@example.org valid.eml
sign cms alice alice@example.org opaque.eml -nodetach
sign smime alice alice@example.org opaque-x.eml -nodetach
sign cms alice alice@example.org streamed.eml -nodetach -stream
sign cms fake alice@example.org untrusted.eml
sign cms bob alice@example.org mismatch.eml
sign cms short alice@example.org short.eml
sign cms server alice@example.org server.eml
sign cms carol carol@example.org subject-email.eml
sign cms alice alice@example.org nocerts.eml -nocerts
tr -d '\r' <valid.eml >valid-lf.eml
sed 's/the invoice is attached/the invoice is attacked/' valid.eml >invalid.eml
sed 's/charset=us-ascii/charset=US-ascii/' valid.eml >invalid-header.eml

# The signature part's base64 replaced: random bytes, and the real DER cut in half.
boundary=$(sed -n 's/.*boundary="\([^"]*\)".*/\1/p' valid.eml | head -n 1)
awk -v b="--$boundary" '$0 ~ "^" b { n++ } n < 2 || /^--/ || /^Content-|^$|^\r$/ { print }' valid.eml >sigless.eml
garbage=$(head -c 600 /dev/urandom | base64 -w 64 | sed 's/$/\r/')
der=$(awk -v b="--$boundary" '$0 ~ "^" b { n++; next } n == 2 && /^[A-Za-z0-9+\/=]+\r?$/ { print }' valid.eml |
	tr -d '\r\n' | base64 -d | head -c 300 | base64 -w 64 | sed 's/$/\r/')
# insert TEXT FILE OUT: FILE with TEXT after the signature part's blank line.
insert() {
	awk -v b="--$boundary" -v text="$1" '
		{ print }
		$0 ~ "^" b { n++ }
		n == 2 && !done && /^\r?$/ { print text; done = 1 }' "$2" >"$3"
}
insert "$garbage" sigless.eml garbage.eml
insert "$der" sigless.eml truncated.eml
# The SignedData's first digest algorithm (sha-256) made an OID nobody knows.
odd=$(awk -v b="--$boundary" '$0 ~ "^" b { n++; next } n == 2 && /^[A-Za-z0-9+\/=]+\r?$/ { print }' valid.eml |
	tr -d '\r\n' | base64 -d |
	perl -0777 -pe 's/\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01/\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x7f/' |
	base64 -w 64 | sed 's/$/\r/')
insert "$odd" sigless.eml unknown-digest.eml

# streamed.eml's digest algorithm (sha-256) listed N times: the lengths around it are indefinite,
# so the set can grow without changing them.
repeat_digest() {
	{
		sed -n '1,/^\r$/p' streamed.eml
		sed '1,/^\r$/d' streamed.eml | tr -d '\r\n' | base64 -d |
			perl -0777 -pe 's/\x31\x0d(\x30\x0b\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01)/"\x31\x80" . ($1 x '"$1"') . "\x00\x00"/e' |
			base64 -w 64 | sed 's/$/\r/'
	} >"$2"
}
repeat_digest 4 digests-4.eml
repeat_digest 5 digests-5.eml

# The signed entity (its headers and body) as a part of a larger message.
signed_entity() { awk 'NR == 1, /^\r$/ { if (/^(Content-Type|\r$)/) print; next } { print }' valid.eml; }
{
	printf 'From: alice@example.org\r\nTo: list@example.net\r\nSubject: [list] invoice\r\nMIME-Version: 1.0\r\n'
	printf 'Content-Type: multipart/mixed; boundary="list-boundary"\r\n\r\n--list-boundary\r\n'
	signed_entity
	printf '\r\n--list-boundary\r\nContent-Type: text/plain\r\n\r\nYou are on the list.\r\n--list-boundary--\r\n'
} >listed.eml
{
	printf 'From: mallory@example.com\r\nTo: bob@example.net\r\nSubject: Fwd: invoice\r\nMIME-Version: 1.0\r\n'
	printf 'Content-Type: multipart/mixed; boundary="fwd-boundary"\r\n\r\n--fwd-boundary\r\n'
	printf 'Content-Type: text/plain\r\n\r\nsee below\r\n--fwd-boundary\r\nContent-Type: message/rfc822\r\n\r\n'
	cat valid.eml
	printf '\r\n--fwd-boundary--\r\n'
} >forwarded.eml
