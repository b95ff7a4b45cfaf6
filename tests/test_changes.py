"""The changelog of the organisation: semantic diffs, git history, `handbook diff` and the changes page."""

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path

import pytest

from generator.cli import main
from generator.errors import MissingTool, UsageError, UserError
from generator.history import changes
from generator.history.changes import diff_revisions, history, resolve_text, semantic_diff
from generator.project.check import load_catalog
from generator.render.pages import Context, page_table, render_page
from generator.render.site import Entry
from generator.render.view import View

from .conftest import make_repo


def changes_page(view: View, entries: list[Entry] | None) -> str:
    """The changes page as the site renders it, from the page table's row for it."""
    page = next(p for p in page_table(view, history=entries) if p.template == "changes.md.j2")
    return render_page(page, Context(view))


SLUG = "beispiel"
FILE = f"projects/{SLUG}/project.yml"
SECRET = "GEHEIM-INTERNAL-4711"
SUBJECT_5 = "Jour fixe <script>alert(1)</script> | ergänzt"

WORDS = {
    "de": {"client": "Beispiel GmbH", "sales": "Vertrieb", "budget": "Projektbudget einhalten", "when": "wöchentlich"},
    "en": {"client": "Example Ltd", "sales": "Sales", "budget": "Stay within the project budget", "when": "weekly"},
}


def project(
    lang: str = "de",
    key_user: str = "thomas",
    accountable: str = "katrin",
    lea: str = "Lea Lang",
    jour_fixe: bool = False,
    extra: str = "",
) -> str:
    """A small valid project; the arguments are the things the scripted history changes."""
    w = WORDS[lang]
    member = "anna" if key_user == "thomas" else "thomas"
    meeting = "  - {id: jour_fixe, name: Jour fixe, type: regular, date: 2027-02-10 10:00}\n" if jour_fixe else ""
    return f"""\
client: {w["client"]}
title: CRM
language: {lang}
people:
  - {{id: lea, name: {lea}, side: client, roles: [project_lead], department: IT}}
  - {{id: thomas, name: Thomas Schmidt, side: client, roles: [{"key_user" if key_user == "thomas" else "team_member"}], department: {w["sales"]}}}
  - {{id: anna, name: Anna Becker, side: client, roles: [{"key_user" if member == "thomas" else "team_member"}], department: {w["sales"]}}}
  - {{id: katrin, name: Katrin Müller, side: contractor, roles: [account_manager, resource_coordinator]}}
  - {{id: jan, name: Jan Schulze, side: contractor, roles: [account_manager_deputy]}}
  - {{id: hotline, name: Support-Hotline, side: contractor, kind: team, roles: [support, backoffice]}}
raci:
  - {{id: budget, task: {w["budget"]}, responsible: [account_manager], accountable: {accountable}}}
communication:
  - {{topic: Status, from: lea, to: [project_team], when: {w["when"]}, channel: Teams}}
meetings:
  - {{id: kickoff, name: Kickoff, type: kickoff, date: 2027-02-03 09:30}}
{meeting}{extra}internal:
  marker: {SECRET}
  notes: Katrin Müller {SECRET} wechselt zu Jan Schulze
"""


def git(repo: Path, *args: str, day: int = 1) -> str:
    stamp = f"2027-01-{day:02d}T10:00:00+01:00"
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_DATE": stamp,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.strip()


