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
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import count
from pathlib import Path

import yaml
from markupsafe import Markup
from markupsafe import escape as html_escape

from . import downloads, i18n
from .build import Outcome
from .check import CheckRun, ProjectResult, check_all
from .diagnostics import Diagnostic, Pos, UserError
from .escape import attr, text
from .model import Meeting, Period
from .pages import environment, tidy
from .resolve import Resolved
from .site import ASSETS, CSS, BuildError, mkdocs_build, recover, source_date_epoch, swap_in, temp_folder
from .verify import verify_site
from .view import View
from .yamlload import Seq, load_file

INTERNAL = "_internal"  # OUT/_internal/; client slugs cannot contain '_'
LANG = "de"  # the consultancy is German
L = i18n.LABELS[LANG]
WEEKS = 8
CALENDAR = "termine.ics"
STATUSES = ("active", "planned", "completed")
STEP_DAYS = {"weekly": 7, "biweekly": 14}
PAGES = (  # file, template, nav label
    ("index.md", "internal_clients.md.j2", "in_clients"),
    ("personen.md", "internal_people.md.j2", "in_people"),
    ("termine.md", "internal_dates.md.j2", "in_dates"),
    ("reviews.md", "internal_reviews.md.j2", "in_reviews"),
    ("notizen.md", "internal_notes.md.j2", "in_notes"),
)


# The portfolio as data ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ClientRow:
    slug: str
    client: str | None  # None: the file has errors, nothing of it is shown
    status: str = ""
    period: str = ""
    account_managers: tuple[str, ...] = ()
    project_leads: tuple[str, ...] = ()
    errors: int = 0
    warnings: int = 0
    checked: bool = True  # False: the role catalog is broken, no project could be checked


@dataclass(frozen=True)
class Holding:
    """One project a person works in: where, and with which roles (id, German name)."""

    slug: str
    client: str
    status: str
    file: str
    index: int  # people[index] in that file
    roles: tuple[tuple[str, str], ...]

    def holds(self, role_id: str) -> bool:
        return any(rid == role_id for rid, _ in self.roles)


@dataclass
class PersonRow:
    name: str
    email: str | None
    holdings: list[Holding] = field(default_factory=list)

    def workload(self) -> list[tuple[str, dict[str, int]]]:
        """(role name, projects by status) for every role the person holds anywhere."""
        out: dict[str, dict[str, int]] = {}
        for h in self.holdings:
            for _, name in h.roles:
                counts = out.setdefault(name, dict.fromkeys(STATUSES, 0))
                counts[h.status] += 1
        return list(out.items())

    def summary(self) -> str:
        """Account Manager: 7 laufend, 1 abgeschlossen; Stellvertretung Account Manager: 2 laufend."""
        parts = []
        for role, counts in self.workload():
            numbers = ", ".join(f"{n} {L['status_' + s]}" for s, n in counts.items() if n)
            parts.append(f"{role}: {numbers}")
        return "; ".join(parts) or L["in_no_role"]


@dataclass(frozen=True, order=True)
class Upcoming:
    when: datetime
    timed: bool
    client: str
    slug: str
    kind: str
    name: str


@dataclass(frozen=True)
class OverdueReview:
    slug: str
    client: str
    reason: str


def valid(run: CheckRun) -> Iterator[tuple[ProjectResult, Resolved]]:
    """The projects without errors, in slug order: only they are read beyond their slug."""
    for r in run.results:
        if r.ok and r.resolved is not None:
            yield r, r.resolved


def clients(run: CheckRun) -> list[ClientRow]:
    rows = []
    for r in run.results:
        errors = sum(d.severity == "error" for d in r.diagnostics)
        warnings = len(r.diagnostics) - errors
        if not r.ok or r.resolved is None:
            rows.append(ClientRow(r.slug, None, errors=errors, warnings=warnings, checked=run.catalog is not None))
            continue
        res = r.resolved
        managers = tuple(p.name for p in res.holders("account_manager"))
        leads = tuple(p.name for p in res.holders("project_lead"))
        period = _period(res.project.period)
        rows.append(ClientRow(r.slug, res.project.client, res.project.status, period, managers, leads, 0, warnings))
    return rows


def _period(p: Period | None) -> str:
    if not p or not (p.start or p.end):
        return ""
    start = i18n.short_date(LANG, p.start) if p.start else "…"
    end = i18n.short_date(LANG, p.end) if p.end else "…"
    return f"{start} – {end}"


