#!/usr/bin/env python3
"""Helpers of tests/logs/t_logs_html.sh for the page of `mailvet logs --html`.

logs_page.py csp PAGE
    Checks that the Content-Security-Policy of PAGE (the template data/logs-report.html
    or a page made from it) allows exactly the hash of the page's own script, and
    prints the right value when it does not.
logs_page.py break HOW PAGE OUT
    Writes a broken copy of PAGE to OUT, with its script's hash updated so that the
    browser still runs it and the breakage is the one named:
      noparse     the script cannot read the document (it draws no finding)
      dropqid     the first evidence queue id of each finding is not drawn
      noescape    the document is put in unescaped, as a writer that forgot to would
                  (JSON is given as a third file: break noescape PAGE OUT JSON)
"""
import base64
import hashlib
import re
import sys

SCRIPT_RE = re.compile(r"<script>(.*?)</script>", re.S)
CSP_RE = re.compile(r"script-src 'sha256-([A-Za-z0-9+/=]+)'")
DATA_RE = re.compile(r'(<script type="application/json" id="mailvet-logs-data">)(.*?)(</script>)', re.S)


def script_hash(page):
    scripts = SCRIPT_RE.findall(page)
    if len(scripts) != 1:
        raise SystemExit("logs_page: %d inline scripts, expected 1" % len(scripts))
    return base64.b64encode(hashlib.sha256(scripts[0].encode("utf-8")).digest()).decode()


def csp(path):
    page = open(path, encoding="utf-8").read()
    want = script_hash(page)
    m = CSP_RE.search(page)
    if not m:
        print("logs_page: %s has no script-src 'sha256-...' policy" % path, file=sys.stderr)
        return 1
    if m.group(1) != want:
        print("logs_page: %s: the script changed; its policy must say script-src 'sha256-%s'" %
              (path, want), file=sys.stderr)
        return 1
    return 0


def rehash(page):
    return CSP_RE.sub("script-src 'sha256-%s'" % script_hash(page), page, count=1)


def replace_once(page, old, new):
    if page.count(old) != 1:
        raise SystemExit("logs_page: %r is not in the page's script once" % old)
    return page.replace(old, new)


def break_page(how, src, out, extra=None):
    page = open(src, encoding="utf-8").read()
    if how == "noparse":
        page = replace_once(page, "doc = JSON.parse(", "doc = JSON.parse('x' + ")
    elif how == "dropqid":
        page = replace_once(page, "ids.forEach(function (id) {", "ids.slice(1).forEach(function (id) {")
    elif how == "noescape":
        raw = open(extra, encoding="utf-8").read()
        page = DATA_RE.sub(lambda m: m.group(1) + raw + m.group(3), page, count=1)
    else:
        raise SystemExit("logs_page: unknown breakage %r" % how)
    with open(out, "w", encoding="utf-8") as f:
        f.write(page if how == "noescape" else rehash(page))
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "csp":
        return csp(argv[2])
    if len(argv) in (5, 6) and argv[1] == "break":
        return break_page(argv[2], argv[3], argv[4], argv[5] if len(argv) == 6 else None)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
