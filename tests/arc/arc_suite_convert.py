#!/usr/bin/env python3
"""Converts the ValiMail ARC validation suite (arc-draft-validation-tests.yml)
into the line format test_arc_suite.c reads, so the C side needs no YAML.
Usage: arc_suite_convert.py SUITE.yml > SUITE.txt

What the suite's drivers do is kept: a TXT record written over several YAML
lines is several character-strings of one record (joined by the resolver);
a test whose cv is empty expects fail, as Mail::DKIM's driver reads it
(RFC 8617 5.2 step 2: the newest seal says cv=fail).

Output lines, fields percent-encoded (bytes outside 0x21-0x7E, '%' and '='):
  scenario N DESCRIPTION
  txt NAME s=STRING...
  test ID none|pass|fail BYTES
followed by the message's BYTES bytes as the YAML has them (LF line ends).
"""
import sys

import yaml


def enc(value):
    data = str(value).encode('utf-8')
    return ''.join(chr(b) if 0x21 <= b <= 0x7e and b not in b'%=' else '%%%02X' % b for b in data)


def main():
    if len(sys.argv) != 2:
        raise SystemExit('usage: arc_suite_convert.py SUITE.yml')
    path = sys.argv[1]
    out = sys.stdout.buffer
    out.write(b'# Converted from %s by tests/arc/arc_suite_convert.py: do not edit.\n'
              % path.rsplit('/', 1)[-1].encode())
    with open(path, 'rb') as f:
        for n, scenario in enumerate(yaml.safe_load_all(f), 1):
            desc = (scenario.get('description') or '-').strip().splitlines()[0]
            out.write(('scenario %d %s\n' % (n, enc(desc))).encode())
            for name, value in (scenario.get('txt-records') or {}).items():
                strings = str(value).split('\n')
                while strings and strings[-1] == '':
                    strings.pop()
                out.write(('txt %s%s\n' % (enc(name), ''.join(' s=' + enc(s) for s in strings))).encode())
            for tid, t in scenario['tests'].items():
                cv = (t.get('cv') or 'fail').lower()
                message = (t.get('message') or '').encode('utf-8')
                out.write(('test %s %s %d\n' % (enc(tid), cv, len(message))).encode())
                out.write(message)


if __name__ == '__main__':
    main()
