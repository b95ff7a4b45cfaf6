"""Shared fixtures: a throw-away repository laid out like the real one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).parent / "cases"
# The tests' own repository content: a catalog and client projects that belong to the tests.
# Tests never read the clients in projects/: a consultancy replaces them with its own.
FIXTURES = Path(__file__).parent / "fixtures"
OUTPUT = Path(__file__).parent / "output"  # screenshots and other artefacts worth looking at


def make_repo(tmp: Path, projects: dict[str, str | bytes] | None = None, fixtures: bool = False) -> Path:
    """A repository in ``tmp`` with the tests' catalog, the product's base config and shared chapters.

    ``projects`` maps slug -> project.yml content; ``fixtures`` copies the fixture clients
    (tests/fixtures/projects/*/).
    """
    (tmp / "projects").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURES / "projects" / "roles.yml", tmp / "projects" / "roles.yml")
    shutil.copyfile(ROOT / "mkdocs.yml", tmp / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", tmp / "docs", dirs_exist_ok=True)
    if fixtures:
        for folder in sorted((FIXTURES / "projects").iterdir()):
            if folder.is_dir():
                shutil.copytree(folder, tmp / "projects" / folder.name)
    for slug, content in (projects or {}).items():
        folder = tmp / "projects" / slug
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / "project.yml"
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return tmp


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo")


@pytest.fixture
def fixture_repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", fixtures=True)


@pytest.fixture(autouse=True)
def _nothing_kept_between_tests():
    """A build in this process turns the private cache on (generator/keep.py); each test
    starts with it off, as a library user's process does."""
    from generator import keep

    keep.enable(False)
    yield
    keep.enable(False)
