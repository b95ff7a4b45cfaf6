"""The print page: the whole handbook on one page, for paper and `handbook pdf`.

Written here from the page table, so every engine builds it (no plugin): its title, the
contents (a link to each page's chapter), and an empty element that the builder fills with
each page's built content once the engine is done (builder/printpage.py). Each chapter's id
is ``anchor_id`` of its page, the id every link to that page becomes on the print page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

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


def print_page(view: View, table: list[Page], pages: Mapping[str, str], edition: date) -> str:
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
        ident = anchor_id(page.path)
        # the page number is left empty here: the PDF fills it in (exports/pdf.py), its width reserved
        entry = f'<a data-hb-chapter="{ident}">{title_of(page, pages[page.path])}</a><span class="hb-toc-page" data-hb-page="{ident}"></span>'
        if nested and not nested_open:
            items[-1] = items[-1].removesuffix("</li>") + "<ul>"
            nested_open = True
        items.append(f"<li>{entry}</li>")
    if nested_open:
        items.append("</ul></li>")
    toc = '<nav class="hb-print-toc">\n<ul>\n' + "\n".join(items) + "\n</ul>\n</nav>"
    parts = [f"# {L['print_page']}", "", '<div class="hb-print-page"></div>', "", cover(view, edition), ""]
    return "\n".join([*parts, f"## {L['contents']}", "", toc, "", chapters(table)]) + "\n"


def cover(view: View, edition: date) -> str:
    """The first page on paper: the client, the project, whose handbook it is, and its edition."""
    L, t = view.L, escape.text
    lines = [
        f'<p class="hb-cover__kind">{t(L["handbook"])}</p>',
        f'<p class="hb-cover__client">{t(view.client)}</p>',
        f'<p class="hb-cover__title">{t(view.title)}</p>',
        f'<p class="hb-cover__contractor">{t(view.contractor)}</p>',
        f'<p class="hb-cover__edition">{t(L["edition"].format(date=view.long_date(edition)))}</p>',
    ]
    return '<div class="hb-cover">\n' + "\n".join(lines) + "\n</div>"
