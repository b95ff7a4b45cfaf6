"""Each page's description (``<meta name="description">``), from what the page holds.

A generated page says what it shows of this project, with its numbers; a shared chapter or an
extra page is described by its first paragraph. Plain text, at most ``LIMIT`` characters; the
builder hands it to the engine, whose page head escapes it.
"""

from __future__ import annotations

from generator.project.markdown import first_paragraph
from generator.render.view import View

LIMIT = 160  # what search engines show of a description


def describe(view: View, template: str | None, source: str | None, context: dict) -> str:
    if source is not None:
        return shorten(first_paragraph(_without_front_matter(source)))
    L, title = view.L, view.title
    if template == "person.md.j2":
        p = context["p"]
        roles = ", ".join(view.name(r) for r in p.roles)
        who = ", ".join(x for x in (roles, p.department) if x)
        return shorten(L["desc_person"].format(name=p.name, who=f" ({who})" if who else "", title=title))
    if template == "review.md.j2":
        return shorten(L["desc_review_sheet"].format(name=context["p"].name, title=title))
    if template == "role.md.j2":
        role = context["role"]
        text = first_paragraph(role.description.get(view.lang)) if role.description else ""
        lead = L["desc_role"].format(role=view.role_name(role), title=title)
        return shorten(f"{lead} {text}" if text else lead)
    counts = {
        "people": len(view.people),
        "roles": len(view.roles),
        "tasks": len(view.tasks),
        "lines": len(view.communication),
        "meetings": len(view.meetings),
        "absences": sum(len(p.absences) for p in view.people),
    }
    key = {
        "index.md.j2": "desc_index",
        "organisation.md.j2": "desc_organisation",
        "roles_index.md.j2": "desc_roles",
        "people_index.md.j2": "desc_people",
        "raci.md.j2": "desc_raci",
        "communication.md.j2": "desc_communication",
        "meetings.md.j2": "desc_meetings",
        "changes.md.j2": "desc_changes",
        "review_index.md.j2": "desc_review",
        "cover.md.j2": "desc_cover",
    }.get(template or "", "desc_print")
    return shorten(L[key].format(client=view.client, title=title, **counts))


def shorten(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= LIMIT:
        return text
    cut = text[: LIMIT - 1].rsplit(" ", 1)[0].rstrip(",;:.–-")
    return cut + "…"


def _without_front_matter(source: str) -> str:
    if source.startswith("---\n"):
        end = source.find("\n---\n", 4)
        if end != -1:
            return source[end + 5 :]
    return source
