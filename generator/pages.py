"""Render a project's pages: public view in, Markdown text out (pure, golden-tested)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import escape
from .view import View

TEMPLATES = Path(__file__).parent / "templates"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Every {{ value }} is plain text unless it is Markup: finalize escapes it for
        # Markdown and HTML; autoescape makes macro results Markup so they are not escaped twice.
        autoescape=True,
        finalize=escape.text,
    )
    env.globals.update(md=escape.markdown, mail=mail, tel=tel, anchor=anchor)
    return env


def mail(address: str) -> Markup:
    return Markup(f'<a href="mailto:{escape.attr(address)}">{escape.text(address)}</a>')


def tel(number: str) -> Markup:
    digits = "".join(c for c in number if c.isdigit() or c == "+")
    if not digits:
        return escape.text(number)
    return Markup(f'<a href="tel:{escape.attr(digits)}">{escape.text(number)}</a>')


def anchor(ident: str) -> Markup:
    return Markup(f"{{ #{ident} }}")


def render(template: str, view: View, here: str, **extra) -> str:
    env = environment()
    out = env.get_template(template).render(v=view, L=view.L, link=view.linker(here), **extra)
    return _tidy(out)


def _tidy(markdown: str) -> str:
    """Collapse runs of blank lines the templates leave, end with exactly one newline."""
    lines, blank = [], 0
    for line in markdown.splitlines():
        blank = blank + 1 if not line.strip() else 0
        if blank <= 1:
            lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"


def render_pages(view: View) -> dict[str, str]:
    """Every generated page of a client: path under docs/ -> Markdown."""
    pages = {
        "index.md": render("index.md.j2", view, "index.md"),
        "organisation.md": render("organisation.md.j2", view, "organisation.md"),
    }
    roles_index = f"{view.P['roles']}/index.md"
    pages[roles_index] = render("roles_index.md.j2", view, roles_index)
    for role in view.roles:
        here = view.role_page(role.id)
        pages[here] = render("role.md.j2", view, here, role=role)
    people_index = f"{view.P['people']}/index.md"
    pages[people_index] = render("people_index.md.j2", view, people_index)
    for person in view.people:
        here = view.person_page(person.id)
        pages[here] = render("person.md.j2", view, here, p=person)
    pages["raci.md"] = render("raci.md.j2", view, "raci.md")
    comm = f"{view.P['communication']}.md"
    pages[comm] = render("communication.md.j2", view, comm)
    meet = f"{view.P['meetings']}.md"
    pages[meet] = render("meetings.md.j2", view, meet)
    return pages


def nav(view: View, pages: dict[str, str], chapters: list[str], client_pages: list[str]) -> list:
    """MkDocs nav in the issue's order: start, organisation, roles, people, RACI, ..., methodology."""
    L, P = view.L, view.P
    roles = [f"{P['roles']}/index.md"] + [view.role_page(r.id) for r in view.roles]
    people = [f"{P['people']}/index.md"] + [view.person_page(p.id) for p in view.people]
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
