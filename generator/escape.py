"""One escaping function for every plain-text value that reaches a page.

Plain text (names, departments, topics, ...) must render literally in Markdown
tables, headings and HTML: every character Markdown, attr_list, admonitions,
tables or HTML could act on becomes a numeric character reference, which
Markdown passes through and the browser shows as the character itself.
"""

from __future__ import annotations

import re

from markupsafe import Markup

SPECIAL = frozenset("\\`*_{}[]()#+-.!|<>&~^=:\"'$%@")
_NO_HTML = re.compile(r"<")


def text(value: object) -> Markup:
    """Plain text -> Markdown/HTML source that displays exactly this text."""
    if isinstance(value, Markup):
        return value
    out = "".join(f"&#{ord(c)};" if c in SPECIAL or (c.isspace() and c != " ") else c for c in str(value))
    return Markup(out)


def attr(value: str) -> str:
    """A value for a double-quoted HTML attribute inside raw HTML."""
    return "".join(f"&#{ord(c)};" if c in SPECIAL or not c.isprintable() else c for c in value)


def markdown(value: str) -> Markup:
    """A Markdown field: Markdown stays Markdown, raw HTML is shown as text, not run."""
    return Markup(_NO_HTML.sub("&lt;", value.replace("\r\n", "\n")))
