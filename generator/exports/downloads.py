"""Files a client takes home from the handbook: calendar, spreadsheets, address book and data (JSON).

Pure functions from the public view to bytes. Nothing reads the clock or the disk, and
everything iterates in the view's order, so the same project always gives the same bytes;
``stamp`` (the builder passes SOURCE_DATE_EPOCH) is the only time that reaches a file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar

from generator.exports import jsondata
from generator.project import dates
from generator.project.model import Meeting, Milestone, Person
from generator.render.matrix import column_name, mark_text, matrix
from generator.render.view import View

RRULES: dict[str, dict[str, object]] = {
    "weekly": {"FREQ": "WEEKLY"},
    "biweekly": {"FREQ": "WEEKLY", "INTERVAL": 2},
    "monthly": {"FREQ": "MONTHLY"},
}
DEFAULT_MINUTES = 60
OPEN_ENDED_YEARS = 10  # a meeting that recurs without end: time zone rules written this far ahead
# OWASP CSV injection: a spreadsheet runs a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def client_downloads(view: View, slug: str, stamp: datetime) -> dict[str, bytes]:
    """File name -> content, in link order; a file that would hold no entry is left out."""
    files = {
        "meetings.ics": calendar(view, slug, stamp),
        "raci.csv": raci_csv(view),
        communication_file(view): communication_csv(view),
        "contacts.vcf": contacts(view, slug),
        jsondata.EXPORT_FILE: jsondata.export_file(view, stamp),
        jsondata.SCHEMA_FILE: jsondata.schema_file(),
    }
    return {name: content for name, content in files.items() if content}


def link_texts(view: View) -> dict[str, str]:
    """File name -> link text in the project's language, for every file client_downloads may give."""
    L = view.L
    return {
        "meetings.ics": L["dl_meetings"],
        "raci.csv": L["dl_raci"],
        communication_file(view): L["dl_communication"],
        "contacts.vcf": L["dl_contacts"],
        jsondata.EXPORT_FILE: L["dl_json"],
        jsondata.SCHEMA_FILE: L["dl_json_schema"],
    }


def communication_file(view: View) -> str:
    return f"{view.P['communication']}.csv"  # kommunikation.csv / communication.csv


# iCalendar (RFC 5545), written by the icalendar library --------------------------------------
def calendar(view: View, slug: str, stamp: datetime) -> bytes:
    """Meetings (times in the project's own time zone, with its VTIMEZONE) and milestones."""
    events = calendar_events(view, slug, stamp)
    if not events:
        return b""  # RFC 5545 wants at least one component
    return write_calendar(f"{view.client} – {view.title}", f"-//handbook//{view.lang}", events)


def calendar_events(view: View, slug: str, stamp: datetime) -> list[icalendar.Event]:
    dtstamp = _as_utc(stamp)
    zone = dates.zone(view.timezone)
    dated = [m for m in view.meetings if m.date is not None]
    events = [
        _meeting_event(view, m, uid, dtstamp, zone)
        for m, uid in zip(dated, _uids(slug, "meeting", [(m.id, m.name) for m in dated]), strict=True)
    ]
    milestones = view.milestones
    uids = _uids(slug, "milestone", [(None, ms.name) for ms in milestones])
    events += [_milestone_event(view, ms, uid, dtstamp) for ms, uid in zip(milestones, uids, strict=True)]
    return events


def write_calendar(name: str, prodid: str, events: list[icalendar.Event]) -> bytes:
    """A VCALENDAR of ``events`` with a VTIMEZONE for every zone they name, covering their dates."""
    cal = icalendar.Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", prodid)
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(event)
    first, last = _time_span(events)
    cal.add_missing_timezones(first_date=first, last_date=last)
    return cal.to_ical()


def _time_span(events: list[icalendar.Event]) -> tuple[date, date]:
    """From the day before the first event to the day after the last one (or far ahead when a
    rule repeats without end): the VTIMEZONE must hold every transition in between."""
    days, open_ended = [], False
    for event in events:
        start = event.decoded("dtstart")
        days.append(start.date() if isinstance(start, datetime) else start)
        rule = event.get("rrule")
        if rule is not None:
            until = rule.get("UNTIL")
            if isinstance(until, list):
                until = until[0] if until else None
            if until:
                days.append(until.date() if isinstance(until, datetime) else until)
            else:
                open_ended = True
    first, last = min(days), max(days)
    if open_ended:
        last = date(min(last.year + OPEN_ENDED_YEARS, date.max.year - 1), 12, 31)
    return first - timedelta(days=1) if first > date.min else first, last + timedelta(days=1)


