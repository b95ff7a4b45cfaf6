"""Files a client takes home from the handbook: calendar, spreadsheets and address book.

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

from .model import Meeting, Milestone, Person
from .view import View

TZID = "Europe/Berlin"
# The EU rule, written out: clients then resolve our local times exactly as _to_utc does.
VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
)
RRULES = {"weekly": "FREQ=WEEKLY", "biweekly": "FREQ=WEEKLY;INTERVAL=2", "monthly": "FREQ=MONTHLY"}
DEFAULT_MINUTES = 60
# OWASP CSV injection: a spreadsheet runs a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_PHONE_SEPARATORS = re.compile(r"[\s\-./()]")
_GLOBAL_NUMBER = re.compile(r"\+\d{4,}")


def client_downloads(view: View, slug: str, stamp: datetime) -> dict[str, bytes]:
    """File name -> content, in link order; a file that would hold no entry is left out."""
    files = {
        "meetings.ics": calendar(view, slug, stamp),
        "raci.csv": raci_csv(view),
        communication_file(view): communication_csv(view),
        "contacts.vcf": contacts(view, slug),
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
    }


def communication_file(view: View) -> str:
    return f"{view.P['communication']}.csv"  # kommunikation.csv / communication.csv


# iCalendar (RFC 5545) -------------------------------------------------------------------------
def calendar(view: View, slug: str, stamp: datetime) -> bytes:
    dtstamp = f"{_as_utc(stamp):%Y%m%dT%H%M%SZ}"
    dated = [m for m in view.meetings if m.date is not None]
    events: list[str] = []
    for m, uid in zip(dated, _uids(slug, "meeting", [(m.id, m.name) for m in dated]), strict=True):
        events += _meeting_event(view, m, uid, dtstamp)
    milestones = view.milestones
    for ms, uid in zip(milestones, _uids(slug, "milestone", [(None, ms.name) for ms in milestones]), strict=True):
        events += _milestone_event(view, ms, uid, dtstamp)
    if not events:
        return b""  # RFC 5545 wants at least one component
    name = ical_text(f"{view.client} – {view.title}")
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//handbook//{view.lang}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{name}",
        f"X-WR-CALNAME:{name}",
    ]
    zone = list(VTIMEZONE) if any(isinstance(m.date, datetime) for m in dated) else []
    return ical_lines([*head, *zone, *events, "END:VCALENDAR"])


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


def _meeting_event(view: View, m: Meeting, uid: str, dtstamp: str) -> list[str]:
    lines = ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{dtstamp}", *_span(m)]
    if m.recurrence:
        lines.append(f"RRULE:{_rrule(m)}")
    lines.append(f"SUMMARY:{ical_text(m.name)}")
    if m.location:
        lines.append(f"LOCATION:{ical_text(m.location)}")
    lines.append(f"DESCRIPTION:{ical_text(_description(view, m))}")
    if organizer := _organizer(view, m):
        lines.append(organizer)
    return [*lines, f"CATEGORIES:{ical_text(view.L['type_' + m.type])}", "END:VEVENT"]


def _span(m: Meeting) -> list[str]:
    if isinstance(m.date, datetime):
        end = _to_local(_to_utc(m.date) + timedelta(minutes=m.duration or DEFAULT_MINUTES))
        return [f"DTSTART;TZID={TZID}:{m.date:%Y%m%dT%H%M%S}", f"DTEND;TZID={TZID}:{end:%Y%m%dT%H%M%S}"]
    assert isinstance(m.date, date)
    days = max(1, -(-(m.duration or 0) // (24 * 60)))  # all day: the next day, or as many days as it lasts
    return [f"DTSTART;VALUE=DATE:{m.date:%Y%m%d}", f"DTEND;VALUE=DATE:{m.date + timedelta(days=days):%Y%m%d}"]


def _rrule(m: Meeting) -> str:
    """RFC 5545 3.3.10: UNTIL is UTC when DTSTART has a time zone, a DATE when DTSTART is one."""
    rule = RRULES[m.recurrence or ""]
    if m.until is None:
        return rule
    if isinstance(m.date, datetime):
        return f"{rule};UNTIL={_to_utc(datetime.combine(m.until, time(23, 59, 59))):%Y%m%dT%H%M%SZ}"
    return f"{rule};UNTIL={m.until:%Y%m%d}"


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


def _organizer(view: View, m: Meeting) -> str | None:
    ids = view.expand(m.organiser) if m.organiser else []
    person = next((p for p in view.people if len(ids) == 1 and p.id == ids[0]), None)
    if person is None or not person.email:
        return None
    # RFC 6868 caret encoding inside a quoted parameter value
    cn = _clean(person.name).replace("^", "^^").replace('"', "^'").replace("\n", "^n")
    return f'ORGANIZER;CN="{cn}":mailto:{person.email}'


def _milestone_event(view: View, ms: Milestone, uid: str, dtstamp: str) -> list[str]:
    L = view.L
    rows = [f"{L['owner']}: {view.name(ms.owner)}"] if ms.owner else []
    rows.append(f"{L['state']}: {L['done'] if ms.done else L['open']}")
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{dtstamp}",
        f"DTSTART;VALUE=DATE:{ms.date:%Y%m%d}",
        f"DTEND;VALUE=DATE:{ms.date + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{ical_text(L['milestone'] + ': ' + ms.name)}",
        f"DESCRIPTION:{ical_text(chr(10).join(rows))}",
        f"CATEGORIES:{ical_text(L['milestone'])}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


# Europe/Berlin by the rule in VTIMEZONE: summer time from 01:00 UTC on the last Sunday of March
# to 01:00 UTC on the last Sunday of October. No tz database needed, and always the same answer.
def _last_sunday(year: int, month: int) -> date:
    last = date(year, month, 31)  # March and October both have 31 days
    return last - timedelta(days=(last.weekday() + 1) % 7)


def _offset(utc: datetime) -> timedelta:
    begin = datetime.combine(_last_sunday(utc.year, 3), time(1))
    end = datetime.combine(_last_sunday(utc.year, 10), time(1))
    return timedelta(hours=2 if begin <= utc < end else 1)


def _to_utc(local: datetime) -> datetime:
    """Naive local -> naive UTC; a repeated hour means its first occurrence, a skipped one counts as
    standard time (RFC 5545 3.3.5)."""
    for hours in (2, 1):
        utc = local - timedelta(hours=hours)
        if _offset(utc) == timedelta(hours=hours):
            return utc
    return local - timedelta(hours=1)


def _to_local(utc: datetime) -> datetime:
    return utc + _offset(utc)


def _as_utc(stamp: datetime) -> datetime:
    return stamp.astimezone(UTC) if stamp.tzinfo else stamp  # naive means UTC already


# CSV for spreadsheets ----------------------------------------------------------------------------
def raci_csv(view: View) -> bytes:
    columns = view.columns()
    header = [view.L["task"], view.L["phase"], *(view.name(ref) for ref in columns)]
    rows = [
        [view.task_text(t), t.phase.get(view.lang) if t.phase else "", *(view.cell(t, ref) for ref in columns)]
        for t in view.tasks
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
        lines.append(_tel(p.phone))
    if p.hours:
        lines.append(f"NOTE:{_vtext(view.L['hours'] + ': ' + p.hours)}")
    return [*lines, "END:VCARD"]


def _tel(phone: str) -> str:
    """A tel: URI only for a global number (RFC 3966); anything else stays text, as typed."""
    compact = _PHONE_SEPARATORS.sub("", phone)
    if _GLOBAL_NUMBER.fullmatch(compact):
        return f"TEL;VALUE=uri;TYPE=work,voice:tel:{compact}"
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
    parts, current, size, limit = [], [], 0, 75
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
