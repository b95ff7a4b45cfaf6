"""The pages of a client's handbook: one page table, rendered to Markdown (pure, golden-tested).

``page_table`` lists every page in navigation order: what it is made from (a template of
render/templates/, a shared chapter, an extra page), its title in the navigation and its
section. Rendering, the navigation and the print page all read this one table, so a new
kind of page is a row here, a template and its labels in i18n.py.
"""

from __future__ import annotations

import html
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from generator.errors import BuildError
from generator.layout import site_relpath
from generator.project import markdown as sanitize
from generator.render import escape
from generator.render.matrix import OTHERS, WORKGROUPS, Matrix, matrix
from generator.render.user import user_markdown
from generator.render.view import View

TEMPLATES = Path(__file__).parent / "templates"
NAV_PEOPLE = 40  # above this many people and teams, person pages are reached from the people index
PRINT_PAGE = "print_page.md"
UPRIGHT_COLUMNS = 5  # up to this many role columns the matrix's headings stand upright; more run upwards
PRINT_COLUMNS = 8  # role columns a landscape A4 page holds beside the task column; more: column groups


@dataclass(frozen=True)
class Page:
    """One page: made from a ``template`` (with ``context``), or from Markdown ``source`` (a shared
    chapter, ``trusted``, as it is; an extra page, sanitised like every Markdown of a user)."""

    path: str  # under docs/
    template: str | None = None
    source: str | None = None
    trusted: bool = False
    title: str | None = None  # in the navigation; None: the page's own first heading
    section: str | None = None  # label key of the navigation section it belongs to
    in_nav: bool = True
    context: Mapping[str, Any] = field(default_factory=dict)
    wide: bool = False  # wide tables (the matrix, the people): no table of contents beside them
    printed: bool = True  # a chapter of the print page (a review sheet is printed on its own)


@dataclass(frozen=True)
class Meta:
    """What a page says about itself besides its Markdown; each engine is told in its own way."""

    description: str = ""  # <meta name="description">
    wide: bool = False
    searchable: bool = True


def page_table(
    view: View,
    chapters: Mapping[str, str] | None = None,
    extra: Mapping[str, str] | None = None,
    history: list | None = None,
    agreed: Any = None,
) -> list[Page]:
    """Every page of a client's site, in navigation order (the print page comes last, apart).
    ``agreed``: what changed since the agreed role distribution (render/site.py Agreed)."""
    L, P = view.L, view.P
    people_in_nav = len(view.people) <= NAV_PEOPLE  # else each person page would list them all
    return [
        Page("index.md", "index.md.j2", title=L["start"], context={"agreed": agreed}),
        Page("organisation.md", "organisation.md.j2", title=L["organisation"], wide=True),
        Page(f"{P['roles']}/index.md", "roles_index.md.j2", section="roles"),
        *(Page(view.role_page(r.id), "role.md.j2", section="roles", context={"role": r}) for r in view.roles),
        Page(f"{P['people']}/index.md", "people_index.md.j2", section="people", wide=True),
        *(
            Page(view.person_page(p.id), "person.md.j2", section="people", in_nav=people_in_nav, context={"p": p})
            for p in view.people
        ),
        Page("raci.md", "raci.md.j2", title=L["raci"], wide=True),
        Page(f"{P['communication']}.md", "communication.md.j2", title=L["communication"], wide=True),
        Page(f"{P['meetings']}.md", "meetings.md.j2", title=L["meetings"]),
        *(
            [Page(f"{P['cover']}.md", "cover.md.j2", title=L["cover"], wide=True)]
            if any(p.absences for p in view.people)
            else []
        ),
        Page(f"{P['review']}/index.md", "review_index.md.j2", section="review"),
        *(
            Page(
                view.review_page(p.id),
                "review.md.j2",
                section="review",
                in_nav=people_in_nav,
                printed=False,
                context={"p": p},
            )
            for p in view.people
        ),
        *(
            Page(f"{P['methodology']}/{name}", source=text, trusted=True, section="methodology")
            for name, text in (chapters or {}).items()
        ),
        *(Page(f"{P['pages']}/{name}", source=text, section="methodology") for name, text in (extra or {}).items()),
        Page(f"{P['changes']}.md", "changes.md.j2", title=L["ch_heading"], context={"entries": history}),
    ]


def nav(view: View, table: list[Page], print_page: bool = True) -> list:
    """The navigation in MkDocs' form: [{title: path}, {section: [path, ...]}, ...]."""
    items: list = []
    for page in table:
        if not page.in_nav:
            continue
        entry = {page.title: page.path} if page.title else page.path
        if page.section is None:
            items.append(entry)
            continue
        title = view.L[page.section]
        if not (items and isinstance(items[-1], dict) and title in items[-1] and isinstance(items[-1][title], list)):
            items.append({title: []})
        items[-1][title].append(entry)
    if print_page:
        items.append({view.L["print_page"]: PRINT_PAGE})
    return items


