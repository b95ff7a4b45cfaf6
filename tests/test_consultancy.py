"""A consultancy's own repository, written from the spec: its own catalog and three format 1.1
projects (small, UK, large) that the examples never showed, with a git history.

Proves end to end: every project checks clean under --strict (warnings accepted where the
consultant meant them), builds, and no client file (page, search index, sitemap, downloads,
diagrams, PDF) holds anything of git (messages, authors), internal notes, feedback, absence
reasons or another client. Times are local to each project's zone.
"""

from __future__ import annotations

import gzip
import html
import json
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from generator.pipeline import build_all, build_internal
from generator.project.check import check_all

from .conftest import FIXTURES, ROOT
from .test_build import text_of
from .test_cli import handbook

CONSULTANCY = FIXTURES / "consultancy"
CLIENTS = ("kanzlei-sommer", "nordlicht-energie", "thames-freight")
PUBLIC = {  # what each client's own site must show
    "kanzlei-sommer": "SMALL-CLIENT-CANARY-5d1e",
    "thames-freight": "UK-CLIENT-CANARY-27c4",
    "nordlicht-energie": "LARGE-CLIENT-CANARY-a61f",
}
PRIVATE = [  # what no client site may hold, ever
    "INTERNAL-CANARY",
    "FEEDBACK-CANARY",
    "ABSENCE-CANARY",
    "COMMIT-CANARY",
    "author-canary@example.invalid",
    "Canary Author",
    "Marge nach Nachverhandlung gesenkt",
]


def _git(repo: Path, *args: str, when: str = "2027-01-15T10:00:00+01:00") -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    who = ["-c", "user.name=Canary Author", "-c", "user.email=author-canary@example.invalid"]
    subprocess.run(["git", *who, *args], cwd=repo, env=env, check=True, capture_output=True, timeout=60)


def consultancy_repo(tmp: Path) -> Path:
    """The consultancy's repository: product config and chapters, its own catalog and clients,
    committed in steps whose messages and author are canaries."""
    repo = tmp / "repo"
    shutil.copytree(CONSULTANCY, repo)
    shutil.copyfile(ROOT / "mkdocs.yml", repo / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", repo / "docs")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "Erster Stand COMMIT-CANARY-1 <script>x</script>")
    for slug in CLIENTS:
        file = repo / "projects" / slug / "project.yml"
        # a commit that changes only what clients never see: no entry on the changes page
        text = file.read_text(encoding="utf-8")
        text = re.sub(r"((?:INTERNAL|FEEDBACK|ABSENCE)-CANARY-\w+)", r"\1-v2", text)
        file.write_text(text, encoding="utf-8")
    _git(
        repo,
        "commit",
        "-qam",
        "Marge nach Nachverhandlung gesenkt (intern!) COMMIT-CANARY-2",
        when="2027-02-01T10:00:00+01:00",
    )
    large = repo / "projects" / "nordlicht-energie" / "project.yml"
    large.write_text(large.read_text(encoding="utf-8").replace("Tim Ahrens", "Tim Ahrens-Lund"), "utf-8")
    _git(repo, "commit", "-qam", "Umbenennung COMMIT-CANARY-3", when="2027-03-01T10:00:00+01:00")
    return repo


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return consultancy_repo(tmp_path_factory.mktemp("consultancy"))


@pytest.fixture(scope="module")
def site(repo: Path) -> Path:
    run = build_all(repo, [], repo / "site", pdf=shutil.which("chromium") is not None)
    assert [o.state for o in run.outcomes] == ["built"] * 3, run.outcomes
    return repo / "site"


def _contents(folder: Path):
    """(file, readable text) for every file of a site: gzip unpacked, PDFs through pdftotext."""
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = file.read_bytes()
        if file.suffix == ".gz":
            data = gzip.decompress(data)
        if file.suffix == ".pdf":
            data = subprocess.run(["pdftotext", str(file), "-"], capture_output=True, check=True).stdout
        yield file, data.decode("utf-8", "replace")


def test_every_project_checks_clean_under_strict(repo: Path) -> None:
    result = handbook(repo, "check", "--strict")
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1] == (
        "3 project(s) checked: 3 ok, 0 with errors; 0 error(s), 0 warning(s), 10 accepted, 3 note(s)"
    )


