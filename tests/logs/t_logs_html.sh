#!/bin/bash
# The HTML report of `mailvet logs --html` in a real browser.  Debian's chromium, headless,
# opens pages made from a fixed JSON document (tests/data/logs/sample-report.json, with
# hostile strings where log data goes) and, when the command can make them, from the
# scenario logs; it dumps the DOM the page's script drew and takes a screenshot.
# check_logs_dom.py compares the DOM with the document: every finding most severe first with
# its kind, account and each evidence queue id; nothing from the logs turned into markup.
# Broken pages must fail that same check, so a page that draws nothing cannot pass.
# The pages, DOMs and screenshots stay in $MV_BUILD/logs-html/ to look at.
# Needs chromium (skipped without it, saying so) and python3.
set -u
: "${MV_SRC:?set by CMake: the source tree}"
: "${MV_BUILD:?set by CMake: the build tree}"
: "${MAILVET:?set by CMake: the mailvet command}"
fail() { echo "t_logs_html: FAIL: $*" >&2; exit 1; }

chromium=$(command -v chromium || command -v chromium-browser) || {
	echo "t_logs_html: SKIP: chromium is not installed (Debian package chromium, listed in deps/debian-packages.txt)"
	exit 77
}
command -v python3 > /dev/null || fail "needs python3"
tests=$MV_SRC/tests/logs
tpl=$MV_SRC/data/logs-report.html
sample=$MV_SRC/tests/data/logs/sample-report.json
writer=$MV_BUILD/test_logs_html
[ -x "$writer" ] || fail "no $writer (built with the unit tests)"
out=$MV_BUILD/logs-html
rm -rf "$out"
mkdir -p "$out" || fail "mkdir $out"
tmp=$(mktemp -d) || fail "mktemp"
trap 'rm -rf "$tmp"' EXIT

# The template itself: log data reaches the page through textContent only, the page fetches
# nothing, and its policy runs its own script and no other.
if grep -nE 'innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function' "$tpl"; then
	fail "the template writes markup from strings (above); use textContent"
fi
if grep -noE '(src|href|action)=|url\(|@import|https?://[^"'\'' ]*' "$tpl" | grep -v 'http://www.w3.org/2000/svg'; then
	fail "the template refers to something outside itself (above): the page must be self-contained"
fi
grep -q "default-src 'none'" "$tpl" || fail "the template's Content-Security-Policy lost default-src 'none'"
python3 "$tests/logs_page.py" csp "$tpl" || fail "Content-Security-Policy of data/logs-report.html"

# The browser: no profile, no network (no name resolves), a fixed window.
browse() { # MODE PAGE OUTFILE
	local mode=$1 page=$2 dest=$3 args
	args=(--headless --no-sandbox --disable-gpu --user-data-dir="$tmp/profile" --no-first-run
		--disable-extensions --disable-background-networking --disable-sync
		--host-resolver-rules='MAP * ~NOTFOUND' --hide-scrollbars --window-size=1280,2400)
	if [ "$mode" = dom ]; then
		timeout 120 "$chromium" "${args[@]}" --dump-dom "file://$page" > "$dest" 2> "$tmp/chromium.err"
	else
		timeout 120 "$chromium" "${args[@]}" --screenshot="$dest" "file://$page" > /dev/null 2> "$tmp/chromium.err"
	fi || { tail -20 "$tmp/chromium.err" >&2; fail "chromium ($mode) on $page"; }
}

