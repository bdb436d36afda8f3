#!/bin/bash
# The DKIM vectors of tests/data/dkim (dkimpy, Mail::DKIM, DKIM Verifier: RFC 6376 A.2, RFC 8463 A.3,
# real signed mail, broken keys and signatures) scanned with their keys from vectors.zone: the DKIM
# symbols and their domain:selector options must be exactly those of expected-mailvet.tsv, which also
# says why mailvet's verdict differs from upstream's where it does.  One scan per scan date.
set -u
exec python3 - "$MAILVET" "$MV_SRC/tests/data/dkim" <<'PY'
import json, os, subprocess, sys

mailvet, data = sys.argv[1], sys.argv[2]
want, days = {}, {}
for line in open(os.path.join(data, "expected-mailvet.tsv"), encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    file, day, symbols = line.rstrip("\n").split("\t")[:3]
    want[file] = symbols
    days.setdefault(day, []).append(file)
got = {}
for day, files in sorted(days.items()):
    out = subprocess.run([mailvet, "-c", "/dev/null", "scan", "-o", "dkim_min_rsa_bits=512", "--json",
                          "--dns-zone", os.path.join(data, "vectors.zone"), "--now", day + "T00:00:00Z"] +
                         [os.path.join(data, f) for f in files], capture_output=True, check=True).stdout
    for line in out.decode("utf-8").splitlines():
        o = json.loads(line)
        syms = sorted((s["name"], s.get("options", [])) for s in o["symbols"] if s["name"].startswith("DKIM_"))
        got[os.path.relpath(o["file"], data)] = " ".join("%s[%s]" % (n, ",".join(op)) if op else n for n, op in syms)
fail = 0
for file, symbols in want.items():
    if got.get(file) != symbols:
        fail += 1
        print("FAIL %s\n  got:  %s\n  want: %s" % (file, got.get(file), symbols))
print("%d passed, %d failed" % (len(want) - fail, fail))
sys.exit(1 if fail or len(want) < 100 else 0)
PY
