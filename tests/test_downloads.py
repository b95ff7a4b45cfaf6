"""Downloads: read every file back with the tools a client's calendar, spreadsheet and address book use."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from dateutil.rrule import rrulestr

from generator.exports.downloads import client_downloads, defuse, link_texts
from generator.project.check import check_all
from generator.project.model import Localized, Meeting
from generator.render.matrix import column_name, mark_text, matrix
from generator.render.view import View

from .conftest import make_repo

BERLIN = ZoneInfo("Europe/Berlin")
STAMP = datetime(2027, 1, 1, 12, 0, tzinfo=UTC)
DE, EN = "muster-maschinenbau", "harbour-logistics"


def fresh_views(tmp: Path) -> dict[str, View]:
    """New views each time: tests that edit a view must not leak into others."""
    run = check_all(make_repo(tmp, fixtures=True))
    return {r.slug: View(r.resolved) for r in run.results if r.ok}


@pytest.fixture(scope="module")
def views(tmp_path_factory) -> dict[str, View]:
    return fresh_views(tmp_path_factory.mktemp("repo"))


@pytest.fixture
def muster(tmp_path: Path) -> View:
    return fresh_views(tmp_path)[DE]


def files_of(view: View, slug: str = DE) -> dict[str, bytes]:
    return client_downloads(view, slug, STAMP)


def parse_ics(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def events(view: View, slug: str = DE) -> dict[str, icalendar.Event]:
    return {str(e["SUMMARY"]): e for e in parse_ics(files_of(view, slug)["meetings.ics"]).walk("VEVENT")}


def unescape(value: str) -> str:
    """RFC 5545 3.3.11 TEXT, for the properties icalendar does not know."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def physical_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    return data[:-2].split(b"\r\n")


def assert_folded_crlf(data: bytes) -> None:
    for line in physical_lines(data):
        assert len(line) <= 75, line
        assert b"\r" not in line and b"\n" not in line, line
        line.decode("utf-8")  # a fold never splits a multi-byte character


# file names and languages ------------------------------------------------------------------------
def test_file_names_per_language(views) -> None:
    data = ["handbook.json", "handbook.schema.json"]  # the same names in every language (test_json_export.py)
    assert list(files_of(views[DE])) == ["meetings.ics", "raci.csv", "kommunikation.csv", "contacts.vcf", *data]
    assert list(files_of(views[EN], EN)) == ["meetings.ics", "raci.csv", "communication.csv", "contacts.vcf", *data]
    assert set(link_texts(views[DE])) == set(files_of(views[DE]))
    assert link_texts(views[EN])["contacts.vcf"] == "Key contacts for your address book (vCard)"


def test_same_input_same_bytes(views, tmp_path: Path) -> None:
    again = fresh_views(tmp_path)
    for slug in (DE, EN):
        assert files_of(views[slug], slug) == files_of(again[slug], slug) == files_of(views[slug], slug)


def test_stamp_only_changes_dtstamp(views) -> None:
    one = files_of(views[DE])["meetings.ics"]
    two = client_downloads(views[DE], DE, datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC))["meetings.ics"]
    assert one.replace(b"DTSTAMP:20270101T120000Z", b"DTSTAMP:20300506T070809Z") == two
    assert b"DTSTAMP:20300506T070809Z" in two


def test_internal_notes_never_reach_a_download(views) -> None:
    for slug, marker in ((DE, b"INTERNAL-MARKER-MUSTER"), (EN, b"INTERNAL-MARKER-HARBOUR")):
        for content in files_of(views[slug], slug).values():
            assert marker not in content


def test_files_without_entries_are_left_out(muster: View) -> None:
    muster.meetings, muster.milestones, muster.communication = [], [], []
    assert list(files_of(muster)) == ["raci.csv", "contacts.vcf", "handbook.json", "handbook.schema.json"]


