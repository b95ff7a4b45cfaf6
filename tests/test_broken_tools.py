"""Unlucky tools: a dot that prints garbage or hangs, a Chromium that hangs. Each is a message for
that client (one timeout, not one per diagram), never a traceback, and the other clients build."""

from __future__ import annotations

import os
import stat
import sys
import time
from pathlib import Path

import pytest

from generator.diagrams import svg
from generator.exports import pdf
from generator.pipeline import build_all

from .conftest import make_repo
from .test_cli import MINIMAL, handbook


def fake_tool(folder: Path, name: str, script: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    tool = folder / name
    tool.write_text(f"#!{sys.executable}\n{script}\n", encoding="utf-8")
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    return tool


def test_dot_printing_garbage_is_a_message(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    fake_tool(bin_dir, "dot", "import sys; sys.stdin.read(); print('<svg><g>not closed')")
    repo = make_repo(tmp_path / "repo", {"kunde": MINIMAL})
    env_path = f"{bin_dir}{os.pathsep}{os.environ['PATH']}"
    result = handbook_with_path(repo, env_path, "build")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "kunde: failed: Graphviz: dot gave no valid SVG for diagram" in result.stdout
    assert "reinstall Graphviz" in result.stdout


def handbook_with_path(repo: Path, path: str, *args: str):
    import subprocess

    env = {**os.environ, "PATH": path}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=repo, capture_output=True, text=True, timeout=300, env=env
    )


def test_a_hanging_dot_costs_one_timeout_per_client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    fake_tool(bin_dir, "dot", "import time; time.sleep(60)")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(svg, "TIMEOUT", 1)
    repo = make_repo(tmp_path / "repo", {"eins": MINIMAL, "zwei": MINIMAL})
    start = time.monotonic()
    run = build_all(repo, [], repo / "site", jobs=1)
    took = time.monotonic() - start
    assert [o.state for o in run.outcomes] == ["failed", "failed"]
    assert all("dot took longer than 1 s" in o.reason for o in run.outcomes)
    # two clients with several diagrams each: one timeout each, not one per diagram
    assert took < 2 * 1 + 8, took


def test_a_hanging_chromium_is_one_timeout_and_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    fake_tool(bin_dir, "chromium", "import time; time.sleep(60)")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(pdf, "TIMEOUT", 1.0)
    repo = make_repo(tmp_path / "repo", {"kunde": MINIMAL, "andere": MINIMAL})
    start = time.monotonic()
    run = build_all(repo, [], repo / "site", jobs=1, pdf=True)
    assert time.monotonic() - start < 30
    by_slug = {o.slug: o for o in run.outcomes}
    assert by_slug["kunde"].state == "failed"
    assert by_slug["kunde"].reason == "PDF: Chromium did not finish printing within 1 s; previous site kept"
    assert not (repo / "site" / "kunde").exists()


def test_pdf_without_chromium_is_a_message(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    for tool in ("dot", "git"):  # the build needs these; Chromium it cannot find
        real = next(Path(p) / tool for p in os.environ["PATH"].split(os.pathsep) if (Path(p) / tool).is_file())
        (empty / tool).symlink_to(real)
    repo = make_repo(tmp_path / "repo", {"kunde": MINIMAL})
    result = handbook_with_path(repo, str(empty), "pdf", "kunde")
    assert result.returncode == 3  # a missing tool: generator/errors.py
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr == (
        "handbook: Chromium was not found; it is needed to print the handbook as a PDF; install it: "
        "apt-get install chromium\n"
    )


def test_a_missing_base_config_is_a_message(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"kunde": MINIMAL})
    (repo / "mkdocs.yml").unlink()
    result = handbook(repo, "build")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "mkdocs.yml" in result.stdout
