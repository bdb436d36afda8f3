#!/usr/bin/env python3
"""Converts an SPF test suite in the openspf YAML format (rfc7208-tests.yml,
pyspf's test.yml) into the line format test_spf_suite.c reads, so the C side
needs no YAML.  Usage: spf_suite_convert.py SUITE.yml > SUITE.txt

The zone data is turned into what the suite's own driver (pyspf's
testspf.py) serves:
- SPF (type 99) records are served as TXT, unless the name has a TXT entry
  (then they are ignored; "TXT: NONE" is such an entry with no record).
- TIMEOUT makes lookups of the name time out.  The driver times out only the
  types listed after it; in the suites every TIMEOUT either stands alone at
  its name or follows the only type that is asked there, so it is written
  for names that keep no record and dropped at the others.
- A CNAME to the empty name answers nothing in the driver: it is dropped.
- An MX to the empty name is the null MX (RFC 7505): written as ".".

Output lines, one field per word, every field percent-encoded (bytes outside
0x21-0x7E, and '%' and '=', as %XX):
  scenario N DESCRIPTION
  zone NAME A|AAAA|PTR|CNAME DATA
  zone NAME MX PREFERENCE TARGET
  zone NAME TXT s=STRING...        (the character-strings of one record)
  zone NAME TIMEOUT
  test ID helo=H host=IP mailfrom=M result=R1[,R2] [explanation=E]
"""
import sys

import yaml


def enc(value):
    if isinstance(value, str):
        try:
            data = value.encode('latin-1')  # "\xEF" in the YAML means the byte 0xEF
        except UnicodeEncodeError:
            data = value.encode('utf-8')
    else:
        data = str(value).encode('ascii')
    return ''.join(chr(b) if 0x21 <= b <= 0x7e and b not in b'%=' else '%%%02X' % b for b in data)


def name(n):
    n = str(n)
    return n[:-1] if n.endswith('.') else n


def zone_lines(zonedata):
    for owner, entries in zonedata.items():
        owner = enc(name(owner))
        has_txt = any(isinstance(e, dict) and 'TXT' in e for e in entries)
        timeout = False
        lines = []
        for e in entries:
            if e == 'TIMEOUT':
                timeout = True
                continue
            (rtype, value), = e.items()
            if rtype == 'SPF':
                if has_txt:
                    continue
                rtype = 'TXT'
            if rtype == 'TXT':
                if value == 'NONE':
                    continue
                strings = value if isinstance(value, list) else [value]
                lines.append('zone %s TXT%s' % (owner, ''.join(' s=' + enc(s) for s in strings)))
            elif rtype == 'MX':
                pref, target = value
                lines.append('zone %s MX %d %s' % (owner, pref, enc(name(target)) or '.'))
            elif rtype == 'CNAME':
                if name(value):
                    lines.append('zone %s CNAME %s' % (owner, enc(name(value))))
            elif rtype in ('A', 'AAAA', 'PTR'):
                lines.append('zone %s %s %s' % (owner, rtype, enc(name(value))))
            else:
                raise SystemExit('%s: record type %s not handled' % (owner, rtype))
        if timeout and not lines:
            lines.append('zone %s TIMEOUT' % owner)
        yield from lines


def main():
    if len(sys.argv) != 2:
        raise SystemExit('usage: spf_suite_convert.py SUITE.yml')
    path = sys.argv[1]
    out = sys.stdout
    out.write('# Converted from %s by tests/spf/spf_suite_convert.py: do not edit.\n'
              % path.rsplit('/', 1)[-1])
    with open(path, 'rb') as f:
        for n, scenario in enumerate(yaml.safe_load_all(f), 1):
            desc = scenario.get('description') or scenario.get('comment') or ''
            out.write('scenario %d %s\n' % (n, enc(desc.strip().splitlines()[0] if desc.strip() else '-')))
            for line in zone_lines(scenario['zonedata']):
                out.write(line + '\n')
            for tid, t in scenario['tests'].items():
                results = t['result'] if isinstance(t['result'], list) else [t['result']]
                fields = ['test', enc(tid), 'helo=' + enc(t['helo']), 'host=' + enc(t['host']),
                          'mailfrom=' + enc(t['mailfrom']), 'result=' + ','.join(results)]
                if 'explanation' in t:
                    fields.append('explanation=' + enc(t['explanation']))
                out.write(' '.join(fields) + '\n')


if __name__ == '__main__':
    main()
