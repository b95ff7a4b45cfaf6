"""The strict tag grammar the HTML fast paths read (htmlblock: Markdown's raw-HTML pass;
anchors: MkDocs' scan for anchor ids; search: the tokens fed to Material's search parser).

A start tag: a name, then attributes separated by spaces, tabs or newlines, each with no
value, a quoted value, or a bare value that never runs into ``/>``; then ``>`` or ``/>``.
An end tag: ``</name>``, spaces allowed before the ``>``. Everything html.parser reads
differently from this (odd whitespace, commas, backticks, ``</ x>``, ``<a b=c/>``) does not
match, and a fast path hands a page with it to html.parser.

``tokens`` reads a page with one expression, token by token, and keeps each start tag's token
by its text (a page's tags are mostly the ones every page has): a third of the time the loop
of one ``find`` and three expressions per tag took.
"""

from __future__ import annotations

import functools
import re
from html import unescape
from types import ModuleType

_NAME = r"[a-zA-Z][-a-zA-Z0-9:_.]*"
_ATTR = r"""[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:[ \t\n]*=[ \t\n]*(?:"[^"]*"|'[^']*'|[^\s"'=<>`/]+(?=[\s>])))?"""
START_TAG = re.compile(rf"<({_NAME})((?:[ \t\n]+{_ATTR})*)[ \t\n]*(/?)>")  # name, attributes, '/'
END_TAG = re.compile(rf"</({_NAME})[ \t\n]*>")
ATTR = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:[ \t\n]*=[ \t\n]*("[^"]*"|'[^']*'|[^\s"'=<>`/]+))?""")
LETTER = re.compile(r"[a-zA-Z]")
# one token at a time: (1) text, (2) an end tag's name, (3) a start tag (4 name, 5 attributes,
# 6 '/'), (7) a '</' that is no end tag of the grammar, or a lone '<'
_TOKEN = re.compile(rf"([^<]+)|</({_NAME})[ \t\n]*>|({START_TAG.pattern})|(</)|<")


@functools.cache
def raw_text_elements(parser_class) -> frozenset[str]:
    """The elements whose content ``parser_class`` reads as raw text (script, style, and what
    the running Python adds): a page with one of them goes to html.parser."""
    return frozenset(
        name.lower()
        for attr in ("CDATA_CONTENT_ELEMENTS", "RCDATA_CONTENT_ELEMENTS")
        for name in getattr(parser_class, attr, ())
    )


DATA, START, STARTEND, END = range(4)


def start_tag_end(parser: ModuleType, text: str, i: int) -> int:
    """Where ``parser`` (an html.parser module) ends the start tag at ``i``, or -1: its
    check_for_whole_start_tag for a tag that is complete."""
    match = parser.locatestarttagend_tolerant.match(text, i)
    j = match.end() if match else -1
    if j < 0:
        return -1
    if text.startswith(">", j):
        return j + 1
    return j + 2 if text.startswith("/>", j) else -1


# The token of each start tag read before, by its text, per parser and ``only``: the same tags
# (<p>, <td>, <a href="..."> ...) come back on every page. Whether html.parser ends a start tag
# where the strict grammar does depends on the tag's text alone: its expression reads no
# further than the '>' (the grammar's quoted values are quoted values for it as well, and its
# look-aheads see at most that '>'), so a tag read once is read the same anywhere.
_READ: dict[tuple[int, re.Pattern | None], dict[str, tuple]] = {}  # by (id of the parser module, only)
# At most _LIMIT tags per parser, the first ones read: a site's pages have ~1,800 different
# start tags, ~1,500 of them on the next site's pages too (the rest name its people). The first
# site's tags are the ones that come back, so the cache keeps them and stops growing instead of
# being emptied and filled again. Longer tags (an SVG's paths) seldom come back.
_LIMIT, _LONGEST = 2000, 160


def keep(read: dict, piece: str, value) -> None:
    """Keep ``value`` as the reading of the start tag ``piece`` in the cache ``read`` (this
    module's, or htmlblock's), while it has room and the tag is short enough to come back."""
    if len(piece) <= _LONGEST and len(read) < _LIMIT:
        read[piece] = value


def _start_token(parser: ModuleType, text: str, j: int, start: re.Match, raw_text, only) -> tuple | None:
    """The token of the start tag ``start`` (_TOKEN's groups 4 to 6: name, attributes, '/')
    matched at ``j``, or None where ``parser`` reads it otherwise."""
    if start.end() != start_tag_end(parser, text, j):
        return None
    tag = start.group(4).lower()
    if tag in raw_text or tag != parser.tagfind_tolerant.match(text, j + 1).group(1).lower():
        return None
    written = start.group(5)
    attrs = [
        (name.lower(), unescape(value[1:-1] if value[:1] in "\"'" and value else value) if value else None)
        for name, value in (ATTR.findall(written) if only is None or only.search(written) else ())
    ]
    return (STARTEND if start.group(6) else START, tag, attrs)


def tokens(text: str, parser: ModuleType, data: bool = True, only: re.Pattern | None = None) -> list[tuple] | None:
    """The calls ``parser.HTMLParser`` (``convert_charrefs=True``) makes for ``text`` fed whole
    and closed: (DATA, text unescaped), (START or STARTEND, tag, attributes), (END, tag); the
    attributes as it gives them (names in lower case, values unquoted and unescaped, None for
    none). ``data=False`` leaves the text out; ``only``: a tag's attributes are read only where
    this expression finds something in their text (the rest get []). None where the strict
    grammar cannot say."""
    if "<!" in text or "<?" in text:
        return None
    raw_text = raw_text_elements(parser.HTMLParser)
    read = _READ.setdefault((id(parser), only), {})
    out: list[tuple] = []
    add = out.append
    for match in _TOKEN.finditer(text):
        kind = match.lastindex
        if kind == 1:  # text
            if data:
                add((DATA, unescape(match.group())))
        elif kind == 2:  # an end tag
            add((END, match.group(2).lower()))
        elif kind == 3:  # a start tag in the strict grammar
            piece = match.group()
            token = read.get(piece)
            if token is None:
                token = _start_token(parser, text, match.start(), match, raw_text, only)
                if token is None:
                    return None
                keep(read, piece, token)
            add(token)
        elif kind == 7 or LETTER.match(text, match.end()):  # '</' or '<' + letter outside the grammar
            return None
        elif data:  # a '<' before anything but a letter or '/' is text of its own
            add((DATA, "<"))
    return out
