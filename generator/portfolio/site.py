"""The consultancy's own view: one internal portfolio site across all clients, never a client's.

check_all -> portfolio data (pure) -> Markdown pages + termine.ics -> MkDocs into a temporary
folder -> verify -> swap in as OUT/_internal/. Client builds never read this module, so nothing
of it (least of all the ``internal:`` notes) can reach a client handbook. The slug pattern
forbids '_', so no client site can be called ``_internal``.
"""

from __future__ import annotations

import os
import shutil
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import yaml
from markupsafe import Markup
from markupsafe import escape as html_escape

from generator import i18n
from generator.builder import output as outdir
from generator.builder.site import ASSETS, CSS, BuildError, mkdocs_build, source_date_epoch, swap_in, temp_folder
from generator.builder.verify import verify_site
from generator.exports import downloads
from generator.pipeline import Outcome
from generator.portfolio.data import (
    DAYS,
    LANG,
    L,
    broken,
    clients,
    notes_markdown,
    overdue_reviews,
    people,
    upcoming,
    valid,
)
from generator.project.check import CheckRun, check_all
from generator.project.diagnostics import Diagnostic, Pos, UserError
from generator.project.yamlload import Seq, load_file
from generator.render.escape import attr, text
from generator.render.pages import environment, tidy
from generator.render.view import View

INTERNAL = "_internal"  # OUT/_internal/; client slugs cannot contain '_'
CALENDAR = "termine.ics"
PAGES = (  # file, template, nav label
    ("index.md", "internal_clients.md.j2", "in_clients"),
    ("personen.md", "internal_people.md.j2", "in_people"),
    ("termine.md", "internal_dates.md.j2", "in_dates"),
    ("reviews.md", "internal_reviews.md.j2", "in_reviews"),
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
def client_link(slug: str, label: str) -> Markup:
    """Raw HTML: the client's handbook lies outside this MkDocs site (index page -> ../slug/)."""
    return Markup(f'<a href="../{attr(slug)}/">{text(label)}</a>')


def render_internal(run: CheckRun, today: date, calendar_file: str | None, days: int = DAYS) -> dict[str, str]:
    """docs/ path -> Markdown of every page of the internal site (pure)."""
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
        "notes": [(slug, client, Markup("\n".join(notes_markdown(n)))) for slug, client, n in notes if n],
        "calendar": calendar_file,
        "link": client_link,
        "short": lambda d: i18n.short_date(LANG, d),
    }
    env = environment()
    return {path: tidy(env.get_template(template).render(**data)) for path, template, _ in PAGES}


def internal_config(repo: Path, folder: Path) -> dict:
    return {
        "INHERIT": os.path.relpath(repo.resolve() / "mkdocs.yml", folder.resolve()),
        "site_name": str(html_escape(L["in_site_name"])),
        "docs_dir": "docs",
        "theme": {"name": "material", "language": LANG, "custom_dir": "overrides"},
        "plugins": [{"search": {"lang": LANG}}],
        "extra": {"noindex": True, "generator": False},
        "extra_css": [f"assets/{css}" for css in CSS],
        "nav": [{L[label]: path} for path, _, label in PAGES],
    }


def write_internal(repo: Path, run: CheckRun, folder: Path, today: date, epoch: int, days: int = DAYS) -> None:
    """Write FOLDER/mkdocs.yml, FOLDER/docs/ (pages, termine.ics, CSS) and FOLDER/overrides/."""
    docs = folder / "docs"
    (docs / "assets").mkdir(parents=True)
    ics = combined_calendar(run, datetime.fromtimestamp(epoch, UTC))
    if ics:
        (docs / CALENDAR).write_bytes(ics)
    for path, markdown in render_internal(run, today, CALENDAR if ics else None, days).items():
        (docs / path).write_text(markdown, encoding="utf-8", newline="\n")
    for css in CSS:
        shutil.copyfile(ASSETS / css, docs / "assets" / css)
    shutil.copytree(ASSETS / "overrides", folder / "overrides")
    config = yaml.safe_dump(internal_config(repo, folder), allow_unicode=True, sort_keys=False, width=1000)
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8", newline="\n")


def build_internal(repo: Path, out: Path, today: date | None = None, days: int = DAYS) -> tuple[CheckRun, Outcome]:
    """check all clients -> pages -> MkDocs -> verify -> swap into OUT/_internal/; a bad client never stops it."""
    start = time.perf_counter()
    run = check_all(repo)
    epoch = internal_epoch(repo, run)
    today = today or default_today()
    outdir.claim(out)
    with outdir.locked(out):
        outdir.recover(out)
        return run, _build_site(repo, run, out, today, epoch, days, start)


def _build_site(repo: Path, run: CheckRun, out: Path, today: date, epoch: int, days: int, start: float) -> Outcome:
    tmp = temp_folder(out, INTERNAL)
    try:
        write_internal(repo, run, tmp / "src", today, epoch, days)
        mkdocs_build(tmp / "src" / "mkdocs.yml", tmp / "html", epoch)
        verify_site(tmp / "html")
        swap_in(tmp / "html", out / INTERNAL)
    except BuildError as exc:
        return Outcome(INTERNAL, "failed", time.perf_counter() - start, f"MkDocs: {exc}")
    except OSError as exc:
        return Outcome(
            INTERNAL, "failed", time.perf_counter() - start, f"cannot write: {exc.strerror}; {outdir.advice(exc)}"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return Outcome(INTERNAL, "built", time.perf_counter() - start)


def default_today() -> date:
    """The day of SOURCE_DATE_EPOCH when set (reproducible builds), else the real today."""
    if env := os.environ.get("SOURCE_DATE_EPOCH"):
        return datetime.fromtimestamp(int(env), UTC).date()
    return date.today()


def internal_epoch(repo: Path, run: CheckRun) -> int:
    """SOURCE_DATE_EPOCH if set, else the newest of the clients' own epochs (git commit times)."""
    if env := os.environ.get("SOURCE_DATE_EPOCH"):
        return int(env)
    return max((source_date_epoch(repo, r.slug) for r in run.results), default=int(time.time()))


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