check_page() { # NAME PAGE JSON: the DOM as the document says, and a screenshot
	local name=$1 page=$2 json=$3
	browse dom "$page" "$out/$name.dom.html"
	python3 "$tests/check_logs_dom.py" "$out/$name.dom.html" "$json" || fail "the DOM of $name ($page)"
	browse shot "$page" "$out/$name.png"
	[ -s "$out/$name.png" ] || fail "no screenshot $out/$name.png"
	[ "$(head -c 8 "$out/$name.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
		fail "$out/$name.png is not a PNG"
	[ "$(stat -c %s "$out/$name.png")" -gt 20000 ] || fail "$out/$name.png is too small to show a report"
}

must_fail() { # NAME PAGE JSON: a broken page that the check must reject
	local name=$1 page=$2 json=$3
	browse dom "$page" "$out/$name.dom.html"
	if python3 "$tests/check_logs_dom.py" "$out/$name.dom.html" "$json" 2> "$out/$name.check.txt"; then
		fail "the check passed a broken page ($name): it could not fail"
	fi
	echo "t_logs_html: broken page $name rejected: $(head -1 "$out/$name.check.txt")"
}

# The fixed document.
"$writer" "$sample" "$out/sample.html" || fail "writing the page of $sample"
check_page sample "$out/sample.html" "$sample"

# Pages that `mailvet logs --json --html` makes: the document it prints is the one the page
# must show.  The scenario log (tests/logs/gen-scenario.py: the unattended PC's 50 read
# receipts on top), the real Postfix log, and log lines with markup where names go.
from_logs() { # NAME SHOT(yes|no) mailvet-logs-arguments...
	local name=$1 shot=$2
	shift 2
	"$MAILVET" logs --json --html "$out/$name.html" "$@" > "$out/$name.json" 2> "$tmp/$name.err" ||
		{ cat "$tmp/$name.err" >&2; fail "mailvet logs --json --html on the $name log"; }
	if [ "$shot" = yes ]; then
		check_page "$name" "$out/$name.html" "$out/$name.json"
	else
		browse dom "$out/$name.html" "$out/$name.dom.html"
		python3 "$tests/check_logs_dom.py" "$out/$name.dom.html" "$out/$name.json" || fail "the DOM of $name"
	fi
}
if "$MAILVET" logs --help 2> /dev/null | grep -q -- --html; then
	from_logs scenario yes --year 2026 "$MV_SRC/tests/data/logs/scenario.log.gz"
	from_logs postfix-real no --year 2026 "$MV_SRC/tests/data/logs/postfix-real.log"
	cat > "$tmp/hostile.log" <<'EOF'
Nov  2 09:00:01 mx postfix/submission/smtpd[10]: connect from unknown[192.0.2.9]
Nov  2 09:00:02 mx postfix/submission/smtpd[10]: 4AB12CD34E: client=unknown[192.0.2.9], sasl_method=PLAIN, sasl_username=</script><img src=x onerror=alert(1)>@example.com
Nov  2 09:00:02 mx postfix/cleanup[11]: 4AB12CD34E: info: header Subject: Not read: </script><script>alert(2)</script> from unknown[192.0.2.9]; from=<a@example.com> to=<b@example.net> proto=ESMTP helo=<x>
Nov  2 09:00:02 mx postfix/qmgr[12]: 4AB12CD34E: from=<a@example.com>, size=900, nrcpt=1 (queue active)
Nov  2 09:00:03 mx postfix/smtp[13]: 4AB12CD34E: to=<b@example.net>, relay=mx.example.net[198.51.100.2]:25, delay=1, delays=0.1/0/0.4/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok <&amp;>)
Nov  2 09:00:03 mx postfix/qmgr[12]: 4AB12CD34E: removed
EOF
	from_logs hostile no --year 2026 "$tmp/hostile.log"
else
	echo "t_logs_html: mailvet logs has no --html here: only the fixed document's page is checked"
fi

# The pages the check must reject: a script that cannot read its data, one that loses a
# queue id, and a writer that forgot to escape (the policy keeps the injected script from
# running, and the data block is cut short).
python3 "$tests/logs_page.py" break noparse "$out/sample.html" "$tmp/noparse.html" || fail "breaking a page"
must_fail broken-noparse "$tmp/noparse.html" "$sample"
python3 "$tests/logs_page.py" break dropqid "$out/sample.html" "$tmp/dropqid.html" || fail "breaking a page"
must_fail broken-dropqid "$tmp/dropqid.html" "$sample"
python3 "$tests/logs_page.py" break noescape "$out/sample.html" "$tmp/noescape.html" "$sample" ||
	fail "breaking a page"
must_fail broken-noescape "$tmp/noescape.html" "$sample"
grep -q 'pwned' "$out/broken-noescape.dom.html" && ! grep -q '<title>pwned</title>' "$out/broken-noescape.dom.html" ||
	fail "the injected script of the unescaped page ran (or the page lost the hostile text)"

echo "t_logs_html: ok (pages, DOMs and screenshots in $out)"
