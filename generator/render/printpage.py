"""The print page: the whole handbook on one page, for paper and `handbook pdf`.

Written here from the page table, so every engine builds it (no plugin) and every heading and
id on it is ours: each page becomes a chapter (its headings one level down), every heading an
id made of its page and its own name, and every link between pages an anchor on this page.
"""

from __future__ import annotations

import html
import re

from markdown.extensions.toc import slugify

from generator.render.pages import PRINT_PAGE, Context, Page, anchor_id, render_page
from generator.render.view import View

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)(?:[ \t]+\{:?[ \t]*#([\w-]+)[ \t]*\})?[ \t]*$")


def chapter(page: Page, markdown: str) -> str:
    """A page's Markdown as a chapter of the print page: headings one level down, each with its id."""
    seen: dict[str, int] = {}
    out = []
    for line in markdown.split("\n"):
        match = _HEADING.match(line)
        if not match:
            out.append(line)
            continue
        hashes, text, given = match.groups()
        own = anchor_id(page.path)
        if len(hashes) == 1 and own not in seen:
            ident = own  # the page's title: links to the page lead here
        elif given:  # made for this page by anchor() in print mode, or written into a chapter
            ident = given if given.startswith(f"{own}-") else anchor_id(page.path, given)
        else:
            ident = anchor_id(page.path, slugify(html.unescape(text), "-"))
        count = seen.get(ident, 0)
        seen[ident] = count + 1
        if count:
            ident = f"{ident}-{count + 1}"
        out.append(f"{'#' * min(6, len(hashes) + 1)} {text} {{ #{ident} }}")
    return "\n".join(out).strip("\n")


def title_of(page: Page, markdown: str) -> str:
    """The page's own first heading (its text as written into the Markdown)."""
    for line in markdown.split("\n"):
        match = _HEADING.match(line)
        if match and len(match.group(1)) == 1:
            return match.group(2)
    return page.title or page.path


def print_page(view: View, table: list[Page], ctx: Context) -> str:
    """The Markdown of the print page: its title, the contents, then every page as a chapter."""
    L = view.L
    chapters = [(page, render_page(page, ctx, printed=True)) for page in table]
    lines = ["---", "search:", "  exclude: true", "---", "", f"# {L['print_page']}", ""]
    lines += ['<div class="hb-print-page" markdown="0"></div>', "", f"## {L['contents']} {{ #contents }}", ""]
    section = None
    for page, markdown in chapters:
        nested = page.section is not None and not page.path.endswith("/index.md")
        if page.section != section:
            section = page.section
            if nested:  # a section without a page of its own (methodology): its name heads the list
                lines.append(f"- {L[page.section]}")
        lines.append(("    " if nested else "") + f"- [{title_of(page, markdown)}](#{anchor_id(page.path)})")
    lines.append("")
    for page, markdown in chapters:
        lines += [chapter(page, markdown), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


__all__ = ["PRINT_PAGE", "print_page"]
