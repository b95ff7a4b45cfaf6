"""MkDocs' scan of a page's raw HTML for anchors, by the strict tag grammar instead of html.parser.

Before Markdown's own raw-HTML pass, MkDocs 1.6 feeds each page's whole Markdown text to an
html.parser (``_RawHTMLPreprocessor``) only to collect the ``id`` of every tag and the
``name`` of every ``<a>``: the anchors other pages may link to. On a handbook page, mostly
raw HTML, that scan took a third of the page's conversion. ``tags.tokens`` gives the same
start tags with the same attributes where it can read the text, and the scan runs as before
where it cannot. tests/test_engine.py compares both on real pages and generated HTML.
"""

from __future__ import annotations

import re

from markdown import htmlparser as extractor
from mkdocs.structure import pages

from generator.builder.fastpaths import tags

STOCK = pages._RawHTMLPreprocessor.run
_parser = extractor.htmlparser  # the html.parser copy MkDocs' _HTMLHandler subclasses
_NAMES = re.compile(r"(?i)\b(?:id|name)\b")  # a tag without either has no anchor to give


def anchor_ids(text: str) -> set[str] | None:
    """What ``_HTMLHandler`` collects from ``text``, or None where tags.tokens cannot read it."""
    read = tags.tokens(text, _parser, data=False, only=_NAMES)
    if read is None:
        return None
    found: set = set()
    for token in read:
        if token[0] in (tags.START, tags.STARTEND):  # handle_startendtag calls handle_starttag
            tag = token[1]
            for key, value in token[2]:
                if key == "id" or (key == "name" and tag == "a"):
                    found.add(value)
    return found


def run(self, lines: list[str]) -> list[str]:
    """_RawHTMLPreprocessor.run of MkDocs 1.6."""
    if type(self) is pages._RawHTMLPreprocessor:
        found = anchor_ids("\n".join(lines))
        if found is not None:
            self.present_anchor_ids = found
            return lines
    return STOCK(self, lines)


def install(on: bool = True) -> None:
    """Scan this way in this process (``on=False``: MkDocs' own, for comparisons)."""
    pages._RawHTMLPreprocessor.run = run if on else STOCK  # type: ignore[method-assign]
