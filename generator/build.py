"""build_client() and friends: the whole pipeline for one client, read top to bottom."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from .check import CheckRun, ProjectResult, check_all
from .site import BuildError, mkdocs_build, recover, source_date_epoch, swap_in, temp_folder, write_client
from .verify import verify_site


@dataclass
class Outcome:
    slug: str
    state: str  # "built", "failed"
    seconds: float = 0.0
    reason: str = ""


def generate_client(repo: Path, result: ProjectResult, out: Path) -> Path:
    """Write the portable MkDocs project of one client to out/<slug>/ (swapped in whole)."""
    assert result.resolved is not None
    tmp = temp_folder(out, result.slug)
    try:
        write_client(repo, result.slug, result.resolved, tmp)
        swap_in(tmp, out / result.slug)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out / result.slug


def build_client(repo: Path, result: ProjectResult, out: Path) -> Outcome:
    """load/validate/resolve happened in check; here: render pages -> build site -> verify -> swap."""
    start = time.perf_counter()
    if not result.ok:
        return Outcome(result.slug, "failed", reason="the project file has errors; previous site kept")
    assert result.resolved is not None
    tmp = temp_folder(out, result.slug)
    try:
        source = tmp / "src"
        source.mkdir()
        write_client(repo, result.slug, result.resolved, source)
        html = tmp / "html"
        mkdocs_build(source / "mkdocs.yml", html, source_date_epoch(repo, result.slug))
        verify_site(html)
        swap_in(html, out / result.slug)
    except BuildError as exc:
        return Outcome(result.slug, "failed", time.perf_counter() - start, f"MkDocs: {exc}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return Outcome(result.slug, "built", time.perf_counter() - start)


def build_all(repo: Path, slugs: list[str], out: Path, progress=None) -> tuple[CheckRun, list[Outcome]]:
    recover(out)
    run = check_all(repo, slugs)
    outcomes = []
    for i, result in enumerate(run.results, 1):
        outcome = build_client(repo, result, out)
        outcomes.append(outcome)
        if progress:
            progress(i, len(run.results), outcome)
    return run, outcomes
