"""One escaping function for every plain-text value that reaches a page.

Plain text (names, departments, topics, ...) must render literally in Markdown
tables, headings and HTML: every character Markdown, attr_list, admonitions,
tables or HTML could act on becomes a numeric character reference, which
Markdown passes through and the browser shows as the character itself.
"""

from __future__ import annotations

import functools
import re

from markupsafe import Markup

# Anywhere in a line: inline Markdown, HTML, entities, tables, attr_list, closing '#' of headings.
INLINE = frozenset('\\`*_{}[]<>&|#!"')
# Only where a block starts: lists, headings, rules, admonitions, definitions, numbers ("1.").
LEADING = INLINE | frozenset("+-.=:~^$%@'()0123456789")
_TABLE = {ord(c): f"&#{ord(c)};" for c in INLINE}
_NO_HTML = re.compile(r"<")
_ODD_SPACE = re.compile(r"[^\S ]")  # whitespace other than a plain space (Markdown would strip it)


def text(value: object) -> Markup:
    """Plain text -> Markdown/HTML source that displays exactly this text, wherever it is placed."""
    if isinstance(value, Markup):
        return value
    return _text(str(value))


@functools.lru_cache(maxsize=1 << 14)  # a site asks for the same names and labels thousands of times
def _text(s: str) -> Markup:
    start = len(s) - len(s.lstrip(" "))
    if start == len(s):
        return Markup(s)
    lead = s[start]
    first = f"&#{ord(lead)};" if lead in LEADING else lead.translate(_TABLE)
    # Leading spaces as references too: four of them at a line start would open a code block.
    out = "&#32;" * start + first + s[start + 1 :].translate(_TABLE)
    if _ODD_SPACE.search(out):
        out = _ODD_SPACE.sub(lambda m: f"&#{ord(m.group(0))};", out)
    return Markup(out)


def attr(value: str) -> str:
    """A value for a double-quoted HTML attribute inside raw HTML."""
    return "".join(f"&#{ord(c)};" if c in LEADING or not c.isprintable() else c for c in value)


def markdown(value: str) -> Markup:
    """A Markdown field: Markdown stays Markdown, raw HTML is shown as text, not run."""
    return Markup(_NO_HTML.sub("&lt;", value.replace("\r\n", "\n")))
