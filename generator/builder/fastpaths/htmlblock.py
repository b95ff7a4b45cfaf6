"""Python-Markdown's raw-HTML pass, the same result without html.parser on well-formed HTML.

``HtmlBlockPreprocessor.run`` feeds the whole page to ``HTMLExtractor``, an
``html.parser.HTMLParser``: one Python call per tag, per piece of text, per line counted.
A handbook page is mostly raw HTML (an inline SVG per diagram, card tables, contact
links), so that pass took nearly half of Markdown's time on it.

For the HTML this module can read exactly, the extractor's work is simple: text, inline
tags and character references go through unchanged; a block-level start tag at the start
of a line (up to three spaces in) opens a raw block, which ends with the end tag that
empties the stack of tags opened inside it; the block is stashed (``md.htmlStash``) and
replaced by its placeholder. ``extract`` does that with one regular expression, token by
token (each start tag's reading kept by its text), and gives up (``None``: the extractor
runs as before) on anything else:

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


# One token at a time (the named group says which): text; a complete character reference; '&#'
# without one; an entity reference; a lone '&'; an end tag of the grammar; any other '</'; a start
# tag of the grammar; any other '<'.
_TOKEN = re.compile(
    rf"(?P<text>[^<&]+)|(?P<charref>{_CHARREF.pattern})|(?P<badref>&#)|(?P<entity>{_ENTITYREF.pattern})|(?P<amp>&)"
    rf"|(?P<end>{_END.pattern})|(?P<badend></)|(?P<start>{_START.pattern})|(?P<lt><)"
)
_END_NAME = _TOKEN.groupindex["end"] + 1  # the end tag's name (_END's group 1)
_START_NAME = _TOKEN.groupindex["start"] + 1  # the start tag's name and '/' (_START's groups 1, 3)
_START_SLASH = _START_NAME + 2
# Each start tag read before, by its text: (name, empty), or None where the parser reads it
# otherwise. Whether it does depends on the tag's text alone (tags.py, _READ), so a tag read
# once is read the same anywhere, and most of a page's tags come back on the next page.
_READ: dict[str, tuple[str, bool] | None] = {}


def _start_tag(text: str, j: int, match: re.Match) -> tuple[str, bool] | None:
    """(name in lower case, empty) of the start tag ``match`` at ``j``, or None where the parser
    ends it elsewhere, reads its name otherwise or reads its content as raw text."""
    piece = match.group("start")
    if piece in _READ:
        return _READ[piece]
    read = None
    if match.end() == tags.start_tag_end(_parser, text, j):
        tag = match.group(_START_NAME).lower()
        if tag not in _RAW_TEXT and tag == _parser.tagfind_tolerant.match(text, j + 1).group(1).lower():
            read = (tag, bool(match.group(_START_SLASH)) or tag in _EMPTY)  # handle_startendtag -> handle_empty_tag
    tags.keep(_READ, piece, read)
    return read


def extract(md, text: str) -> list[str] | None:
    """The lines HTMLExtractor leaves of ``text`` (raw blocks stashed in ``md.htmlStash``), or
    None where this reading is not certain to be the extractor's."""
    if "<!" in text or "<?" in text:
        return None
    out: list[str] = []  # HTMLExtractor.cleandoc
    raw: list[str] = []  # HTMLExtractor._cache
    stack: list[str] = []
    inraw = False
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "text" or kind == "charref" or kind == "entity" or kind == "amp":  # a lone & is text
            (raw if inraw else out).append(match.group())
        elif kind == "end":
            piece = match.group()
            if not inraw:
                out.append(piece)
                continue
            raw.append(piece)
            tag = match.group(_END_NAME).lower()
            if tag in stack:
                while stack.pop() != tag:
                    pass
            if stack:
                continue
            i = match.end()
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
        elif kind == "start":
            j = match.start()
            read = _start_tag(text, j, match)
            if read is None:
                return None
            tag, empty = read
            piece = match.group()
            if inraw:
                raw.append(piece)
                if not empty:
                    stack.append(tag)
            elif md.is_block_level(tag) and _at_line_start(text, j):
                if empty:
                    return None
                inraw = True
                out.append("\n")
                stack.append(tag)
                raw.append(piece)
            else:
                out.append(piece)
        elif kind == "lt" and not _LETTER.match(text, match.end()):  # '<' before anything but a letter: text
            (raw if inraw else out).append("<")
        else:  # '&#' without a reference, '</' without an end tag, '<' + letter without a start tag
            return None
    if inraw:
        return None
    return "".join(out).split("\n")


def install(on: bool = True) -> None:
    """Use the fast reading in this process (``on=False``: Markdown's own, for comparisons)."""
    preprocessors.HtmlBlockPreprocessor.run = run if on else STOCK
