#!/usr/bin/env python3
"""Golden questions for WebPagesTest: the first <h1>/<h2> of each test page read with Python's
html.parser (an independent HTML tokenizer and entity decoder), Sphinx's hidden permalink anchors
(class="headerlink") skipped, white space collapsed; then the three question rules of
io.papers4j.multimodal.infimm.WebPages and the 48-token budget.

Usage: python3 tools/reference/infimm_web_questions.py multimodal/src/test/resources/infimm/webpages
writes questions.json in that directory.
"""
import json
import os
import re
import sys
from html.parser import HTMLParser

MAX_TOKENS = 48


class FirstHeading(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.level = None      # 'h1' or 'h2' while inside the first heading
        self.done = False
        self.skip = 0          # depth inside <a class="headerlink">
        self.text = []

    def handle_starttag(self, tag, attrs):
        if self.done:
            return
        if self.level is None and tag in ('h1', 'h2'):
            self.level = tag
        elif self.level is not None and tag == 'a' and 'headerlink' in (dict(attrs).get('class') or '').split():
            self.skip += 1
        elif self.level is not None and tag == 'br':
            self.text.append(' ')

    def handle_endtag(self, tag):
        if self.done or self.level is None:
            return
        if tag == 'a' and self.skip:
            self.skip -= 1
        elif tag == self.level:
            self.done = True

    def handle_data(self, data):
        if self.level is not None and not self.done and not self.skip:
            self.text.append(data)


def heading(html):
    p = FirstHeading()
    p.feed(html)
    if p.level is None:
        return None
    t = ''.join(p.text).replace('\u00b6', '').replace('\u00a0', ' ')
    t = ' '.join(t.split())
    return t or None


def fits(q, a):
    return 3 + len(q.encode('utf-8')) + len(a.encode('utf-8')) <= MAX_TOKENS


def questions(html):
    h = heading(html)
    out = []
    if h is None:
        return out
    if fits('heading?', h):
        out.append(['heading?', h])
    m = re.match(r'(?:(?:Chapter|Appendix|Part) )?((?:[0-9]+|[A-Z]|[IVXLC]+)(?:\.[0-9]+)*)\. \S', h)
    if m and fits('section number?', m.group(1)):
        out.append(['section number?', m.group(1)])
    m = re.match(r'(\S+) \u2014 \S', h)
    if m and fits('name before the dash?', m.group(1)):
        out.append(['name before the dash?', m.group(1)])
    return out


def main():
    d = sys.argv[1]
    golden = {}
    for f in sorted(os.listdir(d)):
        if f.endswith('.html'):
            with open(os.path.join(d, f), encoding='utf-8') as fh:
                golden[f] = questions(fh.read())
    with open(os.path.join(d, 'questions.json'), 'w', encoding='utf-8') as fh:
        json.dump(golden, fh, ensure_ascii=False, indent=1)
        fh.write('\n')
    print(json.dumps(golden, ensure_ascii=False, indent=1))


if __name__ == '__main__':
    main()