def commit(repo: Path, content: str | None, subject: str, day: int, tag: str) -> None:
    if content is not None:
        (repo / FILE).parent.mkdir(parents=True, exist_ok=True)
        (repo / FILE).write_text(content, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", subject, day=day)
    git(repo, "tag", tag)


def scripted(tmp: Path, lang: str = "de") -> Path:
    """v0: no project yet; v1 created; v2 key users swapped; v3 A changed and Lea renamed; v4 broken; v5 fixed."""
    repo = make_repo(tmp)
    git(repo, "init", "-q")
    commit(repo, None, "Grundgerüst", 10, "v0")
    commit(repo, project(lang), "Projekt angelegt", 11, "v1")
    commit(repo, project(lang, key_user="anna"), "Key-User getauscht", 12, "v2")
    v3 = project(lang, key_user="anna", accountable="jan", lea="Lea Lang-Berger")
    commit(repo, v3, "Budget an Jan", 13, "v3")
    commit(repo, v3.replace("people:\n", "people:\n  - {id: [\n"), "kaputt", 14, "v4")
    commit(repo, project(lang, "anna", "jan", "Lea Lang-Berger", jour_fixe=True), SUBJECT_5, 15, "v5")
    return repo


@pytest.fixture
def catalog(repo: Path):
    found, problems = load_catalog(repo)
    assert found is not None, problems
    return found


@pytest.fixture
def history_de(tmp_path: Path) -> Path:
    return scripted(tmp_path / "de")


EXPECTED = {  # (day, changes) newest first; v4 (day 14) is broken and gives no entry
    "de": [
        (15, ["Termin hinzugefügt: „Jour fixe“ (10. Februar 2027, 10:00 Uhr)"]),
        (
            13,
            [
                "Person umbenannt: Lea Lang -> Lea Lang-Berger",
                "RACI „Projektbudget einhalten“: A von Katrin Müller zu Jan Schulze",
            ],
        ),
        (
            12,
            ["Key-User Vertrieb: Thomas Schmidt -> Anna Becker", "Projektteam-Mitglied: Anna Becker -> Thomas Schmidt"],
        ),
        (11, ["Projekt angelegt"]),
    ],
    "en": [
        (15, ["Meeting added: 'Jour fixe' (10 February 2027, 10:00)"]),
        (
            13,
            [
                "Person renamed: Lea Lang -> Lea Lang-Berger",
                "RACI 'Stay within the project budget': A changed from Katrin Müller to Jan Schulze",
            ],
        ),
        (12, ["Key user Sales: Thomas Schmidt -> Anna Becker", "Project team member: Anna Becker -> Thomas Schmidt"]),
        (11, ["Project created"]),
    ],
}


def days(entries) -> list[tuple[int, list[str]]]:
    return [(e.day.day, e.changes) for e in entries]


# history ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["de", "en"])
def test_history_tells_each_day_in_words_newest_first(tmp_path: Path, lang: str) -> None:
    repo = scripted(tmp_path, lang)
    catalog, _ = load_catalog(repo)
    entries = history(repo, SLUG, catalog, lang)
    assert entries is not None
    assert days(entries) == EXPECTED[lang]
    assert all(e.day.year == 2027 and e.day.month == 1 for e in entries)
    assert history(repo, SLUG, catalog, lang) == entries  # deterministic


def test_history_follows_a_renamed_project_folder(history_de: Path, catalog) -> None:
    git(history_de, "mv", f"projects/{SLUG}", "projects/beispiel-neu")
    git(history_de, "commit", "-q", "-m", "Ordner umbenannt", day=16)
    entries = history(history_de, "beispiel-neu", catalog, "de")
    assert entries is not None
    assert days(entries) == EXPECTED["de"]  # the move changed nothing a client sees: no entry


def other_client(text: str) -> str:
    """Another client's project made from this one's file, as consultants start a new client."""
    return (
        text.replace("Beispiel GmbH", "Neukunde AG")
        .replace("Lea Lang-Berger", "Nora Neu")
        .replace("Lea Lang", "Nora Neu")
    )


@pytest.mark.parametrize("many", [False, True], ids=["one client", "the history read once"])
def test_a_client_copied_from_another_has_only_its_own_history(history_de: Path, catalog, many: bool) -> None:
    """git log --follow follows copies: the new client's changes page would list the other
    client's days, people and names. A copy is where the new file's history begins."""
    source = (history_de / FILE).read_text(encoding="utf-8")
    (history_de / "projects" / "neu").mkdir()
    (history_de / "projects" / "neu" / "project.yml").write_text(other_client(source), encoding="utf-8")
    git(history_de, "add", "-A")
    git(history_de, "commit", "-q", "-m", "Neukunde aus Beispiel", day=16)
    assert "projects/beispiel/project.yml" in git(
        history_de, "log", "--follow", "--name-only", "--format=", "--", "projects/neu/project.yml"
    )  # what git itself says: the copy is followed
    with git_batch(history_de, many):
        entries = history(history_de, "neu", catalog, "de")
        assert entries is not None
        assert days(entries) == [(16, ["Projekt angelegt"])]
        assert days(history(history_de, SLUG, catalog, "de") or []) == EXPECTED["de"]


@pytest.mark.parametrize("many", [False, True], ids=["one client", "the history read once"])
def test_a_file_renamed_from_another_client_is_not_followed(history_de: Path, catalog, many: bool) -> None:
    """One client's folder gone and a new client made of its file in the same commit: git
    calls it a rename. Followed only where both sides name the same client."""
    source = (history_de / FILE).read_text(encoding="utf-8")
    git(history_de, "rm", "-q", "-r", f"projects/{SLUG}")
    (history_de / "projects" / "neu").mkdir()
    (history_de / "projects" / "neu" / "project.yml").write_text(other_client(source), encoding="utf-8")
    git(history_de, "add", "-A")
    git(history_de, "commit", "-q", "-m", "Beispiel raus, Neukunde rein", day=16)
    assert "R" in git(
        history_de, "log", "-1", "--follow", "--name-status", "--format=", "--", "projects/neu/project.yml"
    )
    with git_batch(history_de, many):
        assert days(history(history_de, "neu", catalog, "de") or []) == [(16, ["Projekt angelegt"])]


@pytest.mark.parametrize("many", [False, True], ids=["one client", "the history read once"])
def test_a_renamed_folder_of_the_same_client_keeps_its_history_either_way(history_de: Path, catalog, many) -> None:
    git(history_de, "mv", f"projects/{SLUG}", "projects/beispiel-neu")
    git(history_de, "commit", "-q", "-m", "Ordner umbenannt", day=16)
    with git_batch(history_de, many):
        assert days(history(history_de, "beispiel-neu", catalog, "de") or []) == EXPECTED["de"]


def test_a_clients_history_is_kept_by_what_it_is_made_of(
    history_de: Path, catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kept (signed, in the private cache), the entries come back without a version checked
    again; another language, catalog or commit makes them anew, and they equal a fresh run."""
    from dataclasses import replace

    from generator import keep

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    fresh = {lang: history(history_de, SLUG, catalog, lang) for lang in ("de", "en")}
    keep.enable()
    checked: list[str] = []
    original = changes.resolve_blob
    monkeypatch.setattr(changes, "resolve_blob", lambda *a: checked.append(a[1]) or original(*a))
    assert history(history_de, SLUG, catalog, "de") == fresh["de"]
    made = len(checked)
    assert made >= 5
    assert history(history_de, SLUG, catalog, "de") == fresh["de"]
    assert len(checked) == made  # kept: nothing checked again
    assert history(history_de, SLUG, catalog, "en") == fresh["en"]
    assert len(checked) > made
    made = len(checked)
    other = replace(catalog, contractor="Andere Beratung GmbH")
    assert history(history_de, SLUG, other, "de") is not None
    assert len(checked) > made  # another catalog: made anew
    made = len(checked)
    commit(history_de, project(jour_fixe=True, lea="Lea Lang-Berger"), "neu", 16, "v6")
    assert days(history(history_de, SLUG, catalog, "de") or [])[0][0] == 16
    assert len(checked) > made
    assert list((tmp_path / "cache" / "handbook" / "history").iterdir())


@pytest.mark.parametrize("batch", [99, 1], ids=["each client asks git", "the history read once"])
def test_no_file_of_a_client_made_from_another_names_what_that_client_had(
    history_de: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    """The whole site (pages, search index, print page, downloads) of a client started from
    another client's file holds nothing of that client's past: a canary in an old version of
    the source client, removed before the copy."""
    from generator import pipeline

    canary = "Kanarienvogel Altkunde"
    commit(history_de, project(lea=canary), "altes Projekt", 9, "v-old")  # day 9: before the copy
    source = project(lea="Lea Lang-Berger", jour_fixe=True)
    commit(history_de, source, "wieder wie vorher", 10, "v-back")
    (history_de / "projects" / "neu").mkdir()
    (history_de / "projects" / "neu" / "project.yml").write_text(other_client(source), encoding="utf-8")
    git(history_de, "add", "-A")
    git(history_de, "commit", "-q", "-m", "Neukunde aus Beispiel", day=16)
    monkeypatch.setattr(pipeline, "BATCH_HISTORY", batch)
    run = pipeline.build_all(history_de, [], tmp_path / "site", jobs=1)
    assert [o.state for o in run.outcomes] == ["built", "built"]
    assert canary in (tmp_path / "site" / SLUG / "aenderungen" / "index.html").read_text(encoding="utf-8")
    for file in (tmp_path / "site" / "neu").rglob("*"):
        if file.is_file():
            data = file.read_bytes()
            assert canary.encode() not in data and b"Beispiel GmbH" not in data, file


def git_batch(repo: Path, on: bool):
    from contextlib import nullcontext

    from generator.history import git as history_git

    return history_git.batch(repo) if on else nullcontext()


def test_history_is_capped_and_compares_the_oldest_shown_commit_with_the_one_before(
    history_de: Path, catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(changes, "MAX_COMMITS", 2)
    entries = history(history_de, SLUG, catalog, "de")
    assert entries is not None
    # v5 compares with v3 (v4 is broken); v3 is only the base
    assert days(entries) == EXPECTED["de"][:1]
    monkeypatch.setattr(changes, "MAX_COMMITS", 3)
    entries = history(history_de, SLUG, catalog, "de")
    assert days(entries) == EXPECTED["de"][:2]  # v3 compared with v2, not "Projekt angelegt"


def test_commits_that_change_nothing_public_give_no_entry_and_no_git_text_is_shown(tmp_path: Path) -> None:
    """Messages, authors and internal-only changes never reach the page; a change undone
    the same day leaves no trace either."""
    repo = scripted(tmp_path)
    base = (repo / FILE).read_text(encoding="utf-8")
    internal_only = base.replace(f"marker: {SECRET}", "marker: MARGE-GESENKT-CANARY-77")
    commit(repo, internal_only, "Marge nach Nachverhandlung gesenkt (intern!) COMMIT-CANARY-31", 20, "v6")
    commit(repo, internal_only.replace("Lea Lang-Berger", "Lea X"), "hin COMMIT-CANARY-32", 21, "v7")
    commit(repo, internal_only, "und zurück COMMIT-CANARY-33", 21, "v8")
    catalog, _ = load_catalog(repo)
    entries = history(repo, SLUG, catalog, "de")
    assert entries is not None and days(entries) == EXPECTED["de"]
    page = changes_page(View(resolve_text(base, FILE, catalog)), entries)
    for canary in ("COMMIT-CANARY", "Marge", "intern!", "MARGE-GESENKT", SECRET, "t@e", "<script>", "kaputt"):
        assert canary not in page, canary
    for short in (git(repo, "rev-parse", "--short", f"v{i}") for i in range(1, 9)):
        assert short not in page


def test_history_is_none_outside_git_without_commits_and_for_an_uncommitted_file(
    tmp_path: Path, catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    plain = make_repo(tmp_path / "plain", {SLUG: project()})
    assert history(plain, SLUG, catalog, "de") is None
    empty = make_repo(tmp_path / "empty", {SLUG: project()})
    git(empty, "init", "-q")
    assert history(empty, SLUG, catalog, "de") is None
    git(empty, "add", "projects/roles.yml")
    git(empty, "commit", "-q", "-m", "nur der Katalog")  # the project file stays uncommitted
    assert history(empty, SLUG, catalog, "de") is None


def test_without_git_there_is_no_history_and_diff_says_why(
    history_de: Path, catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(history_de / "no-bin-here"))
    assert history(history_de, SLUG, catalog, "de") is None
    with pytest.raises(MissingTool, match="git was not found"):
        diff_revisions(history_de, SLUG, catalog, None, None, "de")


def cmd_diff(repo: Path, slug: str, rev1: str | None, rev2: str | None) -> int:
    """`handbook diff` as the command line runs it."""
    return main(["--repo", str(repo), "diff", slug, *(r for r in (rev1, rev2) if r is not None)])


# diff_revisions and cmd_diff ---------------------------------------------------------------------


def test_diff_between_named_revisions(history_de: Path, catalog) -> None:
    assert diff_revisions(history_de, SLUG, catalog, "v1", "v3", "de") == [
        "Person umbenannt: Lea Lang -> Lea Lang-Berger",
        "Key-User Vertrieb: Thomas Schmidt -> Anna Becker",
        "Projektteam-Mitglied: Anna Becker -> Thomas Schmidt",
        "RACI „Projektbudget einhalten“: A von Katrin Müller zu Jan Schulze",
    ]
    assert (
        diff_revisions(history_de, SLUG, catalog, "v3", "v1", "en")[0] == "Person renamed: Lea Lang-Berger -> Lea Lang"
    )
    assert diff_revisions(history_de, SLUG, catalog, "v2", "v2", "de") == []


def test_diff_defaults_to_head_against_the_working_tree(history_de: Path, catalog) -> None:
    assert diff_revisions(history_de, SLUG, catalog, None, None, "de") == []
    text = (history_de / FILE).read_text(encoding="utf-8")
    (history_de / FILE).write_text(text.replace("department: IT}", "department: IT, phone: 030 1234}"), "utf-8")
    assert diff_revisions(history_de, SLUG, catalog, None, None, "de") == [
        "Lea Lang-Berger: Telefon hinzugefügt: 030 1234"
    ]
    assert diff_revisions(history_de, SLUG, catalog, "v4~1", None, "de") == [
        "Lea Lang-Berger: Telefon hinzugefügt: 030 1234",
        EXPECTED["de"][0][1][0],
    ]


def test_diff_refuses_unknown_revisions_missing_files_and_broken_versions(history_de: Path, catalog) -> None:
    with pytest.raises(UsageError, match=r"^unknown revision 'v9'; name a commit, branch or tag \(see git log\)$"):
        diff_revisions(history_de, SLUG, catalog, "v9", None, "de")
    with pytest.raises(UsageError, match="unknown revision '--all'"):
        diff_revisions(history_de, SLUG, catalog, "v1", "--all", "de")
    with pytest.raises(UsageError, match=rf"^{FILE} does not exist at revision 'v0'$"):
        diff_revisions(history_de, SLUG, catalog, "v1", "v0", "de")
    with pytest.raises(UserError) as caught:
        diff_revisions(history_de, SLUG, catalog, "v3", "v4", "de")
    [problem] = caught.value.diagnostics
    assert problem.human().startswith(f"v4:{FILE}:6:3: error: YAML syntax error")
    assert "YAML syntax error" in problem.message


def test_diff_on_the_projects_first_commit_says_created(history_de: Path, catalog, tmp_path: Path) -> None:
    # the file did not exist before v1 (v0 is the commit before it): REV1 = v1~1 is "before the project"
    assert diff_revisions(history_de, SLUG, catalog, "v1~1", "v1", "de") == ["Projekt angelegt"]
    assert diff_revisions(history_de, SLUG, catalog, "v0", "v1", "en") == ["Project created"]
    # a repository whose first commit holds the project: HEAD~1 does not exist at all
    single = make_repo(tmp_path / "single", {SLUG: project()})
    git(single, "init", "-q")
    git(single, "add", "-A")
    git(single, "commit", "-q", "-m", "erster Stand")
    assert diff_revisions(single, SLUG, catalog, "HEAD~1", "HEAD", "de") == ["Projekt angelegt"]
    assert cmd_diff(single, SLUG, "HEAD~1", "HEAD") == 0
    # a new project that is not committed yet, against HEAD
    (single / "projects" / "neu").mkdir()
    (single / "projects" / "neu" / "project.yml").write_text(project(), encoding="utf-8")
    assert diff_revisions(single, "neu", catalog, None, None, "de") == ["Projekt angelegt"]


def test_diff_outside_git_is_a_usage_error(tmp_path: Path, catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    plain = make_repo(tmp_path / "plain", {SLUG: project()})
    with pytest.raises(UsageError, match="is not inside a git repository"):
        diff_revisions(plain, SLUG, catalog, None, None, "de")


def test_cmd_diff_prints_one_change_per_line(history_de: Path, capsys: pytest.CaptureFixture) -> None:
    assert cmd_diff(history_de, SLUG, None, None) == 0
    assert capsys.readouterr().out == "keine Änderungen\n"
    assert cmd_diff(history_de, SLUG, "v2", "v3") == 0
    assert capsys.readouterr().out == "\n".join(EXPECTED["de"][1][1]) + "\n"
    assert cmd_diff(history_de, SLUG, "v4", "v5") == 1
    out = capsys.readouterr()
    assert (
        out.out == ""
        and out.err.startswith(f"v4:{FILE}:6:3: error: YAML syntax error")
        and "error: YAML syntax error" in out.err
    )
    assert cmd_diff(history_de, "beispeil", None, None) == 2
    assert "no client project 'beispeil' in projects/ (did you mean 'beispiel'?)" in capsys.readouterr().err


# semantic_diff on its own ---------------------------------------------------------------------------

RICH = """\
client: Beispiel GmbH
title: CRM
status: active
period: {start: 2027-01-11, end: 2027-10-29}
people:
  - {id: lea, name: Lea Lang, side: client, roles: [project_lead], department: IT, deputy: tom, email: lea@b.example}
  - {id: tom, name: Tom Tal, side: client, roles: [key_user], department: Vertrieb, represents: [Vertrieb, Service]}
  - {id: sam, name: Sam Sand, side: client, roles: [team_member], department: Service}
  - {id: kim, name: Kim Kurz, side: contractor, roles: [account_manager, resource_coordinator]}
  - {id: hotline, name: Hotline, side: contractor, kind: team, roles: [support, backoffice]}
  - {id: boss, name: Bea Boss, side: contractor}
workgroups:
  - {id: ak, name: AK Vertrieb, lead: tom, members: [tom, sam]}
raci:
  - {id: budget, remove: true}
  - {id: test, task: Testen, responsible: [key_user], accountable: lea, consulted: [sam], informed: [client]}
communication:
  - {topic: Status, from: lea, to: [project_team], when: wöchentlich, channel: Teams}
  - {topic: Rechnungen, from: hotline, to: [lea], when: monatlich, channel: E-Mail}
meetings:
  - {id: kickoff, name: Kickoff, type: kickoff, date: 2027-02-03 09:30, location: Werk Nord}
milestones:
  - {name: Go-live, date: 2027-07-01, owner: lea}
  - {name: Konzept, date: 2027-03-31, owner: kim}
escalation:
  - {level: 1, contact: hotline, when: sofort}
  - {level: 2, contact: kim, when: nach 2 Tagen}
"""

RICH_EDITS = [
    ("status: active", "status: completed"),
    ("end: 2027-10-29", "end: 2027-11-30"),
    ("deputy: tom, email: lea@b.example", "deputy: sam"),
    ("represents: [Vertrieb, Service]", "represents: [Vertrieb]"),
    ("roles: [team_member], department: Service}", "roles: [team_member, key_user], department: Service}"),
    ("members: [tom, sam]", "members: [tom, kim]"),
    ("consulted: [sam]", "consulted: [ak]"),
    ("informed: [client]", "informed: [client, contractor]"),
    (
        "{topic: Rechnungen, from: hotline, to: [lea], when: monatlich, channel: E-Mail}",
        "{topic: Rechnungen, from: hotline, to: [lea], when: quartalsweise, channel: E-Mail}\n"
        "  - {topic: Tickets, from: key_user, to: [hotline], when: bei Bedarf, channel: Portal}",
    ),
    ("date: 2027-02-03 09:30, location: Werk Nord", "date: 2027-02-04 09:30, location: Teams"),
    ("{name: Go-live, date: 2027-07-01, owner: lea}", "{name: Go-live, date: 2027-07-08, owner: lea, done: true}"),
    ("  - {name: Konzept, date: 2027-03-31, owner: kim}\n", ""),
    (
        "{level: 2, contact: kim, when: nach 2 Tagen}",
        "{level: 2, contact: boss, when: nach 2 Tagen}\n  - {level: 3, contact: boss, when: nach 5 Tagen}",
    ),
]


def edited(source: str, edits: list[tuple[str, str]]) -> str:
    for old, new in edits:
        assert old in source, old
        source = source.replace(old, new)
    return source


def test_semantic_diff_names_every_kind_of_change_in_a_fixed_order(catalog) -> None:
    old = resolve_text(RICH, "old", catalog)
    new = resolve_text(edited(RICH, RICH_EDITS), "new", catalog)
    assert old is not None and new is not None
    assert semantic_diff(old, new, "de") == [
        "Status von laufend zu abgeschlossen",
        "Zeitraum von 11. Januar 2027 – 29. Oktober 2027 zu 11. Januar 2027 – 30. November 2027",
        "Lea Lang: E-Mail entfernt: lea@b.example",
        "Lea Lang: Vertretung von Tom Tal zu Sam Sand",
        "Tom Tal: Vertritt Abteilungen von Vertrieb, Service zu Vertrieb",
        "Key-User Service: Tom Tal -> Sam Sand",
        "Arbeitskreis AK Vertrieb: Mitglieder hinzugefügt: Kim Kurz",
        "Arbeitskreis AK Vertrieb: Mitglieder entfernt: Sam Sand",
        "RACI „Testen“: C hinzugefügt: AK Vertrieb",
        "RACI „Testen“: C entfernt: Sam Sand",
        "RACI „Testen“: I hinzugefügt: Nordwind CRM Beratung GmbH",
        "Kommunikationsweg „Rechnungen“ von Hotline: Wann von monatlich zu quartalsweise",
        "Kommunikationsweg hinzugefügt: „Tickets“ von Key-User an Hotline",
        "Termin „Kickoff“ verschoben von 3. Februar 2027, 09:30 Uhr auf 4. Februar 2027, 09:30 Uhr",
        "Termin „Kickoff“: Ort von Werk Nord zu Teams",
        "Meilenstein „Go-live“: Datum von 1. Juli 2027 zu 8. Juli 2027",
        "Meilenstein „Go-live“ erledigt",
        "Meilenstein entfernt: „Konzept“ (31. März 2027)",
        "Eskalationsstufe 2: Kontakt von Kim Kurz zu Bea Boss",
        "Eskalationsstufe 3 hinzugefügt: Bea Boss",
    ]
    assert semantic_diff(new, old, "en") == [
        "Status changed from completed to active",
        "Period changed from 11 January 2027 – 30 November 2027 to 11 January 2027 – 29 October 2027",
        "Lea Lang: Email added: lea@b.example",
        "Lea Lang: Deputy changed from Sam Sand to Tom Tal",
        "Tom Tal: Represents departments changed from Vertrieb to Vertrieb, Service",
        "Key user Service: Sam Sand -> Tom Tal",
        "Working group AK Vertrieb: Members added: Sam Sand",
        "Working group AK Vertrieb: Members removed: Kim Kurz",
        "RACI 'Testen': C added: Sam Sand",
        "RACI 'Testen': C removed: AK Vertrieb",
        "RACI 'Testen': I removed: Nordwind CRM Beratung GmbH",
        "Communication line 'Rechnungen' from Hotline: When changed from quartalsweise to monatlich",
        "Communication line removed: 'Tickets' from Key user to Hotline",
        "Meeting 'Kickoff' rescheduled from 4 February 2027, 09:30 to 3 February 2027, 09:30",
        "Meeting 'Kickoff': Location changed from Teams to Werk Nord",
        "Milestone 'Go-live': Date changed from 8 July 2027 to 1 July 2027",
        "Milestone 'Go-live' reopened",
        "Milestone added: 'Konzept' (31 March 2027)",
        "Escalation level 2: Contact changed from Bea Boss to Kim Kurz",
        "Escalation level 3 removed: Bea Boss",
    ]
    assert semantic_diff(old, old, "de") == []


def test_people_roles_and_tasks_added_and_removed(catalog) -> None:
    old = resolve_text(RICH, "old", catalog)
    grown = edited(
        RICH,
        [
            (
                "  - {id: boss, name: Bea Boss, side: contractor}\n",
                "  - {id: ina, name: Ina Imhof, side: client, roles: [pilot]}\n",
            ),
            ("workgroups:\n", "roles:\n  - {id: pilot, name: Pilotanwenderin, side: client}\nworkgroups:\n"),
            ("  - {id: budget, remove: true}\n", "  - {task: Pilot fahren, responsible: [pilot], accountable: ina}\n"),
        ],
    )
    new = resolve_text(grown, "new", catalog)
    assert old is not None and new is not None
    assert semantic_diff(old, new, "de") == [
        "Person hinzugefügt: Ina Imhof",
        "Person entfernt: Bea Boss",
        "Rolle hinzugefügt: Pilotanwenderin",
        "Pilotanwenderin: Ina Imhof hinzugefügt",
        "RACI-Aufgabe hinzugefügt: „Projektbudget einhalten“",
        "RACI-Aufgabe hinzugefügt: „Pilot fahren“",
    ]
    assert semantic_diff(new, old, "en")[2:4] == ["Role removed: Pilotanwenderin", "Pilotanwenderin: Ina Imhof removed"]


def test_resolve_text_is_none_for_any_error(catalog) -> None:
    assert resolve_text(RICH, "x", catalog) is not None
    assert resolve_text("people: [", "x", catalog) is None  # YAML syntax
    assert resolve_text("- a\n", "x", catalog) is None  # not a mapping
    assert resolve_text(RICH.replace("title: CRM", "titel: CRM"), "x", catalog) is None  # shape
    assert resolve_text(RICH.replace("owner: kim", "owner: kimm"), "x", catalog) is None  # reference
    assert resolve_text(RICH.replace("roles: [project_lead]", "roles: []"), "x", catalog) is None  # rule


# the page ----------------------------------------------------------------------------------------------


def test_changes_page_escapes_every_value_and_never_shows_internal(history_de: Path, catalog) -> None:
    entries = history(history_de, SLUG, catalog, "de")
    latest = resolve_text((history_de / FILE).read_text(encoding="utf-8"), FILE, catalog)
    assert entries is not None and latest is not None
    page = changes_page(View(latest), entries)
    assert (
        page
        == """\
# Änderungen

So hat sich die Organisation des Projekts verändert, neueste Änderungen zuerst.

## 15. Januar 2027

- Termin hinzugefügt: „Jour fixe“ (10. Februar 2027, 10:00 Uhr)

## 13. Januar 2027

- Person umbenannt: Lea Lang -&#62; Lea Lang-Berger
- RACI „Projektbudget einhalten“: A von Katrin Müller zu Jan Schulze

## 12. Januar 2027

- Key-User Vertrieb: Thomas Schmidt -&#62; Anna Becker
- Projektteam-Mitglied: Anna Becker -&#62; Thomas Schmidt

## 11. Januar 2027

- Projekt angelegt
"""
    )
    assert "<script>" not in page
    outputs = [
        page,
        *(c for e in entries for c in e.changes),
        *diff_revisions(history_de, SLUG, catalog, "v1", "v5", "de"),
    ]
    assert SECRET not in "\n".join(outputs)


def test_changes_page_without_history_and_for_a_value_that_looks_like_markdown(catalog) -> None:
    resolved = resolve_text(project("en"), FILE, catalog)
    assert resolved is not None
    view = View(resolved)
    assert changes_page(view, None) == "# Changes\n\nNo version history is available for this project.\n"
    entry = Entry(date(2027, 3, 1), ["# Heading? *no* | [x](y)"])
    assert changes_page(view, [entry]).splitlines()[4:] == [
        "## 1 March 2027",
        "",
        "- &#35; Heading? &#42;no&#42; &#124; &#91;x&#93;(y)",
    ]


def test_the_internal_marker_never_reaches_cmd_diff(history_de: Path, capsys: pytest.CaptureFixture) -> None:
    for revs in [("v1", "v5"), ("v1", None)]:
        assert cmd_diff(history_de, SLUG, *revs) == 0
    out = capsys.readouterr()
    assert SECRET not in out.out + out.err and "Jour fixe" in out.out


def test_semantic_diff_tells_the_11_keys_in_words_and_never_a_reason(catalog) -> None:
    old = resolve_text(RICH, "old", catalog)
    new_text = RICH.replace("status: active\n", "status: active\ntimezone: Europe/London\nsummary: Neu.\n").replace(
        "department: Service}",
        "department: Service, absences: [{from: 2027-03-01, to: 2027-03-05, reason: GEHEIMER-GRUND-55}]}",
    )
    new_text += "agreement: {date: 2027-02-03, client: lea, contractor: kim}\n"
    new_text += "feedback:\n  - {person: tom, role: key_user, date: 2027-07-01, text: FEEDBACK-GEHEIM-56}\n"
    new = resolve_text(new_text, "new", catalog)
    assert old is not None and new is not None
    changes = semantic_diff(old, new, "de")
    assert changes == [
        "Zeitzone von Europe/Berlin zu Europe/London",
        "Projektbeschreibung geändert",
        "Sam Sand: Abwesenheit hinzugefügt: 1. März 2027 – 5. März 2027",
        "Abgestimmte Rollenverteilung hinzugefügt: 3. Februar 2027 (Lea Lang, Kim Kurz)",
    ]
    assert "GEHEIM" not in "".join(changes + semantic_diff(new, old, "en"))


# the history read once for many clients (history/git.py batch) ---------------------------------------


def test_the_history_read_once_answers_as_git_does_for_each_client(tmp_path: Path, monkeypatch) -> None:
    """Per client, `git log --follow` and `git log -1` against the one reading of the whole
    history, on a line of commits with edits, a copy, a deletion and a new file at the same
    path, renames (one of them from another client's file), a shared chapter changed and a
    repository in a sub-folder; after a merge, the index steps aside and git answers again."""
    from generator import layout
    from generator.history import git as history_git

    monkeypatch.setattr(history_git, "CHUNK", 3)  # read in several pieces, as a long history is
    top = tmp_path / "top"
    top.mkdir()
    git(top, "init", "-q")
    repo = make_repo(top / "handbuch")
    a, b = project(), project(lea="Bea Bauer")
    files = {"a": a, "b": b}

    def write(slug: str, text: str | None) -> None:
        folder = repo / "projects" / slug
        if text is None:
            git(top, "rm", "-q", "-r", str(folder))
            return
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "project.yml").write_text(text, encoding="utf-8")

    steps = [
        {"a": a, "b": b},
        {"a": project(key_user="anna")},
        {"c": other_client(a)},  # a copy of a
        {"b": None},
        {"b": project(lea="Bea Neu")},  # the same path again
        {"e": project(lea="Eva Ende")},
        {"e": None, "f": other_client(project(lea="Eva Ende"))},  # a rename from another client
        {"c": other_client(project(accountable="jan"))},
    ]
    for day, step in enumerate(steps, 10):
        for slug, text in step.items():
            write(slug, text)
            files[slug] = text
        git(top, "add", "-A")
        git(top, "commit", "-q", "-m", f"step {day}", day=day)
    git(top, "mv", "handbuch/projects/a", "handbuch/projects/a2")  # a rename of the same client
    (repo / "docs" / "de").mkdir(parents=True, exist_ok=True)
    (repo / "docs" / "de" / "extra.md").write_text("# Extra\n", encoding="utf-8")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "moved", day=20)
    slugs = ["a2", "b", "c", "f", "missing"]

    def answers() -> list:
        found = []
        for slug in slugs:
            for limit in (201, 2):
                found.append(history_git.log(repo, layout.project_file(slug), limit))
            found.append(history_git.last_commit_time(repo, layout.client_inputs(slug)))
        return found

    alone = answers()
    # a2: the move and a's two; b: since it was added again; c: since the copy; f: the rename, e
    assert [len(x) for x in alone[::3]] == [3, 1, 2, 2, 0]
    with history_git.batch(repo):
        assert history_git._index(repo.resolve(), history_git.head(repo) or "") is not None
        assert answers() == alone
    git(top, "checkout", "-q", "-b", "side")
    write("b", project(lea="Bea Seite"))
    git(top, "commit", "-q", "-am", "side", day=21)
    git(top, "checkout", "-q", "-")
    git(top, "merge", "-q", "--no-ff", "-m", "merged", "side", day=22)
    alone = answers()
    with history_git.batch(repo):
        assert history_git._index(repo.resolve(), history_git.head(repo) or "") is None
        assert answers() == alone