@pytest.mark.parametrize("slug", CLIENTS)
def test_nothing_private_and_nothing_of_another_client_in_any_file(site: Path, slug: str) -> None:
    others = [canary for other, canary in PUBLIC.items() if other != slug]
    seen_own = False
    files = list(_contents(site / slug))
    assert {f.name for f, _ in files} >= {"index.html", "search_index.json", "sitemap.xml", "meetings.ics"}
    if shutil.which("chromium"):
        assert any(f.suffix == ".pdf" for f, _ in files)
    for file, text in files:
        for canary in PRIVATE + others:
            assert canary not in text, f"{canary} leaked into {file}"
        seen_own = seen_own or PUBLIC[slug] in text
    assert seen_own


def test_changes_page_shows_only_public_changes_in_words(site: Path) -> None:
    page = text_of(site / "nordlicht-energie" / "aenderungen" / "index.html")
    assert "Person umbenannt: Tim Ahrens -> Tim Ahrens-Lund" in page
    assert "1. Februar 2027" not in page  # that day changed only internal notes, feedback and reasons
    assert "1. März 2027" in page and "15. Januar 2027" in page


def test_uk_times_are_london_times_in_the_calendar_and_on_the_pages(site: Path) -> None:
    cal = icalendar.Calendar.from_ical((site / "thames-freight" / "downloads" / "meetings.ics").read_bytes())
    kickoff = next(e for e in cal.walk("VEVENT") if str(e["SUMMARY"]) == "Kickoff")
    start = kickoff.decoded("DTSTART")
    assert kickoff["DTSTART"].params["TZID"] == "Europe/London"
    assert start.astimezone(ZoneInfo("Europe/London")).hour == 9
    assert [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == ["Europe/London"]
    meetings = text_of(site / "thames-freight" / "meetings" / "index.html")
    assert "6 April 2027, 09:00 (Europe/London)" in meetings
    berlin = text_of(site / "nordlicht-energie" / "termine" / "index.html")
    assert "(Europe/Berlin)" not in berlin  # the consultancy's own zone is not named


def test_roles_nobody_holds_get_no_page_column_or_task(site: Path) -> None:
    small = site / "kanzlei-sommer"
    assert sorted(p.name for p in (small / "rollen").iterdir() if p.is_dir()) == [
        "account_manager",
        "backoffice",
        "key_user",
        "project_lead",
        "support",
    ]
    raci = (small / "raci" / "index.html").read_text(encoding="utf-8")
    for absent in ("Ressourcenkoordination", "Stellvertretung Account Manager", "Projektteam-Mitglied"):
        assert absent not in raci
    assert "Arbeitspakete verteilen" not in raci  # left out: nobody would be responsible
    assert "Rollenverteilung mit dem Auftraggeber abstimmen" in raci


def test_portfolio_shows_every_client_in_the_consultancy_zone(repo: Path, tmp_path: Path) -> None:
    _, outcome = build_internal(repo, tmp_path / "out", today=date(2027, 4, 5), days=7)
    assert outcome.state == "built", outcome
    dates = (tmp_path / "out" / "_internal" / "termine" / "index.html").read_text(encoding="utf-8")
    rows = [html.unescape(re.sub(r"<[^>]+>", " ", r)) for r in re.findall(r"<tr>.*?</tr>", dates, re.S)]
    row = next(r for r in rows if "Thames Freight" in r and "Kickoff" in r)
    assert "10:00" in row.split()  # 09:00 in London is 10:00 in Berlin
    assert "(7 Tage)" in dates and "Europe/Berlin" in dates


def test_check_without_any_client_passes(tmp_path: Path) -> None:
    """A repository that holds only its catalog checks and builds (nothing to do)."""
    bare = tmp_path / "bare"
    shutil.copytree(CONSULTANCY, bare, ignore=shutil.ignore_patterns(*CLIENTS))
    shutil.copyfile(ROOT / "mkdocs.yml", bare / "mkdocs.yml")
    result = handbook(bare, "check", "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("0 project(s) checked")
    built = handbook(bare, "build")
    assert built.returncode == 0, built.stdout + built.stderr
    assert check_all(bare).results == []


def test_search_index_has_the_summary_and_no_private_text(site: Path) -> None:
    index = json.loads((site / "thames-freight" / "search" / "search_index.json").read_text(encoding="utf-8"))
    text = json.dumps(index, ensure_ascii=False)
    assert "UK-CLIENT-CANARY-27c4" in text
    assert not [c for c in PRIVATE if c in text]
