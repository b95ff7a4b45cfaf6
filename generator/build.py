"""build_client() and build_all(): the whole pipeline, read top to bottom.

check (load -> shape -> resolve -> rules) -> render pages -> render diagrams ->
MkDocs build into a temporary folder -> verify -> swap in -> remember the inputs' hash.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from itertools import chain
from multiprocessing import get_context
from pathlib import Path

from . import incremental
from .check import CheckRun, ProjectResult, UsageError, check_all, check_project, load_catalog, select
from .site import BuildError, mkdocs_build, recover, source_date_epoch, swap_in, temp_folder, write_client
from .svg import DotFailed
from .verify import verify_site


@dataclass
class Outcome:
    slug: str
    state: str  # "built", "skipped" (unchanged), "failed"
    seconds: float = 0.0
    reason: str = ""


@dataclass
class BuildRun:
    check: CheckRun
    outcomes: list[Outcome] = field(default_factory=list)


def generate_client(repo: Path, result: ProjectResult, out: Path) -> Path:
    """Write the portable MkDocs project of one client to out/<slug>/ (swapped in whole)."""
    assert result.resolved is not None
    tmp = temp_folder(out, result.slug)
    try:
        write_client(repo, result.slug, result.resolved, tmp, source_date_epoch(repo, result.slug))
        swap_in(tmp, out / result.slug)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out / result.slug


def build_client(repo: Path, result: ProjectResult, out: Path) -> Outcome:
    """One checked client: render pages and diagrams -> MkDocs -> verify -> swap in."""
    start = time.perf_counter()
    if not result.ok:
        return Outcome(result.slug, "failed", reason="the project file has errors; previous site kept")
    assert result.resolved is not None
    tmp = temp_folder(out, result.slug)
    try:
        source = tmp / "src"
        source.mkdir()
        epoch = source_date_epoch(repo, result.slug)
        write_client(repo, result.slug, result.resolved, source, epoch)
        html = tmp / "html"
        mkdocs_build(source / "mkdocs.yml", html, epoch)
        verify_site(html)
        incremental.forget(out, result.slug)
        swap_in(html, out / result.slug)
        incremental.remember(repo, out, result.slug)
    except BuildError as exc:
        return Outcome(result.slug, "failed", time.perf_counter() - start, f"MkDocs: {exc}")
    except DotFailed as exc:
        return Outcome(result.slug, "failed", time.perf_counter() - start, f"Graphviz: {exc}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return Outcome(result.slug, "built", time.perf_counter() - start)


def shard(slugs: list[str], spec: str | None) -> list[str]:
    """`K/N`: the K-th of N stable slices (by a hash of the slug, so adding a client moves no other)."""
    if not spec:
        return slugs
    try:
        k, n = (int(x) for x in spec.split("/"))
        assert 1 <= k <= n
    except (ValueError, AssertionError):
        raise UsageError(f"--shard takes K/N with 1 <= K <= N, not '{spec}'") from None
    return [s for s in slugs if int(hashlib.sha256(s.encode()).hexdigest(), 16) % n == k - 1]


# Worker side: one catalog per process, MkDocs' theme templates compiled once per process.
_worker_catalog: dict = {}


def _worker_build(repo: Path, slug: str, out: Path) -> tuple[Outcome, list]:
    from . import engine

    engine.install()
    key = str(repo)
    if key not in _worker_catalog:
        _worker_catalog[key] = load_catalog(repo)[0]
    result = check_project(repo, slug, _worker_catalog[key])
    return build_client(repo, result, out), result.diagnostics


def build_all(
    repo: Path,
    slugs: list[str],
    out: Path,
    progress=None,
    jobs: int | None = None,
    shard_spec: str | None = None,
    force: bool = False,
) -> BuildRun:
    """Build every selected client; unchanged ones are skipped unless ``force``."""
    recover(out)
    chosen, problems = select(repo, slugs)
    chosen = shard(chosen, shard_spec)
    todo = [s for s in chosen if force or not incremental.is_current(repo, out, s)]
    run = BuildRun(check_all(repo, todo) if todo else CheckRun(None, [], []))
    run.check.diagnostics = problems + [d for d in run.check.diagnostics if d not in problems]
    results = {r.slug: r for r in run.check.results}
    outcomes: dict[str, Outcome] = {s: Outcome(s, "skipped", reason="unchanged") for s in chosen if s not in todo}
    buildable = [s for s in todo if results[s].ok]
    failed = [build_client(repo, results[s], out) for s in todo if s not in buildable]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(buildable)))
    for done, outcome in enumerate(chain(failed, _run_builds(repo, buildable, results, out, jobs)), 1):
        outcomes[outcome.slug] = outcome
        if progress:
            progress(done, len(todo), outcome)
    run.outcomes = [outcomes[s] for s in chosen]
    return run


def _run_builds(repo: Path, slugs: list[str], results: dict[str, ProjectResult], out: Path, jobs: int):
    if jobs <= 1:
        from . import engine

        engine.install()
        for slug in slugs:
            yield build_client(repo, results[slug], out)
        return
    with ProcessPoolExecutor(jobs, mp_context=get_context("fork")) as pool:
        futures = [pool.submit(_worker_build, repo, slug, out) for slug in slugs]
        for future in as_completed(futures):
            yield future.result()[0]
