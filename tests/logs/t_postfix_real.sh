#!/bin/bash
# `mailvet logs` on what a real Postfix writes.  The saved capture (tests/data/logs/postfix-real.log)
# is read everywhere; then postfix_capture.sh starts Debian's postfix and dovecot on loopback ports
# and makes a fresh log, which must read the same (check_postfix_real.py says what is expected).
# The fresh capture needs root, postfix, dovecot-core and swaks (postfix_capture.sh); without them
# the test says why and is skipped after checking the saved log.  MV_POSTFIX_LOG_UPDATE=1 replaces
# the saved log with the fresh one.
set -u
: "${MV_SRC:?set by CMake: the source tree}"
: "${MV_BUILD:?set by CMake: the build tree}"
: "${MAILVET:?set by CMake: the mailvet command}"
fail() { echo "t_postfix_real: FAIL: $*" >&2; exit 1; }
command -v python3 > /dev/null || fail "needs python3"
tests=$MV_SRC/tests/logs
saved=$MV_SRC/tests/data/logs/postfix-real.log
tmp=$(mktemp -d) || fail "mktemp"
trap 'rm -rf "$tmp"' EXIT

have_logs=no
"$MAILVET" logs --help > /dev/null 2>&1 && have_logs=yes

read_log() { # NAME LOG [mailvet logs options]: the report must say what the session did
	local name=$1 log=$2
	shift 2
	"$MAILVET" logs --json "$@" "$log" > "$tmp/$name.json" 2> "$tmp/$name.err" ||
		{ cat "$tmp/$name.err" >&2; fail "mailvet logs on the $name log ($log)"; }
	python3 "$tests/check_postfix_real.py" "$tmp/$name.json" || fail "the report of the $name log ($log)"
}

if [ $have_logs = yes ]; then
	read_log saved "$saved" --year 2026
else
	echo "t_postfix_real: mailvet logs is not built: only the capture is tested"
fi

# A fresh capture.
# Postfix's daemons run as the postfix user, which must reach the capture directory.
chmod 755 "$tmp" && mkdir "$tmp/capture" || fail "mkdir"
bash "$tests/postfix_capture.sh" "$tmp/capture"
rc=$?
[ $rc = 77 ] && { echo "t_postfix_real: SKIP: no fresh capture (the saved log was checked)"; exit 77; }
[ $rc = 0 ] || fail "postfix_capture.sh failed"
log=$tmp/capture/maillog
# The capture has what the saved log has, line kinds that mailvet logs must know.
for what in 'sasl_username=alice@mailvet.test' 'SASL LOGIN authentication failed' 'status=bounced' \
	'status=deferred' 'sender non-delivery notification' 'info: header Subject: Not read:' \
	'Relay access denied' 'postfix/submission/smtpd'; do
	grep -qF "$what" "$log" || fail "the fresh log has no '$what'"
	grep -qF "$what" "$saved" || fail "the saved log has no '$what': refresh it (MV_POSTFIX_LOG_UPDATE=1)"
done
[ $have_logs = yes ] && read_log fresh "$log"
if [ "${MV_POSTFIX_LOG_UPDATE:-}" = 1 ]; then
	cp "$log" "$saved" || fail "cp $log $saved"
	echo "t_postfix_real: $saved replaced; say the date and versions in tests/data/logs/SOURCE.md"
fi
echo "t_postfix_real: ok"
