"""Walk tests/cases: every good case checks clean, every bad case gives exactly its expected messages.

Each case is a folder with project.yml and, for bad cases (optional for good ones),
expected.txt: the diagnostics `handbook check` prints, one per line, in order, as
`projects/<case>/project.yml:LINE:COL: severity: path: message`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.project.check import check_all
from generator.project.diagnostics import Diagnostic

from .conftest import CASES, make_repo


def _cases(kind: str) -> list[Path]:
    return sorted(p for p in (CASES / kind).iterdir() if p.is_dir())


def _run(case: Path, tmp_path: Path) -> list[str]:
    repo = make_repo(tmp_path / "repo", {case.name: (case / "project.yml").read_bytes()})
    run = check_all(repo, [case.name])
    return [d.human() for d in sorted(run.all_diagnostics(), key=Diagnostic.sort_key)]


def _expected(case: Path) -> list[str]:
    file = case / "expected.txt"
    if not file.exists():
        return []
    return [line for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("case", _cases("good"), ids=lambda p: p.name)
def test_good_case(case: Path, tmp_path: Path) -> None:
    got = _run(case, tmp_path)
    assert all(": warning: " in line or ": note: " in line or ": accepted: " in line for line in got), got
    assert got == _expected(case)


@pytest.mark.parametrize("case", _cases("bad"), ids=lambda p: p.name)
def test_bad_case(case: Path, tmp_path: Path) -> None:
    expected = _expected(case)
    assert any(": error: " in line for line in expected), "a bad case must expect at least one error"
    assert _run(case, tmp_path) == expected


def test_there_are_cases() -> None:
    assert len(_cases("good")) >= 3 and len(_cases("bad")) >= 30