# calendar ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("slug, prefix", [(DE, "Meilenstein: "), (EN, "Milestone: ")])
def test_every_meeting_and_milestone_is_an_event(views, slug: str, prefix: str) -> None:
    view = views[slug]
    cal = parse_ics(files_of(view, slug)["meetings.ics"])
    summaries = sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT"))
    expected = [m.name for m in view.meetings if m.date] + [prefix + ms.name for ms in view.milestones]
    assert summaries == sorted(expected) and len(expected) >= 7
    assert str(cal["PRODID"]) == f"-//handbook//{view.lang}"
    for key in ("NAME", "X-WR-CALNAME"):  # TEXT (RFC 7986, x-props) that icalendar leaves escaped
        assert unescape(str(cal[key])) == f"{view.client} – {view.title}"


def test_calendar_has_the_projects_timezone(views) -> None:
    for slug, zone in ((DE, "Europe/Berlin"), (EN, "Europe/London")):
        cal = parse_ics(files_of(views[slug], slug)["meetings.ics"])
        (vtimezone,) = cal.walk("VTIMEZONE")
        assert str(vtimezone["TZID"]) == zone
        assert {e["DTSTART"].params.get("TZID") for e in cal.walk("VEVENT") if "TZID" in e["DTSTART"].params} == {zone}


def offset_in_file(vtimezone: icalendar.Timezone, local: datetime) -> timedelta:
    """The UTC offset a calendar client reads from the VTIMEZONE itself (not from its own tz
    database) for a local time: that of the observance which began last before that moment.
    An observance begins at DTSTART, a local time under its TZOFFSETFROM (RFC 5545 3.6.5)."""
    best: tuple[datetime, timedelta] | None = None
    for rule in vtimezone.subcomponents:
        first = rule.decoded("DTSTART").replace(tzinfo=None)
        starts = [first]
        if "RRULE" in rule:
            starts = list(rrulestr(rule["RRULE"].to_ical().decode(), dtstart=first).between(first, local, inc=True))
        rdates = rule.get("RDATE", [])
        for rdate in rdates if isinstance(rdates, list) else [rdates]:
            starts += [d.dt.replace(tzinfo=None) for d in rdate.dts]
        to, since = rule.decoded("TZOFFSETTO"), rule.decoded("TZOFFSETFROM")
        for start in starts:
            began = start - since  # in UTC
            if began <= local - to and (best is None or began > best[0]):
                best = (began, to)
    assert best is not None, f"no observance before {local}"
    return best[1]


ZONES = [
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "America/Sao_Paulo",
    "Pacific/Auckland",
    "Africa/Casablanca",
    "Asia/Tehran",
]


@pytest.mark.parametrize("zone", ZONES)
def test_vtimezone_gives_every_meeting_the_offset_of_the_tz_database(tmp_path: Path, zone: str) -> None:
    """For any IANA zone, a calendar that trusts only the file's VTIMEZONE puts every occurrence
    of every meeting at the same instant the tz database does."""
    meetings = "".join(
        f"  - {{name: M{month}, type: regular, date: 2027-{month:02d}-{day:02d} {hour:02d}:30, recurrence: weekly, "
        f"until: 2027-{month:02d}-28}}\n"
        for month, day, hour in ((1, 4, 9), (3, 15, 2), (3, 29, 14), (6, 7, 23), (10, 4, 1), (10, 25, 12), (11, 1, 8))
    )
    text = SMALL.replace("people:", f"timezone: {zone}\npeople:") + "meetings:\n" + meetings
    view = View(check_all(make_repo(tmp_path, {"zz": text})).results[0].resolved)
    cal = parse_ics(files_of(view, "zz")["meetings.ics"])
    (vtimezone,) = cal.walk("VTIMEZONE")
    tz = ZoneInfo(zone)
    checked = 0
    for event in cal.walk("VEVENT"):
        for start in expand(event):
            local = start.replace(tzinfo=None)
            if local.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local:
                continue  # a wall time the zone skips (spring forward): no single answer to compare
            assert offset_in_file(vtimezone, local) == local.replace(tzinfo=tz).utcoffset(), (zone, local)
            checked += 1
    assert checked > 15


