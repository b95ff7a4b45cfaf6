"""The spec's "Rules the checker applies": each rule fires where it should, with its exact message
and position, and stays quiet in the fine counterpart.

Projects are the minimal valid project below plus one small edit. Positions are found in the
project text itself (``at``), so every assertion names the exact line and column.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.project.check import check_all
from generator.project.diagnostics import Diagnostic

from .conftest import make_repo

SLUG = "acme"

BASE = """\
client: Beispiel GmbH
title: CRM-Einführung
people:
  - id: lea
    name: Lea Lang
    side: client
    roles: [project_lead]
  - id: kai
    name: Kai Kurz
    side: client
    roles: [key_user]
  - id: ina
    name: Ina Imhof
    side: contractor
    roles: [account_manager, resource_coordinator]
  - id: hotline
    name: Support-Hotline
    side: contractor
    kind: team
    roles: [support, backoffice]
meetings:
  - name: Kickoff
    type: kickoff
communication:
  - topic: Projektstand
    from: lea
    to: [project_team]
    when: wöchentlich
    channel: Jour fixe
"""

KAI = "    roles: [key_user]\n"
LEA = "    roles: [project_lead]\n"
INA = "    roles: [account_manager, resource_coordinator]\n"
HOTLINE = "    roles: [support, backoffice]\n"
KICKOFF = "meetings:\n  - name: Kickoff\n    type: kickoff\n"
COMM_FROM = "    from: lea\n"
PEOPLE_POS = "- id: lea"  # where the people list starts (4:3)


def edit(*edits: tuple[str, str], append: str = "", base: str = BASE) -> str:
    text = base
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text + append


def person(pid: str, role: str, department: str | None = None, side: str = "client") -> str:
    out = f"  - id: {pid}\n    name: {pid.title()} Muster\n    side: {side}\n    roles: [{role}]\n"
    return out + (f"    department: {department}\n" if department else "")


def at(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based line and column where the ``nth`` occurrence of ``needle`` starts."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, col


def val(text: str, key_and_value: str, nth: int = 0) -> tuple[int, int]:
    """Where the value of the ``nth`` ``key: value`` line starts."""
    line, col = at(text, key_and_value, nth)
    return line, col + key_and_value.index(": ") + 2


def check(tmp_path: Path, text: str, notes: bool = False) -> list[tuple[int, int, str, str, str]]:
    """Errors and warnings (and with ``notes`` the catalog-adaptation notes) as tuples."""
    repo = make_repo(tmp_path / "repo", {SLUG: text})
    run = check_all(repo, [SLUG])
    out = []
    for d in sorted(run.all_diagnostics(), key=Diagnostic.sort_key):
        assert d.pos.file == f"projects/{SLUG}/project.yml"
        if d.severity != "note" or notes:
            out.append((d.pos.line, d.pos.col, d.severity, d.path, d.message))
    return out


def err(where: tuple[int, int], path: str, message: str) -> tuple[int, int, str, str, str]:
    return (*where, "error", path, message)


def warn(where: tuple[int, int], path: str, message: str) -> tuple[int, int, str, str, str]:
    return (*where, "warning", path, message)


def test_the_base_project_is_clean(tmp_path: Path) -> None:
    assert check(tmp_path, BASE) == []


# --- error: a role's holder count outside min/max ----------------------------------------------------

IT_ADMIN = "roles:\n  - id: it_admin\n    name: IT-Administration\n    side: client\n"


def test_role_below_min(tmp_path: Path) -> None:
    text = edit((KAI, "    roles: [key_user, it_admin]\n"), append=IT_ADMIN + "    min: 2\n")
    assert check(tmp_path, text) == [
        err(
            at(text, PEOPLE_POS),
            "people",
            "role 'it_admin' (IT-Administration) needs at least 2 holder(s), "
            "found 1; add 'it_admin' to the roles of a person",
        ),
    ]


def test_role_at_min_is_fine(tmp_path: Path) -> None:
    text = edit(
        (KAI, "    roles: [key_user, it_admin]\n"),
        (LEA, "    roles: [project_lead, it_admin]\n"),
        append=IT_ADMIN + "    min: 2\n",
    )
    assert check(tmp_path, text) == []


def test_catalog_role_below_min_is_one_error(tmp_path: Path) -> None:
    # Nobody holds backoffice: one error on the role. The catalog task 'invoicing' (R: backoffice)
    # has no responsible as a consequence; repeating that as a second error only adds noise.
    text = edit((HOTLINE, "    roles: [support]\n"))
    assert check(tmp_path, text) == [
        err(
            at(text, PEOPLE_POS),
            "people",
            "role 'backoffice' (Back office) needs at least 1 holder(s), "
            "found 0; add 'backoffice' to the roles of a person",
        ),
    ]


def test_role_above_max(tmp_path: Path) -> None:
    text = edit(
        (KAI, "    roles: [key_user, it_admin]\n"),
        (LEA, "    roles: [project_lead, it_admin]\n"),
        append=IT_ADMIN + "    max: 1\n",
    )
    # reported at the first holder beyond the limit, in file order
    assert check(tmp_path, text) == [
        err(
            at(text, "it_admin]", 1),
            "people[1].roles[1]",
            "role 'it_admin' (IT-Administration) allows at most 1 holder(s), found 2",
        ),
    ]


def test_role_at_max_is_fine(tmp_path: Path) -> None:
    text = edit(
        (KAI, "    roles: [key_user, it_admin]\n"),
        (LEA, "    roles: [project_lead, it_admin]\n"),
        append=IT_ADMIN + "    max: 2\n",
    )
    assert check(tmp_path, text) == []


def test_catalog_role_above_max_is_one_error(tmp_path: Path) -> None:
    # Two project leads: one error at the second holder. Every catalog task with
    # accountable: project_lead is ambiguous only because of it; no cascade of 9 more errors at 1:1.
    text = edit((KAI, "    roles: [key_user, project_lead]\n"))
    assert check(tmp_path, text) == [
        err(
            at(text, "project_lead]", 1),
            "people[1].roles[1]",
            "role 'project_lead' (Project lead (client)) allows at most 1 holder(s), found 2",
        ),
    ]


def test_project_override_changes_catalog_limits(tmp_path: Path) -> None:
    # key_user has min 1 in the catalog; the project raises it to 2
    text = edit(append="roles:\n  - id: key_user\n    name: Key-User\n    side: client\n    min: 2\n")
    assert check(tmp_path, text) == [
        err(
            at(text, PEOPLE_POS),
            "people",
            "role 'key_user' (Key-User) needs at least 2 holder(s), found 1; add 'key_user' to the roles of a person",
        ),
    ]


# --- error: a named role held by a team --------------------------------------------------------------


def test_named_role_held_by_a_team(tmp_path: Path) -> None:
    text = edit(
        (INA, "    roles: [resource_coordinator]\n"), (HOTLINE, "    roles: [support, backoffice, account_manager]\n")
    )
    assert check(tmp_path, text) == [
        err(
            at(text, "account_manager]"),
            "people[3].roles[2]",
            "role 'account_manager' must be held by a named person, but 'hotline' is a team (kind: team)",
        ),
    ]


def test_project_lead_held_by_a_team(tmp_path: Path) -> None:
    text = edit(("    name: Lea Lang\n", "    name: Lea Lang\n    kind: team\n"))
    assert check(tmp_path, text) == [
        err(
            at(text, "project_lead]"),
            "people[0].roles[0]",
            "role 'project_lead' must be held by a named person, but 'lea' is a team (kind: team)",
        ),
    ]


def test_unnamed_role_held_by_a_team_is_fine(tmp_path: Path) -> None:
    assert "kind: team" in BASE and "roles: [support, backoffice]" in BASE
    assert check(tmp_path, BASE) == []


def test_named_project_role_held_by_a_team(tmp_path: Path) -> None:
    text = edit(
        (HOTLINE, "    roles: [support, backoffice, hotline_lead]\n"),
        append="roles:\n  - id: hotline_lead\n    name: Hotline-Leitung\n    side: contractor\n    named: true\n",
    )
    assert check(tmp_path, text) == [
        err(
            at(text, "hotline_lead]"),
            "people[3].roles[2]",
            "role 'hotline_lead' must be held by a named person, but 'hotline' is a team (kind: team)",
        ),
    ]


# --- error: a RACI task without exactly one accountable person, or without a responsible ---------------


def task(responsible: str = "[ina]", accountable: str = "lea", task_id: str = "") -> str:
    head = f"  - id: {task_id}\n    task: Datenmigration\n" if task_id else "  - task: Datenmigration\n"
    return f"raci:\n{head}    responsible: {responsible}\n    accountable: {accountable}\n"


def test_accountable_resolving_to_several_people(tmp_path: Path) -> None:
    text = edit((KAI, KAI + person("uwe", "key_user")), append=task(accountable="key_user"))
    assert check(tmp_path, text) == [
        err(
            val(text, "accountable: key_user"),
            "raci[0].accountable",
            "task 'Datenmigration': accountable 'key_user' must be exactly one person, but resolves to kai, uwe",
        ),
    ]


def test_accountable_role_with_one_holder_is_fine(tmp_path: Path) -> None:
    assert check(tmp_path, edit(append=task(accountable="key_user"))) == []


def test_accountable_group_resolving_to_several_people(tmp_path: Path) -> None:
    text = edit(append=task(accountable="contractor"))
    assert check(tmp_path, text) == [
        err(
            val(text, "accountable: contractor"),
            "raci[0].accountable",
            "task 'Datenmigration': accountable 'contractor' must be exactly one person, but resolves to ina, hotline",
        ),
    ]


def test_accountable_resolving_to_nobody(tmp_path: Path) -> None:
    text = edit(append=task(accountable="team_member"))
    assert check(tmp_path, text) == [
        err(
            val(text, "accountable: team_member"),
            "raci[0].accountable",
            "task 'Datenmigration': accountable 'team_member' must be exactly one person, but resolves to nobody",
        ),
    ]


def test_accountable_workgroup_with_one_person_is_fine(tmp_path: Path) -> None:
    text = edit(append="workgroups:\n  - id: ak\n    name: AK\n    lead: kai\n" + task(accountable="ak"))
    assert check(tmp_path, text) == []


def test_overridden_catalog_task_with_ambiguous_accountable(tmp_path: Path) -> None:
    text = edit((KAI, KAI + person("uwe", "key_user")), append=task(accountable="key_user", task_id="budget"))
    assert check(tmp_path, text) == [
        err(
            val(text, "accountable: key_user"),
            "raci[0].accountable",
            "task 'Datenmigration': accountable 'key_user' must be exactly one person, but resolves to kai, uwe",
        ),
    ]


def test_responsible_resolving_to_nobody(tmp_path: Path) -> None:
    text = edit(append=task(responsible="[team_member]"))
    assert check(tmp_path, text) == [
        err(
            at(text, "[team_member]"),
            "raci[0].responsible",
            "task 'Datenmigration': nobody is responsible (team_member has no holder)",
        ),
    ]


def test_one_responsible_with_a_holder_is_enough(tmp_path: Path) -> None:
    # no error; the role without a holder gets a warning: it would have no column to show its letter in
    text = edit(append=task(responsible="[team_member, ina]"))
    assert check(tmp_path, text) == [
        warn(
            at(text, "team_member, ina]"),
            "raci[0].responsible[0]",
            "'team_member' has no holder in this project, so this reaches nobody",
        )
    ]


def test_catalog_task_whose_responsible_role_has_no_holder_is_left_out(tmp_path: Path) -> None:
    # format 1.1: work_packages (R: resource_coordinator) comes from the catalog and the project never
    # wrote it, so it is adapted: no error, a note, and the task is not in the handbook
    text = edit((INA, "    roles: [account_manager]\n"))
    assert check(tmp_path, text) == []
    notes = [n for n in check(tmp_path / "n", text, notes=True) if "work_packages" in n[3]]
    assert notes == [
        (
            *at(text, PEOPLE_POS),
            "note",
            "raci (catalog task 'work_packages')",
            "'Assign work packages and accept the results' is left out: nobody holds resource_coordinator (R) here",
        )
    ]
    resolved = check_all(make_repo(tmp_path / "r", {SLUG: text}), [SLUG]).results[0].resolved
    assert resolved is not None and "work_packages" not in [t.id for t in resolved.tasks]


def test_catalog_task_removed_or_overridden_needs_no_holder(tmp_path: Path) -> None:
    removed = edit((INA, "    roles: [account_manager]\n"), append="raci:\n  - id: work_packages\n    remove: true\n")
    assert check(tmp_path, removed) == []
    overridden = edit(
        (INA, "    roles: [account_manager]\n"),
        append=task(responsible="[ina]", accountable="ina", task_id="work_packages"),
    )
    assert check(tmp_path / "2", overridden) == []


def test_overridden_catalog_task_with_nobody_responsible(tmp_path: Path) -> None:
    text = edit(append=task(responsible="[team_member]", accountable="ina", task_id="work_packages"))
    assert check(tmp_path, text) == [
        err(
            at(text, "[team_member]"),
            "raci[0].responsible",
            "task 'Datenmigration': nobody is responsible (team_member has no holder)",
        ),
    ]


def test_removing_a_catalog_task_that_does_not_exist(tmp_path: Path) -> None:
    text = edit(append="raci:\n  - id: kickof_roles\n    remove: true\n")
    assert check(tmp_path, text) == [
        err(
            at(text, "kickof_roles"),
            "raci[0].id",
            "there is no catalog task 'kickof_roles' to remove (did you mean 'kickoff_roles'?)",
        ),
    ]


def test_duplicate_raci_task_ids(tmp_path: Path) -> None:
    text = edit(append=task(task_id="migration") + task(task_id="migration").removeprefix("raci:\n"))
    assert check(tmp_path, text) == [
        err(val(text, "id: migration", 1), "raci[1].id", "duplicate task id 'migration' (already used at raci[0].id)"),
    ]


# --- error: unknown reference, duplicate id, unknown key, wrong type, invalid date/email, ... ----------


@pytest.mark.parametrize(
    ("old", "new", "needle", "path", "message"),
    [
        (
            COMM_FROM,
            "    from: leah\n",
            "leah",
            "communication[0].from",
            "unknown reference 'leah' (did you mean 'lea'?); name a person, role, workgroup or group",
        ),
        (
            "    to: [project_team]\n",
            "    to: [project_teams]\n",
            "project_teams",
            "communication[0].to[0]",
            "unknown reference 'project_teams' (did you mean 'project_team'?); name a person, role, workgroup or group",
        ),
        (
            LEA,
            LEA + "    deputy: kay\n",
            "kay",
            "people[0].deputy",
            "unknown person 'kay' (did you mean 'kai'?); name a person id",
        ),
        (
            KAI,
            "    roles: [key_usr]\n",
            "key_usr",
            "people[1].roles[0]",
            "unknown role 'key_usr' (did you mean 'key_user'?)",
        ),
        (
            "    type: kickoff\n",
            "    type: kickoff\n    organiser: account_manger\n",
            "account_manger",
            "meetings[0].organiser",
            "unknown reference 'account_manger' (did you mean 'account_manager'?); name a person, role, workgroup or group",
        ),
    ],
    ids=["from", "to", "deputy", "person-role", "organiser"],
)
def test_unknown_reference(tmp_path: Path, old: str, new: str, needle: str, path: str, message: str) -> None:
    text = edit((old, new))
    assert check(tmp_path, text) == [err(at(text, needle), path, message)]


def test_references_to_people_roles_workgroups_and_groups_are_fine(tmp_path: Path) -> None:
    text = edit(
        ("    to: [project_team]\n", "    to: [project_team, client, contractor, key_user, ina, ak]\n"),
        append="workgroups:\n  - id: ak\n    name: AK\n    lead: kai\n    members: [lea, support]\n",
    )
    assert check(tmp_path, text) == []


@pytest.mark.parametrize(
    ("new", "path", "message"),
    [
        (
            "  - id: kai\n    name: Kai Klein\n    side: client\n",
            "people[2].id",
            "duplicate id 'kai' (already used at people[1].id)",
        ),
        (
            "  - id: support\n    name: Support Kunde\n    side: client\n",
            "people[2].id",
            "'support' is already the id of a catalog role; choose another id",
        ),
        (
            "  - id: client\n    name: Alle\n    side: client\n",
            "people[2].id",
            "'client' is a built-in group name; choose another id",
        ),
    ],
    ids=["person-person", "catalog-role", "built-in-group"],
)
def test_duplicate_id(tmp_path: Path, new: str, path: str, message: str) -> None:
    text = edit((KAI, KAI + new))
    assert check(tmp_path, text) == [
        err(val(text, new.split("\n")[0].strip(" -"), 1 if "kai" in new else 0), path, message)
    ]


def test_duplicate_id_person_and_workgroup(tmp_path: Path) -> None:
    text = edit(append="workgroups:\n  - id: kai\n    name: AK\n    members: [lea]\n")
    assert check(tmp_path, text) == [
        err(at(text, "kai\n", 1), "workgroups[0].id", "duplicate id 'kai' (already used at people[1].id)"),
    ]


@pytest.mark.parametrize(
    ("old", "new", "needle", "path", "message"),
    [
        (
            "title: CRM-Einführung\n",
            "title: CRM-Einführung\nsumary: x\n",
            "sumary",
            "sumary",
            "unknown key 'sumary' (did you mean 'summary'?); allowed here: version, client, title, language, "
            "contractor, status, timezone, period, summary, people, roles, workgroups, raci, communication, meetings, "
            "milestones, escalation, agreement, feedback, accept, internal, site",
        ),
        (
            KAI,
            KAI + "    emial: kai@example.com\n",
            "emial",
            "people[1].emial",
            "unknown key 'emial' (did you mean 'email'?); allowed here: id, name, side, kind, roles, department, "
            "position, email, phone, hours, deputy, represents, absences",
        ),
        (
            KAI,
            KAI + "    email: kai.example.com\n",
            "kai.example.com",
            "people[1].email",
            "'kai.example.com' is not an e-mail address; write it like name@example.com",
        ),
        (
            KAI,
            "    roles: key_user\n",
            "key_user",
            "people[1].roles",
            "expected a list, found 'key_user'; write [key_user]",
        ),
        (
            "    type: kickoff\n",
            '    type: kickoff\n    duration: "90"\n',
            '"90"',
            "meetings[0].duration",
            "expected a whole number without quotes, found '90'",
        ),
        (
            "    type: kickoff\n",
            "    type: kickoff\n    date: 2027-02-30\n",
            "2027-02-30",
            "meetings[0].date",
            "'2027-02-30' is not a valid date: day is out of range for month",
        ),
        (
            "    type: kickoff\n",
            "    type: kickoff\n    date: 03.02.2027\n",
            "03.02.2027",
            "meetings[0].date",
            "'03.02.2027' is not a date (YYYY-MM-DD) or date and time (YYYY-MM-DD HH:MM)",
        ),
        (
            "    name: Kai Kurz\n",
            "    name: Kai Kurz\n    name: Kai Klein\n",
            "name: Kai Klein",
            "",
            "duplicate key 'name' (first defined at line 9); remove one",
        ),
    ],
    ids=[
        "unknown-top-key",
        "unknown-person-key",
        "email",
        "list-expected",
        "quoted-int",
        "impossible-date",
        "german-date",
        "duplicate-yaml-key",
    ],
)
def test_shape_errors(tmp_path: Path, old: str, new: str, needle: str, path: str, message: str) -> None:
    text = edit((old, new))
    assert check(tmp_path, text) == [err(at(text, needle), path, message)]


def test_yaml_syntax_error(tmp_path: Path) -> None:
    text = edit(("    name: Kai Kurz\n", "    name: Kai: Kurz\n"))
    assert check(tmp_path, text) == [
        err(
            at(text, ": Kurz"),
            "",
            "YAML syntax error: a ': ' inside the value of 'name'; put the whole value in quotes, e.g. name: \"...\"",
        ),
    ]


def test_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    assert check(tmp_path, "- client: Beispiel GmbH\n") == [
        err((1, 1), "", "the file must be a mapping of keys, not a list"),
    ]


# --- warning: the project team has more than six members and no workgroups ----------------------------

SIX_MORE = "".join(person(p, "team_member") for p in ("ben", "cem", "dora", "emil", "fee"))


def test_team_of_seven_without_workgroups(tmp_path: Path) -> None:
    text = edit((KAI, KAI + SIX_MORE))
    assert check(tmp_path, text) == [
        warn(
            at(text, PEOPLE_POS),
            "people",
            "the project team has 7 members (more than 6) and no workgroups "
            "are defined; form working groups (workgroups:)",
        ),
    ]


def test_team_of_seven_with_workgroups_is_fine(tmp_path: Path) -> None:
    text = edit((KAI, KAI + SIX_MORE), append="workgroups:\n  - id: ak\n    name: AK\n    members: [ben, cem]\n")
    assert check(tmp_path, text) == []


def test_team_of_six_is_fine(tmp_path: Path) -> None:
    assert (
        check(tmp_path, edit((KAI, KAI + "".join(person(p, "team_member") for p in ("ben", "cem", "dora", "emil")))))
        == []
    )


def test_people_outside_the_project_team_do_not_count(tmp_path: Path) -> None:
    # 6 team members plus one client person with a non-team role and contractor staff: no warning
    text = edit(
        (
            KAI,
            KAI + "".join(person(p, "team_member") for p in ("ben", "cem", "dora", "emil")) + person("max", "it_admin"),
        ),
        append=IT_ADMIN,
    )
    assert check(tmp_path, text) == []


# --- warning: a key user represents a foreign department without a team member there -------------------

REPRESENTS = KAI + "    department: Service\n    represents: [Service, Einkauf]\n"


def test_key_user_represents_foreign_department_without_team_member(tmp_path: Path) -> None:
    text = edit((KAI, REPRESENTS))
    assert check(tmp_path, text) == [
        warn(
            at(text, "Einkauf]"),
            "people[1].represents[1]",
            "key user 'kai' represents 'Einkauf', but no project team member of that department is named; "
            "name one so the key user can coordinate with them",
        ),
    ]


def test_key_user_with_team_member_in_the_foreign_department_is_fine(tmp_path: Path) -> None:
    text = edit((KAI, REPRESENTS + person("eva", "team_member", "Einkauf")))
    assert check(tmp_path, text) == []


def test_key_user_representing_only_their_own_department_is_fine(tmp_path: Path) -> None:
    text = edit((KAI, KAI + "    department: Service\n    represents: [Service]\n"))
    assert check(tmp_path, text) == []


def test_someone_outside_the_project_team_does_not_cover_the_department(tmp_path: Path) -> None:
    text = edit((KAI, REPRESENTS + person("max", "it_admin", "Einkauf")), append=IT_ADMIN)
    assert check(tmp_path, text) == [
        warn(
            at(text, "Einkauf]"),
            "people[1].represents[1]",
            "key user 'kai' represents 'Einkauf', but no project team member of that department is named; "
            "name one so the key user can coordinate with them",
        ),
    ]


# --- warning: no kickoff meeting, or no review meeting while completed --------------------------------


def test_no_kickoff_meeting(tmp_path: Path) -> None:
    text = edit((KICKOFF, "meetings:\n  - name: Jour fixe\n    type: regular\n"))
    assert check(tmp_path, text) == [
        warn(
            at(text, "- name: Jour fixe"), "meetings", "no kickoff meeting (type: kickoff); the roles are agreed there"
        ),
    ]


def test_no_meetings_at_all(tmp_path: Path) -> None:
    text = edit((KICKOFF, ""))
    assert check(tmp_path, text) == [
        warn((1, 1), "meetings", "no kickoff meeting (type: kickoff); the roles are agreed there"),
    ]


def test_a_meeting_named_kickoff_needs_the_type(tmp_path: Path) -> None:
    text = edit(("    type: kickoff\n", ""))  # type defaults to 'other'
    assert check(tmp_path, text) == [
        warn(at(text, "- name: Kickoff"), "meetings", "no kickoff meeting (type: kickoff); the roles are agreed there"),
    ]


def test_completed_without_review(tmp_path: Path) -> None:
    text = edit(("title: CRM-Einführung\n", "title: CRM-Einführung\nstatus: completed\n"))
    assert check(tmp_path, text) == [
        warn(
            at(text, "- name: Kickoff"),
            "meetings",
            "the project is completed but has no review meeting (type: review) where the roles get feedback",
        ),
    ]


def test_completed_with_review_is_fine(tmp_path: Path) -> None:
    text = edit(
        ("title: CRM-Einführung\n", "title: CRM-Einführung\nstatus: completed\n"),
        (KICKOFF, KICKOFF + "  - name: Review\n    type: review\n"),
    )
    assert check(tmp_path, text) == []


@pytest.mark.parametrize("status", ["planned", "active"])
def test_no_review_needed_before_completion(tmp_path: Path, status: str) -> None:
    assert check(tmp_path, edit(("title: CRM-Einführung\n", f"title: CRM-Einführung\nstatus: {status}\n"))) == []


# --- warning: the client's project lead is never a sender ----------------------------------------------

NEVER_SENDER = (
    "the client's project lead never appears as sender ('from') in the communication matrix; "
    "they forward information to the team"
)


def test_project_lead_never_sender(tmp_path: Path) -> None:
    text = edit((COMM_FROM, "    from: kai\n"))
    assert check(tmp_path, text) == [warn(at(text, "- topic: Projektstand"), "communication", NEVER_SENDER)]


def test_project_lead_as_sender_by_role_is_fine(tmp_path: Path) -> None:
    assert check(tmp_path, edit((COMM_FROM, "    from: project_lead\n"))) == []


def test_no_communication_matrix(tmp_path: Path) -> None:
    text = BASE[: BASE.index("communication:")]
    assert check(tmp_path, text) == [
        warn(
            (1, 1),
            "communication",
            "there is no communication matrix (communication:); the client's project lead should be a sender in it",
        )
    ]


def test_project_lead_as_sender_through_a_group_is_fine(tmp_path: Path) -> None:
    assert check(tmp_path, edit((COMM_FROM, "    from: project_team\n"))) == []


# --- further rules of the code: deputies, dates, meetings, escalation, sides --------------------------


def test_own_deputy(tmp_path: Path) -> None:
    text = edit((LEA, LEA + "    deputy: lea\n"))
    assert check(tmp_path, text) == [err(at(text, "lea\n", 1), "people[0].deputy", "'lea' cannot be their own deputy")]


def test_deputy_is_another_person_is_fine(tmp_path: Path) -> None:
    assert check(tmp_path, edit((LEA, LEA + "    deputy: kai\n"))) == []


def test_period_end_before_start(tmp_path: Path) -> None:
    text = edit(append="period:\n  start: 2027-06-30\n  end: 2027-01-11\n")
    assert check(tmp_path, text) == [
        err(at(text, "2027-01-11"), "period.end", "the end (2027-01-11) is before the start (2027-06-30)"),
    ]


def test_period_of_one_day_is_fine(tmp_path: Path) -> None:
    assert check(tmp_path, edit(append="period:\n  start: 2027-06-30\n  end: 2027-06-30\n")) == []


def meeting(extra: str) -> tuple[str, str]:
    return KICKOFF, KICKOFF + "  - name: Jour fixe\n    type: regular\n" + extra


def test_until_before_the_first_date(tmp_path: Path) -> None:
    text = edit(meeting("    date: 2027-01-11 09:00\n    recurrence: weekly\n    until: 2027-01-10\n"))
    assert check(tmp_path, text) == [
        err(at(text, "2027-01-10"), "meetings[1].until", "'until' (2027-01-10) is before the first date"),
    ]


def test_until_on_the_first_date_is_fine(tmp_path: Path) -> None:
    text = edit(meeting("    date: 2027-01-11 09:00\n    recurrence: weekly\n    until: 2027-01-11\n"))
    assert check(tmp_path, text) == []


def test_until_without_recurrence(tmp_path: Path) -> None:
    text = edit(meeting("    date: 2027-01-11\n    until: 2027-03-01\n"))
    assert check(tmp_path, text) == [
        err(at(text, "2027-03-01"), "meetings[1].until", "'until' only applies to a meeting with a 'recurrence'"),
    ]


def test_recurrence_without_date(tmp_path: Path) -> None:
    text = edit(meeting("    recurrence: monthly\n"))
    assert check(tmp_path, text) == [
        err(
            at(text, "monthly"), "meetings[1].recurrence", "a recurring meeting needs a 'date' for its first occurrence"
        ),
    ]


def escalation(*levels: int) -> str:
    return "escalation:\n" + "".join(
        f"  - level: {n}\n    contact: ina\n    when: Stufe {i}\n" for i, n in enumerate(levels, 1)
    )


def test_escalation_level_gap(tmp_path: Path) -> None:
    text = edit(append=escalation(1, 3))
    assert check(tmp_path, text) == [
        err(
            val(text, "level: 3"),
            "escalation[1].level",
            "levels must count 1, 2, 3, … in order without gaps; expected 2 here, found 3",
        ),
    ]


def test_escalation_must_start_at_one(tmp_path: Path) -> None:
    text = edit(append=escalation(2, 3))
    assert check(tmp_path, text) == [
        err(
            val(text, "level: 2"),
            "escalation[0].level",
            "levels must count 1, 2, 3, … in order without gaps; expected 1 here, found 2",
        ),
    ]


def test_escalation_in_order_is_fine(tmp_path: Path) -> None:
    assert check(tmp_path, edit(append=escalation(1, 2, 3))) == []


def test_role_of_the_other_side_is_a_warning(tmp_path: Path) -> None:
    text = edit((KAI, "    roles: [key_user, support]\n"))
    assert check(tmp_path, text) == [
        warn(
            at(text, "support]"),
            "people[1].roles[1]",
            "role 'support' belongs to the contractor side, but 'kai' is on the client side",
        ),
    ]


def test_rules_wait_for_references(tmp_path: Path) -> None:
    # An unknown reference stops before the rules: no follow-up "nobody is responsible".
    text = edit(append=task(responsible="[xaver]"))
    assert check(tmp_path, text) == [
        err(
            at(text, "xaver"),
            "raci[0].responsible[0]",
            "unknown reference 'xaver' (did you mean 'team_member'?); name a person, role, workgroup or group",
        ),
    ]
