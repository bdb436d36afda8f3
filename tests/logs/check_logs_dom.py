#!/usr/bin/env python3
"""Checks the DOM that headless Chromium rendered from a `mailvet logs --html` page
against the JSON document the page carries.

usage: check_logs_dom.py DOM.html REPORT.json

Every finding is drawn, most severe first, as an <article class="finding"> with
its kind, its account and each evidence queue id as text; every account has a
row in the table; the page's script ran to its end; and nothing from the
document turned into markup (no element, script or link came from log data).
Prints what is wrong and exits 1, or exits 0.
"""
import json
import sys
from html.parser import HTMLParser

RANK = {"high": 0, "medium": 1, "low": 2}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children, self.text = [], []

    def classes(self):
        return (self.attrs.get("class") or "").split()

    def all_text(self):
        out = list(self.text)
        for c in self.children:
            out.append(c.all_text())
        return "".join(out)

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


class Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", [], None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not self.root and n.tag != tag:
            n = n.parent
        if n is not self.root:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.text.append(data)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
        tree = Tree()
        tree.feed(f.read())
    with open(sys.argv[2], encoding="utf-8") as f:
        doc = json.load(f)
    problems = []
    nodes = list(tree.root.walk())

    html = [n for n in nodes if n.tag == "html"]
    if not html or html[0].attrs.get("data-rendered") != "yes":
        problems.append("the page's script did not run to its end (no data-rendered=\"yes\")")

    # Nothing from the logs became markup.
    scripts = [n for n in nodes if n.tag == "script"]
    if len(scripts) != 2:
        problems.append("%d <script> elements, expected the page's own 2" % len(scripts))
    for n in nodes:
        if n.tag in ("img", "iframe", "object", "embed", "link", "form", "base"):
            problems.append("a <%s> element in the page" % n.tag)
        for name in n.attrs:
            if name.startswith("on"):
                problems.append("an event attribute %s= on <%s>" % (name, n.tag))
        href = n.attrs.get("href")
        if href is not None and not href.startswith("#"):
            problems.append("a link out of the page: %s" % href)
        if "src" in n.attrs:
            problems.append("a src= on <%s>: the page must load nothing" % n.tag)
    titles = [n.all_text() for n in nodes if n.tag == "title" and n.parent.tag == "head"]
    if titles != ["mailvet logs report"]:
        problems.append("the document title changed: %r" % titles)

    # Findings: one article each, most severe first, with kind, account and evidence.
    findings = [f for f in doc.get("findings", []) if isinstance(f, dict)]
    articles = [n for n in nodes if n.tag == "article" and "finding" in n.classes()]
    if len(articles) != len(findings):
        problems.append("%d findings drawn, the document has %d" % (len(articles), len(findings)))
    ranks = [RANK.get(a.attrs.get("data-severity"), 3) for a in articles]
    if ranks != sorted(ranks):
        problems.append("findings not most severe first: %r" %
                        [a.attrs.get("data-severity") for a in articles])
    used = set()
    for f in findings:
        kind, account = f.get("kind", ""), f.get("account", "")
        match = None
        for i, a in enumerate(articles):
            if i not in used and a.attrs.get("data-kind") == kind and a.attrs.get("data-account") == account:
                match = i
                break
        if match is None:
            problems.append("no finding drawn for kind %r, account %r" % (kind, account))
            continue
        used.add(match)
        art = articles[match]
        text = art.all_text()
        if kind not in text:
            problems.append("finding %s of %r: the kind is not in its text" % (kind, account))
        if (account or f.get("client") or "(no account)") not in text:
            problems.append("finding %s: the account %r is not in its text" % (kind, account))
        if f.get("summary") and f["summary"] not in text:
            problems.append("finding %s of %r: the summary is not in its text" % (kind, account))
        if f.get("advice") and f["advice"] not in text:
            problems.append("finding %s of %r: the advice is not in its text" % (kind, account))
        qids = [n.all_text() for n in art.walk() if n.tag == "code" and "qid" in n.classes()]
        missing = [q for q in f.get("evidence", []) if q not in qids]
        if missing:
            problems.append("finding %s of %r: %d evidence queue ids missing, first %r" %
                            (kind, account, len(missing), missing[0]))
        if len(qids) != len(f.get("evidence", [])):
            problems.append("finding %s of %r: %d queue ids drawn, %d in the document" %
                            (kind, account, len(qids), len(f.get("evidence", []))))

    # Accounts: a row each; a chart for those with findings.
    rows = [n for n in nodes if n.tag == "tr" and "data-account" in n.attrs]
    row_accounts = sorted(r.attrs["data-account"] for r in rows)
    doc_accounts = sorted(a.get("account", "") for a in doc.get("accounts", []) if isinstance(a, dict))
    if row_accounts != doc_accounts:
        problems.append("account rows %r, the document has %r" % (row_accounts[:5], doc_accounts[:5]))
    charts = {n.attrs.get("data-account") for n in nodes if n.tag == "div" and "chart" in n.classes()}
    for f in findings:
        if f.get("account") in doc_accounts and f.get("account") not in charts:
            problems.append("no chart for %r, which has a finding" % f.get("account"))
    plots = [n for n in nodes if n.tag == "svg" and "plot" in n.classes()]
    if doc_accounts and not plots:
        problems.append("no chart drawn")

    for p in problems:
        print("check_logs_dom: " + p, file=sys.stderr)
    if not problems:
        print("check_logs_dom: %d findings, %d accounts, %d charts: as in the document" %
              (len(findings), len(rows), len(plots)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