def _uids(slug: str, kind: str, keys: list[tuple[str | None, str]]) -> list[str]:
    """From the id, else from the name: reordering the YAML keeps every UID, so re-imports update."""
    seen: dict[str, int] = {}
    out = []
    for ident, name in keys:
        digest = hashlib.sha1(f"{slug}\0{name}".encode()).hexdigest()[:20]
        base = f"{kind}-{ident}" if ident else f"{kind}.{digest}"  # ids never contain '.'
        n = seen[base] = seen.get(base, 0) + 1
        out.append(f"{base if n == 1 else f'{base}.{n}'}@{slug}.handbook")
    return out


def _meeting_event(view: View, m: Meeting, uid: str, dtstamp: datetime, zone: ZoneInfo) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", dtstamp)
    start, end = _span(m, zone)
    event.add("dtstart", start)
    event.add("dtend", end)
    if m.recurrence:
        event.add("rrule", _rrule(m, zone))
    event.add("summary", _clean(m.name))
    if m.location:
        event.add("location", _clean(m.location))
    event.add("description", _clean(_description(view, m)))
    if organizer := _organizer(view, m):
        event.add("organizer", organizer)
    event.add("categories", [_clean(view.L["type_" + m.type])])
    return event


def _span(m: Meeting, zone: ZoneInfo) -> tuple[date | datetime, date | datetime]:
    if isinstance(m.date, datetime):
        start = m.date.replace(tzinfo=zone)
        minutes = m.duration or DEFAULT_MINUTES
        end = (start.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(zone)  # elapsed time, across DST too
        return start, end
    assert isinstance(m.date, date)
    days = max(1, -(-(m.duration or 0) // (24 * 60)))  # all day: the next day, or as many days as it lasts
    return m.date, m.date + timedelta(days=days)


def _rrule(m: Meeting, zone: ZoneInfo) -> dict:
    """RFC 5545 3.3.10: UNTIL is UTC when DTSTART has a time zone, a DATE when DTSTART is one."""
    rule = dict(RRULES[m.recurrence or ""])
    if m.until is not None:
        if isinstance(m.date, datetime):
            rule["UNTIL"] = datetime.combine(m.until, time(23, 59, 59), tzinfo=zone).astimezone(UTC)
        else:
            rule["UNTIL"] = m.until
    return rule


def _description(view: View, m: Meeting) -> str:
    L = view.L
    rows = [f"{L['type']}: {L['type_' + m.type]}"]
    if m.recurrence:
        rows.append(f"{L['recurrence']}: {view.recurrence(m)}")
    if m.organiser:
        rows.append(f"{L['organiser']}: {view.name(m.organiser)}")
    if m.participants:
        rows.append(f"{L['participants']}: {', '.join(view.name(ref) for ref in m.participants)}")
    if m.agenda:
        rows += [f"{L['agenda']}:", *(f"- {item}" for item in m.agenda)]
    return "\n".join(rows)


def _organizer(view: View, m: Meeting) -> icalendar.vCalAddress | None:
    ids = view.expand(m.organiser) if m.organiser else []
    person = next((p for p in view.people if len(ids) == 1 and p.id == ids[0]), None)
    if person is None or not person.email:
        return None
    address = icalendar.vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = _clean(person.name)
    return address


def _milestone_event(view: View, ms: Milestone, uid: str, dtstamp: datetime) -> icalendar.Event:
    L = view.L
    rows = [f"{L['owner']}: {view.name(ms.owner)}"] if ms.owner else []
    rows.append(f"{L['state']}: {L['done'] if ms.done else L['open']}")
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", dtstamp)
    event.add("dtstart", ms.date)
    event.add("dtend", ms.date + timedelta(days=1))
    event.add("summary", _clean(L["milestone"] + ": " + ms.name))
    event.add("description", _clean("\n".join(rows)))
    event.add("categories", [_clean(L["milestone"])])
    event.add("transp", "TRANSPARENT")
    return event


def _as_utc(stamp: datetime) -> datetime:
    return stamp.astimezone(UTC) if stamp.tzinfo else stamp.replace(tzinfo=UTC)  # naive means UTC already


# CSV for spreadsheets ----------------------------------------------------------------------------
def raci_csv(view: View) -> bytes:
    """The matrix of the page: a column per role, people named in the cells ("A · Ole Stein")."""
    mx = matrix(view)
    header = [view.L["task"], view.L["phase"], *(column_name(view, c) for c in mx.columns)]
    rows = [
        [
            view.task_text(row.task),
            row.task.phase.get(view.lang) if row.task.phase else "",
            *(", ".join(mark_text(view, m) for m in cell) for cell in row.cells),
        ]
        for phase in mx.phases
        for row in phase.rows
    ]
    return _csv(view.lang, header, rows)


def communication_csv(view: View) -> bytes:
    L = view.L
    header = [L["topic"], L["from"], L["to"], L["when"], L["channel"]]
    rows = [
        [c.topic, view.name(c.from_), ", ".join(view.name(ref) for ref in c.to), c.when, c.channel]
        for c in view.communication
    ]
    return _csv(view.lang, header, rows)


def _csv(lang: str, header: list[str], rows: list[list[str]]) -> bytes:
    """German Excel splits on ';', English on ','; the BOM makes both read UTF-8."""
    if not rows:
        return b""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if lang == "de" else ",", lineterminator="\r\n")
    writer.writerows([defuse(cell) for cell in row] for row in [header, *rows])
    return out.getvalue().encode("utf-8-sig")


def defuse(cell: str) -> str:
    """A leading apostrophe keeps a spreadsheet from running the cell as a formula (OWASP)."""
    return f"'{cell}" if cell.startswith(FORMULA_START) else cell


# vCard 4.0 (RFC 6350) -------------------------------------------------------------------------
def contacts(view: View, slug: str) -> bytes:
    """One card per key contact, however many key roles the person or team holds."""
    cards: dict[str, tuple[Person, list[str]]] = {}
    for role, person in view.key_contacts():
        roles = cards.setdefault(person.id, (person, []))[1]
        if (name := view.role_name(role)) not in roles:
            roles.append(name)
    lines = [line for person, roles in cards.values() for line in _vcard(view, slug, person, roles)]
    return ical_lines(lines) if lines else b""


def _vcard(view: View, slug: str, p: Person, roles: list[str]) -> list[str]:
    team = p.kind == "team"
    org = view.client if p.side == "client" else view.contractor
    lines = [
        "BEGIN:VCARD",
        "VERSION:4.0",
        f"PRODID:-//handbook//{view.lang}",
        f"UID:urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'handbook:{slug}:{p.id}')}",
        f"KIND:{'org' if team else 'individual'}",
        f"FN:{_vtext(p.name)}",
    ]
    if not team:
        given, _, family = _clean(p.name).strip().rpartition(" ")
        lines.append(f"N:{ical_text(family)};{ical_text(given)};;;")
    lines.append(f"ORG:{ical_text(org)}" + (f";{ical_text(p.department)}" if p.department else ""))
    if p.position:
        lines.append(f"TITLE:{_vtext(p.position)}")
    if roles:
        lines.append(f"ROLE:{_vtext(', '.join(roles))}")
    if p.email:
        lines.append(f"EMAIL;TYPE=work:{p.email}")
    if p.phone:
        lines.append(_tel(p.phone, view.dial(p)))
    if p.hours:
        lines.append(f"NOTE:{_vtext(view.L['hours'] + ': ' + p.hours)}")
    return [*lines, "END:VCARD"]


def _tel(phone: str, dial: str | None) -> str:
    """A tel: URI (RFC 3966) with the number in E.164 when it is dialable (a national number is
    read in its side's region); anything else stays text, as typed."""
    if dial:
        return f"TEL;VALUE=uri;TYPE=work,voice:tel:{dial}"
    return f"TEL;VALUE=text;TYPE=work,voice:{_vtext(phone)}"


# shared: escaping, folding, CRLF -------------------------------------------------------------
def _clean(value: str) -> str:
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _vtext(value: str) -> str:
    """RFC 6350 3.4 text: backslash, comma and newline escaped; ';' stays literal."""
    return _clean(value).replace("\\", "\\\\").replace(",", "\\,").replace("\n", "\\n")


def ical_text(value: str) -> str:
    """RFC 5545 TEXT, and a component of a vCard compound value (N, ORG): ';' escaped too."""
    return _vtext(value).replace(";", "\\;")


def _fold(line: str) -> str:
    """At most 75 octets a line, continued after CRLF + space, never inside a UTF-8 character."""
    parts: list[str] = []
    current: list[str] = []
    size, limit = 0, 75
    for ch in line:
        n = len(ch.encode())
        if size + n > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74  # the leading space takes one octet
        current.append(ch)
        size += n
    parts.append("".join(current))
    return "\r\n ".join(parts)


def ical_lines(lines: list[str]) -> bytes:
    return "".join(_fold(line) + "\r\n" for line in lines).encode()
