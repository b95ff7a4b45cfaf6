"""The consultancy's own view: one internal portfolio site across all clients, never a client's.

check_all -> portfolio data (pure, portfolio/data.py) -> Markdown pages and termine.ics -> a
Site, which pipeline.build_internal builds the way it builds a client's (build, verify, swap
into OUT/_internal/). Client builds never read this module, so nothing of it (least of all the
``internal:`` notes or ``feedback:``) can reach a client handbook. The slug pattern forbids
'_', so no client site can be called ``_internal``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
from markupsafe import Markup

from generator import i18n
from generator.errors import UserError
from generator.exports import downloads
from generator.portfolio.data import (
    DAYS,
    LANG,
    L,
    agreements,
    broken,
    clients,
    feedback,
    notes_markdown,
    overdue_reviews,
    people,
    upcoming,
    valid,
)
from generator.project.check import CheckRun
from generator.project.diagnostics import Diagnostic, Pos
from generator.project.yamlload import Seq, load_file
from generator.render.escape import attr, text
from generator.render.pages import environment, tidy
from generator.render.site import Site
from generator.render.view import View

CALENDAR = "termine.ics"
PAGES = (  # file, template, nav label
    ("index.md", "internal_clients.md.j2", "in_clients"),
    ("personen.md", "internal_people.md.j2", "in_people"),
    ("termine.md", "internal_dates.md.j2", "in_dates"),
    ("reviews.md", "internal_reviews.md.j2", "in_reviews"),
    ("abstimmungen.md", "internal_agreements.md.j2", "in_agreements"),
    ("feedback.md", "internal_feedback.md.j2", "in_feedback"),
    ("notizen.md", "internal_notes.md.j2", "in_notes"),
)


# The combined calendar: the clients' own calendars, merged ------------------------------------
def combined_calendar(run: CheckRun, stamp: datetime) -> bytes:
    """Every client's meetings and milestones, each in its project's time zone (a VTIMEZONE for
    each zone), the summary prefixed with the client; UIDs as in the client's meetings.ics."""
    events = []
    for r, res in valid(run):
        view = View(res)
        for event in downloads.calendar_events(view, r.slug, stamp):
            event["summary"] = icalendar.vText(f"{view.client}: {event['summary']}")
            events.append(event)
    if not events:
        return b""
    return downloads.write_calendar(L["in_calendar"], "-//handbook//internal", events)


# Pages and site --------------------------------------------------------------------------------
def client_link(page: str) -> Callable[[str, str], Markup]:
    """Links from ``page`` to a client's handbook, which lies outside this MkDocs site, beside it
    (index.md is at the site's root, every other page one folder down): raw HTML, as written."""
    up = "../" * (1 if page == "index.md" else 2)

    def link(slug: str, label: str) -> Markup:
        return Markup(f'<a href="{up}{attr(slug)}/">{text(label)}</a>')

    return link


def render_internal(
    run: CheckRun, today: date, calendar_file: str | None, days: int = DAYS, agreed: Mapping[str, object] | None = None
) -> dict[str, str]:
    """docs/ path -> Markdown of every page of the internal site (pure). ``agreed``: slug ->
    what changed since the client's agreement (render.site.Agreed), read from git by the caller."""
    notes = [(r.slug, res.project.client, res.project.internal) for r, res in valid(run)]
    data = {
        "L": L,
        "today": i18n.long_date(LANG, today),
        "end": i18n.long_date(LANG, today + timedelta(days=days - 1)),
        "days": days,
        "zone": run.catalog.timezone if run.catalog else "",
        "broken": broken(run),
        "clients": clients(run),
        "repo_problems": len(run.diagnostics),
        "people": people(run),
        "dates": upcoming(run, today, days),
        "reviews": overdue_reviews(run, today),
        "agreements": agreements(run, agreed or {}),
        "feedback": feedback(run, today),
        "notes": [(slug, client, Markup("\n".join(notes_markdown(n)))) for slug, client, n in notes if n],
        "calendar": calendar_file,
        "short": lambda d: i18n.short_date(LANG, d),
    }
    env = environment()
    return {
        path: tidy(env.get_template(template).render(**data, link=client_link(path))) for path, template, _ in PAGES
    }


def internal_site(
    run: CheckRun, today: date, stamp: datetime, days: int | None = None, agreed: Mapping[str, object] | None = None
) -> Site:
    """The whole internal site (pure): its pages, the combined calendar, its navigation."""
    days = days or DAYS
    ics = combined_calendar(run, stamp)
    return Site(
        name=L["in_site_name"],
        lang=LANG,
        pages=render_internal(run, today, CALENDAR if ics else None, days, agreed),
        files={CALENDAR: ics} if ics else {},
        nav=[{L[label]: path} for path, _, label in PAGES],
        noindex=True,
        scripts=False,
        print_page=None,
    )


def default_today() -> date:
    """The day of SOURCE_DATE_EPOCH when set (reproducible builds), else the real today."""
    if env := os.environ.get("SOURCE_DATE_EPOCH"):
        return datetime.fromtimestamp(int(env), UTC).date()
    return date.today()


def internal_epoch(repo: Path, run: CheckRun, epoch_of: Callable[[Path, str], int]) -> int:
    """SOURCE_DATE_EPOCH if set, else the newest of the clients' own epochs (git commit times)."""
    if env := os.environ.get("SOURCE_DATE_EPOCH"):
        return int(env)
    return max((epoch_of(repo, r.slug) for r in run.results), default=int(time.time()))


# `handbook check --internal` -------------------------------------------------------------------
def workload_diagnostics(run: CheckRun, limit: int = 8, repo: Path = Path(".")) -> list[Diagnostic]:
    """A warning for each person who is account manager in more than ``limit`` active projects,
    at that person's entry in the first of those project files."""
    out = []
    for person in people(run):
        active = [h for h in person.holdings if h.status == "active" and h.holds("account_manager")]
        if len(active) <= limit:
            continue
        first, path = active[0], f"people[{active[0].index}]"
        message = (
            f"{person.name} is account manager in {len(active)} active projects, more than {limit}: "
            f"{', '.join(h.slug for h in active)}; hand a project over to another account manager"
        )
        out.append(
            Diagnostic(_position(repo, first.file, first.index), path, message, "warning", "account-manager-load")
        )
    return sorted(out, key=Diagnostic.sort_key)


def _position(repo: Path, file: str, index: int) -> Pos:
    """Where people[index] starts in the file (the check run keeps no positions)."""
    try:
        root, _ = load_file(repo / file, file)
    except UserError:
        return Pos(file, 1, 1)
    entry = root.items.get("people")
    node = entry[1] if entry else None
    if isinstance(node, Seq) and index < len(node.items):
        return node.items[index].pos
    return Pos(file, 1, 1)
