#!/bin/bash
# Makes a real Postfix log: starts Debian's postfix as a private instance in DIR (its own
# config_directory, queue_directory and maillog_file, on free loopback ports, nothing
# chrooted), Dovecot as its SASL server (its own config, a passwd-file, the auth socket under
# DIR) and three smtp-sink "remote servers" (one accepts, one greylists with 450, one rejects
# with 550); sends with swaks what the log must show; waits until the queue has done with it;
# stops every process it started, by PID.  The log is DIR/maillog (postlogd writes it, so no
# syslog is needed).
#
# usage: postfix_capture.sh DIR        (DIR: an empty directory; it keeps the log and configs)
# exit: 0 the log is complete; 77 this machine cannot run it (the reason on stdout); 1 failure.
#
# Needs: root (the postfix master starts as root and runs its daemons as the postfix user;
# Dovecot's auth likewise), Debian's postfix (users postfix and group postdrop from the
# package), dovecot-core, swaks, python3 (to find free ports).  Listens on 127.0.0.1 only;
# mail for other domains goes to the smtp-sink servers on loopback, so nothing leaves.
set -u
dir=${1:?usage: postfix_capture.sh DIR}
say() { echo "postfix_capture: $*" >&2; }
fail() { say "FAIL: $*"; exit 1; }
skip() { echo "postfix_capture: SKIP: $*"; exit 77; }

[ "$(id -u)" = 0 ] || skip "must run as root (postfix's master and dovecot start as root)"
for cmd in postfix postconf dovecot swaks smtp-sink python3 runuser; do
	command -v "$cmd" > /dev/null || skip "$cmd is not installed (Debian packages postfix, dovecot-core, swaks)"
done
getent passwd postfix > /dev/null && getent group postdrop > /dev/null ||
	skip "no postfix user or postdrop group (they come with Debian's postfix package)"
getent passwd nobody > /dev/null || skip "no user nobody (the sinks and mailboxes run as it)"
daemon_dir=$(postconf -dh daemon_directory)
[ -x "$daemon_dir/postlogd" ] || skip "this postfix has no postlogd (Postfix 3.4 or later writes maillog_file)"

dir=$(cd "$dir" && pwd) || fail "no directory $1"
conf=$dir/postfix
queue=$dir/queue
dc=$dir/dovecot
log=$dir/maillog
pids=()

# Everything started is stopped by PID, whatever happens.
stop_all() {
	local pid
	if [ -r "$queue/pid/master.pid" ]; then
		pid=$(tr -dc 0-9 < "$queue/pid/master.pid")
		[ -n "$pid" ] && kill -TERM "$pid" 2> /dev/null
	fi
	if [ -r "$dc/run/master.pid" ]; then
		pid=$(tr -dc 0-9 < "$dc/run/master.pid")
		[ -n "$pid" ] && kill -TERM "$pid" 2> /dev/null
	fi
	for pid in "${pids[@]}"; do
		kill -TERM "$pid" 2> /dev/null
	done
	# The masters take their children with them; give them a moment, then make sure.
	sleep 1
	for pid in "${pids[@]}"; do
		kill -KILL "$pid" 2> /dev/null
	done
}
trap stop_all EXIT

# Five free loopback ports: smtpd, submission, and the three sinks.
read -r p_smtp p_sub p_ok p_grey p_rej < <(python3 -c '
import socket
socks = []
for _ in range(5):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))')
[ -n "${p_rej:-}" ] || fail "no free ports"

mkdir -p "$conf" "$queue" "$dir/data" "$dir/mail" "$dc/run" "$dc/state" || fail "mkdir"
chown postfix "$dir/data" || fail "chown data_directory"
chown nobody:nogroup "$dir/mail" 2> /dev/null || chown nobody "$dir/mail" || fail "chown mail"
chmod 755 "$dir"
# The daemons run as postfix and nobody: every directory above DIR must let them through.
runuser -u postfix -- test -x "$dir/data" 2> /dev/null ||
	fail "the postfix user cannot reach $dir: a directory above it is not searchable (chmod a+x)"

