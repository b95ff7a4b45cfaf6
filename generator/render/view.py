"""The public view of a project: everything a page may show, and nothing else.

Templates never see the YAML or the ``internal`` notes; they get this view. It
also owns the answers pages share: which page a reference links to, and which
RACI letters a person holds through which reference.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from markupsafe import Markup

from generator import i18n
from generator.project import dates, phones
from generator.project.model import Absence, Meeting, Person, Role, Task
from generator.project.resolve import Resolved
from generator.render.escape import text

LETTERS = ("R", "A", "C", "I")


@dataclass(frozen=True)
class Cover:
    """One absence (dates only) and who covers it: the person's deputy, if they named one."""

    absence: Absence
    person: Person
    deputy: Person | None

    @property
    def deputy_away(self) -> bool:
        """The deputy is away on a day of this absence too (the checker warns about it)."""
        a = self.absence
        return self.deputy is not None and any(d.from_ <= a.to and a.from_ <= d.to for d in self.deputy.absences)


@dataclass(frozen=True)
class Involvement:
    task: Task
    letters: tuple[tuple[str, str], ...]  # (letter, the reference that brings the person in), in R A C I order

    @property
    def vias(self) -> list[tuple[str, list[str]]]:
        """Each distinct reference with the letters it brings, in order of first appearance."""
        out: dict[str, list[str]] = {}
        for letter, via in self.letters:
            out.setdefault(via, []).append(letter)
        return list(out.items())


