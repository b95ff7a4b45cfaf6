"""The format 1.1 additions (shared/spec/project-format.md, "Additions in version 1.1"): each key is
read and checked, each new rule fires where it should with its rule id, and stays quiet in the
fine counterpart. Same base project and helpers as tests/test_rules.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.project.check import check_all
from generator.project.diagnostics import Diagnostic

from .conftest import make_repo
from .test_rules import BASE, INA, KAI, LEA, SLUG, at, edit, val

Row = tuple[int, int, str, str, str, str]  # line, col, kind, path, message, rule


def found(tmp_path: Path, text: str, catalog_zone: str | None = None) -> list[Row]:
    """Errors, warnings and accepted warnings (not notes) with their rule ids."""
    repo = make_repo(tmp_path / "repo", {SLUG: text})
    if catalog_zone:
        catalog = repo / "projects" / "roles.yml"
        catalog.write_text(
            catalog.read_text(encoding="utf-8").replace("version: 1\n", f"version: 1\ntimezone: {catalog_zone}\n"),
            "utf-8",
        )
    out = []
    for d in sorted(check_all(repo, [SLUG]).all_diagnostics(), key=Diagnostic.sort_key):
        if d.severity != "note":
            out.append((d.pos.line, d.pos.col, d.kind, d.path, d.message, d.rule))
    return out


def resolved(tmp_path: Path, text: str):
    result = check_all(make_repo(tmp_path / "r", {SLUG: text}), [SLUG]).results[0]
    assert result.ok, result.diagnostics
    return result.resolved


# --- the keys themselves ------------------------------------------------------------------------


def test_every_11_key_is_read(tmp_path: Path) -> None:
    text = edit(
        (LEA, LEA + "    absences:\n      - {from: 2027-03-01, to: 2027-03-05, reason: Kur}\n"),
        base="version: 1.1\ntimezone: Europe/Vienna\n" + BASE,
        append=(
            "agreement: {date: 2027-01-20, client: lea, contractor: ina, revision: 3f2c9a1}\n"
            "feedback:\n  - {person: kai, role: key_user, date: 2027-06-01, text: Gut.}\n"
            "accept:\n  - rule: absence-role\n    at: people[0].absences[0]\n    reason: Kai vertritt.\n"
        ),
    )
    assert [(r[2], r[5]) for r in found(tmp_path, text)] == [("accepted", "absence-role")]
    r = resolved(tmp_path, text)
    p = r.project
    assert (p.version, p.timezone) == ("1.1", "Europe/Vienna")
    assert (p.agreement.client, p.agreement.contractor, p.agreement.revision) == ("lea", "ina", "3f2c9a1")
    assert p.agreement.date.isoformat() == "2027-01-20"
    assert [(f.person, f.role, f.text) for f in p.feedback] == [("kai", "key_user", "Gut.")]
    (absence,) = r.people["lea"].absences
    assert (absence.from_.isoformat(), absence.to.isoformat(), absence.reason) == ("2027-03-01", "2027-03-05", "Kur")


def test_unknown_time_zone_names_the_closest_one(tmp_path: Path) -> None:
    text = "timezone: Europe/Londn\n" + BASE
    assert found(tmp_path, text) == [
        (
            *val(text, "timezone: Europe/Londn"),
            "error",
            "timezone",
            "unknown time zone 'Europe/Londn' (did you mean 'Europe/London'?); write an IANA name such as Europe/Berlin",
            "",
        )
    ]


@pytest.mark.parametrize(
    ("addition", "needle", "path", "message"),
    [
        (
            "agreement: {date: 2027-01-20, client: lea}\n",
            "{date",
            "agreement",
            "missing required key 'contractor'",
        ),
        (
            "agreement: {date: 2027-01-20, client: lea, contractor: ina, revision: HEAD~1}\n",
            "HEAD~1",
            "agreement.revision",
            "'HEAD~1' is not a git commit id; write the commit's hash as git log shows it",
        ),
        (
            "agreement: {date: 2027-01-20, client: key_user, contractor: contractor}\n",
            "contractor}",
            "agreement.contractor",
            "who agreed for the contractor must be exactly one person, but 'contractor' resolves to ina, hotline; "
            "name a person id",
        ),
        (
            "feedback:\n  - {person: kai, role: keyuser, date: 2027-06-01, text: x}\n",
            "keyuser",
            "feedback[0].role",
            "unknown role 'keyuser' (did you mean 'key_user'?)",
        ),
        (
            "feedback:\n  - {person: kai, role: key_user, date: 2027-06-01}\n",
            "{person",
            "feedback[0]",
            "missing required key 'text'",
        ),
        (
            "accept:\n  - {rule: team-size, at: people}\n",
            "{rule",
            "accept[0]",
            "missing required key 'reason'",
        ),
        (
            "accept:\n  - {rule: Team Size, at: people, reason: x}\n",
            "Team Size",
            "accept[0].rule",
            "'Team Size' is not a rule id; copy the rule id that handbook check shows in brackets",
        ),
    ],
)
def test_11_shape_and_reference_errors(tmp_path: Path, addition: str, needle: str, path: str, message: str) -> None:
    text = BASE + addition
    assert found(tmp_path, text) == [(*at(text, needle), "error", path, message, "")]


def test_absence_that_ends_before_it_starts(tmp_path: Path) -> None:
    text = edit((LEA, LEA + "    absences:\n      - {from: 2027-03-05, to: 2027-03-01}\n"))
    assert found(tmp_path, text) == [
        (
            *at(text, "2027-03-01}"),
            "error",
            "people[0].absences[0].to",
            "'to' (2027-03-01) is before 'from' (2027-03-05)",
            "",
        )
    ]


def test_version_and_calendar_years(tmp_path: Path) -> None:
    assert found(tmp_path / "a", "version: 1.1\n" + BASE) == []
    assert found(tmp_path / "b", "version: 1\n" + BASE) == []
    text = "version: 1.2\n" + BASE
    assert found(tmp_path / "c", text) == [
        (1, 10, "error", "version", "unsupported format version 1.2; this generator reads version 1 or 1.1", "")
    ]
    text = edit(("    type: kickoff\n", "    type: kickoff\n    date: 9999-12-31 23:30\n"))
    assert found(tmp_path / "d", text) == [
        (
            *val(text, "date: 9999-12-31 23:30"),
            "error",
            "meetings[0].date",
            "'9999-12-31 23:30' lies outside the years 1900–2199 that calendars handle; check the year",
            "",
        )
    ]


# --- warnings with rule ids, accepted and stale -------------------------------------------------


def test_agreement_by_someone_of_the_other_side_is_a_warning(tmp_path: Path) -> None:
    text = BASE + "agreement: {date: 2027-01-20, client: ina, contractor: ina}\n"
    assert found(tmp_path, text) == [
        (
            *val(text, "client: ina"),
            "warning",
            "agreement.client",
            "'ina' agreed for the client but is on the contractor side",
            "agreement-side",
        )
    ]


def test_accepted_warning_and_stale_acceptance(tmp_path: Path) -> None:
    without_kickoff = edit(("    type: kickoff\n", "    type: workshop\n"))
    accept = "accept:\n  - {rule: no-kickoff, at: meetings, reason: Vorprojekt}\n"
    text = without_kickoff + accept
    assert found(tmp_path / "a", text) == [
        (
            *at(text, "- name: Kickoff"),
            "accepted",
            "meetings",
            "no kickoff meeting (type: kickoff); the roles are agreed there",
            "no-kickoff",
        )
    ]
    wrong_path = without_kickoff + "accept:\n  - rule: no-kickoff\n    at: meetings[0]\n    reason: Vorprojekt\n"
    assert [(kind, path, rule) for _, _, kind, path, _, rule in found(tmp_path / "b", wrong_path)] == [
        ("warning", "meetings", "no-kickoff"),
        ("warning", "accept[0]", "stale-accept"),
    ]


def _away(pid_line: str, spans: str) -> tuple[str, str]:
    return pid_line, pid_line + f"    absences: [{spans}]\n"


def test_person_and_deputy_away_together(tmp_path: Path) -> None:
    lea = (LEA, LEA + "    deputy: kai\n    absences: [{from: 2027-03-01, to: 2027-03-10}]\n")
    kai = (KAI, KAI + "    absences: [{from: 2027-03-08, to: 2027-03-12}, {from: 2027-05-01, to: 2027-05-02}]\n")
    text = edit(lea, kai)
    rows = [r for r in found(tmp_path, text) if r[5] == "absence-deputy"]
    assert rows == [
        (
            *at(text, "{from: 2027-03-01"),
            "warning",
            "people[0].absences[0]",
            "'Lea Lang' and their deputy 'Kai Kurz' are both away on 2027-03-08 – 2027-03-10; arrange cover for those days",
            "absence-deputy",
        )
    ]
    apart = edit(lea, (KAI, KAI + "    absences: [{from: 2027-03-11, to: 2027-03-12}]\n"))
    assert [r for r in found(tmp_path / "b", apart) if r[5] == "absence-deputy"] == []


def test_all_holders_of_a_role_away_on_the_same_days(tmp_path: Path) -> None:
    two_key_users = edit(
        (KAI, KAI + "    absences: [{from: 2027-07-01, to: 2027-07-20}]\n"),
        (LEA, "    roles: [project_lead, key_user]\n    absences: [{from: 2027-07-15, to: 2027-07-31}]\n"),
    )
    rows = [r for r in found(tmp_path, two_key_users) if r[5] == "absence-role" and "key_user" in r[4]]
    assert rows == [
        (
            *at(two_key_users, "{from: 2027-07-15"),
            "warning",
            "people[0].absences[0]",
            "role 'key_user' (Key user): all 2 holders (Lea Lang, Kai Kurz) away on 2027-07-15 – 2027-07-20; "
            "name who covers those days",
            "absence-role",
        )
    ]
    # one of the two is there: the role is covered
    apart = edit(
        (KAI, KAI + "    absences: [{from: 2027-07-01, to: 2027-07-10}]\n"),
        (LEA, "    roles: [project_lead, key_user]\n    absences: [{from: 2027-07-15, to: 2027-07-31}]\n"),
    )
    assert [r for r in found(tmp_path / "b", apart) if r[5] == "absence-role" and "key_user" in r[4]] == []


def test_the_only_holder_away_names_a_deputy_who_is_there(tmp_path: Path) -> None:
    text = edit((INA, INA + "    deputy: kai\n    absences: [{from: 2027-08-02, to: 2027-08-06}]\n"))
    messages = [r[4] for r in found(tmp_path, text) if r[5] == "absence-role"]
    assert messages == [
        "role 'account_manager' (Account manager (Nordwind project lead)): its only holder (Ina Imhof) away on "
        "2027-08-02 – 2027-08-06; the deputy Kai Kurz is there: accept this warning, or name who covers",
        "role 'resource_coordinator' (Resource coordination): its only holder (Ina Imhof) away on "
        "2027-08-02 – 2027-08-06; the deputy Kai Kurz is there: accept this warning, or name who covers",
    ]


def test_meetings_on_weekends_and_german_holidays(tmp_path: Path) -> None:
    monthly = edit(
        (
            "    type: kickoff\n",
            "    type: kickoff\n  - {name: Jour fixe, type: regular, date: 2027-03-01 10:00, recurrence: monthly, "
            "until: 2027-08-31}\n",
        )
    )
    rows = [r for r in found(tmp_path, monthly) if r[5].startswith("meeting-")]
    assert rows == [
        (
            *val(monthly, "date: 2027-03-01 10:00"),
            "warning",
            "meetings[1].date",
            "an occurrence of meeting 'Jour fixe' falls on a Saturday or Sunday: Sat 2027-05-01, Sun 2027-08-01; "
            "move it to a working day",
            "meeting-weekend",
        ),
        (
            *val(monthly, "date: 2027-03-01 10:00"),
            "warning",
            "meetings[1].date",
            "an occurrence of meeting 'Jour fixe' falls on a public holiday (DE): 2027-05-01 (Labor Day); move it",
            "meeting-holiday",
        ),
    ]
    weekday = monthly.replace("date: 2027-03-01 10:00", "date: 2027-03-02 10:00").replace("2027-08-31", "2027-04-30")
    assert [r for r in found(tmp_path / "b", weekday) if r[5].startswith("meeting-")] == []


def test_holidays_follow_the_country_of_the_time_zone(tmp_path: Path) -> None:
    meeting = edit(("    type: kickoff\n", "    type: kickoff\n    date: 2027-05-03 10:00\n"))  # UK bank holiday
    assert [r[5] for r in found(tmp_path / "de", meeting)] == []
    uk = "timezone: Europe/London\n" + meeting
    rows = [r for r in found(tmp_path / "uk", uk) if r[5] == "meeting-holiday"]
    assert [r[4] for r in rows] == ["meeting 'Kickoff' falls on a public holiday (GB): 2027-05-03 (May Day); move it"]
    reunification = edit(("    type: kickoff\n", "    type: kickoff\n    date: 2027-10-04\n"))
    assert [r[5] for r in found(tmp_path / "d", reunification)] == []
    holiday = edit(("    type: kickoff\n", "    type: kickoff\n    date: 2026-10-03\n"))
    assert [r[5] for r in found(tmp_path / "h", holiday)] == ["meeting-weekend", "meeting-holiday"]


def test_every_time_zone_finds_the_holiday_calendar_the_library_lists() -> None:
    """The registry lookup (no 250 country modules imported) answers as the library's own list."""
    import zoneinfo

    import holidays

    from generator.project import dates

    listed = holidays.list_supported_countries()
    zones = sorted(zoneinfo.available_timezones())
    for zone in zones:
        country = dates.zone_country(zone)
        assert dates.holiday_country(zone) == (country if country and country in listed else dates.HOME_COUNTRY), zone
    assert len({dates.holiday_country(z) for z in zones}) > 100


