"""The project model: typed data after the shape check, before references are resolved.

Text that may come in two languages is a ``Localized``; everything a template
sees goes through ``view.py`` so ``internal`` can never reach a page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, TypeVar

T = TypeVar("T")

Side = str  # "client" | "contractor"


@dataclass(frozen=True)
class Localized(Generic[T]):
    """A value given once for both languages, or once per language."""

    de: T
    en: T

    def get(self, lang: str) -> T:
        return self.en if lang == "en" else self.de


DEFAULT_TIMEZONE = "Europe/Berlin"


@dataclass
class Absence:
    """A time a person is away. Only the dates are ever published; ``reason`` never is."""

    path: str
    from_: date
    to: date
    reason: str | None = None


@dataclass
class Person:
    path: str
    id: str
    name: str
    side: Side
    kind: str = "person"
    roles: list[str] = field(default_factory=list)
    department: str | None = None
    position: str | None = None
    email: str | None = None
    phone: str | None = None
    hours: str | None = None
    deputy: str | None = None
    represents: list[str] | None = None
    absences: list[Absence] = field(default_factory=list)

    @property
    def departments_represented(self) -> list[str]:
        if self.represents is not None:
            return self.represents
        return [self.department] if self.department else []


@dataclass
class Role:
    path: str
    id: str
    name: Localized
    side: Side
    description: Localized | None = None
    responsibilities: Localized[list[str]] | None = None
    min: int | None = None
    max: int | None = None
    named: bool = False
    from_catalog: bool = False


@dataclass
class Workgroup:
    path: str
    id: str
    name: str
    lead: str | None = None
    members: list[str] = field(default_factory=list)
    topic: str | None = None


@dataclass
class Task:
    path: str
    task: Localized | None = None
    responsible: list[str] = field(default_factory=list)
    accountable: str | None = None
    consulted: list[str] = field(default_factory=list)
    informed: list[str] = field(default_factory=list)
    phase: Localized | None = None
    id: str | None = None
    remove: bool = False
    from_catalog: bool = False


@dataclass
class CommLine:
    path: str
    topic: str
    from_: str
    to: list[str]
    when: str
    channel: str


@dataclass
class Meeting:
    path: str
    name: str
    id: str | None = None
    type: str = "other"
    date: dt.date | dt.datetime | None = None
    duration: int | None = None
    recurrence: str | None = None
    until: dt.date | None = None
    participants: list[str] = field(default_factory=list)
    organiser: str | None = None
    agenda: list[str] = field(default_factory=list)
    location: str | None = None


@dataclass
class Milestone:
    path: str
    name: str
    date: dt.date
    owner: str | None = None
    done: bool = False


@dataclass
class EscalationLevel:
    path: str
    level: int
    contact: str
    when: str
    channel: str | None = None


@dataclass
class Period:
    path: str
    start: date | None = None
    end: date | None = None


@dataclass
class SiteOptions:
    path: str
    noindex: bool = True


@dataclass
class Agreement:
    """The role distribution agreed at the kickoff: when, by whom on each side, which version."""

    path: str
    date: dt.date
    client: str
    contractor: str
    revision: str | None = None


@dataclass
class Feedback:
    """What a person said about a role at the project review. Internal: never published."""

    path: str
    person: str
    role: str
    date: dt.date
    text: str


@dataclass
class Accept:
    """A warning the consultant has looked at and accepts (same rule, same key path)."""

    path: str
    rule: str
    at: str
    reason: str


@dataclass
class Project:
    path: str
    client: str
    title: str
    people: list[Person]
    language: str = "de"
    contractor: str | None = None
    status: str = "active"
    period: Period | None = None
    summary: str | None = None
    roles: list[Role] = field(default_factory=list)
    workgroups: list[Workgroup] = field(default_factory=list)
    raci: list[Task] = field(default_factory=list)
    communication: list[CommLine] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    escalation: list[EscalationLevel] = field(default_factory=list)
    internal: dict | None = None
    version: str = "1"
    site: SiteOptions | None = None
    timezone: str = DEFAULT_TIMEZONE
    agreement: Agreement | None = None
    feedback: list[Feedback] = field(default_factory=list)
    accept: list[Accept] = field(default_factory=list)


@dataclass
class Catalog:
    path: str
    contractor: str
    roles: list[Role] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    version: str = "1"
    timezone: str = DEFAULT_TIMEZONE  # the consultancy's own zone: portfolio dates, "local time" on pages
