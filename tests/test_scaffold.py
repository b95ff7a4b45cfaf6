"""`handbook new`: a fresh project checks clean but for its TODO warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.check import check_all

from .conftest import make_repo
from .test_cli import handbook


@pytest.mark.parametrize("language", ["de", "en"])
def test_new_project_checks_with_only_placeholder_warnings(tmp_path: Path, language: str) -> None:
    repo = make_repo(tmp_path)
    client = 'Müller & "Söhne" KG: NO'
    result = handbook(repo, "new", "mueller", "--client", client, "--language", language)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("created projects/mueller/project.yml")
    text = (repo / "projects" / "mueller" / "project.yml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../project.schema.json\n")
    run = check_all(repo)
    diagnostics = [d for d in run.all_diagnostics() if d.severity != "note"]  # notes: catalog tasks adapted
    assert diagnostics and all(d.rule == "placeholder" and "still a placeholder" in d.message for d in diagnostics)
    assert run.results[0].resolved.project.client == client
    assert run.results[0].resolved.project.language == language


def test_new_refuses_existing_and_invalid_slugs(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    assert handbook(repo, "new", "kunde", "--client", "Kunde").returncode == 0
    again = handbook(repo, "new", "kunde", "--client", "Kunde")
    assert again.returncode == 2
    assert again.stderr == "handbook: projects/kunde exists already; choose another slug or edit its project.yml\n"
    for bad in ("Kunde", "-x", "a/b", "x" * 64, "_internal"):
        assert handbook(repo, "new", bad, "--client", "Kunde").returncode == 2, bad
    assert handbook(repo, "new", "leer", "--client", " ").returncode == 2
    assert sorted(p.name for p in (repo / "projects").iterdir() if p.is_dir()) == ["kunde"]