# Dovecot: only its auth service, for Postfix's SASL, with a passwd-file.
cat > "$dc/passwd" <<'EOF'
alice@mailvet.test:{PLAIN}alice-secret
frontdesk@mailvet.test:{PLAIN}frontdesk-secret
bob@mailvet.test:{PLAIN}bob-secret
EOF
chmod 640 "$dc/passwd"
chgrp dovecot "$dc/passwd" 2> /dev/null
cat > "$dc/dovecot.conf" <<EOF
protocols = none
base_dir = $dc/run
state_dir = $dc/state
log_path = $dir/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_verbose = yes
passdb {
  driver = passwd-file
  args = scheme=PLAIN $dc/passwd
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=/nonexistent
}
service auth {
  unix_listener $dc/auth-client {
    mode = 0666
  }
}
service anvil {
  chroot =
}
EOF
dovecot -c "$dc/dovecot.conf" || { cat "$dir/dovecot.log" >&2 2> /dev/null; fail "dovecot did not start"; }

# Postfix: mailvet.test is a virtual domain with mailboxes under DIR/mail; other domains go to
# the sinks (transport_maps), by their names: greylist.test defers, reject.test bounces.
cat > "$conf/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $queue
data_directory = $dir/data
meta_directory = $(postconf -dh meta_directory)
command_directory = $(postconf -dh command_directory)
daemon_directory = $daemon_dir
shlib_directory = $(postconf -dh shlib_directory)
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.mailvet.test
mydomain = mailvet.test
myorigin = \$mydomain
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 192.0.2.1/32
maillog_file = $log
maillog_file_prefixes = $dir
alias_maps =
alias_database =
biff = no
smtp_dns_support_level = disabled
smtp_host_lookup = native
disable_dns_lookups = yes
smtpd_peername_lookup = no
smtp_tls_security_level = none
smtpd_tls_security_level = none
smtpd_banner = \$myhostname ESMTP
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_reject_unlisted_recipient = no
virtual_mailbox_domains = mailvet.test
virtual_mailbox_base = $dir/mail
virtual_mailbox_maps = texthash:$conf/vmailbox
virtual_uid_maps = static:$(id -u nobody)
virtual_gid_maps = static:$(id -g nobody)
transport_maps = texthash:$conf/transport
default_transport = smtp:[127.0.0.1]:$p_ok
header_checks = regexp:$conf/header_checks
delay_warning_time = 0
queue_run_delay = 300s
minimal_backoff_time = 300s
maximal_queue_lifetime = 1d
bounce_queue_lifetime = 1d
EOF
cat > "$conf/vmailbox" <<'EOF'
alice@mailvet.test alice/
frontdesk@mailvet.test frontdesk/
bob@mailvet.test bob/
EOF
cat > "$conf/transport" <<EOF
greylist.test smtp:[127.0.0.1]:$p_grey
reject.test smtp:[127.0.0.1]:$p_rej
EOF
# What administrators add so that subjects are logged (mailvet logs reads them).
printf '/^Subject:/ INFO\n' > "$conf/header_checks"
cat > "$conf/master.cf" <<EOF
127.0.0.1:$p_smtp inet n - n - - smtpd
127.0.0.1:$p_sub inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_sasl_type=dovecot
  -o smtpd_sasl_path=$dc/auth-client
  -o smtpd_sasl_security_options=noanonymous
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject
pickup    unix n - n 60 1 pickup
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp      unix - - n - - smtp
relay     unix - - n - - smtp
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
local     unix - n n - - local
virtual   unix - n n - - virtual
lmtp      unix - - n - - lmtp
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
EOF
postconf -c "$conf" > /dev/null 2> "$dir/postconf.err" || { cat "$dir/postconf.err" >&2; fail "postconf -c $conf"; }

# The "remote servers".
smtp-sink -u nobody -h ok.sink 127.0.0.1:"$p_ok" 64 & pids+=($!)
smtp-sink -u nobody -h greylist.sink -r RCPT \
	-b '450 4.2.0 Recipient address rejected: Greylisted, please try again in 300 seconds' \
	127.0.0.1:"$p_grey" 64 & pids+=($!)
smtp-sink -u nobody -h reject.sink -f RCPT -B '550 5.1.1 Recipient address rejected: User unknown' \
	127.0.0.1:"$p_rej" 64 & pids+=($!)

postfix -c "$conf" start > "$dir/postfix-start.log" 2>&1 ||
	{ cat "$dir/postfix-start.log" "$log" >&2; fail "postfix did not start"; }

# Wait until both smtpd ports answer.
for _ in $(seq 50); do
	python3 -c "import socket,sys