class View:
    def __init__(self, r: Resolved) -> None:
        self._r = r
        self.lang = r.lang
        self.L = i18n.LABELS[self.lang]
        self.P = i18n.PATHS[self.lang]
        p = r.project
        self.client, self.title, self.contractor, self.status = p.client, p.title, r.contractor, p.status
        self.summary, self.period = p.summary, p.period
        # public copies: an absence keeps its dates, never its reason (format 1.1)
        self._people = {pid: _public(person) for pid, person in r.people.items()}
        self.people: list[Person] = list(self._people.values())
        # a role nobody holds in this project gets no page, column or diagram node (format 1.1)
        self.roles: list[Role] = [role for role in r.roles.values() if r.holders(role.id)]
        self.workgroups = list(r.workgroups.values())
        self.tasks: list[Task] = r.tasks
        self.communication = p.communication
        self.meetings = sorted(p.meetings, key=_meeting_key)
        self.milestones = sorted(p.milestones, key=lambda m: (m.date, m.name))
        self.escalation = p.escalation
        self.noindex = p.site.noindex if p.site else True
        self.timezone = p.timezone  # every meeting time of the file is local time there
        self.home_timezone = r.catalog.timezone  # the consultancy's: other zones are named on the pages
        self.agreement = p.agreement  # when and by whom the role distribution was agreed (public)

    # pages and links -------------------------------------------------------
    def role_page(self, role_id: str) -> str:
        return f"{self.P['roles']}/{role_id}.md"

    def person_page(self, person_id: str) -> str:
        return f"{self.P['people']}/{person_id}.md"

    def page_of(self, ref: str) -> str | None:
        kind = self._r.kind(ref)
        if kind == "person":
            return self.person_page(ref)
        if kind == "role":
            return self.role_page(ref) if self._r.holders(ref) else None
        if kind == "workgroup":
            return f"organisation.md#wg-{ref}"
        return None

    def name(self, ref: str) -> str:
        if ref in self._people:  # the public copy (a test may rename it)
            return self._people[ref].name
        return self._r.display_name(ref, self.lang)

    def linker(self, href: Callable[[str], str]):
        """A function rendering a reference as a link (HTML: it stands in Markdown and in the
        pages' HTML tables alike); ``href`` turns a page path (with its #anchor) into the URL the
        linking page needs. A reference without a page (a group) is its name."""

        def link(ref: str) -> Markup:
            target = self.page_of(ref)
            label = text(self.name(ref))
            if target is None:
                return label
            return Markup(f'<a href="{html.escape(href(target))}">{label}</a>')

        return link

    def role_name(self, role: Role) -> str:
        return role.name.get(self.lang)

    # who is who ---------------------------------------------------------------
    def holders(self, role_id: str) -> list[Person]:
        return [self._people[p.id] for p in self._r.holders(role_id)]

    def expand(self, ref: str) -> list[str]:
        return self._r.expand(ref)

    def kind(self, ref: str) -> str:
        """person, role, workgroup or group."""
        return self._r.kind(ref)

    def person(self, person_id: str) -> Person:
        return self._people[person_id]

    def person_roles(self, ref: str) -> list[str]:
        """The roles a person holds; nothing for any other reference."""
        return self._people[ref].roles if ref in self._people else []

    def deputy_for(self, person_id: str) -> list[Person]:
        return [p for p in self.people if p.deputy == person_id]

    def key_contacts(self) -> list[tuple[Role, Person]]:
        order = ("project_lead", "account_manager", "account_manager_deputy", "support", "backoffice")
        return [(self._r.roles[rid], p) for rid in order if rid in self._r.roles for p in self.holders(rid)]

    def side_people(self, side: str) -> list[Person]:
        return [p for p in self.people if p.side == side]

    def roles_of_side(self, side: str) -> list[Role]:
        return [r for r in self.roles if r.side == side]

    # RACI ------------------------------------------------------------------------
    @staticmethod
    def refs(task: Task, letter: str) -> list[str]:
        return {
            "R": task.responsible,
            "A": [task.accountable] if task.accountable else [],
            "C": task.consulted,
            "I": task.informed,
        }[letter]

    def phases(self) -> list[tuple[str, list[Task]]]:
        groups: dict[str, list[Task]] = {}
        for task in self.tasks:
            key = task.phase.get(self.lang) if task.phase else self.L["no_phase"]
            groups.setdefault(key, []).append(task)
        return list(groups.items())

    def involvements(self, person_id: str) -> list[Involvement]:
        """One entry per task the person has a letter in, with every letter and how it reaches them."""
        out = []
        for task in self.tasks:
            letters = []
            for letter in LETTERS:
                for ref in self.refs(task, letter):
                    if person_id in self.expand(ref):
                        letters.append((letter, ref))
                        break
            if letters:
                out.append(Involvement(task, tuple(letters)))
        return out

    def task_text(self, task: Task) -> str:
        return task.task.get(self.lang) if task.task else (task.id or "")

    # communication, meetings -------------------------------------------------------
    def sends(self, pid: str):
        return [c for c in self.communication if pid in self.expand(c.from_)]

    def receives(self, pid: str):
        return [c for c in self.communication if any(pid in self.expand(t) for t in c.to)]

    def meetings_of(self, pid: str) -> list[Meeting]:
        return [
            m
            for m in self.meetings
            if any(pid in self.expand(ref) for ref in [*m.participants, *([m.organiser] if m.organiser else [])])
        ]

    def milestones_of(self, pid: str):
        return [m for m in self.milestones if m.owner and pid in self.expand(m.owner)]

    def escalation_of(self, pid: str):
        return [e for e in self.escalation if pid in self.expand(e.contact)]

    # formatting ---------------------------------------------------------------------
    def date(self, d: date | datetime) -> str:
        """A day, or a day and time; a time in another zone than the consultancy's names its zone."""
        text = i18n.when(self.lang, d)
        if isinstance(d, datetime) and self.timezone != self.home_timezone:
            text += f" ({self.timezone})"
        return text

    def recurrence(self, m: Meeting) -> str:
        return i18n.recurrence(self.lang, m.recurrence, m.until) if m.recurrence else ""

    def period_text(self) -> str:
        p = self.period
        return i18n.period(self.lang, p.start, p.end) if p else ""

    def dial(self, person: Person) -> str | None:
        """The person's phone in E.164 for a tel: link, read in the region of their side's zone."""
        if not person.phone:
            return None
        zone = self.timezone if person.side == "client" else self.home_timezone
        return phones.dial(person.phone, dates.phone_region(zone))

    def long_date(self, d: dt.date) -> str:
        return i18n.long_date(self.lang, d)

    def span(self, a: Absence) -> str:
        """1.–5. Dezember 2026 / 1–5 December 2026: an absence's dates, the only thing told of it."""
        return i18n.period(self.lang, a.from_, a.to) if a.from_ != a.to else i18n.long_date(self.lang, a.from_)

    # absences and cover -----------------------------------------------------------
    def absences_of(self, person_id: str, since: dt.date) -> list[Absence]:
        """The person's absences that have not ended before ``since`` (the edition's day), by date."""
        return sorted((a for a in self._people[person_id].absences if a.to >= since), key=lambda a: (a.from_, a.to))

    def cover(self, since: dt.date) -> list[Cover]:
        """Every absence not ended before ``since``, by date, with who covers (the deputy)."""
        out = [
            Cover(a, person, self._people.get(person.deputy or ""))
            for person in self.people
            for a in self.absences_of(person.id, since)
        ]
        return sorted(out, key=lambda c: (c.absence.from_, c.absence.to, c.person.name))

    # the project review ----------------------------------------------------------------
    def review_dates(self) -> str:
        """When the project review meetings take place: "3. Juli 2027, 10:00", …; '' if undated."""
        return ", ".join(self.date(m.date) for m in self.meetings if m.type == "review" and m.date)

    def review_page(self, person_id: str) -> str:
        return f"{self.P['review']}/{person_id}.md"

    def roles_of(self, person_id: str) -> list[Role]:
        """The roles the person holds that this project shows, in the order of their page."""
        held = self._people[person_id].roles
        return [r for r in self.roles if r.id in held]

    def localized(self, value) -> str:
        return value.get(self.lang) if value is not None else ""


def _public(person: Person) -> Person:
    """The person as a page may show them: absences with their dates only."""
    return replace(person, absences=[replace(a, reason=None) for a in person.absences])


def _meeting_key(m: Meeting) -> tuple:
    d = m.date
    stamp = datetime.combine(d, datetime.min.time()) if isinstance(d, date) and not isinstance(d, datetime) else d
    return (stamp is None, stamp or datetime.min, m.name)
