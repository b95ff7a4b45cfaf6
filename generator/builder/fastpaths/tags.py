"""The strict tag grammar the HTML fast paths read (htmlblock: Markdown's raw-HTML pass;
anchors: MkDocs' scan for anchor ids; search: the tokens fed to Material's search parser).

A start tag: a name, then attributes separated by spaces, tabs or newlines, each with no
value, a quoted value, or a bare value that never runs into ``/>``; then ``>`` or ``/>``.
An end tag: ``</name>``, spaces allowed before the ``>``. Everything html.parser reads
differently from this (odd whitespace, commas, backticks, ``</ x>``, ``<a b=c/>``) does not
match, and a fast path hands a page with it to html.parser.
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
    out: list[tuple] = []
    i, n = 0, len(text)
    while i < n:
        j = text.find("<", i)
        if j < 0:
            if data:
                out.append((DATA, unescape(text[i:])))
            break
        if j > i and data:
            out.append((DATA, unescape(text[i:j])))
        if text.startswith("</", j):
            end = END_TAG.match(text, j)
            if end is None:
                return None
            out.append((END, end.group(1).lower()))
            i = end.end()
        elif LETTER.match(text, j + 1):
            start = START_TAG.match(text, j)
            if start is None or start.end() != start_tag_end(parser, text, j):
                return None
            tag = start.group(1).lower()
            if tag in raw_text or tag != parser.tagfind_tolerant.match(text, j + 1).group(1).lower():
                return None
            written = start.group(2)
            attrs = [
                (name.lower(), unescape(value[1:-1] if value[:1] in "\"'" and value else value) if value else None)
                for name, value in (ATTR.findall(written) if only is None or only.search(written) else ())
            ]
            out.append((STARTEND if start.group(3) else START, tag, attrs))
            i = start.end()
        else:  # a '<' before anything but a letter or '/' is text of its own
            if data:
                out.append((DATA, "<"))
            i = j + 1
    return out
