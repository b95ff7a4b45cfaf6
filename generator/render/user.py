"""A user's Markdown (summary, role descriptions, extra pages) as a page's Markdown.

Headings stay Markdown headings, their text escaped, so every engine builds its table of
contents, anchors and search sections from them; the text between them goes through the one
sanitiser (project/markdown.py) and into the page as raw HTML blocks.
"""

from __future__ import annotations

import re

from markupsafe import Markup

from generator.project.markdown import Links, to_html
from generator.render import escape

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$|^ {0,3}(#{1,6})[ \t]*$")


def user_markdown(source: str, shift: int = 0, links: Links | None = None) -> Markup:
    """User Markdown as page Markdown: escaped headings (``shift`` levels deeper, at most 6) and
    the text between them as sanitised raw HTML blocks."""
    out: list[str] = []
    chunk: list[str] = []

    def flush() -> None:
        text = "\n".join(chunk).strip("\n")
        chunk.clear()
        if text.strip():
            html = to_html(text, links).strip()
            if html:
                out.append(f'<div class="hb-user">\n{html}\n</div>')

    for line in source.replace("\r\n", "\n").split("\n"):
        heading = _HEADING.match(line)
        if heading:
            flush()
            hashes = heading.group(1) or heading.group(3)
            title = (heading.group(2) or "").strip()
            if title:
                out.append("#" * min(6, len(hashes) + shift) + " " + escape.text(title))
        else:
            chunk.append(line)
    flush()
    return Markup("\n\n".join(out))