@pytest.mark.parametrize(
    ("phone", "problem"),
    [
        ("0049 30 123", "is too short for a phone number (5 digits after the country code +49)"),
        ("+49 30 12", "is too short for a phone number (4 digits after the country code +49)"),
        ("Mo-Fr erreichbar", "does not look like a phone number"),
        ("+999 1234 5678", "does not look like a phone number"),
    ],
)
def test_implausible_phone_numbers_are_warnings_and_stay_as_typed(tmp_path: Path, phone: str, problem: str) -> None:
    text = edit((KAI, KAI + f'    phone: "{phone}"\n'))
    assert found(tmp_path, text) == [
        (
            *at(text, f'"{phone}"'),
            "warning",
            "people[1].phone",
            f"'{phone}' {problem}; check the number (it is shown as typed)",
            "phone-implausible",
        )
    ]
    assert resolved(tmp_path, text).people["kai"].phone == phone


@pytest.mark.parametrize(
    "phone", ["0301234567", "+49 30 1234567-21", "030 12345678", "0171 5550123", "+44 20 7946 0321"]
)
def test_plausible_phone_numbers_give_no_warning(tmp_path: Path, phone: str) -> None:
    assert found(tmp_path, edit((KAI, KAI + f'    phone: "{phone}"\n'))) == []


