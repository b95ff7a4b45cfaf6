"""builder/scratch.py: the project a site is built from goes to memory when there is room, the
site comes out the same as from the disk, and nothing is left behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.builder import scratch

from .conftest import make_repo
from .test_determinism import build, snapshot


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", **extra}


def test_memory_and_disk_give_the_same_sites(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", fixtures=True)
    ram = tmp_path / "ram"
    ram.mkdir()
    os.utime(ram, (0, 0))
    one = build(repo, "in-memory", env=_env(HANDBOOK_SCRATCH=str(ram)))
    assert one.returncode == 0, one.stdout + one.stderr
    assert ram.stat().st_mtime > 0, "the build made no folder in the scratch space"
    assert list(ram.iterdir()) == [], "the build left its project behind"
    two = build(repo, "on-disk", env=_env(HANDBOOK_SCRATCH=""))
    assert two.returncode == 0, two.stdout + two.stderr
    a, b = snapshot(repo / "in-memory"), snapshot(repo / "on-disk")
    assert len(a) > 50 and a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []


def test_one_client_build_uses_it_too(tmp_path: Path) -> None:
    """One site to build: the helper process (builder/ahead.py) reads the project from there."""
    repo = make_repo(tmp_path / "repo", fixtures=True)
    slug = sorted(p.name for p in (repo / "projects").iterdir() if p.is_dir())[0]
    ram = tmp_path / "ram"
    ram.mkdir()
    os.utime(ram, (0, 0))
    done = build(repo, "site", slug, env=_env(HANDBOOK_SCRATCH=str(ram)))
    assert done.returncode == 0, done.stdout + done.stderr
    assert ram.stat().st_mtime > 0 and list(ram.iterdir()) == []
    assert (repo / "site" / slug / "index.html").is_file()


def test_no_room_means_the_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(scratch.VARIABLE, str(tmp_path))
    assert scratch.room() == tmp_path
    monkeypatch.setattr(scratch, "SPARE", 1 << 60)  # more than any disk has free
    assert scratch.room() is None
    with scratch.project_folder(tmp_path / "stage", 1000) as folder:
        assert folder == tmp_path / "stage" / "src"
    monkeypatch.setattr(scratch, "SPARE", 0)
    monkeypatch.setenv(scratch.VARIABLE, str(tmp_path / "missing"))
    assert scratch.room() is None
    monkeypatch.setenv(scratch.VARIABLE, "")
    assert scratch.room() is None


def test_what_killed_processes_left_is_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(gone.stdout)  # that process has ended
    old = 10_000.0  # seconds since the epoch: long ago
    names = {
        f"handbook-build-{dead}-abcd1234": (old, False),  # removed
        f"handbook-serve-{dead}-abcd_234": (old, False),  # removed
        f"handbook-build-{dead}-young123": (None, True),  # still being written, maybe elsewhere
        f"handbook-build-{os.getpid()}-mine1234": (old, True),  # this process's
        f"handbook-build-{os.getppid()}-live1234": (old, True),  # a living process's
        "handbook-notes": (old, True),  # not a name we give
    }
    for name, (mtime, _) in names.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.md").write_text("x", encoding="utf-8")
        if mtime is not None:
            os.utime(tmp_path / name, (mtime, mtime))
    (tmp_path / f"handbook-build-{dead}-file1234").write_text("a file, not ours", encoding="utf-8")
    os.utime(tmp_path / f"handbook-build-{dead}-file1234", (old, old))
    monkeypatch.setenv(scratch.VARIABLE, str(tmp_path))
    scratch._sweep.cache_clear()
    made = scratch.make("build")
    assert made is not None and made.parent == tmp_path and made.name.startswith(f"handbook-build-{os.getpid()}-")
    left = {p.name for p in tmp_path.iterdir()}
    assert left == {made.name, f"handbook-build-{dead}-file1234"} | {n for n, (_, kept) in names.items() if kept}