for p in sys.argv[1:]: socket.create_connection(('127.0.0.1', int(p)), 1).close()" "$p_smtp" "$p_sub" 2> /dev/null && break
	sleep 0.2
done

sent=0
send() { # CLIENT-IP swaks-arguments: the message must be accepted
	local ip=$1
	shift
	sent=$((sent + 1))
	swaks --silent 2 --server 127.0.0.1 --local-interface "$ip" \
		--header "Message-Id: <capture.$sent@mailvet.test>" "$@" > "$dir/swaks.out" 2>&1 ||
		{ cat "$dir/swaks.out" >&2; fail "swaks $*"; }
}
refused() { # CLIENT-IP swaks-arguments: the server must refuse
	local ip=$1
	shift
	if swaks --silent 2 --server 127.0.0.1 --local-interface "$ip" "$@" > "$dir/swaks.out" 2>&1; then
		cat "$dir/swaks.out" >&2
		fail "the server accepted swaks $*"
	fi
}
sub() { # CLIENT-IP USER PASSWORD swaks-arguments: an authenticated submission
	local ip=$1 user=$2 pass=$3
	shift 3
	send "$ip" --port "$p_sub" --auth PLAIN --auth-user "$user" --auth-password "$pass" "$@"
}

# The clients, all on loopback: the internet, alice's PC, the front desk's PC, a stranger.
mx=127.0.0.5 alice=127.0.0.10 desk=127.0.0.20 stranger=127.0.0.66

# Inbound mail from the internet, to a mailbox.
send $mx --port "$p_smtp" --helo mail.partner.example --from news@partner.example --to alice@mailvet.test \
	--header 'Subject: Minutes of the meeting'
# An authenticated submission to a local mailbox and a remote one.
sub $alice alice@mailvet.test alice-secret --helo pc-alice.mailvet.test --from alice@mailvet.test \
	--to bob@mailvet.test,carol@partner.example --header 'Subject: Lunch on Friday'
# A failed login from a stranger, then a login that works from alice's PC.
refused $stranger --port "$p_sub" --auth LOGIN --auth-user alice@mailvet.test --auth-password wrong-password \
	--helo laptop.home --from alice@mailvet.test --to carol@partner.example
sub $alice alice@mailvet.test alice-secret --helo pc-alice.mailvet.test --from alice@mailvet.test \
	--to dave@partner.example --header 'Subject: Re: quote'
# A message to an unknown local user: accepted, then bounced by virtual with a notice to alice.
sub $alice alice@mailvet.test alice-secret --helo pc-alice.mailvet.test --from alice@mailvet.test \
	--to nosuchuser@mailvet.test --header 'Subject: Are you there?'
# Automatic receipts: delivered, greylisted (deferred) and rejected (bounced) by the remote ends.
for rcpt in 'promo@deals.example:Your invoice is ready' 'offers@greylist.test:Exclusive offer' \
	'winner@reject.test:You have won'; do
	sub $desk frontdesk@mailvet.test frontdesk-secret --helo frontdesk-pc --from frontdesk@mailvet.test \
		--to "${rcpt%%:*}" --header "Subject: Not read: ${rcpt#*:}"
done
# Relaying without logging in is refused; so is a submission without a login.
refused $stranger --port "$p_smtp" --helo spammer.example --from x@spammer.example --to victim@elsewhere.example
refused $stranger --port "$p_sub" --helo spammer.example --from x@spammer.example --to victim@elsewhere.example

# Done when every accepted message and alice's bounce notice have been removed or deferred.
want=$((sent + 1))
for _ in $(seq 150); do
	done_n=$(grep -cE 'postfix/qmgr\[[0-9]+\]: [0-9A-F]+: removed|status=deferred' "$log" 2> /dev/null)
	[ "${done_n:-0}" -ge "$want" ] && break
	sleep 0.2
done
[ "${done_n:-0}" -ge "$want" ] || { cat "$log" >&2; fail "the queue did not finish ($done_n of $want)"; }
grep -q 'SASL LOGIN authentication failed' "$log" || fail "no failed login in the log"
grep -q 'status=bounced' "$log" || fail "no bounce in the log"
grep -q 'sender non-delivery notification' "$log" || fail "no bounce notice in the log"
say "$sent messages accepted; the log is $log ($(wc -l < "$log") lines)"
exit 0
