"""The command line, as a user runs it: exact output and exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import make_repo

MINIMAL = """\
client: Beispiel AG
title: CRM
people:
  - {id: pl, name: Petra Lang, side: client, roles: [project_lead, key_user]}
  - {id: am, name: Jan Weber, side: contractor, roles: [account_manager, support, backoffice, resource_coordinator]}
communication:
  - {topic: Status, from: pl, to: [am], when: weekly, channel: Teams}
meetings:
  - {name: Kickoff, type: kickoff}
"""


def handbook(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=repo, capture_output=True, text=True, timeout=120
    )


def test_check_clean_project_exits_zero(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"beispiel": MINIMAL})
    result = handbook(repo, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "projects/beispiel/project.yml:4:3: note: raci: nobody holds 'account_manager_deputy' here, so it drops out "
        "of the catalog tasks budget (I) [catalog-adapted]",
        "projects/beispiel/project.yml:4:3: note: raci: nobody holds 'team_member' here, so it drops out of the "
        "catalog tasks kickoff_roles (C), schedule_meetings (I), monitor_goals (I), open_questions (I), "
        "forward_information (I), train_colleagues (I), review_feedback (C), key_user_coaching (I) [catalog-adapted]",
        "1 project(s) checked: 1 ok, 0 with errors; 0 error(s), 0 warning(s), 2 note(s)",
    ]
    assert result.stderr == ""


def test_check_reports_every_error_with_position_and_exits_one(tmp_path: Path) -> None:
    broken = MINIMAL.replace("name: Jan Weber", "name: Jan Weber, email: jan@") + "statuss: active\n"
    repo = make_repo(tmp_path, {"beispiel": broken, "other": MINIMAL})
    result = handbook(repo, "check")
    assert result.returncode == 1
    assert [line for line in result.stdout.splitlines() if ": note: " not in line] == [
        "projects/beispiel/project.yml:5:38: error: people[1].email: 'jan@' is not an e-mail address; "
        "write it like name@example.com",
        "projects/beispiel/project.yml:10:1: error: statuss: unknown key 'statuss' (did you mean 'status'?); "
        "allowed here: version, client, title, language, contractor, status, timezone, period, summary, people, "
        "roles, workgroups, raci, communication, meetings, milestones, escalation, agreement, feedback, accept, "
        "internal, site",
        "2 project(s) checked: 1 ok, 1 with errors; 2 error(s), 0 warning(s), 2 note(s)",
    ]


def test_warnings_exit_zero_unless_strict(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"beispiel": MINIMAL.replace("type: kickoff", "type: workshop")})
    assert handbook(repo, "check").returncode == 0
    strict = handbook(repo, "check", "--strict")
    assert strict.returncode == 1
    lines = [line for line in strict.stdout.splitlines() if ": note: " not in line]
    assert lines == [
        "projects/beispiel/project.yml:9:3: warning: meetings: no kickoff meeting (type: kickoff); the roles are "
        "agreed there [no-kickoff]",
        "1 project(s) checked: 1 ok, 0 with errors; 0 error(s), 1 warning(s), 2 note(s)",
        "--strict: the 1 warning(s) fail the check; fix each one, or accept it in the project file "
        "(accept: - rule: RULE-ID, at: KEY-PATH, reason: why)",
    ]


def test_an_accepted_warning_passes_strict_and_a_stale_acceptance_does_not(tmp_path: Path) -> None:
    accept = "accept:\n  - {rule: no-kickoff, at: meetings, reason: Kickoff war schon im Vorprojekt}\n"
    text = MINIMAL.replace("type: kickoff", "type: workshop") + accept
    repo = make_repo(tmp_path / "a", {"beispiel": text})
    strict = handbook(repo, "check", "--strict")
    assert strict.returncode == 0, strict.stdout
    lines = [line for line in strict.stdout.splitlines() if ": note: " not in line]
    assert lines == [
        "projects/beispiel/project.yml:9:3: accepted: meetings: no kickoff meeting (type: kickoff); the roles are "
        "agreed there [no-kickoff] (accepted: Kickoff war schon im Vorprojekt)",
        "1 project(s) checked: 1 ok, 0 with errors; 0 error(s), 0 warning(s), 1 accepted, 2 note(s)",
    ]
    stale = make_repo(tmp_path / "b", {"beispiel": MINIMAL + accept})  # it has its kickoff: nothing to accept
    result = handbook(stale, "check", "--strict")
    assert result.returncode == 1
    assert (
        "projects/beispiel/project.yml:11:5: warning: accept[0]: nothing to accept: no 'no-kickoff' warning at "
        "meetings (any more); remove this entry, or copy rule id and key path from the warning handbook check "
        "shows [stale-accept]"
    ) in result.stdout.splitlines()


def test_github_format_prints_annotations(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"beispiel": MINIMAL.replace("side: client", "side: kunde", 1)})
    result = handbook(repo, "check", "--format", "github")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "::error file=projects/beispiel/project.yml,line=4,col=38::people[0].side: "
        "'kunde' is not one of client, contractor"
    )


def test_unknown_slug_is_a_usage_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"beispiel": MINIMAL})
    result = handbook(repo, "check", "beispeil")
    assert result.returncode == 2
    assert result.stderr == "handbook: no client project 'beispeil' in projects/ (did you mean 'beispiel'?)\n"


def test_no_command_and_wrong_folder_are_usage_errors(tmp_path: Path) -> None:
    assert handbook(tmp_path).returncode == 2
    result = handbook(tmp_path, "check")
    assert result.returncode == 2
    assert "has no projects/ folder" in result.stderr


def test_output_folder_may_not_overwrite_sources(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"beispiel": MINIMAL})
    result = handbook(repo, "build", "--out", "projects")
    assert result.returncode == 2
    assert "would write over the sources" in result.stderr
    assert (repo / "projects" / "beispiel" / "project.yml").exists()


def test_garbage_never_gives_a_traceback(tmp_path: Path) -> None:
    inputs = {
        "binary": b"\x00\xff\xfe garbage",
        "tabs": "client:\t- [\n",
        "deep": "a: " + "[" * 200 + "]" * 200 + "\n",
        "bomb": "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n",
        "list": "- just\n- a list\n",
        "bad-folder-name-ok": "client: [unclosed\n",
    }
    repo = make_repo(tmp_path, inputs)
    (repo / "projects" / "Bad Name").mkdir()
    result = handbook(repo, "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("projects/Bad Name:1:1: error: folder name 'Bad Name'") for line in lines)
    assert len([line for line in lines if ": error: " in line]) == len(inputs) + 1


def test_diff_outside_git_is_a_usage_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"beispiel": MINIMAL})
    result = handbook(repo, "diff", "beispiel")
    assert result.returncode == 2
    assert result.stderr == "handbook: . is not inside a git repository; handbook diff compares versions from git\n"


def test_diff_in_words_between_commits(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"beispiel": MINIMAL})
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "start"], cwd=repo, check=True)
    (repo / "projects" / "beispiel" / "project.yml").write_text(MINIMAL.replace("Petra Lang", "Paula Lang"))
    result = handbook(repo, "diff", "beispiel")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Person umbenannt: Petra Lang -> Paula Lang\n"


def test_missing_graphviz_is_a_clear_error(tmp_path: Path) -> None:
    import os

    repo = make_repo(tmp_path / "repo", {"beispiel": MINIMAL})
    empty = tmp_path / "bin"
    empty.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PATH": str(empty)},
    )
    assert result.returncode == 3  # a missing tool (generator/errors.py)
    assert "Traceback" not in result.stderr
    assert (
        "handbook: Graphviz 'dot' was not found; it is needed to draw the diagrams; install it: "
        "apt-get install graphviz"
    ) in result.stderr


def test_internal_site_and_workload_check(tmp_path: Path) -> None:
    am = "  - {id: am, name: Jan Weber, email: jan@nordwind.example, side: contractor, "
    project = MINIMAL.replace("  - {id: am, name: Jan Weber, side: contractor, ", am)
    repo = make_repo(tmp_path, {f"kunde-{i}": project for i in range(3)})
    result = handbook(repo, "build", "--internal")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "internal portfolio site: site/_internal/ (never publish it to a client)"
    assert (repo / "site" / "_internal" / "index.html").is_file()
    assert not (repo / "site" / "kunde-0").exists()
    assert handbook(repo, "build", "--internal", "kunde-0").returncode == 2
    assert ": warning: " not in handbook(repo, "check", "--internal", "--max-active", "3").stdout
    warned = handbook(repo, "check", "--internal", "--max-active", "2")
    assert warned.returncode == 0
    assert "Jan Weber is account manager in 3 active projects, more than 2" in warned.stdout
    assert handbook(repo, "check", "--internal", "--max-active", "2", "--strict").returncode == 1
