"""ruff keeps the code base consistent and mypy its types; `make lint` runs the same checks."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT


def test_ruff_check_and_format() -> None:
    for args in (["check", "generator", "tests"], ["format", "--check", "generator", "tests"]):
        result = subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean_on_every_package() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
