"""Readers for the docs tools: the items of pv-abi/*.h and the entries of docs/hypercalls.md.

pv-abi items: every `#define PV_*` (constant or macro), every `struct pv_*` / `union pv_*` at
file level and every `typedef ... pv_*`, each with its header, value or source and comment.
hypercalls.md entries: its `## ` headings, with the hypercall numbers they start with and the
anchors mkdocs gives them (Python-Markdown's toc slugify).
"""
import os
import re
import unicodedata

DEFINE = re.compile(r'^#define\s+(PV_\w+)(\([^)]*\))?\s*(.*)$')
AGGREGATE = re.compile(r'^(struct|union)\s+(pv_\w+)\s*\{')
TYPEDEF = re.compile(r'^typedef\s+[\w\s]+?\b(pv_\w+)\s*(\[[^\]]*\])?\s*;')


class Item:
    def __init__(self, kind, name, header, line, value='', doc='', source=''):
        self.kind, self.name, self.header, self.line = kind, name, header, line
        self.value, self.doc, self.source = value, doc, source


def _logical_lines(text):
    """Lines with backslash continuations joined, with the number of each one's first line."""
    out, buf, start = [], '', 0
    for n, line in enumerate(text.split('\n'), 1):
        if not buf:
            start = n
        if line.endswith('\\'):
            buf += line[:-1] + ' '
            continue
        out.append((start, buf + line))
        buf = ''
    return out


def _split_comment(rest):
    """'value /* comment */' -> (value, comment)."""
    m = re.match(r'^(.*?)\s*/\*\s*(.*?)\s*\*/\s*$', rest)
    if m:
        return m.group(1).strip(), re.sub(r'\s+', ' ', m.group(2))
    return rest.strip(), ''


def _comment_before(lines, i):
    """The /* ... */ comment ending right above line index i (stripped of its decoration)."""
    j = i - 1
    if j < 0 or not lines[j][1].rstrip().endswith('*/'):
        return ''
    k = j
    while k >= 0 and '/*' not in lines[k][1]:
        k -= 1
    body = ' '.join(l for _, l in lines[k:j + 1])
    body = re.sub(r'/\*+|\*+/', ' ', body)
    body = re.sub(r'\s\*\s', ' ', body)
    return re.sub(r'\s+', ' ', body).strip()


def header_intro(text):
    """The header's opening comment, without the SPDX line and the star margin."""
    m = re.search(r'/\*\n(.*?)\*/', text, re.S)
    if not m:
        return ''
    return '\n'.join(re.sub(r'^ ?\* ?', '', l) for l in m.group(1).rstrip().split('\n'))


def parse_header(path):
    text = open(path, encoding='utf-8').read()
    header = os.path.basename(path)
    lines = _logical_lines(text)
    items = []
    i = 0
    while i < len(lines):
        n, line = lines[i]
        m = DEFINE.match(line)
        if m and not m.group(1).startswith('PV_ABI_'):
            value, doc = _split_comment(m.group(3))
            kind = 'macro' if m.group(2) else 'constant'
            name = m.group(1) + (m.group(2) or '')
            items.append(Item(kind, m.group(1), header, n, value, doc or _comment_before(lines, i)))
            items[-1].signature = name
        m = AGGREGATE.match(line)
        if m:
            j, depth = i, 0
            while True:
                depth += lines[j][1].count('{') - lines[j][1].count('}')
                if depth == 0 and '}' in lines[j][1]:
                    break
                j += 1
            src = '\n'.join(l for _, l in lines[i:j + 1])
            items.append(Item(m.group(1), m.group(2), header, n, doc=_comment_before(lines, i),
                              source=src))
            i = j
        m = TYPEDEF.match(line)
        if m:
            value, doc = _split_comment(line)
            items.append(Item('typedef', m.group(1), header, n, doc=doc or _comment_before(lines, i),
                              source=value))
        i += 1
    return items


def headers(root):
    d = os.path.join(root, 'pv-abi')
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith('.h'))


def all_items(root):
    return [item for h in headers(root) for item in parse_header(h)]


def int_value(item):
    """The value of a plain numeric constant, or None."""
    v = re.sub(r'(?<=[0-9a-fA-F])[uUlL]+\b', '', item.value).strip('() ')
    try:
        return int(v, 0)
    except ValueError:
        return None


def slugify(text):
    """Python-Markdown's toc slugify (what mkdocs uses for heading anchors)."""
    text = re.sub(r'<[^>]*>', '', text)
    text = re.sub(r'[`*]', '', text)
    text = unicodedata.normalize('NFKD', text).encode('ascii', 'ignore').decode('ascii')
    text = re.sub(r'[^\w\s-]', '', text).strip().lower()
    return re.sub(r'[-\s]+', '-', text)


def headings(md_path):
    """[(level, text, anchor)] of a Markdown file, outside code blocks, anchors made unique."""
    out, seen, fenced = [], {}, False
    for line in open(md_path, encoding='utf-8'):
        if line.startswith('```'):
            fenced = not fenced
        m = None if fenced else re.match(r'^(#{1,6})\s+(.*?)\s*#*\s*$', line)
        if m:
            slug = slugify(m.group(2))
            if slug in seen:
                seen[slug] += 1
                slug = f'{slug}_{seen[slug]}'
            else:
                seen[slug] = 0
            out.append((len(m.group(1)), m.group(2), slug))
    return out


def hypercall_entries(md_path):
    """{hypercall number: anchor} for the '## N name' headings of the hypercall reference
    (a heading may name two: '## 8 set_debugreg(...) / 9 get_debugreg(...)')."""
    out = {}
    for level, text, slug in headings(md_path):
        if level != 2:
            continue
        for num in re.findall(r'(?:^|/ )(\d+) \w+', text):
            out[int(num)] = slug
    return out
