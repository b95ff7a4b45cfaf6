"""Regenerate the golden DOT files of the example projects: `python -m tests.dot_golden --update`.

tests/golden_dot/<slug>/<name>.dot holds every diagram of each example project;
review the diff before committing it.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from generator.check import check_all
from generator.diagrams import client_diagrams
from generator.view import View

ROOT = Path(__file__).resolve().parent.parent
GOLDEN_DOT = Path(__file__).parent / "golden_dot"


def example_diagrams(repo: Path = ROOT) -> dict[str, dict[str, str]]:
    """slug -> diagram name -> DOT text, for every example project under projects/."""
    out = {}
    for result in check_all(repo).results:
        assert result.ok and result.resolved, f"example {result.slug} does not check clean"
        out[result.slug] = client_diagrams(View(result.resolved))
    return out


def update() -> None:
    shutil.rmtree(GOLDEN_DOT, ignore_errors=True)
    for slug, dots in example_diagrams().items():
        for name, text in dots.items():
            target = GOLDEN_DOT / slug / f"{name}.dot"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
    print(f"updated {GOLDEN_DOT.relative_to(ROOT)}/")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python -m tests.dot_golden --update")
    update()