def people(run: CheckRun) -> list[PersonRow]:
    """Contractor-side people (not teams), one row per person: same e-mail (any case), else same name."""
    rows: dict[str, PersonRow] = {}
    for r, res in valid(run):
        for i, p in enumerate(res.project.people):
            if p.side != "contractor" or p.kind == "team":
                continue
            key = f"mail:{p.email.casefold()}" if p.email else f"name:{p.name}"
            row = rows.setdefault(key, PersonRow(p.name, p.email))
            roles = tuple((rid, res.roles[rid].name.get(LANG)) for rid in p.roles if rid in res.roles)
            row.holdings.append(Holding(r.slug, res.project.client, res.project.status, r.file, i, roles))
    return sorted(rows.values(), key=lambda row: (row.name.casefold(), row.name, row.email or ""))


def occurrences(m: Meeting, first: date, last: date) -> Iterator[date | datetime]:
    """The meeting's dates in [first, last], recurrences expanded like the calendar's RRULE."""
    if m.date is None:
        return
    start = m.date.date() if isinstance(m.date, datetime) else m.date
    if not m.recurrence:
        if first <= start <= last:
            yield m.date
        return
    end = min(last, m.until) if m.until else last
    for k in count(_skip(m.recurrence, start, first)):
        day = _nth(m.recurrence, start, k)
        if day is None:
            continue  # monthly on the 31st: no such day this month (RFC 5545 skips it too)
        if day > end:
            return
        if day >= first:
            yield datetime.combine(day, m.date.time()) if isinstance(m.date, datetime) else day


