"""The portable output of `handbook generate` builds with ProperDocs (a MkDocs 1.6 fork) too."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import make_repo
from .test_cli import handbook


@pytest.mark.skipif(
    importlib.util.find_spec("properdocs") is None,
    reason="ProperDocs is not installed (make test installs it from the test extras)",
)
def test_generate_output_builds_with_properdocs(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", fixtures=True)
    assert handbook(repo, "generate", "--out", "build").returncode == 0
    config = repo / "build" / "harbour-logistics" / "mkdocs.yml"
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "properdocs", "build", "--strict", "-f", str(config), "-d", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    start = (out / "index.html").read_text(encoding="utf-8")
    assert "Harbour Logistics Ltd" in start and "Key contacts" in start
    assert (out / "print_page" / "index.html").is_file()
    assert sorted(p.name for p in (out / "people").iterdir() if p.is_dir())
    assert "INTERNAL-MARKER" not in "".join(
        p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*.html")
    )
