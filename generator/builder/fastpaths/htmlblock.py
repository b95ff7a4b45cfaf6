"""Python-Markdown's raw-HTML pass, the same result without html.parser on well-formed HTML.

``HtmlBlockPreprocessor.run`` feeds the whole page to ``HTMLExtractor``, an
``html.parser.HTMLParser``: one Python call per tag, per piece of text, per line counted.
A handbook page is mostly raw HTML (an inline SVG per diagram, card tables, contact
links), so that pass took nearly half of Markdown's time on it.

For the HTML this module can read exactly, the extractor's work is simple: text, inline
tags and character references go through unchanged; a block-level start tag at the start
of a line (up to three spaces in) opens a raw block, which ends with the end tag that
empties the stack of tags opened inside it; the block is stashed (``md.htmlStash``) and
replaced by its placeholder. ``extract`` does that with regular expressions, tag by tag,
and gives up (``None``: the extractor runs as before) on anything else:

- comments, declarations, processing instructions (``<!``, ``<?``),
- a tag the strict grammar of tags.py does not cover (attributes quoted or bare, separated by
  spaces, tabs or newlines; a bare value never runs into ``/>``), checked against the
  parser's own expression for where a start tag ends,
- an element the parser reads as raw text (``script``, ``style``, and any the running
  Python adds to ``CDATA_CONTENT_ELEMENTS`` or ``RCDATA_CONTENT_ELEMENTS``),
- ``&#`` not followed by a complete reference with ``;`` (the parser rewrites or stops
  there), a ``</`` not followed by a plain end tag,
- an empty block-level tag outside a raw block (``<hr>``, ``<div/>``), a raw block left
  open, and text after a block's end tag on its line unless it ends that line (the
  extractor's "tail", which otherwise changes where later HTML goes).

tests/test_engine.py compares both on the examples' and generated sites' pages and on
generated tag soup; `make bench` compares whole sites byte for byte.
"""

from __future__ import annotations

import re

from markdown import htmlparser as extractor
from markdown import preprocessors

from generator.builder.fastpaths import tags

STOCK = preprocessors.HtmlBlockPreprocessor.run
_parser = extractor.htmlparser  # Markdown's own copy of html.parser, with its changes

_INTERESTING = re.compile(r"[<&]")
_START, _END, _LETTER = tags.START_TAG, tags.END_TAG, tags.LETTER
_CHARREF = re.compile(r"&#(?:[0-9]+|[xX][0-9a-fA-F]+);")
_ENTITYREF = _parser.entityref  # &name; (Markdown accepts only the complete form)
_BLANK_AFTER = re.compile(r"([ ]*\n){2}")  # extractor.blank_line_re, matched at a position
_RAW_TEXT = tags.raw_text_elements(_parser.HTMLParser)
_EMPTY = frozenset(["hr"])  # HTMLExtractor.empty_tags


def run(self, lines: list[str]) -> list[str]:
    """HtmlBlockPreprocessor.run: the fast reading where it applies, the extractor elsewhere."""
    if type(self) is preprocessors.HtmlBlockPreprocessor:
        stash = self.md.htmlStash
        mark = (stash.html_counter, len(stash.rawHtmlBlocks))
        result = extract(self.md, "\n".join(lines))
        if result is not None:
            return result
        stash.html_counter, stash.rawHtmlBlocks[mark[1] :] = mark[0], []  # undo a half reading
    return STOCK(self, lines)


def _at_line_start(text: str, i: int) -> bool:
    """HTMLExtractor.at_line_start: at most three spaces (any whitespace) before, on its line."""
    start = text.rfind("\n", 0, i) + 1
    return i == start or (i - start <= 3 and text[start:i].strip() == "")


def extract(md, text: str) -> list[str] | None:
    """The lines HTMLExtractor leaves of ``text`` (raw blocks stashed in ``md.htmlStash``), or
    None where this reading is not certain to be the extractor's."""
    if "<!" in text or "<?" in text:
        return None
    out: list[str] = []  # HTMLExtractor.cleandoc
    raw: list[str] = []  # HTMLExtractor._cache
    stack: list[str] = []
    inraw = False
    i, n = 0, len(text)
    while i < n:
        found = _INTERESTING.search(text, i)
        j = found.start() if found else n
        if j > i:
            (raw if inraw else out).append(text[i:j])
        if found is None:
            break
        if text[j] == "&":
            if text.startswith("&#", j):
                ref = _CHARREF.match(text, j)
                if ref is None:
                    return None
            else:
                ref = _ENTITYREF.match(text, j)
            piece = ref.group() if ref else "&"  # a lone & is text, as in the extractor
            (raw if inraw else out).append(piece)
            i = j + len(piece)
            continue
        if text.startswith("</", j):
            end = _END.match(text, j)
            if end is None:
                return None
            tag, piece = end.group(1).lower(), end.group()
            i = end.end()
            if not inraw:
                out.append(piece)
                continue
            raw.append(piece)
            if tag in stack:
                while stack.pop() != tag:
                    pass
            if stack:
                continue
            if _BLANK_AFTER.match(text, i):
                raw.append("\n")
            else:  # the tail: only text up to the end of the line (or of the page) is read the same
                following = _INTERESTING.search(text, i)
                if following and "\n" not in text[i : following.start()]:
                    return None
            inraw = False
            out.append(md.htmlStash.store("".join(raw)))
            out.append("\n\n")
            raw = []
            continue
        if not _LETTER.match(text, j + 1):  # '<' before anything but a letter or '/': text
            (raw if inraw else out).append("<")
            i = j + 1
            continue
        start = _START.match(text, j)
        if start is None or start.end() != tags.start_tag_end(_parser, text, j):
            return None
        tag, piece = start.group(1).lower(), start.group()
        if tag in _RAW_TEXT or tag != _parser.tagfind_tolerant.match(text, j + 1).group(1).lower():
            return None
        i = start.end()
        empty = start.group(3) or tag in _EMPTY  # handle_startendtag -> handle_empty_tag
        if inraw:
            raw.append(piece)
            if not empty:
                stack.append(tag)
            continue
        if md.is_block_level(tag) and _at_line_start(text, j):
            if empty:
                return None
            inraw = True
            out.append("\n")
            stack.append(tag)
            raw.append(piece)
        else:
            out.append(piece)
    if inraw:
        return None
    return "".join(out).split("\n")


def install(on: bool = True) -> None:
    """Use the fast reading in this process (``on=False``: Markdown's own, for comparisons)."""
    preprocessors.HtmlBlockPreprocessor.run = run if on else STOCK