def _skip(recurrence: str, start: date, first: date) -> int:
    """How many repetitions surely lie before ``first``."""
    if recurrence in STEP_DAYS:
        return max(0, (first - start).days // STEP_DAYS[recurrence])
    return max(0, (first.year - start.year) * 12 + first.month - start.month - 1)


def _nth(recurrence: str, start: date, k: int) -> date | None:
    if recurrence in STEP_DAYS:
        return start + timedelta(days=k * STEP_DAYS[recurrence])
    month = start.month - 1 + k
    try:
        return start.replace(year=start.year + month // 12, month=month % 12 + 1)
    except ValueError:
        return None


def upcoming(run: CheckRun, today: date, weeks: int = WEEKS) -> list[Upcoming]:
    """Meetings (with every repetition), reviews and milestones from today for ``weeks`` weeks."""
    last = today + timedelta(weeks=weeks, days=-1)
    items = []
    for r, res in valid(run):
        p = res.project
        for m in p.meetings:
            for when in occurrences(m, today, last):
                items.append(_upcoming(when, p.client, r.slug, L["type_" + m.type], m.name))
        for ms in p.milestones:
            if today <= ms.date <= last:
                items.append(_upcoming(ms.date, p.client, r.slug, L["milestone"], ms.name))
    return sorted(items)


def _upcoming(when: date | datetime, client: str, slug: str, kind: str, name: str) -> Upcoming:
    timed = isinstance(when, datetime)
    stamp = when if isinstance(when, datetime) else datetime.combine(when, datetime.min.time())
    return Upcoming(stamp, timed, client, slug, kind, name)


def overdue_reviews(run: CheckRun, today: date) -> list[OverdueReview]:
    """Completed projects without a dated review meeting, or whose last review date lies before today."""
    out = []
    for r, res in valid(run):
        p = res.project
        if p.status != "completed":
            continue
        reviews = [m for m in p.meetings if m.type == "review"]
        dates = sorted(m.date.date() if isinstance(m.date, datetime) else m.date for m in reviews if m.date)
        if not reviews:
            reason = L["in_no_review"]
        elif not dates:
            reason = L["in_review_undated"]
        elif dates[-1] < today:
            reason = L["in_review_past"].format(date=i18n.long_date(LANG, dates[-1]))
        else:
            continue
        out.append(OverdueReview(r.slug, p.client, reason))
    return out


def notes_markdown(notes: object, depth: int = 0) -> list[str]:
    """The free-form ``internal:`` mapping as nested Markdown lists; every key and value escaped."""
    pad = "    " * depth
    items = notes.items() if isinstance(notes, dict) else enumerate(notes) if isinstance(notes, list) else []
    lines = []
    for key, value in items:
        label = f"**{text(key)}:** " if isinstance(notes, dict) else ""
        if isinstance(value, dict | list) and value:
            lines.append(f"{pad}- {label or f'**{key + 1}.**'}".rstrip())
            lines += notes_markdown(value, depth + 1)
        else:
            leaf = text(value) if isinstance(value, str) and value else L["none"]
            lines.append(f"{pad}- {label}{leaf}")
    return lines


# The combined calendar: the clients' own calendars, merged ------------------------------------
def combined_calendar(run: CheckRun, stamp: datetime) -> bytes:
    """Every client's meetings and milestones; UIDs as in the client's meetings.ics (they name the slug)."""
    events: list[str] = []
    for r, res in valid(run):
        view = View(res)
        events += _events(downloads.calendar(view, r.slug, stamp), view.client)
    if not events:
        return b""
    name = downloads.ical_text(L["in_calendar"])
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//handbook//internal", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    head += [f"NAME:{name}", f"X-WR-CALNAME:{name}"]
    zone = list(downloads.VTIMEZONE) if any(e.startswith("DTSTART;TZID=") for e in events) else []
    return downloads.ical_lines([*head, *zone, *events, "END:VCALENDAR"])


def _events(ics: bytes, client: str) -> list[str]:
    """The VEVENT lines of one calendar (unfolded), each SUMMARY prefixed with the client."""
    out, inside = [], False
    for line in ics.decode().replace("\r\n ", "").split("\r\n"):
        inside = inside or line == "BEGIN:VEVENT"
        if inside and line.startswith("SUMMARY:"):
            line = f"SUMMARY:{downloads.ical_text(client)}: {line.removeprefix('SUMMARY:')}"
        if inside:
            out.append(line)
        inside = inside and line != "END:VEVENT"
    return out


# Pages and site --------------------------------------------------------------------------------
def client_link(slug: str, label: str) -> Markup:
    """Raw HTML: the client's handbook lies outside this MkDocs site (index page -> ../slug/)."""
    return Markup(f'<a href="../{attr(slug)}/">{text(label)}</a>')


def render_internal(run: CheckRun, today: date, calendar_file: str | None) -> dict[str, str]:
    """docs/ path -> Markdown of every page of the internal site (pure)."""
    notes = [(r.slug, res.project.client, res.project.internal) for r, res in valid(run)]
    data = {
        "L": L,
        "today": i18n.long_date(LANG, today),
        "end": i18n.long_date(LANG, today + timedelta(weeks=WEEKS, days=-1)),
        "weeks": WEEKS,
        "clients": clients(run),
        "repo_problems": len(run.diagnostics),
        "people": people(run),
        "dates": upcoming(run, today),
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


def write_internal(repo: Path, run: CheckRun, folder: Path, today: date, epoch: int) -> None:
    """Write FOLDER/mkdocs.yml, FOLDER/docs/ (pages, termine.ics, CSS) and FOLDER/overrides/."""
    docs = folder / "docs"
    (docs / "assets").mkdir(parents=True)
    ics = combined_calendar(run, datetime.fromtimestamp(epoch, UTC))
    if ics:
        (docs / CALENDAR).write_bytes(ics)
    for path, markdown in render_internal(run, today, CALENDAR if ics else None).items():
        (docs / path).write_text(markdown, encoding="utf-8", newline="\n")
    for css in CSS:
        shutil.copyfile(ASSETS / css, docs / "assets" / css)
    shutil.copytree(ASSETS / "overrides", folder / "overrides")
    config = yaml.safe_dump(internal_config(repo, folder), allow_unicode=True, sort_keys=False, width=1000)
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8", newline="\n")


def build_internal(repo: Path, out: Path, today: date | None = None) -> tuple[CheckRun, Outcome]:
    """check all clients -> pages -> MkDocs -> verify -> swap into OUT/_internal/; a bad client never stops it."""
    start = time.perf_counter()
    run = check_all(repo)
    epoch = internal_epoch(repo, run)
    today = today or default_today()
    recover(out)
    tmp = temp_folder(out, INTERNAL)
    try:
        write_internal(repo, run, tmp / "src", today, epoch)
        mkdocs_build(tmp / "src" / "mkdocs.yml", tmp / "html", epoch)
        verify_site(tmp / "html")
        swap_in(tmp / "html", out / INTERNAL)
    except BuildError as exc:
        return run, Outcome(INTERNAL, "failed", time.perf_counter() - start, f"MkDocs: {exc}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return run, Outcome(INTERNAL, "built", time.perf_counter() - start)


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
        out.append(Diagnostic(_position(repo, first.file, first.index), path, message, "warning"))
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
