"""The handbook as data: the client's public view as JSON, and the JSON Schema that describes it.

Made from the public view alone (never ``internal``, ``feedback`` or an absence's reason), so a
CRM, a spreadsheet or a script reads what the pages show. Every reference appears as written
and with the person ids it stands for (see ``reference``). The shape is written once, as the
schema below: each object lists every key (``null`` or ``[]`` when the file has nothing), in the
order the export writes them. Same view and stamp, same bytes.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from generator.project import dates
from generator.project.model import CommLine, EscalationLevel, Meeting, Milestone, Person, Role, Task, Workgroup
from generator.render.view import View

EXPORT_FILE = "handbook.json"
SCHEMA_FILE = "handbook.schema.json"
FORMAT = "handbook-export/1"  # the number changes only when a key changes meaning or goes away


def export_file(view: View, stamp: datetime) -> bytes:
    return _dump(export(view, stamp))


def schema_file() -> bytes:
    return _dump(SCHEMA)


def _dump(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode()


# the export ------------------------------------------------------------------------------------
def export(view: View, stamp: datetime) -> dict:
    """The public view as plain data; ``stamp`` (SOURCE_DATE_EPOCH) is the edition it describes."""
    stamp = stamp.astimezone(UTC) if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    period = view.period
    return {
        "$schema": SCHEMA_FILE,
        "format": FORMAT,
        "generated": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "language": view.lang,
        "client": view.client,
        "title": view.title,
        "contractor": view.contractor,
        "status": view.status,
        "timezone": view.timezone,
        "period": {"start": _day(period.start), "end": _day(period.end)} if period else None,
        "summary": view.summary,
        "agreement": _agreement(view),
        "people": [_person(view, p, stamp.date()) for p in view.people],
        "roles": [_role(view, r) for r in view.roles],
        "workgroups": [_workgroup(view, w) for w in view.workgroups],
        "raci": [_task(view, t) for t in view.tasks],
        "communication": [_line(view, c) for c in view.communication],
        "meetings": [_meeting(view, m) for m in view.meetings],
        "milestones": [_milestone(view, m) for m in view.milestones],
        "escalation": [_level(view, e) for e in view.escalation],
    }


def reference(view: View, ref: str) -> dict:
    """A reference as written (``ref``), what it is, its name on the pages, and who it means."""
    return {"ref": ref, "kind": view.kind(ref), "name": view.name(ref), "people": list(view.expand(ref))}


def _refs(view: View, refs: list[str]) -> list[dict]:
    return [reference(view, ref) for ref in refs]


def _maybe(view: View, ref: str | None) -> dict | None:
    return reference(view, ref) if ref else None


def _day(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _agreement(view: View) -> dict | None:
    a = view.agreement  # its git revision is left out: nothing of git reaches a client
    if a is None:
        return None
    return {
        "date": a.date.isoformat(),
        "client": reference(view, a.client),
        "contractor": reference(view, a.contractor),
    }


def _person(view: View, p: Person, today: date) -> dict:
    return {
        "id": p.id,
        "name": p.name,
        "kind": p.kind,
        "side": p.side,
        "department": p.department,
        "position": p.position,
        "email": p.email,
        "phone": p.phone,
        "phone_e164": view.dial(p),
        "hours": p.hours,
        "deputy": p.deputy,
        "roles": list(p.roles),
        "represents": list(p.represents) if p.represents is not None else None,
        "absences": [
            {"from": a.from_.isoformat(), "to": a.to.isoformat(), "deputy": p.deputy}
            for a in view.absences_of(p.id, today)
        ],
    }


def _role(view: View, r: Role) -> dict:
    return {
        "id": r.id,
        "name": view.role_name(r),
        "side": r.side,
        "description": r.description.get(view.lang) if r.description else None,
        "responsibilities": list(r.responsibilities.get(view.lang)) if r.responsibilities else [],
        "holders": [p.id for p in view.holders(r.id)],
    }


def _workgroup(view: View, w: Workgroup) -> dict:
    return {
        "id": w.id,
        "name": w.name,
        "topic": w.topic,
        "lead": _maybe(view, w.lead),
        "members": _refs(view, w.members),
        "people": list(view.expand(w.id)),
    }


def _task(view: View, t: Task) -> dict:
    return {
        "id": t.id,
        "task": view.task_text(t),
        "phase": t.phase.get(view.lang) if t.phase else None,
        "responsible": _refs(view, t.responsible),
        "accountable": _maybe(view, t.accountable),
        "consulted": _refs(view, t.consulted),
        "informed": _refs(view, t.informed),
    }


def _line(view: View, c: CommLine) -> dict:
    return {
        "topic": c.topic,
        "from": reference(view, c.from_),
        "to": _refs(view, c.to),
        "when": c.when,
        "channel": c.channel,
    }


def _meeting(view: View, m: Meeting) -> dict:
    return {
        "id": m.id,
        "name": m.name,
        "type": m.type,
        "start": _start(view, m),
        "all_day": m.date is not None and not isinstance(m.date, datetime),
        "duration": m.duration,
        "recurrence": m.recurrence,
        "until": _day(m.until),
        "organiser": _maybe(view, m.organiser),
        "participants": _refs(view, m.participants),
        "agenda": list(m.agenda),
        "location": m.location,
    }


def _start(view: View, m: Meeting) -> str | None:
    """A day, or a local time in the project's zone with that day's UTC offset."""
    if isinstance(m.date, datetime):
        return m.date.replace(tzinfo=dates.zone(view.timezone)).isoformat()
    return _day(m.date)


def _milestone(view: View, m: Milestone) -> dict:
    return {"name": m.name, "date": m.date.isoformat(), "owner": _maybe(view, m.owner), "done": m.done}


def _level(view: View, e: EscalationLevel) -> dict:
    return {"level": e.level, "contact": reference(view, e.contact), "when": e.when, "channel": e.channel}


# the schema ------------------------------------------------------------------------------------
DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
LOCAL_TIME = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}$"


def _obj(description: str, properties: dict[str, dict]) -> dict:
    """An object with exactly these keys, every one always present."""
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _text(description: str, nullable: bool = False) -> dict:
    return {"type": ["string", "null"] if nullable else "string", "description": description}


def _day_schema(description: str, nullable: bool = False) -> dict:
    day = {"type": "string", "format": "date", "pattern": DAY}
    return {"description": description, **({"anyOf": [day, {"type": "null"}]} if nullable else day)}


def _list(description: str, items: dict) -> dict:
    return {"type": "array", "description": description, "items": items}


def _enum(description: str, values: list[str]) -> dict:
    return {"type": "string", "enum": values, "description": description}


def _ref(description: str, nullable: bool = False) -> dict:
    ref = {"$ref": "#/$defs/reference"}
    return {"description": description, **({"anyOf": [ref, {"type": "null"}]} if nullable else ref)}


def _refs_schema(description: str) -> dict:
    return _list(description, {"$ref": "#/$defs/reference"})


PERSON_ID = _text("A person id (people[].id).")
REFERENCE = _obj(
    "A reference as the project file writes it, and the people it stands for.",
    {
        "ref": _text("The reference as written: a person, role or working group id, or a built-in group."),
        "kind": _enum(
            "What the reference names; 'group' is one of project_team, client, contractor.",
            ["person", "role", "workgroup", "group"],
        ),
        "name": _text("Its name as the handbook shows it, in the handbook's language."),
        "people": _list("The person ids it stands for, in the order of people[] (a role: all its holders).", PERSON_ID),
    },
)
PERSON = _obj(
    "A person or a team (a shared contact such as a support hotline).",
    {
        "id": _text("Identifier, unique in the project; references use it."),
        "name": _text("Display name, exactly as written."),
        "kind": _enum("A person, or a team.", ["person", "team"]),
        "side": _enum("The client's side or the contractor's (the consultancy).", ["client", "contractor"]),
        "department": _text("Department.", nullable=True),
        "position": _text("Job title.", nullable=True),
        "email": _text("E-mail address.", nullable=True),
        "phone": _text("Phone number exactly as typed in the project file.", nullable=True),
        "phone_e164": {
            "type": ["string", "null"],
            "pattern": r"^\+[0-9]{6,15}$",
            "description": "The phone number in E.164 for dialling (a national number read in the region of "
            "its side's time zone); null when there is no phone or it cannot be dialled.",
        },
        "hours": _text("When the person or team can be reached, as written.", nullable=True),
        "deputy": _text("The person id of the deputy, who covers when this person is away.", nullable=True),
        "roles": _list("The ids of the roles held (roles[].id), as written.", _text("A role id.")),
        "represents": {
            "type": ["array", "null"],
            "items": {"type": "string"},
            "description": "The departments a key user speaks for, as written; null: not written (their own).",
        },
        "absences": _list(
            "Times away that have not ended before the day of 'generated', by date. Only the dates are published.",
            _obj(
                "A time away: first and last day, both included.",
                {
                    "from": _day_schema("First day away."),
                    "to": _day_schema("Last day away."),
                    "deputy": _text("The person id of who covers (the person's deputy).", nullable=True),
                },
            ),
        ),
    },
)
ROLE = _obj(
    "A role the project fills (a role nobody holds is left out, as on the pages).",
    {
        "id": _text("Identifier."),
        "name": _text("Name in the handbook's language."),
        "side": _enum("The side whose people hold it.", ["client", "contractor"]),
        "description": _text("Description in Markdown, in the handbook's language.", nullable=True),
        "responsibilities": _list("Responsibilities, in the handbook's language.", {"type": "string"}),
        "holders": _list("Person ids of its holders, in the order of people[].", PERSON_ID),
    },
)
WORKGROUP = _obj(
    "A working group (Arbeitskreis).",
    {
        "id": _text("Identifier."),
        "name": _text("Name."),
        "topic": _text("What it works on.", nullable=True),
        "lead": _ref("Its lead.", nullable=True),
        "members": _refs_schema("Its members as written."),
        "people": _list(
            "Person ids of everyone in it (lead and members expanded), in the order of people[].", PERSON_ID
        ),
    },
)
TASK = _obj(
    "A task of the RACI matrix, as the handbook shows it (catalog tasks merged and adapted to the project).",
    {
        "id": _text("Identifier (catalog tasks and tasks that override them have one).", nullable=True),
        "task": _text("What is to be done, in the handbook's language."),
        "phase": _text("Phase, in the handbook's language.", nullable=True),
        "responsible": _refs_schema("R: who does it."),
        "accountable": _ref("A: the one person who answers for it.", nullable=True),
        "consulted": _refs_schema("C: who is asked before."),
        "informed": _refs_schema("I: who is told after."),
    },
)
LINE = _obj(
    "A line of the communication matrix.",
    {
        "topic": _text("What is communicated."),
        "from": _ref("Who sends it."),
        "to": _refs_schema("Who receives it."),
        "when": _text("When or how often, as written."),
        "channel": _text("How: the channel, as written."),
    },
)
MEETING = _obj(
    "A meeting, by date (undated ones last).",
    {
        "id": _text("Identifier.", nullable=True),
        "name": _text("Name."),
        "type": _enum("Kind of meeting.", ["kickoff", "regular", "review", "workshop", "other"]),
        "start": {
            "description": "The (first) day, or the local date and time in the project's time zone with that "
            "day's UTC offset (2027-02-03T09:30:00+01:00); later occurrences keep the local time. null: no date yet.",
            "anyOf": [
                {"type": "string", "format": "date-time", "pattern": LOCAL_TIME},
                {"type": "string", "format": "date", "pattern": DAY},
                {"type": "null"},
            ],
        },
        "all_day": {"type": "boolean", "description": "start is a day without a time."},
        "duration": {"type": ["integer", "null"], "minimum": 0, "description": "Length in minutes, as written."},
        "recurrence": {
            "enum": ["weekly", "biweekly", "monthly", None],
            "description": "How it repeats from start; null: once.",
        },
        "until": _day_schema("Last day a recurring meeting may fall on.", nullable=True),
        "organiser": _ref("Who organises it.", nullable=True),
        "participants": _refs_schema("Who takes part."),
        "agenda": _list("Agenda items.", {"type": "string"}),
        "location": _text("Where, as written.", nullable=True),
    },
)
MILESTONE = _obj(
    "A milestone, by date.",
    {
        "name": _text("Name."),
        "date": _day_schema("Due day."),
        "owner": _ref("Who owns it.", nullable=True),
        "done": {"type": "boolean", "description": "Reached."},
    },
)
LEVEL = _obj(
    "A level of the escalation path: whom to contact when a problem is not solved.",
    {
        "level": {"type": "integer", "minimum": 1, "description": "1, 2, 3, ... in order."},
        "contact": _ref("Who is contacted at this level."),
        "when": _text("When this level is reached, as written."),
        "channel": _text("How to reach them.", nullable=True),
    },
)
SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_FILE,
    "title": f"Project handbook as data ({FORMAT})",
    **_obj(
        "The public part of a client's project handbook: who holds which role, the RACI matrix, the "
        "communication matrix, meetings, milestones, the escalation path and the kickoff agreement. "
        "Texts are in the handbook's language; every key is always present (null or [] when empty).",
        {
            "$schema": {"const": SCHEMA_FILE, "description": "This schema, beside the export."},
            "format": {"const": FORMAT, "description": "Name and version of this shape."},
            "generated": {
                "type": "string",
                "format": "date-time",
                "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$",
                "description": "The edition, in UTC: the time of the project's last change.",
            },
            "language": _enum("Language of every text.", ["de", "en"]),
            "client": _text("The client's name."),
            "title": _text("The project's title."),
            "contractor": _text("The consultancy's name."),
            "status": _enum("Project status.", ["planned", "active", "completed"]),
            "timezone": _text("IANA time zone of every meeting time (Europe/Berlin)."),
            "period": {
                "description": "Project period; null: not given.",
                "anyOf": [
                    _obj(
                        "First and last day.",
                        {
                            "start": _day_schema("First day.", nullable=True),
                            "end": _day_schema("Last day.", nullable=True),
                        },
                    ),
                    {"type": "null"},
                ],
            },
            "summary": _text("The start page's summary, Markdown.", nullable=True),
            "agreement": {
                "description": "When and by whom the role distribution was agreed at the kickoff; null: not yet.",
                "anyOf": [
                    _obj(
                        "The kickoff agreement.",
                        {
                            "date": _day_schema("Day of the agreement."),
                            "client": _ref("Who agreed for the client."),
                            "contractor": _ref("Who agreed for the contractor."),
                        },
                    ),
                    {"type": "null"},
                ],
            },
            "people": _list("People and teams, in the order of the project file.", {"$ref": "#/$defs/person"}),
            "roles": _list("Roles held in the project.", {"$ref": "#/$defs/role"}),
            "workgroups": _list("Working groups.", {"$ref": "#/$defs/workgroup"}),
            "raci": _list("The RACI matrix, task by task.", {"$ref": "#/$defs/task"}),
            "communication": _list("The communication matrix.", {"$ref": "#/$defs/communication"}),
            "meetings": _list("Meetings.", {"$ref": "#/$defs/meeting"}),
            "milestones": _list("Milestones.", {"$ref": "#/$defs/milestone"}),
            "escalation": _list("The escalation path, level by level.", {"$ref": "#/$defs/escalation"}),
        },
    ),
    "$defs": {
        "reference": REFERENCE,
        "person": PERSON,
        "role": ROLE,
        "workgroup": WORKGROUP,
        "task": TASK,
        "communication": LINE,
        "meeting": MEETING,
        "milestone": MILESTONE,
        "escalation": LEVEL,
    },
}
