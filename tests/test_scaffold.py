"""`handbook new`: a fresh project checks clean but for its TODO warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.project.check import check_all

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


def test_new_refuses_a_slug_with_a_final_newline(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    result = handbook(repo, "new", "abc\n", "--client", "Kunde")
    assert result.returncode == 2
    assert "is not a valid slug" in result.stderr
    assert not any(p.is_dir() for p in (repo / "projects").iterdir())


def test_new_on_a_full_disk_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from generator.errors import UsageError
    from generator.render import scaffold

    repo = make_repo(tmp_path)
    real_open = open

    def full(path, mode="r", *args, **kwargs):
        if "w" in mode and str(path).endswith(".tmp"):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", full)
    with pytest.raises(UsageError, match="cannot write projects/kunde/project.yml: No space left on device"):
        scaffold.new_project(repo, "kunde", "Kunde")
    monkeypatch.undo()
    assert not (repo / "projects" / "kunde").exists()
    assert scaffold.new_project(repo, "kunde", "Kunde").is_file()  # a retry works
