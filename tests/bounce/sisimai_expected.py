#!/usr/bin/env python3
# The Message-ID of the message each sisimai bounce returns, found with Python's email package
# (independently of mailvet's reader): a message/rfc822 part's own Message-ID, else a
# Message-ID line in a text/rfc822-headers part, else the first "Message-ID:" line (maybe quoted
# with "> " or indented) in a text part, else in the raw body (for reports whose MIME structure
# Python cannot follow).  Writes tests/data/bounces-sisimai/expected.tsv:
#   file, kind, message-id (empty: none returned), where it was found.
# Run from tests/data/bounces-sisimai: python3 ../../bounce/sisimai_expected.py > expected.tsv
import email, re, sys
from email import policy
from email.parser import HeaderParser
idx=[l.rstrip('\n').split('\t') for l in open('index.tsv')][1:]
rx=re.compile(r'^[ \t>]*Message-Id[ \t]*:[ \t]*(.*)$', re.I|re.M)
def clean(v):
    v=v.strip()
    m=re.search(r'<([^<>\s]+)>', v)
    if m: return m.group(1)
    return v.split()[0] if v.split() else ''
def from_text(t):
    lines=t.splitlines()
    for i,l in enumerate(lines):
        m=re.match(r'^[ \t>]*Message-Id[ \t]*:[ \t]*(.*)$', l, re.I)
        if m:
            v=m.group(1)
            if not v.strip() and i+1<len(lines): v=lines[i+1]
            c=clean(v)
            if c: return c
    return ''
out=[]
for f,label,kind,orig in idx:
    m=email.message_from_binary_file(open('msgs/'+f,'rb'))
    found=''; where=''
    for p in m.walk():
        if p is m: continue
        ct=p.get_content_type()
        if ct in ('message/rfc822','message/global'):
            pl=p.get_payload()
            sub=pl[0] if isinstance(pl,list) and pl else None
            if sub is not None and sub.get('Message-ID'):
                found=clean(str(sub.get('Message-ID'))); where='rfc822'; break
            raw=p.get_payload(decode=True)
            if raw:
                found=from_text(raw.decode('utf-8','replace')); where='rfc822-enc'
                if found: break
    if not found:
        for p in m.walk():
            if p is m or p.is_multipart(): continue
            ct=p.get_content_type()
            if 'rfc822-header' in ct:
                t=(p.get_payload(decode=True) or b'').decode('utf-8','replace')
                found=from_text(t); where='headers'
                if found: break
    if not found:
        for p in m.walk():
            if p.is_multipart(): continue
            ct=p.get_content_type()
            if p.get_content_maintype()!='text' and ct!='message/delivery-status': continue
            t=(p.get_payload(decode=True) or b'').decode('utf-8','replace')
            if p is m:
                t=t  # body of a single-part message
            found=from_text(t); where='text'
            if found: break
    if not found:
        raw=open('msgs/'+f,'rb').read().decode('utf-8','replace').replace('\r\n','\n')
        i=raw.find('\n\n')
        if i>=0:
            found=from_text(raw[i:]); where='raw'
    out.append((f,kind,found,where if found else ''))
for r in out: print('\t'.join(r))
