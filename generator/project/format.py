"""The project format, version 1 and its 1.1 additions (shared/spec/project-format.md), and the catalog.

Each key carries its meaning and an example: they become the JSON Schema's ``description``
and ``examples`` (projects/project.schema.json, for editors) and the format reference
for consultants (projects/FORMAT.md), so the three cannot drift apart.
"""

from __future__ import annotations

from generator.project import model as m
from generator.project.schema import (
    AnyMap,
    Bool,
    Date,
    Email,
    Enum,
    Ident,
    Int,
    Key,
    ListOf,
    LocalizedOf,
    Obj,
    Pattern,
    Ref,
    Text,
    Version,
    Zone,
)

SIDES = ("client", "contractor")
VERSIONS = ("1", "1.1")
NAME = Text(200, what="a name")
FREE = Text(500)
MARKDOWN = Text(20000, multiline=True, what="Markdown text")
REFS = ListOf(Ref())
REVISION = Pattern(
    64, what="a git commit id", regex=r"^[0-9a-f]{4,64}$", hint="write the commit's hash as git log shows it"
)
RULE = Pattern(
    64, what="a rule id", regex=r"^[a-z][a-z0-9-]*$", hint="copy the rule id that handbook check shows in brackets"
)
KEY_PATH = Pattern(
    200,
    what="a key path",
    regex=r"^[A-Za-z_][A-Za-z0-9_]*(\[[0-9]+\])*(\.[A-Za-z_][A-Za-z0-9_]*(\[[0-9]+\])*)*$",
    hint="copy the key path the warning names, e.g. people[3].represents[1]",
)

ABSENCE = Obj(
    m.Absence,
    {
        "from": Key(Date(), True, "First day away.", "2027-03-01"),
        "to": Key(Date(), True, "Last day away; not before `from`.", "2027-03-12"),
        "reason": Key(
            FREE, doc="Why (holiday, training, ...): for the consultancy only, never published.", example="Urlaub"
        ),
    },
    rename={"from": "from_"},
    description="A time a person is away (format 1.1). Only the dates are published, never the reason.",
    title="absence",
)

PERSON = Obj(
    m.Person,
    {
        "id": Key(Ident(), True, "Identifier that references use.", "anna_becker"),
        "name": Key(NAME, True, "Display name, shown exactly as written.", "Anna Becker"),
        "side": Key(Enum(SIDES), True, "Whose staff: the client's or the contractor's (the consultancy).", "client"),
        "kind": Key(
            Enum(("person", "team")),
            doc="`team` for a shared contact such as a support hotline; default `person`.",
            example="person",
        ),
        "roles": Key(ListOf(Ident()), doc="Ids of the roles this entry holds.", example=["key_user"]),
        "department": Key(NAME, doc="Department (Abteilung).", example="Vertrieb"),
        "position": Key(NAME, doc="Job title.", example="Teamleiterin Angebotsmanagement"),
        "email": Key(Email(), doc="E-mail address.", example="anna.becker@example.com"),
        "phone": Key(
            Text(60, what="a phone number"),
            doc="Phone number, shown exactly as typed; checked for plausibility (a warning, never changed).",
            example="+49 30 1234567-21",
        ),
        "hours": Key(FREE, doc="When the person or team can be reached.", example="Mo-Fr 8-17 Uhr"),
        "deputy": Key(Ref(), doc="Person id of the deputy (Vertretung).", example="stefan_wagner"),
        "represents": Key(
            ListOf(NAME),
            doc="Departments a key user speaks for; default: their own department.",
            example=["Service", "Ersatzteilwesen"],
        ),
        "absences": Key(
            ListOf(ABSENCE),
            doc="Times away (format 1.1); the deputy covers.",
            example=[{"from": "2027-03-01", "to": "2027-03-12"}],
        ),
    },
    description="A person or a team (kind: team) on the client's or the contractor's side.",
    title="person",
)