def hidden(table: list[Page]) -> tuple[str, ...]:
    """Pages of the site that the navigation leaves out (reached by links)."""
    return tuple(page.path for page in table if not page.in_nav)


# where links lead ---------------------------------------------------------------------------------


def anchor_id(path: str, fragment: str = "") -> str:
    """The id of a page (or of an anchor in it) on the print page: personen/anna.md#x -> personen-anna-x."""
    stem = path.removesuffix(".md").removesuffix("/index").replace("/", "-") or "index"
    return f"{stem}-{fragment}" if fragment else stem


@dataclass(frozen=True)
class Links:
    """How the page ``here`` refers to other pages: relative .md links (the engine turns them
    into URLs); links in a user's Markdown resolved here (raw HTML: no engine rewrites them)."""

    here: str

    def page(self, target: str) -> str:
        path, _, fragment = target.partition("#")
        rel = site_relpath(path, posixpath.dirname(self.here) or ".")
        return rel + (f"#{fragment}" if fragment else "")

    def url(self, target: str) -> str:
        """A page (with its #anchor) as the URL a link in raw HTML needs: no engine rewrites those."""
        path = target.partition("#")[0]
        url = sanitize.Links(self.here, frozenset([path])).resolve(self.page(target))
        assert url is not None, target
        return url

    def file(self, target: str) -> str:
        """A file of the site (downloads/x.ics), as a Markdown link from this page."""
        return site_relpath(target, posixpath.dirname(self.here) or ".")

    def user(self, site: frozenset[str], files: frozenset[str]) -> sanitize.Links:
        return sanitize.Links(self.here, site, files)


# rendering -------------------------------------------------------------------------------------------


def plain_environment(**options) -> jinja2.Environment:
    """Our templates, strict about undefined names, with block tags that leave no blank lines."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        **options,
    )


@cache
def environment() -> jinja2.Environment:
    """For Markdown pages: every {{ value }} is plain text unless it is Markup. finalize escapes it
    for Markdown and HTML; autoescape makes macro results Markup so they are not escaped twice."""
    env = plain_environment(autoescape=True, finalize=escape.text)
    env.globals.update(mail=mail)
    return env


class BrokenLinks(BuildError):
    """User Markdown links to something that is no page or file of the site."""

    def __init__(self, source: str, hrefs: list[str]) -> None:
        quoted = ", ".join(f"'{href}'" for href in hrefs)
        super().__init__(
            f"{source}: the link {quoted} leads to no page or file of this handbook; link to a page such as raci.md"
        )
        self.hrefs = hrefs


def mail(address: str) -> Markup:
    """A mailto: link; its text may break after the @ and the dots, so a long address wraps
    in a narrow table cell instead of widening it."""
    shown = "".join(f"{escape.text(c)}<wbr>" if c in "@." else escape.text(c) for c in address)
    return Markup(f'<a href="mailto:{escape.attr(address)}">{shown}</a>')


def phone_link(number: str, dial: str | None) -> Markup:
    """The number as typed, never broken across lines; a tel: link in E.164 when it is dialable."""
    if dial is None:
        return Markup(f'<span class="hb-phone">{escape.text(number)}</span>')
    return Markup(f'<a class="hb-phone" href="tel:{html.escape(dial)}">{escape.text(number)}</a>')


@dataclass
class Context:
    """What every page of one site is rendered with."""

    view: View
    svgs: Mapping[str, str] = field(default_factory=dict)
    downloads: Mapping[str, str] = field(default_factory=dict)  # file name -> link text
    site: frozenset[str] = frozenset()  # every page path of the site
    since: date = date.min  # the edition's day: absences that ended before it are not shown

    @property
    def files(self) -> frozenset[str]:
        return frozenset(f"downloads/{name}" for name in self.downloads)

    @cached_property
    def matrix(self) -> Matrix:
        return matrix(self.view)


def render_page(page: Page, ctx: Context) -> str:
    """One page's Markdown."""
    links = Links(page.path)
    if page.source is not None:
        if page.trusted:  # a shared chapter: the consultancy's own Markdown, for the engine as it is
            return page.source
        user = links.user(ctx.site, ctx.files)
        out = user_markdown(page.source, 0, user) + "\n"
        if user.broken:
            raise BrokenLinks(page.path, user.broken)
        return out
    assert page.template is not None
    return _template(page, ctx, links)


