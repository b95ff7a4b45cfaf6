"""Regenerate the golden DOT files of the fixture projects: `python -m tests.dot_golden --update`.

tests/golden_dot/<slug>/<name>.dot holds every diagram of each fixture project;
review the diff before committing it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from generator.diagrams.charts import client_diagrams
from generator.project.check import check_all
from generator.render.view import View

from .golden import FIXTURES, write_tree

ROOT = Path(__file__).resolve().parent.parent
GOLDEN_DOT = Path(__file__).parent / "golden_dot"


def fixture_diagrams(repo: Path = FIXTURES) -> dict[str, dict[str, str]]:
    """slug -> diagram name -> DOT text, for every fixture project (tests/fixtures/projects/)."""
    out = {}
    for result in check_all(repo).results:
        assert result.ok and result.resolved, f"fixture {result.slug} does not check clean"
        out[result.slug] = client_diagrams(View(result.resolved))
    return out


def dot_files(diagrams: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """slug -> file name (<name>.dot) -> DOT text, as committed under tests/golden_dot/."""
    return {slug: {f"{name}.dot": text for name, text in dots.items()} for slug, dots in diagrams.items()}


def update() -> None:
    write_tree(GOLDEN_DOT, dot_files(fixture_diagrams()))
    print(f"updated {GOLDEN_DOT.relative_to(ROOT)}/")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python -m tests.dot_golden --update")
    update()