def test_national_numbers_follow_the_side_and_its_zone(tmp_path: Path) -> None:
    """A client's national number is read in the project's country, the consultancy's in the catalog's."""
    uk = "timezone: Europe/London\n" + edit(
        (KAI, KAI + "    phone: 020 7946 0321\n"), (INA, INA + "    phone: 040 9876543\n")
    )
    assert found(tmp_path / "uk", uk) == []
    short = edit((KAI, KAI + "    phone: 0301 23\n"), (INA, INA + "    phone: 0301 23\n"))
    rows = found(tmp_path / "short", "timezone: Europe/London\n" + short, catalog_zone="Europe/Berlin")
    assert [(r[3], r[4]) for r in rows] == [
        (
            "people[1].phone",
            "'0301 23' is too short for a phone number (5 digits after the country code +44); "
            "check the number (it is shown as typed)",
        ),
        (
            "people[2].phone",
            "'0301 23' is too short for a phone number (5 digits after the country code +49); "
            "check the number (it is shown as typed)",
        ),
    ]


# --- the catalog adaptation ----------------------------------------------------------------------


def test_a_written_task_keeps_the_version_1_rules(tmp_path: Path) -> None:
    """The project wrote the task itself: a responsible role without holder stays an error."""
    text = edit(
        (INA, "    roles: [account_manager]\n"),
        append="raci:\n  - id: work_packages\n    task: Pakete\n"
        "    responsible: [resource_coordinator]\n    accountable: account_manager\n",
    )
    rows = found(tmp_path, text)
    assert [(r[2], r[3]) for r in rows] == [("error", "raci[0].responsible")]


def test_adapted_catalog_tasks_lose_only_the_roles_nobody_holds(tmp_path: Path) -> None:
    r = resolved(tmp_path, edit((INA, "    roles: [account_manager]\n")))
    by_id = {t.id: t for t in r.tasks}
    assert "work_packages" not in by_id  # R was resource_coordinator alone
    assert by_id["kickoff_roles"].consulted == ["key_user"]  # team_member dropped out of C
    assert (
        by_id["tickets_hotline"].consulted == ["key_user"] and by_id["tickets_hotline"].accountable == "account_manager"
    )
    assert by_id["budget"].informed == []  # account_manager_deputy dropped out of I
