"""The project format, version 1 (shared/spec/project-format.md), and the catalog format."""

from __future__ import annotations

from . import model as m
from .schema import (
    AnyMap,
    Bool,
    Const,
    Date,
    Email,
    Enum,
    Ident,
    Int,
    ListOf,
    LocalizedOf,
    Obj,
    Ref,
    Text,
)

SIDES = ("client", "contractor")
NAME = Text(200, what="a name")
FREE = Text(500)
MARKDOWN = Text(20000, multiline=True, what="Markdown text")
REFS = ListOf(Ref())

PERSON = Obj(
    m.Person,
    {
        "id": (Ident(), True),
        "name": (NAME, True),
        "side": (Enum(SIDES), True),
        "kind": (Enum(("person", "team")), False),
        "roles": (ListOf(Ident()), False),
        "department": (NAME, False),
        "position": (NAME, False),
        "email": (Email(), False),
        "phone": (Text(60, what="a phone number"), False),
        "hours": (FREE, False),
        "deputy": (Ref(), False),
        "represents": (ListOf(NAME), False),
    },
    description="A person or a team (kind: team) on the client's or the contractor's side.",
)


ROLE = Obj(
    m.Role,
    {
        "id": (Ident(), True),
        "name": (LocalizedOf(NAME), True),
        "side": (Enum(SIDES), True),
        "description": (LocalizedOf(MARKDOWN), False),
        "responsibilities": (LocalizedOf(ListOf(FREE)), False),
        "min": (Int(0, 999), False),
        "max": (Int(0, 999), False),
        "named": (Bool(), False),
    },
    description="A role: catalog entry, project-specific role, or override of a catalog role by id.",
)

WORKGROUP = Obj(
    m.Workgroup,
    {
        "id": (Ident(), True),
        "name": (NAME, True),
        "lead": (Ref(), False),
        "members": (REFS, False),
        "topic": (FREE, False),
    },
)

TASK = Obj(
    m.Task,
    {
        "id": (Ident(), False),
        "task": (LocalizedOf(FREE), True),
        "responsible": (ListOf(Ref(), min_items=1), True),
        "accountable": (Ref(), True),
        "consulted": (REFS, False),
        "informed": (REFS, False),
        "phase": (LocalizedOf(NAME), False),
        "remove": (Bool(), False),
    },
    unless=("remove", ("id",)),
    description="A RACI task; an id of a catalog task replaces it, remove: true drops it.",
)

COMM = Obj(
    m.CommLine,
    {
        "topic": (FREE, True),
        "from": (Ref(), True),
        "to": (ListOf(Ref(), min_items=1), True),
        "when": (FREE, True),
        "channel": (FREE, True),
    },
    rename={"from": "from_"},
)

MEETING = Obj(
    m.Meeting,
    {
        "id": (Ident(), False),
        "name": (NAME, True),
        "type": (Enum(("kickoff", "regular", "review", "workshop", "other")), False),
        "date": (Date(with_time=True), False),
        "duration": (Int(1, 24 * 60), False),
        "recurrence": (Enum(("weekly", "biweekly", "monthly")), False),
        "until": (Date(), False),
        "participants": (REFS, False),
        "organiser": (Ref(), False),
        "agenda": (ListOf(FREE), False),
        "location": (FREE, False),
    },
)

MILESTONE = Obj(
    m.Milestone,
    {
        "name": (NAME, True),
        "date": (Date(), True),
        "owner": (Ref(), False),
        "done": (Bool(), False),
    },
)

ESCALATION = Obj(
    m.EscalationLevel,
    {
        "level": (Int(1, 99), True),
        "contact": (Ref(), True),
        "when": (FREE, True),
        "channel": (FREE, False),
    },
)

PERIOD = Obj(m.Period, {"start": (Date(), False), "end": (Date(), False)})

SITE = Obj(
    m.SiteOptions,
    {
        "noindex": (Bool(), False),
    },
    description="Publishing options (an addition to version 1): noindex: false lets search engines index the site.",
)

PROJECT = Obj(
    m.Project,
    {
        "version": (Const(1), False),
        "client": (NAME, True),
        "title": (NAME, True),
        "language": (Enum(("de", "en")), False),
        "contractor": (NAME, False),
        "status": (Enum(("planned", "active", "completed")), False),
        "period": (PERIOD, False),
        "summary": (MARKDOWN, False),
        "people": (ListOf(PERSON, min_items=1), True),
        "roles": (ListOf(ROLE), False),
        "workgroups": (ListOf(WORKGROUP), False),
        "raci": (ListOf(TASK), False),
        "communication": (ListOf(COMM), False),
        "meetings": (ListOf(MEETING), False),
        "milestones": (ListOf(MILESTONE), False),
        "escalation": (ListOf(ESCALATION), False),
        "internal": (AnyMap(), False),
        "site": (SITE, False),
    },
    description="One client project of the handbook generator (format version 1).",
)

CATALOG = Obj(
    m.Catalog,
    {
        "version": (Const(1), False),
        "contractor": (NAME, True),
        "roles": (ListOf(ROLE), True),
        "tasks": (ListOf(TASK), False),
    },
)


def json_schema() -> dict:
    """The JSON Schema for project files, as committed in projects/project.schema.json."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "project.schema.json",
        "title": "handbook project file, format version 1",
        **PROJECT.json(),
    }
