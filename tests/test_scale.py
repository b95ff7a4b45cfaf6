"""Large teams: pages and diagrams grow linearly with the head count, and `check` refuses a
project above the documented limit (rules.MAX_PEOPLE) with a message."""

from __future__ import annotations

from pathlib import Path

from generator.pipeline import build_all
from generator.project.check import check_all
from generator.project.rules import MAX_PEOPLE

from .conftest import make_repo
from .synthetic import project_yaml


def _person_pages_bytes(site: Path) -> int:
    return sum(p.stat().st_size for p in (site / "personen").rglob("index.html"))


def test_person_pages_grow_linearly_with_the_team(tmp_path: Path) -> None:
    sizes = {}
    for n in (60, 240):
        repo = make_repo(tmp_path / str(n), {"gross": project_yaml(1, people=n)})
        run = build_all(repo, [], repo / "site")
        assert [o.state for o in run.outcomes] == ["built"], run.outcomes
        site = repo / "site" / "gross"
        sizes[n] = (_person_pages_bytes(site) / n, (site / "search" / "search_index.json").stat().st_size / n)
    page_growth = sizes[240][0] / sizes[60][0]
    index_growth = sizes[240][1] / sizes[60][1]
    assert page_growth < 1.3, f"a person page grows with the team: {sizes}"
    assert index_growth < 1.3, f"the search index per person grows with the team: {sizes}"


def test_above_the_limit_check_refuses_with_a_message(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"riesig": project_yaml(1, people=MAX_PEOPLE + 1)})
    result = check_all(repo).results[0]
    errors = [d for d in result.diagnostics if d.severity == "error"]
    assert [(d.path, d.message) for d in errors] == [
        (
            "people",
            f"{MAX_PEOPLE + 1} people and teams; a handbook holds at most {MAX_PEOPLE}: split the project, or list "
            "a large group (all users of a department, say) as one entry with kind: team",
        )
    ]
