"""build_client() and build_all(): the whole pipeline, read top to bottom.

check (load -> shape -> resolve -> rules) -> render pages -> render diagrams ->
MkDocs build into a temporary folder -> verify -> swap in -> remember the inputs' hash.
"""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import signal
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from generator.builder import incremental
from generator.builder import output as outdir
from generator.builder.site import BuildError, mkdocs_build, source_date_epoch, swap_in, temp_folder, write_client
from generator.builder.verify import verify_site
from generator.diagrams.svg import DotFailed
from generator.exports.pdf import PdfFailed, pdf_name, print_pdf
from generator.project.check import CheckRun, ProjectResult, UsageError, check_project, load_catalog, select


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
    """Write the portable MkDocs project of one client to out/<slug>/ (swapped in whole); ``out``
    must be claimed (outdir.claim) and locked by the caller."""
    assert result.resolved is not None
    tmp = temp_folder(out, result.slug)
    try:
        write_client(repo, result.slug, result.resolved, tmp, source_date_epoch(repo, result.slug))
        swap_in(tmp, out / result.slug)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out / result.slug


def build_client(repo: Path, result: ProjectResult, out: Path, pdf: bool = False) -> Outcome:
    """One checked client: render pages and diagrams -> MkDocs -> verify -> PDF -> swap in.

    The PDF (``pdf``, or whenever the site being replaced has one: `handbook pdf` made it)
    is printed from the new site before the swap, so it always shows what the site shows.
    """
    start = time.perf_counter()
    if not result.ok:
        return Outcome(result.slug, "failed", reason="the project file has errors; previous site kept")
    assert result.resolved is not None
    tmp = temp_folder(out, result.slug)
    document = pdf_name(result.resolved.lang)
    try:
        source = tmp / "src"
        source.mkdir()
        epoch = source_date_epoch(repo, result.slug)
        write_client(repo, result.slug, result.resolved, source, epoch, portable=False)
        html = tmp / "html"
        mkdocs_build(source / "mkdocs.yml", html, epoch)
        verify_site(html)
        if pdf or (out / result.slug / document).is_file():
            print_pdf(html, html / document)
        incremental.forget(out, result.slug)
        swap_in(html, out / result.slug)
        incremental.remember(repo, out, result.slug)
    except BuildError as exc:
        return Outcome(result.slug, "failed", time.perf_counter() - start, f"MkDocs: {exc}")
    except DotFailed as exc:
        return Outcome(result.slug, "failed", time.perf_counter() - start, f"Graphviz: {exc}")
    except PdfFailed as exc:
        return Outcome(result.slug, "failed", time.perf_counter() - start, f"PDF: {exc}; previous site kept")
    except OSError as exc:  # a full disk, a read-only folder: this client fails, the others go on
        where = f" {exc.filename}" if exc.filename else ""
        reason = f"cannot write{where}: {exc.strerror}; {outdir.advice(exc)}; previous site kept"
        return Outcome(result.slug, "failed", time.perf_counter() - start, reason)
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


def _build_one(repo: Path, slug: str, out: Path, catalog, pdf: bool = False) -> tuple[Outcome, ProjectResult]:
    """Check and build one client; the result keeps its diagnostics, not the model."""
    result = check_project(repo, slug, catalog)
    outcome = build_client(repo, result, out, pdf)
    result.resolved = None
    return outcome, result


# Worker side: one catalog per process, MkDocs' theme templates compiled once per process.
_worker_catalog: dict = {}


def _worker_build(repo: Path, slug: str, out: Path, pdf: bool = False) -> tuple[Outcome, ProjectResult]:
    from generator.builder import fastpaths as engine
    from generator.diagrams import svg

    engine.install(keep_templates=True)
    svg.DEFAULT_JOBS = 1
    key = str(repo)
    if key not in _worker_catalog:
        _worker_catalog[key] = load_catalog(repo)[0]
    done = _build_one(repo, slug, out, _worker_catalog[key], pdf)
    _settle()
    return done


_settled = False


def _settle() -> None:
    """Once per process, after its first site: what stays (modules, compiled templates) leaves
    the garbage collector's view, so later collections look only at what one site allocates."""
    global _settled
    if not _settled:
        gc.collect()
        gc.freeze()
        _settled = True


def build_all(
    repo: Path,
    slugs: list[str],
    out: Path,
    progress=None,
    jobs: int | None = None,
    shard_spec: str | None = None,
    force: bool = False,
    pdf: bool = False,
) -> BuildRun:
    """Build every selected client; unchanged ones are skipped unless ``force``.

    Each client is checked where it is built (in a worker process when there are
    several), so the parent holds no project models and its memory stays flat. The output
    folder must be ours (new, empty, or made by a build) and is locked meanwhile.
    """
    chosen, problems = select(repo, slugs)
    outdir.claim(out)
    with outdir.locked(out):
        outdir.recover(out)
        return _build_all(repo, chosen, problems, out, progress, jobs, shard_spec, force, pdf)


def _build_all(repo, chosen, problems, out, progress, jobs, shard_spec, force, pdf) -> BuildRun:
    chosen = shard(chosen, shard_spec)
    todo = [s for s in chosen if force or not incremental.is_current(repo, out, s) or (pdf and not _has_pdf(out, s))]
    catalog, catalog_problems = load_catalog(repo) if todo else (None, [])
    run = BuildRun(CheckRun(catalog, [], problems + catalog_problems))
    outcomes = {s: Outcome(s, "skipped", reason="unchanged") for s in chosen if s not in todo}
    if todo and catalog is None:
        for slug in todo:
            run.check.results.append(ProjectResult(slug, f"projects/{slug}/project.yml"))
            outcomes[slug] = Outcome(slug, "failed", reason="the catalog projects/roles.yml has errors")
    elif todo:
        workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
        with _pool(workers) as pool:
            builds = _pooled(pool, repo, todo, out, pdf) if pool else _serial(repo, todo, out, catalog, pdf)
            for done, (outcome, result) in enumerate(builds, 1):
                outcomes[outcome.slug] = outcome
                run.check.results.append(result)
                if progress:
                    progress(done, len(todo), outcome)
    run.check.results.sort(key=lambda r: chosen.index(r.slug))
    run.outcomes = [outcomes[s] for s in chosen]
    return run


@contextmanager
def _pool(workers: int):
    if workers <= 1:
        yield None
        return
    with ProcessPoolExecutor(
        workers, mp_context=get_context("fork"), initializer=_end_with_parent, initargs=(os.getpid(),)
    ) as pool:
        yield pool


def _end_with_parent(parent: int) -> None:
    """A worker ends when the build that started it ends, however it ends (killed, too): the
    kernel sends it SIGTERM when its parent dies (Linux), and it checks once at start."""
    try:
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the parent's pool still ends its workers normally
        pass
    if os.getppid() != parent:
        os._exit(1)


def _has_pdf(out: Path, slug: str) -> bool:
    return any((out / slug / pdf_name(lang)).is_file() for lang in ("de", "en"))


def _serial(repo: Path, slugs: list[str], out: Path, catalog, pdf: bool = False):
    from generator.builder import fastpaths as engine

    engine.install(keep_templates=True)
    for i, slug in enumerate(slugs):
        yield _build_one(repo, slug, out, catalog, pdf)
        if i == 0 and len(slugs) > 1:
            _settle()


def _pooled(pool: ProcessPoolExecutor, repo: Path, slugs: list[str], out: Path, pdf: bool = False):
    futures = [pool.submit(_worker_build, repo, slug, out, pdf) for slug in slugs]
    for future in as_completed(futures):
        yield future.result()