ROLE = Obj(
    m.Role,
    {
        "id": Key(Ident(), True, "Identifier; the id of a catalog role overrides that role.", "it_admin"),
        "name": Key(LocalizedOf(NAME), True, "Display name.", "IT-Administration"),
        "side": Key(Enum(SIDES), True, "The side whose people hold the role.", "client"),
        "description": Key(
            LocalizedOf(MARKDOWN), doc="What the role is about (Markdown).", example="Betreut die Schnittstellen."
        ),
        "responsibilities": Key(
            LocalizedOf(ListOf(FREE)), doc="What the holders do, one item each.", example=["Benutzer anlegen"]
        ),
        "min": Key(Int(0, 999), doc="How many holders the role needs at least.", example=1),
        "max": Key(Int(0, 999), doc="How many holders the role allows at most; omit for no limit.", example=1),
        "named": Key(Bool(), doc="`true`: every holder must be a person, not a team.", example=True),
    },
    description="A role: catalog entry, project-specific role, or override of a catalog role by id.",
    title="role",
)

WORKGROUP = Obj(
    m.Workgroup,
    {
        "id": Key(Ident(), True, "Identifier that references use.", "wg_service"),
        "name": Key(NAME, True, "Display name.", "Arbeitskreis Service"),
        "lead": Key(Ref(), doc="Who leads it: a reference to one person.", example="michael_krueger"),
        "members": Key(REFS, doc="Who takes part: references.", example=["sabine_gross", "key_user"]),
        "topic": Key(FREE, doc="What it works on.", example="Wartungsverträge und Ersatzteile"),
    },
    description="A working group (Arbeitskreis) for a large project team.",
    title="workgroup",
)

TASK = Obj(
    m.Task,
    {
        "id": Key(
            Ident(),
            doc="The id of a catalog task replaces that task (`remove: true` drops it); any other id adds a task.",
            example="budget",
        ),
        "task": Key(LocalizedOf(FREE), True, "What is to be done.", "Projektbudget einhalten"),
        "responsible": Key(
            ListOf(Ref(), min_items=1), True, "Who does it (R): references, at least one.", ["account_manager"]
        ),
        "accountable": Key(
            Ref(), True, "Who answers for it (A): one reference that resolves to exactly one person.", "account_manager"
        ),
        "consulted": Key(REFS, doc="Who is asked beforehand (C): references.", example=["project_lead"]),
        "informed": Key(REFS, doc="Who is told (I): references.", example=["project_team"]),
        "phase": Key(LocalizedOf(NAME), doc="Project phase, free text.", example="Kickoff"),
        "remove": Key(
            Bool(), doc="`true`: drop the catalog task with this id; then only `id` is needed.", example=True
        ),
    },
    unless=("remove", ("id",)),
    description="A RACI task; an id of a catalog task replaces it, remove: true drops it.",
    title="RACI task",
)

COMM = Obj(
    m.CommLine,
    {
        "topic": Key(FREE, True, "What is communicated.", "Projektstatus"),
        "from": Key(Ref(), True, "Who sends it: one reference.", "project_lead"),
        "to": Key(ListOf(Ref(), min_items=1), True, "Who receives it: references.", ["project_team"]),
        "when": Key(FREE, True, "How often or on which occasion.", "wöchentlich"),
        "channel": Key(FREE, True, "How: the medium or meeting.", "Jour fixe (Teams)"),
    },
    rename={"from": "from_"},
    description="One line of the communication matrix: who tells whom what, when and how.",
    title="communication line",
)

MEETING = Obj(
    m.Meeting,
    {
        "id": Key(Ident(), doc="Identifier; keeps calendar entries stable when the name changes.", example="kickoff"),
        "name": Key(NAME, True, "Display name.", "Kickoff"),
        "type": Key(
            Enum(("kickoff", "regular", "review", "workshop", "other")),
            doc="Kind of meeting; default `other`.",
            example="kickoff",
        ),
        "date": Key(
            Date(with_time=True),
            doc="Day, or day and local time (in the project's `timezone`); the first one when it recurs.",
            example="2027-02-03 09:30",
        ),
        "duration": Key(Int(1, 24 * 60), doc="Minutes.", example=90),
        "recurrence": Key(Enum(("weekly", "biweekly", "monthly")), doc="How often it repeats.", example="weekly"),
        "until": Key(Date(), doc="Last day of a recurring meeting.", example="2027-06-30"),
        "participants": Key(REFS, doc="Who takes part: references.", example=["project_team", "account_manager"]),
        "organiser": Key(Ref(), doc="Who organises it: one reference.", example="account_manager"),
        "agenda": Key(ListOf(FREE), doc="Agenda items.", example=["Rollenverteilung abstimmen"]),
        "location": Key(FREE, doc="Where: a room, an address or a video call.", example="Microsoft Teams"),
    },
    description="A meeting: kickoff, regular meeting, review, workshop or other.",
    title="meeting",
)

