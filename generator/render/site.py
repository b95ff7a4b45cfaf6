"""A site as render makes it and builder builds it: pages, files, navigation and settings,
with nothing of any engine in it. ``client_site`` is the pure step of a client's build:
the checked model and what was read for it in, the whole site out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from generator.render.describe import describe
from generator.render.pages import PRINT_PAGE, Context, Meta, hidden, nav, page_table, render_page
from generator.render.printpage import print_page
from generator.render.view import View

__all__ = ["Agreed", "ClientInputs", "Entry", "Meta", "Site", "client_site", "paper_css"]


@dataclass(frozen=True)
class Site:
    """Everything a builder needs: Markdown pages and other files under docs/, the navigation in
    MkDocs' form, pages reached only by links, and the settings a theme is given."""

    name: str  # plain text; the builder escapes it for its templates
    lang: str
    pages: Mapping[str, str]
    files: Mapping[str, bytes] = field(default_factory=dict)
    nav: list = field(default_factory=list)
    hidden: tuple[str, ...] = ()
    noindex: bool = True
    labels: Mapping[str, str] = field(default_factory=dict)  # toggle_dark, toggle_light
    scripts: bool = True  # our JavaScript (keyboard access to wide tables)
    print_page: str | None = PRINT_PAGE
    meta: Mapping[str, Meta] = field(default_factory=dict)  # page path -> what it says about itself
    styles: Mapping[str, str] = field(default_factory=dict)  # this site's own CSS: file name -> text


@dataclass(frozen=True)
class Entry:
    """One day on which the client's public view changed, and what changed, in words."""

    day: date
    changes: list[str]


@dataclass(frozen=True)
class Agreed:
    """What changed since the role distribution was agreed (format 1.1 ``agreement:``), in words:
    roles, people, working groups, the RACI and the communication matrix (contact details and
    absences are no part of the distribution). ``changes`` is None when no agreed version is in
    the git history (then the start page only says when and by whom it was agreed)."""

    revision: str | None  # the commit compared with
    changes: list[str] | None


@dataclass(frozen=True)
class ClientInputs:
    """What a client's site is made from besides its model: read from disk and git, drawn by dot."""

    stamp: datetime  # SOURCE_DATE_EPOCH: the only time that reaches a file
    downloads: Mapping[str, bytes] = field(default_factory=dict)  # file name -> content
    download_texts: Mapping[str, str] = field(default_factory=dict)  # file name -> link text
    svgs: Mapping[str, str] = field(default_factory=dict)  # diagram name -> inline SVG
    chapters: Mapping[str, str] = field(default_factory=dict)  # docs/<lang>/*.md: name -> Markdown
    extra_pages: Mapping[str, str] = field(default_factory=dict)  # pages/*.md: name -> Markdown
    history: list[Entry] | None = None  # None: no git history
    agreed: Agreed | None = None  # None: the project records no agreement


def client_site(view: View, inputs: ClientInputs) -> Site:
    """Every page and file of a client's site (pure)."""
    table = page_table(view, inputs.chapters, inputs.extra_pages, inputs.history, inputs.agreed)
    texts = {name: inputs.download_texts[name] for name in inputs.downloads}
    ctx = Context(view, inputs.svgs, texts, frozenset(page.path for page in table), since=inputs.stamp.date())
    pages = {page.path: render_page(page, ctx) for page in table}
    pages[PRINT_PAGE] = print_page(view, [p for p in table if p.printed], pages, inputs.stamp.date())
    meta = {
        page.path: Meta(describe(view, page.template, page.source, dict(page.context)), wide=page.wide)
        for page in table
    }
    meta[PRINT_PAGE] = Meta(describe(view, None, None, {}), searchable=False)
    return Site(
        name=f"{view.client} – {view.title}",
        lang=view.lang,
        pages=pages,
        files={f"downloads/{name}": content for name, content in inputs.downloads.items()},
        nav=nav(view, table),
        hidden=hidden(table),
        noindex=view.noindex,
        labels={key: view.L[key] for key in ("toggle_dark", "toggle_light")},
        meta=meta,
        styles={"paper.css": paper_css(view.L["page_of"])},
    )


def paper_css(page_of: str) -> str:
    """The page footer on paper in the site's language ("Seite 3 von 88"), in the site's font."""
    before, _, rest = page_of.partition("{page}")
    middle, _, after = rest.partition("{pages}")
    parts = [f'"{_css_string(before)}"', "counter(page)", f'"{_css_string(middle)}"', "counter(pages)"]
    if after:
        parts.append(f'"{_css_string(after)}"')
    return (
        "/* Generated for this site (render/site.py): the page footer in its language. */\n"
        "@media print {\n"
        f"  @page {{ @bottom-center {{ content: {' '.join(parts)}; }} }}\n"
        "}\n"
    )


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
