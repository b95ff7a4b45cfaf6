"""`handbook pdf`: real headless Chromium prints the whole handbook; pdftotext reads it back."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import make_repo
from .test_cli import handbook

pytestmark = pytest.mark.skipif(
    not shutil.which("chromium") or not shutil.which("pdftotext"),
    reason="needs Debian chromium and poppler-utils (make test installs them as root)",
)


def test_pdf_has_every_chapter(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, fixtures=True)
    result = handbook(repo, "pdf", "muster-maschinenbau")
    assert result.returncode == 0, result.stdout + result.stderr
    pdf = repo / "site" / "muster-maschinenbau" / "handbuch.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    folded = " ".join(text.split())
    chapters = [
        "Organisation",
        "Alle Rollen",
        "Alle Personen und Teams",
        "RACI-Matrix",
        "Kommunikation",
        "Eskalationspfad",
        "Termine",
        "Meilensteine",
        "Systemlandschaft",
    ]
    chapters += [
        line[2:].strip()
        for f in sorted((repo / "docs" / "de").glob("*.md"))
        for line in f.read_text(encoding="utf-8").splitlines()[:1]
    ]
    for person in sorted((repo / "site" / "muster-maschinenbau" / "personen").glob("*/index.html")):
        heading = person.read_text(encoding="utf-8").split("<h1", 1)[1].split(">", 1)[1].split("<", 1)[0]
        chapters.append(" ".join(heading.split()))
    missing = [c for c in chapters if c not in folded]
    assert not missing, missing
    assert "INTERNAL-MARKER" not in folded


def test_pdf_without_a_client_is_a_usage_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, fixtures=True)
    result = handbook(repo, "pdf", "unknown-client")
    assert result.returncode == 2
    assert "no client project 'unknown-client'" in result.stderr


def test_build_keeps_the_pdf_current_and_build_pdf_makes_one(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, fixtures=True)
    assert handbook(repo, "pdf", "harbour-logistics").returncode == 0
    pdf = repo / "site" / "harbour-logistics" / "handbook.pdf"
    assert pdf.is_file()
    project = repo / "projects" / "harbour-logistics" / "project.yml"
    project.write_text(project.read_text(encoding="utf-8").replace("Olivia Bennett", "Olivia Bennett-Ray"), "utf-8")
    result = handbook(repo, "build", "harbour-logistics")
    assert result.returncode == 0, result.stdout + result.stderr
    assert pdf.is_file(), "the rebuild dropped the PDF that handbook pdf wrote"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Olivia Bennett-Ray" in " ".join(text.split())  # printed again from the new site, not kept stale
    fresh = make_repo(tmp_path / "b", fixtures=True)
    result = handbook(fresh, "build", "--pdf", "muster-maschinenbau")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (fresh / "site" / "muster-maschinenbau" / "handbuch.pdf").read_bytes().startswith(b"%PDF")
    assert not (fresh / "site" / "harbour-logistics").exists()