MILESTONE = Obj(
    m.Milestone,
    {
        "name": Key(NAME, True, "Display name.", "Go-live"),
        "date": Key(Date(), True, "Due day.", "2027-07-01"),
        "owner": Key(Ref(), doc="Who owns it: one reference.", example="project_lead"),
        "done": Key(Bool(), doc="`true` once reached; default `false`.", example=False),
    },
    description="A milestone with its date.",
    title="milestone",
)

ESCALATION = Obj(
    m.EscalationLevel,
    {
        "level": Key(Int(1, 99), True, "1, 2, 3, … in order without gaps.", 1),
        "contact": Key(Ref(), True, "Who is contacted at this level: one reference.", "support"),
        "when": Key(FREE, True, "When this level applies.", "nach 2 Arbeitstagen ohne Lösung"),
        "channel": Key(FREE, doc="How to reach the contact.", example="Telefon"),
    },
    description="One level of the escalation path.",
    title="escalation level",
)

PERIOD = Obj(
    m.Period,
    {
        "start": Key(Date(), doc="First day of the project.", example="2027-01-11"),
        "end": Key(Date(), doc="Last day; not before `start`.", example="2027-10-29"),
    },
    description="When the project runs.",
    title="period",
)

SITE = Obj(
    m.SiteOptions,
    {
        "noindex": Key(Bool(), doc="`false` lets search engines index the site; default `true`.", example=True),
    },
    description="Publishing options (an addition of this generator): noindex: false lets search engines index the site.",
    title="site options",
)

AGREEMENT = Obj(
    m.Agreement,
    {
        "date": Key(Date(), True, "Day the role distribution was agreed (usually the kickoff).", "2027-01-20"),
        "client": Key(Ref(), True, "Who agreed for the client: a reference to one person.", "thomas_schmidt"),
        "contractor": Key(Ref(), True, "Who agreed for the contractor: a reference to one person.", "katrin_mueller"),
        "revision": Key(
            REVISION,
            doc="Git commit id of the agreed version; default: the last commit of the project file on or before `date`.",
            example="3f2c9a1",
        ),
    },
    description="The role distribution agreed with the client at the kickoff (format 1.1).",
    title="agreement",
)

FEEDBACK = Obj(
    m.Feedback,
    {
        "person": Key(Ref(), True, "Who gave the feedback: a reference to one person.", "anna_becker"),
        "role": Key(Ident(), True, "The role it is about: a role id.", "key_user"),
        "date": Key(Date(), True, "When it was given (usually the project review).", "2027-10-20"),
        "text": Key(MARKDOWN, True, "What was said.", "Die Abstimmung mit dem Marketing kam zu kurz."),
    },
    description="Feedback on a role from the project review (format 1.1). Like internal: never in a client handbook.",
    title="feedback entry",
)

ACCEPT = Obj(
    m.Accept,
    {
        "rule": Key(RULE, True, "The rule id the warning shows in brackets.", "key-user-department"),
        "at": Key(KEY_PATH, True, "The key path the warning names.", "people[2].represents[1]"),
        "reason": Key(FREE, True, "Why the warning is accepted.", "Ersatzteilwesen wird ab Juli eigenes Team."),
    },
    description="A warning the consultant has looked at and accepts (format 1.1); check --strict then passes.",
    title="acceptance",
)

