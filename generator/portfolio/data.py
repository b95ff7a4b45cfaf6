"""The portfolio across all clients, as data: clients, people and their workload, dates, reviews, notes.

Pure functions over a CheckRun; generator/internal.py turns them into the internal site.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from generator import i18n
from generator.project import dates
from generator.project.check import CheckRun, ProjectResult
from generator.project.dates import occurrences
from generator.project.model import Period
from generator.project.resolve import Resolved
from generator.render.escape import text

LANG = "de"  # the consultancy is German
L = i18n.LABELS[LANG]
DAYS = 56  # the upcoming-dates window by default: eight weeks (`--days`)
STATUSES = ("active", "planned", "completed")


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
    return i18n.period(LANG, p.start, p.end, short=True) if p else ""


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


def upcoming(run: CheckRun, today: date, days: int = DAYS) -> list[Upcoming]:
    """Meetings (with every repetition), reviews and milestones from today for ``days`` days.

    Times are shown in the consultancy's own time zone (the catalog's): a 09:00 meeting in a
    London project is 10:00 in Berlin. A project with errors has no dates here; the clients
    page and ``broken`` say which ones are missing.
    """
    last = today + timedelta(days=days - 1)
    home = dates.zone(run.catalog.timezone) if run.catalog else None
    items = []
    for r, res in valid(run):
        p = res.project
        zone = dates.zone(p.timezone)
        for m in p.meetings:
            # a day early and late: a meeting late on the evening before may be today at home
            for when in occurrences(m, today - timedelta(days=1), last + timedelta(days=1)):
                if isinstance(when, datetime) and home is not None:
                    when = when.replace(tzinfo=zone).astimezone(home).replace(tzinfo=None)
                if today <= dates.first_day(when) <= last:
                    items.append(_upcoming(when, p.client, r.slug, L["type_" + m.type], m.name))
        for ms in p.milestones:
            if today <= ms.date <= last:
                items.append(_upcoming(ms.date, p.client, r.slug, L["milestone"], ms.name))
    return sorted(items)


def broken(run: CheckRun) -> list[str]:
    """Slugs of the projects whose dates are missing from the portfolio because of errors."""
    return [r.slug for r in run.results if not r.ok]


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


# the kickoff agreement and the project review (format 1.1) ----------------------------------------


@dataclass(frozen=True)
class AgreementRow:
    """A client's agreed role distribution: when, by whom, and what changed since (a new
    agreement is due when anything did)."""

    slug: str
    client: str
    agreed: str  # the day, or "" when the project records no agreement
    by: str  # "client person / contractor person"
    changes: list[str] | None  # None: not told (no agreement, or no agreed version in git)

    @property
    def due(self) -> bool:
        return bool(self.changes)


def agreements(run: CheckRun, agreed: Mapping[str, object]) -> list[AgreementRow]:
    """Every valid client, those whose distribution changed since the agreement first.
    ``agreed``: slug -> render.site.Agreed (or None), read from git by the caller."""
    rows = []
    for r, res in valid(run):
        a = res.project.agreement
        if a is None:
            rows.append(AgreementRow(r.slug, res.project.client, "", "", None))
            continue
        by = f"{res.display_name(a.client, LANG)} / {res.display_name(a.contractor, LANG)}"
        state = agreed.get(r.slug)
        changes = getattr(state, "changes", None)
        rows.append(AgreementRow(r.slug, res.project.client, i18n.long_date(LANG, a.date), by, changes))
    return sorted(rows, key=lambda row: (not row.due, row.agreed == "", row.client.casefold()))


@dataclass(frozen=True)
class FeedbackEntry:
    role: str
    person: str
    day: str
    text: str


@dataclass(frozen=True)
class ClientFeedback:
    """What people said about their roles at a client's project review, by role, and the roles
    (held in the project) that got no feedback on or after the last review that took place."""

    slug: str
    client: str
    review: str  # the day of the last review that took place before today, or ""
    entries: list[FeedbackEntry]
    missing: list[str]  # role names


def feedback(run: CheckRun, today: date) -> list[ClientFeedback]:
    out = []
    for r, res in valid(run):
        p = res.project
        held = [role for role in res.roles.values() if res.holders(role.id)]
        order = {role.id: i for i, role in enumerate(held)}
        entries = sorted(p.feedback, key=lambda f: (order.get(f.role, len(order)), f.date, f.person))
        past = sorted(_day(m.date) for m in p.meetings if m.type == "review" and m.date and _day(m.date) < today)
        review = past[-1] if past else None
        missing = []
        if review is not None:
            answered = {f.role for f in p.feedback if f.date >= review}
            missing = [role.name.get(LANG) for role in held if role.id not in answered]
        if not entries and review is None:
            continue
        out.append(
            ClientFeedback(
                r.slug,
                p.client,
                i18n.long_date(LANG, review) if review else "",
                [
                    FeedbackEntry(
                        res.display_name(f.role, LANG),
                        res.display_name(f.person, LANG),
                        i18n.long_date(LANG, f.date),
                        f.text,
                    )
                    for f in entries
                ],
                missing,
            )
        )
    return out


def _day(when: date | datetime) -> date:
    return when.date() if isinstance(when, datetime) else when
