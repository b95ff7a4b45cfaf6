"""Render a project's pages: public view in, Markdown text out (pure, golden-tested)."""

from __future__ import annotations

import posixpath
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from generator.project import markdown as sanitize
from generator.render import escape
from generator.render.view import View

TEMPLATES = Path(__file__).parent / "templates"


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
    env.globals.update(mail=mail, tel=tel, anchor=anchor)
    return env


class BrokenLinks(Exception):
    """User Markdown links to something that is no page or file of the site."""

    def __init__(self, found: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{page}: '{href}'" for page, href in found))
        self.found = found


def mail(address: str) -> Markup:
    return Markup(f'<a href="mailto:{escape.attr(address)}">{escape.text(address)}</a>')


def tel(number: str) -> Markup:
    digits = "".join(c for c in number if c.isdigit() or c == "+")
    if not digits:
        return escape.text(number)
    return Markup(f'<a href="tel:{escape.attr(digits)}">{escape.text(number)}</a>')


def anchor(ident: str) -> Markup:
    return Markup(f"{{ #{ident} }}")


def render(
    template: str,
    view: View,
    here: str,
    svgs: dict[str, str],
    downloads: dict[str, str],
    site: frozenset[str] = frozenset(),
    broken: list[tuple[str, str]] | None = None,
    **extra,
) -> str:
    env = environment()
    files = frozenset(f"downloads/{name}" for name in downloads)

    def md(source: str, shift: int = 0) -> Markup:
        """A Markdown field of the project: sanitised HTML, its links resolved from this page."""
        links = sanitize.Links(here, site, files)
        out = sanitize.user_markdown(source, shift, links)
        if broken is not None:
            broken.extend((here, href) for href in links.broken)
        return out

    def download(name: str) -> Markup:
        """A link to a generated file under downloads/, or nothing when the project has no such file."""
        if name not in downloads:
            return Markup("")
        rel = posixpath.relpath(f"downloads/{name}", posixpath.dirname(here) or ".")
        return Markup(f"[{escape.text(downloads[name])}]({rel}){{ download }}")

    def diagram(name: str) -> Markup:
        """Inline SVG (never <img>, so dark mode can recolour it), kept out of the search index."""
        if name not in svgs:
            return Markup("")
        # tabindex: a wide diagram scrolls sideways, and keyboard users must reach that scroll area
        return Markup(f'<div class="hb-diagram" data-search-exclude tabindex="0">\n{svgs[name].strip()}\n</div>')

    out = env.get_template(template).render(
        v=view,
        L=view.L,
        link=view.linker(here),
        md=md,
        diagram=diagram,
        download=download,
        downloads=downloads,
        **extra,
    )
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
    svgs: dict[str, str] | None = None,
    downloads: dict[str, str] | None = None,
    site: frozenset[str] | None = None,
) -> dict[str, str]:
    """Every generated page of a client: path under docs/ -> Markdown.

    ``svgs`` holds the rendered diagrams by name; without them (golden tests) pages
    simply have no pictures, the tables beside them stay the accessible source.
    ``downloads`` maps the files written to docs/downloads/ to their link texts; ``site``
    names every page of the site (default: the generated ones), which links in the
    project's Markdown fields may lead to. A link to anything else raises BrokenLinks.
    """
    svgs, downloads = svgs or {}, downloads or {}
    specs = page_specs(view)
    site = site if site is not None else frozenset(here for here, _, _ in specs)
    broken: list[tuple[str, str]] = []
    pages = {
        here: render(template, view, here, svgs, downloads, site, broken, **extra) for here, template, extra in specs
    }
    if broken:
        raise BrokenLinks(broken)
    return pages


def page_specs(view: View) -> list[tuple[str, str, dict]]:
    """(path under docs/, template, extra template values) of every generated page, in nav order."""
    P = view.P
    return [
        ("index.md", "index.md.j2", {}),
        ("organisation.md", "organisation.md.j2", {}),
        (f"{P['roles']}/index.md", "roles_index.md.j2", {}),
        *[(view.role_page(r.id), "role.md.j2", {"role": r}) for r in view.roles],
        (f"{P['people']}/index.md", "people_index.md.j2", {}),
        *[(view.person_page(p.id), "person.md.j2", {"p": p}) for p in view.people],
        ("raci.md", "raci.md.j2", {}),
        (f"{P['communication']}.md", "communication.md.j2", {}),
        (f"{P['meetings']}.md", "meetings.md.j2", {}),
    ]


NAV_PEOPLE = 40  # above this many people and teams, person pages are reached from the people index


def people_in_nav(view: View) -> bool:
    """Each page's navigation lists the pages of its section: with every person in it, a site of
    n people holds n person pages of n links each, a size that grows with the square of n."""
    return len(view.people) <= NAV_PEOPLE


def nav(view: View, pages: dict[str, str], chapters: list[str], client_pages: list[str]) -> list:
    """MkDocs nav in the issue's order: start, organisation, roles, people, RACI, ..., methodology."""
    L, P = view.L, view.P
    roles = [f"{P['roles']}/index.md"] + [view.role_page(r.id) for r in view.roles]
    people = [f"{P['people']}/index.md"]
    if people_in_nav(view):
        people += [view.person_page(p.id) for p in view.people]
    method = chapters + client_pages
    items: list = [
        {L["start"]: "index.md"},
        {L["organisation"]: "organisation.md"},
        {L["roles"]: roles},
        {L["people"]: people},
        {L["raci"]: "raci.md"},
        {L["communication"]: f"{P['communication']}.md"},
        {L["meetings"]: f"{P['meetings']}.md"},
    ]
    if method:
        items.append({L["methodology"]: method})
    missing = [p for p in roles + people if p not in pages]
    assert not missing, missing
    return items