PROJECT = Obj(
    m.Project,
    {
        "version": Key(Version(VERSIONS), doc="Format version of the file; optional.", example=1.1),
        "client": Key(NAME, True, "The client's display name.", "Muster Maschinenbau GmbH"),
        "title": Key(NAME, True, "Project title.", "Einführung CRM in Vertrieb und Service"),
        "language": Key(
            Enum(("de", "en")), doc="Language of every generated label, heading and date; default `de`.", example="de"
        ),
        "contractor": Key(
            NAME, doc="The consultancy's name; default: the catalog's.", example="Nordwind CRM Beratung GmbH"
        ),
        "status": Key(
            Enum(("planned", "active", "completed")),
            doc="Project state; default `active`. After `completed` the roles stay (operations phase).",
            example="active",
        ),
        "timezone": Key(
            Zone(),
            doc="Time zone of every meeting time in the file (format 1.1); default `Europe/Berlin`.",
            example="Europe/London",
        ),
        "period": Key(PERIOD, doc="When the project runs.", example={"start": "2027-01-11", "end": "2027-10-29"}),
        "summary": Key(
            MARKDOWN, doc="Shown on the start page (Markdown).", example="Einführung des CRM-Systems im Vertrieb."
        ),
        "people": Key(
            ListOf(PERSON, min_items=1),
            True,
            "People and teams of both sides.",
            [{"id": "thomas_schmidt", "name": "Thomas Schmidt", "side": "client", "roles": ["project_lead"]}],
        ),
        "roles": Key(
            ListOf(ROLE),
            doc="Project-specific roles, or overrides of catalog roles by id.",
            example=[{"id": "it_admin", "name": "IT-Administration", "side": "client"}],
        ),
        "workgroups": Key(
            ListOf(WORKGROUP),
            doc="Working groups (Arbeitskreise) for large teams.",
            example=[{"id": "wg_service", "name": "Arbeitskreis Service", "members": ["key_user"]}],
        ),
        "raci": Key(
            ListOf(TASK),
            doc="RACI tasks, merged over the catalog's standard tasks by id.",
            example=[
                {
                    "id": "budget",
                    "task": "Budget einhalten",
                    "responsible": ["account_manager"],
                    "accountable": "account_manager",
                }
            ],
        ),
        "communication": Key(
            ListOf(COMM),
            doc="The communication matrix.",
            example=[
                {
                    "topic": "Projektstatus",
                    "from": "project_lead",
                    "to": ["project_team"],
                    "when": "wöchentlich",
                    "channel": "Jour fixe",
                }
            ],
        ),
        "meetings": Key(
            ListOf(MEETING),
            doc="Kickoff, regular meetings, review.",
            example=[{"name": "Kickoff", "type": "kickoff", "date": "2027-02-03 09:30"}],
        ),
        "milestones": Key(ListOf(MILESTONE), doc="Milestones.", example=[{"name": "Go-live", "date": "2027-07-01"}]),
        "escalation": Key(
            ListOf(ESCALATION),
            doc="Who is contacted, in order, when a problem is not solved.",
            example=[{"level": 1, "contact": "support", "when": "sofort"}],
        ),
        "agreement": Key(
            AGREEMENT,
            doc="The role distribution agreed at the kickoff (format 1.1).",
            example={"date": "2027-01-20", "client": "thomas_schmidt", "contractor": "katrin_mueller"},
        ),
        "feedback": Key(
            ListOf(FEEDBACK),
            doc="Feedback on roles from the project review (format 1.1); never in a client handbook.",
            example=[{"person": "anna_becker", "role": "key_user", "date": "2027-10-20", "text": "Gut abgestimmt."}],
        ),
        "accept": Key(
            ListOf(ACCEPT),
            doc="Warnings looked at and accepted (format 1.1).",
            example=[{"rule": "team-size", "at": "people", "reason": "Zwei Arbeitskreise ab März."}],
        ),
        "internal": Key(
            AnyMap(), doc="Consultancy-only notes, any mapping; never in a client handbook.", example={"margin": "27 %"}
        ),
        "site": Key(SITE, doc="Publishing options.", example={"noindex": True}),
    },
    description="One client project of the handbook generator (format version 1 with the 1.1 additions).",
    title="project file",
)

CATALOG = Obj(
    m.Catalog,
    {
        "version": Key(Version(VERSIONS), doc="Format version of the file; optional.", example=1),
        "contractor": Key(NAME, True, "The consultancy's name.", "Nordwind CRM Beratung GmbH"),
        "timezone": Key(
            Zone(),
            doc="The consultancy's own time zone (portfolio dates; pages name other zones); default `Europe/Berlin`.",
            example="Europe/Berlin",
        ),
        "roles": Key(
            ListOf(ROLE), True, "The standard roles.", [{"id": "support", "name": "Support", "side": "contractor"}]
        ),
        "tasks": Key(
            ListOf(TASK),
            doc="The standard RACI tasks; each needs an id.",
            example=[
                {
                    "id": "budget",
                    "task": "Budget einhalten",
                    "responsible": ["account_manager"],
                    "accountable": "account_manager",
                }
            ],
        ),
    },
    description="The consultancy's role catalog and standard RACI tasks (projects/roles.yml).",
    title="catalog",
)


def json_schema() -> dict:
    """The JSON Schema for project files, as committed in projects/project.schema.json."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "project.schema.json",
        "title": "handbook project file, format version 1.1",
        **PROJECT.json(),
    }