SMALL = """\
client: Zone Ltd
title: CRM
people:
  - {id: pl, name: Petra Lang, side: client, roles: [project_lead, key_user]}
  - {id: am, name: Jan Weber, side: contractor, roles: [account_manager, support, backoffice]}
"""


def test_a_london_kickoff_at_nine_is_at_nine_in_london(tmp_path: Path) -> None:
    text = SMALL.replace("people:", "timezone: Europe/London\npeople:")
    text += "meetings:\n  - {name: Kickoff, type: kickoff, date: 2027-06-14 09:00, duration: 60}\n"
    view = View(check_all(make_repo(tmp_path, {"uk": text})).results[0].resolved)
    data = files_of(view, "uk")["meetings.ics"]
    assert b"DTSTART;TZID=Europe/London:20270614T090000" in physical_lines(data)
    (kickoff,) = parse_ics(data).walk("VEVENT")
    assert kickoff.decoded("DTSTART").astimezone(ZoneInfo("Europe/London")).hour == 9
    assert kickoff.decoded("DTSTART").astimezone(UTC) == datetime(2027, 6, 14, 8, 0, tzinfo=UTC)


def test_kickoff_time_duration_organizer_and_text(views) -> None:
    kickoff = events(views[DE])["Kickoff"]
    start, end = kickoff.decoded("DTSTART"), kickoff.decoded("DTEND")
    assert start == datetime(2027, 2, 3, 9, 30, tzinfo=BERLIN)
    assert start.astimezone(UTC) == datetime(2027, 2, 3, 8, 30, tzinfo=UTC)
    assert end - start == timedelta(minutes=240)
    assert kickoff["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert kickoff["DTSTAMP"].dt == STAMP
    assert str(kickoff["ORGANIZER"]) == "mailto:katrin.mueller@nordwind-crm.example"
    assert kickoff["ORGANIZER"].params["CN"] == "Katrin Müller"
    assert str(kickoff["LOCATION"]) == "Muster Maschinenbau GmbH, Werk Nord, Besprechungsraum „Drehbank“"
    assert [str(c) for c in kickoff["CATEGORIES"].cats] == ["Kickoff"]
    description = str(kickoff["DESCRIPTION"]).split("\n")
    assert description[0] == "Art: Kickoff"
    assert (
        "Teilnehmende: Projektteam, IT-Administration (Auftraggeber), Account Manager (Projektleitung "
        "Nordwind), Stellvertretung Account Manager, Ressourcenkoordination" in description
    )
    assert description[-5:] == [
        "- Vorstellung aller Beteiligten",
        "- Projektziele, Umfang und Abgrenzung",
        "- Rollenverteilung abstimmen (RACI-Matrix)",
        "- Kommunikationsmatrix und Eskalationsweg",
        "- Meilensteinplan und nächste Schritte",
    ]


def test_recurrence_rules(views) -> None:
    found = events(views[DE])
    until = datetime(2027, 9, 29, 21, 59, 59, tzinfo=UTC)  # 23:59:59 CEST
    assert found["Jour fixe"]["RRULE"] == {"FREQ": ["WEEKLY"], "UNTIL": [until]}
    rules = [e["RRULE"] for e in found.values() if "RRULE" in e]
    assert {"FREQ": ["WEEKLY"], "INTERVAL": [2], "UNTIL": [datetime(2027, 6, 30, 21, 59, 59, tzinfo=UTC)]} in rules
    assert {"FREQ": ["MONTHLY"], "UNTIL": [datetime(2027, 10, 4, 21, 59, 59, tzinfo=UTC)]} in rules
    assert found["Lenkungskreis"]["RRULE"]["FREQ"] == ["MONTHLY"]
    assert "RRULE" not in found["Kickoff"]


def expected_starts(m: Meeting) -> list[date]:
    """Occurrences as the YAML means them, counted without any rrule code."""
    first = m.date.date() if isinstance(m.date, datetime) else m.date
    assert m.until is not None
    if m.recurrence == "monthly":
        months = range(first.month + 12 * first.year, m.until.month + 12 * m.until.year + 1)
        out = []
        for n in months:
            try:
                out.append(date(n // 12 if n % 12 else n // 12 - 1, n % 12 or 12, first.day))
            except ValueError:  # no 31st in this month: RFC 5545 skips it
                pass
        return [d for d in out if d <= m.until]
    step = 7 if m.recurrence == "weekly" else 14
    return [first + timedelta(days=step * i) for i in range((m.until - first).days // step + 1)]


def expand(event: icalendar.Event) -> list[datetime]:
    """What a calendar client shows: the RRULE expanded from DTSTART."""
    return list(rrulestr(event["RRULE"].to_ical().decode(), dtstart=event.decoded("DTSTART")))


@pytest.mark.parametrize("slug", [DE, EN])
def test_expanded_recurrences_stop_at_until(views, slug: str) -> None:
    view = views[slug]
    found = events(view, slug)
    recurring = [m for m in view.meetings if m.recurrence and m.until]
    assert recurring
    zone = ZoneInfo(view.timezone)  # the project's own zone: Europe/London for the English fixture
    for m in recurring:
        occurrences = expand(found[m.name])
        local_days = [o.astimezone(zone).date() for o in occurrences]
        assert local_days == expected_starts(m), m.name
        assert local_days[-1] <= m.until
        assert {(o.astimezone(zone).hour, o.astimezone(zone).minute) for o in occurrences} == {
            (m.date.hour, m.date.minute)
        }  # same wall-clock time across the DST change


def test_expected_counts_of_the_german_example(views) -> None:
    by_name = {m.name: m for m in views[DE].meetings}
    assert len(expected_starts(by_name["Jour fixe"])) == 34  # 10 Feb .. 29 Sep 2027, weekly
    assert len(expected_starts(by_name["Arbeitskreis Service & Ersatzteile"])) == 10  # 17 Feb .. 23 Jun
    assert len(expected_starts(by_name["Lenkungskreis"])) == 8  # 1 Mar .. 1 Oct


def test_until_on_a_winter_day_and_the_last_occurrence_on_it(muster: View) -> None:
    muster.meetings = [
        Meeting(
            "m",
            "Late call",
            id="late",
            date=datetime(2027, 11, 3, 23, 30),
            recurrence="weekly",
            until=date(2027, 12, 1),
        )
    ]
    event = events(muster)["Late call"]
    assert b"RRULE:FREQ=WEEKLY;UNTIL=20271201T225959Z" in files_of(muster)["meetings.ics"]  # 23:59:59 CET
    assert expand(event)[-1] == datetime(2027, 12, 1, 23, 30, tzinfo=BERLIN)
    assert len(expand(event)) == 5


def test_all_day_meetings(muster: View) -> None:
    muster.meetings = [
        Meeting("m", "Schulungstag", date=date(2027, 3, 31), recurrence="monthly", until=date(2027, 8, 31)),
        Meeting("m", "Klausur", date=date(2027, 5, 3), duration=2 * 24 * 60),
    ]
    found = events(muster)
    training = found["Schulungstag"]
    assert training.decoded("DTSTART") == date(2027, 3, 31) and training.decoded("DTEND") == date(2027, 4, 1)
    assert b"RRULE:FREQ=MONTHLY;UNTIL=20270831\r\n" in files_of(muster)["meetings.ics"]
    days = [d.date() for d in rrulestr(training["RRULE"].to_ical().decode(), dtstart=datetime(2027, 3, 31))]
    assert (
        days
        == expected_starts(muster.meetings[0])
        == [date(2027, 3, 31), date(2027, 5, 31), date(2027, 7, 31), date(2027, 8, 31)]
    )
    assert found["Klausur"].decoded("DTEND") == date(2027, 5, 5)


def test_timed_meeting_without_duration_lasts_an_hour_and_dateless_ones_are_skipped(muster: View) -> None:
    muster.meetings = [Meeting("m", "Kurz", date=datetime(2027, 3, 28, 1, 30)), Meeting("m", "Irgendwann")]
    found = events(muster)
    assert "Irgendwann" not in found
    start, end = found["Kurz"].decoded("DTSTART"), found["Kurz"].decoded("DTEND")
    # the night summer time begins: one real hour later is 03:30 CEST
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=1)
    assert b"DTEND;TZID=Europe/Berlin:20270328T033000" in files_of(muster)["meetings.ics"]


def test_organizer_only_for_exactly_one_person_with_email(muster: View) -> None:
    base = muster.meetings[0]
    muster.meetings = [
        dataclasses.replace(base, id="a", name="Key users", organiser="key_user"),  # three people
        dataclasses.replace(base, id="b", name="Lena", organiser="lena_fischer"),
        dataclasses.replace(base, id="c", name="Nobody", organiser=None),
    ]
    found = events(muster)
    assert "ORGANIZER" not in found["Key users"] and "ORGANIZER" not in found["Nobody"]
    assert found["Lena"]["ORGANIZER"].params["CN"] == "Lena Fischer"


def uids(view: View) -> dict[str, str]:
    return {summary: str(e["UID"]) for summary, e in events(view).items()}


def test_uids_stable_unique_and_independent_of_order(muster: View) -> None:
    first = uids(muster)
    assert first == uids(muster)
    assert len(set(first.values())) == len(first)
    assert first["Kickoff"] == "meeting-kickoff@muster-maschinenbau.handbook"
    assert all(uid.endswith("@muster-maschinenbau.handbook") for uid in first.values())
    muster.meetings.reverse()
    muster.milestones.reverse()
    assert uids(muster) == first
    muster.meetings = [dataclasses.replace(m, id=None) for m in muster.meetings]
    without_ids = uids(muster)
    muster.meetings.reverse()
    assert uids(muster) == without_ids
    assert len(set(without_ids.values())) == len(without_ids)


def test_repeated_names_and_ids_still_get_distinct_uids(muster: View) -> None:
    muster.meetings = [Meeting("m", "Sync", date=date(2027, 3, d)) for d in (1, 2)]
    muster.meetings += [Meeting("m", f"Twin {d}", id="twin", date=date(2027, 4, d)) for d in (1, 2)]
    muster.milestones = []
    data = files_of(muster)["meetings.ics"]
    found = [str(e["UID"]) for e in parse_ics(data).walk("VEVENT")]
    assert len(set(found)) == 4
    assert "meeting-twin@muster-maschinenbau.handbook" in found


def test_lines_are_folded_at_75_octets_and_end_in_crlf(views) -> None:
    for slug in (DE, EN):
        for name in ("meetings.ics", "contacts.vcf"):
            assert_folded_crlf(files_of(views[slug], slug)[name])


@pytest.mark.parametrize(
    "name",
    [
        "Ä" * 100,
        "x" + "😀" * 40,
        "Back\\slash; semi, comma\nnew line",
        "ab" * 60 + "€" * 30,
        "„Zitat“ – ß" * 9,
    ],
)
def test_text_survives_escaping_and_folding(muster: View, name: str) -> None:
    muster.meetings = [Meeting("m", name, id="x", date=date(2027, 3, 1), location=name, agenda=[name])]
    muster.milestones = []
    data = files_of(muster)["meetings.ics"]
    assert_folded_crlf(data)
    (event,) = parse_ics(data).walk("VEVENT")
    assert str(event["SUMMARY"]) == str(event["LOCATION"]) == name
    assert str(event["DESCRIPTION"]).endswith("- " + name)


# CSV --------------------------------------------------------------------------------------------
def read_csv(data: bytes, delimiter: str) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.count("\r\n") == text.count("\n")  # CRLF only (no cell here holds a newline)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_raci_csv_german(views) -> None:
    """The matrix of the page: a column per role, named people in their role's cell."""
    view = views[DE]
    rows = read_csv(files_of(view)["raci.csv"], ";")
    mx = matrix(view)
    assert rows[0] == ["Aufgabe", "Phase", *(column_name(view, c) for c in mx.columns)]
    assert len(rows) == len(view.tasks) + 1
    matrix_rows = [row for phase in mx.phases for row in phase.rows]
    for row, line in zip(matrix_rows, rows[1:], strict=True):
        assert line == [
            view.task_text(row.task),
            row.task.phase.get("de") if row.task.phase else "",
            *(", ".join(mark_text(view, m) for m in cell) for cell in row.cells),
        ]
    consent = next(r for r in rows if r[0].startswith("Einwilligungen"))
    assert consent[rows[0].index("Arbeitskreise")] == "R · Arbeitskreis Vertrieb & Marketing"
    assert not set(rows[0]) & {p.name for p in view.people}  # nobody has a column of their own
    assert b";" in files_of(view)["raci.csv"].split(b"\r\n")[0]


def test_raci_and_communication_csv_english(views) -> None:
    view = views[EN]
    data = files_of(view, EN)
    raci = read_csv(data["raci.csv"], ",")
    assert raci[0][:2] == ["Task", "Phase"] and len(raci) == len(view.tasks) + 1
    communication = read_csv(data["communication.csv"], ",")
    assert communication[0] == ["Topic", "From", "To", "When", "How"]
    assert communication[1] == [
        "Project status and decisions",
        "Olivia Bennett",
        "Project team, Account manager (Nordwind project lead)",
        "weekly",
        "Status call (Teams)",
    ]
    assert b'"Project team, Account manager (Nordwind project lead)"' in data["communication.csv"]
    assert len(communication) == len(view.communication) + 1


def test_communication_csv_german(views) -> None:
    view = views[DE]
    rows = read_csv(files_of(view)["kommunikation.csv"], ";")
    assert rows[0] == ["Thema", "Von", "An", "Wann", "Wie"]
    assert rows[1] == [
        "Projektstatus, Entscheidungen und nächste Schritte",
        "Thomas Schmidt",
        "Projektteam, Account Manager (Projektleitung Nordwind)",
        "wöchentlich",
        "Jour fixe (Teams)",
    ]
    assert len(rows) == len(view.communication) + 1


@pytest.mark.parametrize("cell", ["=1+1", "+49 30", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_defused(cell: str) -> None:
    assert defuse(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["", "Plan", "'quoted", " =with space", "1+1", "x=1"])
def test_other_cells_stay_as_they_are(cell: str) -> None:
    assert defuse(cell) == cell


def test_injection_and_awkward_names_in_both_csv_files(muster: View) -> None:
    evil = '=HYPERLINK("http://evil.example";"klick")'
    muster.tasks[0] = dataclasses.replace(muster.tasks[0], task=Localized(evil, evil))
    sender = next(p for p in muster.people if p.id == "thomas_schmidt")
    sender.name = 'Müller; "Kalle" & Søn – 東京'
    muster.communication[0] = dataclasses.replace(muster.communication[0], topic="@risk", channel="-Teams")
    data = files_of(muster)
    raci = read_csv(data["raci.csv"], ";")
    assert raci[1][0] == "'" + evil
    named = next(m.who for ph in matrix(muster).phases for r in ph.rows for c in r.cells for m in c if m.who)
    assert any(f"· {muster.name(named)}" in cell for row in raci for cell in row)  # named in its role's cell
    comm = read_csv(data["kommunikation.csv"], ";")
    assert comm[1][:2] == ["'@risk", sender.name] and comm[1][4] == "'-Teams"


# vCard ------------------------------------------------------------------------------------------
def cards(view: View, slug: str = DE) -> dict[str, vobject.base.Component]:
    data = files_of(view, slug)["contacts.vcf"]
    parsed = list(vobject.readComponents(data.decode("utf-8")))
    by_name = {c.fn.value: c for c in parsed}
    assert len(by_name) == len(parsed)  # every contact once
    return by_name


@pytest.mark.parametrize("slug", [DE, EN])
def test_every_key_contact_once_with_email_and_phone(views, slug: str) -> None:
    view = views[slug]
    found = cards(view, slug)
    people = {p.id: p for _, p in view.key_contacts()}
    assert sorted(found) == sorted(p.name for p in people.values())
    for person in people.values():
        card = found[person.name]
        assert card.version.value == "4.0"
        assert card.email.value == person.email
        dial = view.dial(person)
        if dial:  # a tel: URI in E.164 (a national number read in its side's region)
            assert (card.tel.value, card.tel.params["VALUE"]) == ("tel:" + dial, ["uri"])
            assert dial.startswith("+") and dial[1:].isdigit()
        else:  # not dialable: text exactly as typed
            assert (card.tel.value, card.tel.params["VALUE"]) == (person.phone, ["text"])
        org = view.client if person.side == "client" else view.contractor
        assert card.org.value[0] == org
        assert card.kind.value == ("org" if person.kind == "team" else "individual")


def test_vcard_details(views) -> None:
    found = cards(views[DE])
    thomas = found["Thomas Schmidt"]
    assert (thomas.n.value.family, thomas.n.value.given) == ("Schmidt", "Thomas")
    # typed 0301234567 by a client in Berlin: dialable from anywhere
    assert thomas.tel.value == "tel:+49301234567" and thomas.tel.params["VALUE"] == ["uri"]
    assert thomas.title.value == "Leiter Vertriebsinnendienst"
    assert thomas.role.value == "Projektleitung (Auftraggeber)"
    assert thomas.org.value == ["Muster Maschinenbau GmbH", "Vertrieb"]
    katrin = found["Katrin Müller"]
    assert katrin.tel.value == "tel:+4940987654312" and katrin.tel.params["VALUE"] == ["uri"]
    hotline = found["Nordwind Support-Hotline"]
    assert "n" not in hotline.contents
    assert hotline.note.value == "Erreichbarkeit: Mo-Fr 8-18 Uhr, Fr bis 16 Uhr"


def test_one_card_for_several_key_roles_and_stable_uids(views, muster: View) -> None:
    found = cards(views[EN], EN)
    sophie = found["Sophie Turner"]  # account manager deputy (and resource coordinator, not a key role)
    assert sophie.role.value == "Deputy account manager"
    katrin = next(p for p in muster.people if p.id == "katrin_mueller")
    katrin.roles.append("support")
    again = cards(muster)
    assert list(again).count("Katrin Müller") == 1
    assert again["Katrin Müller"].role.value == "Account Manager (Projektleitung Nordwind), Support"
    assert again["Katrin Müller"].uid.value == cards(views[DE])["Katrin Müller"].uid.value
    assert again["Katrin Müller"].uid.value.startswith("urn:uuid:")
    assert len({c.uid.value for c in again.values()}) == len(again)


def test_vcard_escaping_and_folding(muster: View) -> None:
    lead = next(p for p in muster.people if p.id == "thomas_schmidt")
    lead.name = "Jean-Luc O'Brien, Jr.; Prof.\\ Öztürk"
    lead.position = "Leitung „Vertrieb, Service; Marketing“ " * 4
    data = files_of(muster)["contacts.vcf"]
    assert_folded_crlf(data)
    card = cards(muster)[lead.name]
    assert card.title.value == lead.position
    assert card.n.value.family == "Öztürk"
    assert b"FN:Jean-Luc O'Brien\\, Jr.; Prof.\\\\ \xc3\x96zt\xc3\xbcrk" in data.replace(b"\r\n ", b"")
