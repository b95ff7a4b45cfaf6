"""The print page: the whole handbook on one page, for paper and `handbook pdf`.

Written here from the page table, so every engine builds it (no plugin): its title, the
contents (a link to each page's chapter), and an empty element that the builder fills with
each page's built content once the engine is done (builder/printpage.py). Each chapter's id
is ``anchor_id`` of its page, the id every link to that page becomes on the print page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from generator.render import escape
from generator.render.pages import Page, anchor_id
from generator.render.view import View

_TITLE = re.compile(r"^# (.*?)(?:\s+\{[^}]*\})?\s*$")


def title_of(page: Page, markdown: str) -> str:
    """The page's own first heading (its text as written into the Markdown)."""
    for line in markdown.split("\n"):
        match = _TITLE.match(line)
        if match:
            return match.group(1)
    return page.title or page.path


def chapters(table: list[Page]) -> str:
    """The empty element the builder fills with the built pages (builder/printpage.py: PLACE):
    it names each page and the id of its chapter, in order."""
    listed = " ".join(f"{page.path}={anchor_id(page.path)}" for page in table)
    return f'<div class="hb-print-chapters" data-chapters="{listed}"></div>'


def print_page(view: View, table: list[Page], pages: Mapping[str, str]) -> str:
    """The Markdown of the print page: its title, the contents, the place for the chapters.

    The contents are raw HTML whose links get their targets (``data-hb-chapter``) only when the
    builder puts the chapters in: an engine that checks anchors would find none before."""
    L = view.L
    items: list[str] = []
    section, nested_open = None, False
    for page in table:
        nested = page.section is not None and not page.path.endswith("/index.md")
        if page.section != section:
            if nested_open:
                items.append("</ul></li>")
                nested_open = False
            section = page.section
            if nested and page.section:  # a section without a page of its own (methodology): its name heads it
                items.append(f"<li>{escape.text(L[page.section])}<ul>")
                nested_open = True
        entry = f'<a data-hb-chapter="{anchor_id(page.path)}">{title_of(page, pages[page.path])}</a>'
        if nested and not nested_open:
            items[-1] = items[-1].removesuffix("</li>") + "<ul>"
            nested_open = True
        items.append(f"<li>{entry}</li>")
    if nested_open:
        items.append("</ul></li>")
    toc = '<nav class="hb-print-toc">\n<ul>\n' + "\n".join(items) + "\n</ul>\n</nav>"
    head = ["---", "search:", "  exclude: true", "---", "", f"# {L['print_page']}", ""]
    return (
        "\n".join([*head, '<div class="hb-print-page"></div>', "", f"## {L['contents']}", "", toc, "", chapters(table)])
        + "\n"
    )
