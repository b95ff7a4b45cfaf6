"""ruff keeps the code base consistent; `make lint` runs the same checks."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT


def test_ruff_check_and_format() -> None:
    for args in (["check", "generator", "tests"], ["format", "--check", "generator", "tests"]):
        result = subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