def _template(page: Page, ctx: Context, links: Links) -> str:
    view, broken = ctx.view, []

    def md(source: str, shift: int = 0) -> Markup:
        """A Markdown field of the project: sanitised HTML, its links resolved from this page."""
        user = links.user(ctx.site, ctx.files)
        out = user_markdown(source, shift, user)
        broken.extend(user.broken)
        return out

    def download(name: str) -> Markup:
        """A link to a generated file under downloads/, or nothing when the project has no such file."""
        if name not in ctx.downloads:
            return Markup("")
        return Markup(f"[{escape.text(ctx.downloads[name])}]({links.file(f'downloads/{name}')}){{ download }}")

    def diagram(name: str) -> Markup:
        """Inline SVG (never <img>, so dark mode can recolour it), kept out of the search index.
        It scales to the page's width; its link opens it full size (CSS :target, no script), and
        the close link returns to where it stands on the page. The drawing's text version (HTML
        after its </svg>, diagrams/text.py) follows, outside the box that opens full size."""
        if name not in ctx.svgs:
            return Markup("")
        ident = f"diagram-{name}"
        L = view.L
        picture, end, text = ctx.svgs[name].partition("</svg>")
        return Markup(
            f'<span class="hb-diagram-at" id="{ident}-at"></span>\n'
            f'<div class="hb-diagram" id="{ident}" data-search-exclude tabindex="-1">\n{(picture + end).strip()}\n'
            f'<p class="hb-diagram__actions"><a class="hb-diagram__open" href="#{ident}">{escape.text(L["diagram_open"])}</a>'
            f'<a class="hb-diagram__close" href="#{ident}-at">{escape.text(L["diagram_close"])}</a></p>\n</div>'
            + (f"\n{text.strip()}" if text.strip() else "")
        )

    def column(key: str) -> Markup:
        """A matrix column's heading: its role, linked; the working groups, linked to them."""
        if key == WORKGROUPS:
            return Markup(
                f'<a href="{html.escape(links.url("organisation.md#workgroups"))}">{escape.text(view.L["workgroups"])}</a>'
            )
        if key == OTHERS:
            return escape.text(view.L["others"])
        return link(key)

    def tel(person) -> Markup:
        return phone_link(person.phone, view.dial(person))

    def anchor(ident: str) -> Markup:
        return Markup(f"{{ #{ident} }}")

    def review_link(person) -> Markup:
        """The person's review sheet, linked; its text says whose it is."""
        label = escape.text(view.L["rv_title"].format(name=person.name))
        return Markup(f'<a href="{html.escape(links.url(view.review_page(person.id)))}">{label}</a>')

    link = view.linker(links.url)
    assert page.template is not None
    out = (
        environment()
        .get_template(page.template)
        .render(
            v=view,
            L=view.L,
            link=link,
            url=lambda target: Markup(html.escape(links.url(target))),  # for an href in raw HTML
            column=column,
            print_columns=PRINT_COLUMNS,
            upright_columns=UPRIGHT_COLUMNS,
            md=md,
            diagram=diagram,
            download=download,
            downloads=ctx.downloads,
            anchor=anchor,
            tel=tel,
            mx=ctx.matrix,
            since=ctx.since,
            page=links.page,  # a page as a Markdown link from this one
            P=view.P,
            review_link=review_link,
            **page.context,
        )
    )
    if broken:
        where = "index.md" if page.path == "index.md" else page.path
        raise BrokenLinks(f"a Markdown field of the project (shown on {where})", broken)
    return tidy(out)


def tidy(markdown: str) -> str:
    """Collapse runs of blank lines the templates leave, end with exactly one newline."""
    lines, blank = [], 0
    for line in markdown.split("\n"):  # not splitlines(): U+2028 and friends are text here
        blank = blank + 1 if not line.strip() else 0
        if blank <= 1:
            lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"


def render_pages(
    view: View,
    svgs: Mapping[str, str] | None = None,
    downloads: Mapping[str, str] | None = None,
    table: list[Page] | None = None,
) -> dict[str, str]:
    """Every page of the table (default: the generated ones): path under docs/ -> Markdown.

    ``svgs`` holds the rendered diagrams by name; without them (golden tests) pages simply have
    no pictures, the tables beside them stay the accessible source. ``downloads`` maps the files
    written to docs/downloads/ to their link texts. A link in a user's Markdown to anything but
    a page of the table or a download raises BrokenLinks.
    """
    table = table if table is not None else [p for p in page_table(view) if p.template != "changes.md.j2"]
    ctx = Context(view, svgs or {}, downloads or {}, frozenset(p.path for p in table))
    return {page.path: render_page(page, ctx) for page in table}
