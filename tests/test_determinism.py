"""Same input, same bytes: clean checkouts, shuffled keys, and builds killed half-way."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from generator.project.check import check_all
from generator.project.yamlload import Map, Node, Scalar, Seq, parse
from generator.render.pages import render_pages
from generator.render.view import View

from .conftest import FIXTURES, make_repo
from .synthetic import project_yaml


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` except the lock file (the same empty file, but never part of a site)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".handbook-lock"
    }


def build(repo: Path, out: str = "site", *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", "build", "--out", out, *extra],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )


def test_two_clean_checkouts_build_byte_identical(tmp_path: Path) -> None:
    origin = make_repo(tmp_path / "origin", fixtures=True)
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], cwd=origin, check=True)
    subprocess.run([*git, "add", "-A"], cwd=origin, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "fixtures"], cwd=origin, check=True)
    sites = []
    for name in ("one", "two"):
        subprocess.run(["git", "clone", "-q", str(origin), str(tmp_path / name)], check=True)
        env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}  # the default: git commit time
        result = build(tmp_path / name, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        sites.append(snapshot(tmp_path / name / "site"))
    assert sites[0].keys() == sites[1].keys()
    assert [k for k in sites[0] if sites[0][k] != sites[1][k]] == []


def _events(node: Node, rnd: random.Random):
    """YAML events for ``node`` with every mapping's keys shuffled; scalars keep their style."""
    if isinstance(node, Map):
        yield yaml.MappingStartEvent(None, None, True)
        items = list(node.items.values())
        rnd.shuffle(items)
        for key, value in items:
            yield from _events(key, rnd)
            yield from _events(value, rnd)
        yield yaml.MappingEndEvent()
    elif isinstance(node, Seq):
        yield yaml.SequenceStartEvent(None, None, True)
        for item in node.items:
            yield from _events(item, rnd)
        yield yaml.SequenceEndEvent()
    else:
        assert isinstance(node, Scalar)
        yield yaml.ScalarEvent(None, None, (node.plain, not node.plain), node.text, style=None if node.plain else '"')


def shuffled_yaml(text: str, seed: int) -> str:
    root, _ = parse(text, "x")
    events = [
        yaml.StreamStartEvent(),
        yaml.DocumentStartEvent(),
        *_events(root, random.Random(seed)),
        yaml.DocumentEndEvent(),
        yaml.StreamEndEvent(),
    ]
    return yaml.emit(events, allow_unicode=True)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_key_order_changes_nothing(tmp_path: Path, seed: int) -> None:
    original = (FIXTURES / "projects" / "muster-maschinenbau" / "project.yml").read_text(encoding="utf-8")
    text = shuffled_yaml(original, seed)
    assert text != original
    repo = make_repo(tmp_path / "a", {"kunde": original})
    shuffled = make_repo(tmp_path / "b", {"kunde": text})
    pages = [render_pages(View(check_all(r).results[0].resolved)) for r in (repo, shuffled)]
    assert pages[0] == pages[1]


def test_killed_build_leaves_old_or_new_site_and_recovers(tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"  # what killed builds leave in memory stays in this test's folder
    scratch.mkdir()
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1790000000", "HANDBOOK_SCRATCH": str(scratch)}
    clients = {f"kunde-{i}": project_yaml(i) for i in range(6)}
    repo = make_repo(tmp_path / "repo", clients)
    assert build(repo, env=env).returncode == 0
    old = {slug: snapshot(repo / "site" / slug) for slug in clients}
    for slug in clients:
        file = repo / "projects" / slug / "project.yml"
        file.write_text(file.read_text(encoding="utf-8").replace("Kunde ", "Neukunde "), encoding="utf-8")
    assert build(repo, "expected", env=env).returncode == 0
    new = {slug: snapshot(repo / "expected" / slug) for slug in clients}
    rnd = random.Random(7)
    base = shutil.copytree(repo / "site", tmp_path / "old-site")
    for attempt in range(5):
        shutil.rmtree(repo / "site")
        shutil.copytree(base, repo / "site")
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "build", "--out", "site"],
            cwd=repo,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(rnd.uniform(0.3, 4.0))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        for slug in clients:
            now = snapshot(repo / "site" / slug)
            assert now in (old[slug], new[slug]), f"attempt {attempt}: {slug} is neither the old nor the new site"
        assert build(repo, env=env).returncode == 0
        for slug in clients:
            assert snapshot(repo / "site" / slug) == new[slug]
        assert not [p for p in (repo / "site").iterdir() if p.name.startswith((".tmp-", ".old-"))]
