"""The build, read top to bottom: check -> read -> draw -> render -> build -> verify -> swap.

``build_client`` is one client's whole way from its checked model to its site in OUT/<slug>/;
``build_all`` runs it for many clients (in worker processes, skipping unchanged ones);
``build_internal`` takes the consultancy's portfolio the same way; ``generate_client`` stops
before the engine and writes the portable project instead.

What only a build needs (the renderer, the diagrams, the downloads, the history) is imported
where it is used, and before the workers start (``BUILDING``): a run with nothing to build
(every client unchanged) reads its records and ends without loading any of it.
"""

from __future__ import annotations

import gc
import hashlib
import importlib
import os
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from generator import builder, keep, layout
from generator.builder import engines, incremental
from generator.builder import output as outdir
from generator.errors import BuildError, UsageError
from generator.history import git
from generator.layout import INTERNAL, Repo
from generator.project.clients import CheckRun, ProjectResult, select

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor  # imported by _pool, where there are workers

    from generator.project.resolve import Resolved
    from generator.render.site import ClientInputs, Site
    from generator.render.view import View

# imported where they are used; by build_all before its workers start, so that they share them
BUILDING = (
    "generator.render.site", "generator.render.view", "generator.diagrams.charts", "generator.diagrams.svg",
    "generator.exports.downloads", "generator.exports.pdf", "generator.history.changes",
    "generator.history.agreement",
)  # fmt: skip
BATCH_HISTORY = 8  # clients to build from which git's history is read once for all (history/git.py batch)


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


@dataclass(frozen=True)
class Options:
    engine: str = engines.DEFAULT
    pdf: bool = False  # also print the whole handbook to OUT/<slug>/handbuch.pdf


@dataclass
class Warm:
    """What `handbook serve` keeps between two builds of its client in one process.

    The diagrams by their DOT source (a changed person redraws only the diagrams it appears
    in), the git history and commit time by the commit they were read at; ``first`` is the
    page to publish before the rest (the one being looked at), ``laps`` where the last
    build's time went. Everything else that makes a rebuild cheap is kept by the builder's
    fast paths, keyed by content. The output is the same files a cold build writes.
    """

    diagrams: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # name -> (dot, title, svg)
    git: tuple[str, str, list | None, int | None] | None = None  # (HEAD, lang, history, commit time)
    agreed: dict = field(default_factory=dict)  # (HEAD, revision, date) -> the agreed version
    first: builder.FirstPage | None = None
    laps: builder.Laps = field(default_factory=builder.Laps)

    def forget(self) -> None:
        """After a change outside the client's folder (catalog, chapters, templates): start afresh."""
        self.diagrams.clear()
        self.git = None
        self.agreed.clear()


# one client ----------------------------------------------------------------------------------------


def build_client(
    repo: Path, result: ProjectResult, out: Path, options: Options = Options(), warm: Warm | None = None
) -> Outcome:
    """One checked client, from its model to OUT/<slug>/; a failure keeps the previous site.

    The PDF (``options.pdf``, or whenever the site being replaced has one) is printed from the
    new site before the swap, so it always shows what the site shows. ``warm``: the preview's
    state, kept between its builds (the same files come out, sooner).
    """
    from generator.exports.pdf import pdf_name, print_pdf
    from generator.render.site import client_site
    from generator.render.view import View

    start = time.perf_counter()
    if not result.ok or result.resolved is None:
        return Outcome(result.slug, "failed", reason="the project file has errors; previous site kept")
    slug, view = result.slug, View(result.resolved)
    laps = warm.laps if warm else builder.Laps()
    try:
        with ThreadPoolExecutor(1) as beside:  # dot draws while the files and git history are read
            drawing = beside.submit(draw, view, warm.diagrams if warm else None)
            inputs = read_inputs(repo, slug, result.resolved, warm)  # files, git history, the time stamp
            laps.lap("read")
            inputs = replace(inputs, svgs=drawing.result())
            laps.lap("diagrams")
        site = client_site(view, inputs)  # pure: model and inputs in, pages and files out
        laps.lap("render")
        with builder.staged(out, slug) as stage:
            first = warm.first if warm else None
            html = builder.build(
                site, stage, Repo(repo).base_config, options.engine, epoch(inputs), first, kept_as(repo, slug)
            )
            if options.pdf or has_pdf(out, slug):
                print_pdf(html, html / pdf_name(view.lang))
                laps.lap("PDF")
            incremental.forget(out, slug)
            builder.swap_in(html, out / slug)
            laps.lap("swap")
        incremental.remember(repo, out, slug, options.engine)
    except BuildError as exc:
        return Outcome(slug, "failed", time.perf_counter() - start, f"{exc}; previous site kept")
    except OSError as exc:  # a full disk, a read-only folder: this client fails, the others go on
        return Outcome(slug, "failed", time.perf_counter() - start, f"{_cannot_write(exc)}; previous site kept")
    return Outcome(slug, "built", time.perf_counter() - start)


def kept_as(repo: Path, slug: str) -> str:
    """The fast paths' name for a client's site from one run to the next (fastpaths/disk.py)."""
    return f"{repo.resolve()}\0{slug}"


def generate_client(repo: Path, result: ProjectResult, out: Path, engine: str = engines.DEFAULT) -> Path:
    """The portable project of one client in OUT/<slug>/ (swapped in whole); ``out`` must be
    claimed and locked by the caller."""
    from generator.render.site import client_site
    from generator.render.view import View

    assert result.resolved is not None
    view = View(result.resolved)
    inputs = replace(read_inputs(repo, result.slug, result.resolved), svgs=draw(view))
    with builder.staged(out, result.slug) as stage:
        builder.generate(client_site(view, inputs), stage / "project", Repo(repo).base_config, engine)
        builder.swap_in(stage / "project", out / result.slug)
    return out / result.slug


def read_inputs(repo: Path, slug: str, resolved: Resolved, warm: Warm | None = None) -> ClientInputs:
    """Everything a client's site is made from besides the model, read from disk and git
    (``warm``: git is asked again only after a commit)."""
    from generator.exports import downloads
    from generator.history.agreement import since_agreement
    from generator.project.pages import read_chapters, read_pages
    from generator.render.site import ClientInputs
    from generator.render.view import View

    view = View(resolved)
    changes, committed = _from_git(repo, slug, resolved, warm)
    stamp = datetime.fromtimestamp(source_date_epoch(repo, slug, committed), UTC)
    extra, refused = read_pages(repo, slug)
    if refused:  # `check` reports these; a build never reads around them
        raise BuildError("; ".join(d.human() for d in refused))
    return ClientInputs(
        stamp=stamp,
        downloads=downloads.client_downloads(view, slug, stamp),
        download_texts=downloads.link_texts(view),
        chapters=read_chapters(repo, view.lang),
        extra_pages=extra,
        history=changes,
        agreed=since_agreement(repo, slug, resolved, view.lang, warm.agreed if warm else None),
    )


def _from_git(repo: Path, slug: str, resolved: Resolved, warm: Warm | None) -> tuple[list | None, int | None | bool]:
    """The changes page's entries and the last commit time of the client's inputs (False: not
    asked, SOURCE_DATE_EPOCH decides), read again by a warm build only when HEAD moved."""
    from generator.history.changes import history
    from generator.render.view import View

    lang = View(resolved).lang
    head = git.head(repo) if warm is not None else None
    if warm is not None and warm.git is not None and warm.git[:2] == (head, lang) and head is not None:
        return warm.git[2], warm.git[3]
    changes = history(repo, slug, resolved.catalog, lang)
    committed = False if os.environ.get("SOURCE_DATE_EPOCH") else git.last_commit_time(repo, layout.client_inputs(slug))
    if warm is not None and head is not None:
        warm.git = (head, lang, changes, None if committed is False else committed)
    return changes, committed


def draw(view: View, kept: dict[str, tuple[str, str, str]] | None = None) -> dict[str, str]:
    """Every diagram of the client as inline SVG (one dot process for them all); ``kept``
    (name -> DOT, title, SVG from a build before) spares dot the diagrams that did not change."""
    from generator.diagrams import charts, svg

    dots = charts.client_diagrams(view)
    titles = {name: charts.alt_text(view, name) for name in dots}
    if kept is None:
        return svg.render_all(dots, titles=titles)
    todo = {name: dot for name, dot in dots.items() if kept.get(name, ("", "", ""))[:2] != (dot, titles[name])}
    drawn = svg.render_all(todo, titles=titles) if todo else {}
    for name in list(kept):
        if name not in dots:
            del kept[name]
    kept.update({name: (dots[name], titles[name], image) for name, image in drawn.items()})
    return {name: kept[name][2] for name in sorted(dots)}


def epoch(inputs: ClientInputs) -> int:
    return int(inputs.stamp.timestamp())


def source_date_epoch(repo: Path, slug: str, committed: int | None | bool = False) -> int:
    """SOURCE_DATE_EPOCH if set, else the last commit time of the client's inputs, else the
    project file's modification time. ``committed``: that commit time if already asked (None: none)."""
    if env := os.environ.get("SOURCE_DATE_EPOCH"):
        return int(env)
    if committed is False:
        committed = git.last_commit_time(repo, layout.client_inputs(slug))
    return committed if isinstance(committed, int) else int((repo / layout.project_file(slug)).stat().st_mtime)


def has_pdf(out: Path, slug: str) -> bool:
    """The site being replaced has a PDF (`handbook pdf` made it): the new one gets one too."""
    from generator.exports.pdf import pdf_name

    return any((out / slug / pdf_name(lang)).is_file() for lang in ("de", "en"))


def _cannot_write(exc: OSError) -> str:
    where = f" {exc.filename}" if exc.filename else ""
    return f"cannot write{where}: {exc.strerror}; {outdir.advice(exc)}"


# the internal portfolio ----------------------------------------------------------------------------


def build_internal(
    repo: Path, out: Path, today: date | None = None, days: int | None = None, engine: str = engines.DEFAULT
) -> tuple[CheckRun, Outcome]:
    """check every client -> portfolio pages -> build -> verify -> swap into OUT/_internal/; a
    client with errors never stops it."""
    from generator.history.agreement import since_agreement
    from generator.portfolio import site
    from generator.project.check import check_all

    start = time.perf_counter()
    run = check_all(repo)
    stamp = site.internal_epoch(repo, run, source_date_epoch)
    agreed = {r.slug: since_agreement(repo, r.slug, r.resolved, site.LANG) for r in run.results if r.ok and r.resolved}
    internal = site.internal_site(run, today or site.default_today(), datetime.fromtimestamp(stamp, UTC), days, agreed)
    builder.claim(out)
    with builder.locked(out):
        builder.recover(out)
        outcome = _build_site(repo, internal, out, INTERNAL, engine, stamp, start)
    return run, outcome


def _build_site(repo: Path, site: Site, out: Path, name: str, engine: str, stamp: int, start: float) -> Outcome:
    try:
        with builder.staged(out, name) as stage:
            html = builder.build(site, stage, Repo(repo).base_config, engine, stamp)
            builder.swap_in(html, out / name)
    except BuildError as exc:
        return Outcome(name, "failed", time.perf_counter() - start, str(exc))
    except OSError as exc:
        return Outcome(name, "failed", time.perf_counter() - start, _cannot_write(exc))
    return Outcome(name, "built", time.perf_counter() - start)


# many clients ---------------------------------------------------------------------------------------


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


def build_all(
    repo: Path,
    slugs: list[str],
    out: Path,
    progress: Callable[[int, int, Outcome], None] | None = None,
    jobs: int | None = None,
    shard_spec: str | None = None,
    force: bool = False,
    pdf: bool = False,
    engine: str = engines.DEFAULT,
) -> BuildRun:
    """Build every selected client; unchanged ones are skipped unless ``force``.

    Each client is checked where it is built (in a worker process when there are several),
    so the parent holds no project models and its memory stays flat. The output folder must
    be ours (new, empty, or made by a build) and is locked meanwhile.
    """
    engines.get(engine)  # an unknown engine is a usage error before anything is touched
    chosen, problems = select(repo, slugs)
    builder.claim(out)
    with builder.locked(out):
        builder.recover(out)
        options = Options(engine, pdf)
        return _build_all(repo, shard(chosen, shard_spec), problems, out, progress, jobs, force, options)


def _build_all(repo, chosen, problems, out, progress, jobs, force, options: Options) -> BuildRun:
    todo = [
        s
        for s in chosen
        if force or not incremental.is_current(repo, out, s, options.engine) or (options.pdf and not has_pdf(out, s))
    ]
    # one site to build: a helper process readies the engine on the spare core meanwhile
    with builder.ahead.ready(
        kept_as(repo, todo[0]) if len(todo) == 1 else None, options.engine, Repo(repo).base_config
    ):
        return _build_todo(repo, chosen, todo, problems, out, progress, jobs, options)


def _build_todo(repo, chosen, todo, problems, out, progress, jobs, options: Options) -> BuildRun:
    catalog, catalog_problems = _catalog(repo) if todo else (None, [])
    run = BuildRun(CheckRun(catalog, [], problems + catalog_problems))
    outcomes = {s: Outcome(s, "skipped", reason="unchanged") for s in chosen if s not in todo}
    if todo and catalog is None:
        for slug in todo:
            run.check.results.append(ProjectResult(slug, layout.project_file(slug)))
            outcomes[slug] = Outcome(slug, "failed", reason="the catalog projects/roles.yml has errors")
    elif todo:
        with _loading():  # here, not in each worker: the workers share what the parent loaded
            for name in BUILDING:
                importlib.import_module(name)
            _prepare(options)
        workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
        with git.batch(repo) if len(todo) >= BATCH_HISTORY else nullcontext(), _pool(workers) as pool:
            builds = _pooled(pool, repo, todo, out, options) if pool else _serial(repo, todo, out, catalog, options)
            for done, (outcome, result) in enumerate(builds, 1):
                outcomes[outcome.slug] = outcome
                run.check.results.append(result)
                if progress:
                    progress(done, len(todo), outcome)
        keep.prune_all()
    order = {slug: i for i, slug in enumerate(chosen)}
    run.check.results.sort(key=lambda r: order[r.slug])
    run.outcomes = [outcomes[s] for s in chosen]
    return run


def _catalog(repo: Path):
    """The checked catalog and its problems; the checker is imported here, so that a run with
    nothing to build loads none of it."""
    from generator.project.check import load_catalog

    return load_catalog(repo)


def _build_one(repo: Path, slug: str, out: Path, catalog, options: Options) -> tuple[Outcome, ProjectResult]:
    """Check and build one client; the result keeps its diagnostics, not the model."""
    from generator.project.check import check_project

    result = check_project(repo, slug, catalog)
    outcome = build_client(repo, result, out, options)
    result.resolved = None
    return outcome, result


def _prepare(options: Options) -> None:
    """Once per process: the fast paths of the engine (where tested for its versions), and our
    own templates compiled once and kept (signed, in the user's cache) for the next run."""
    from generator.builder.fastpaths import theme
    from generator.render.pages import environment

    keep.enable()
    if options.engine == "mkdocs" and not builder.ahead.active():  # a helper readies it instead
        from generator.builder import fastpaths

        fastpaths.install(keep_templates=True)
    theme.keep_compiled(environment())


# Worker side: one catalog per process, the engine's templates compiled once per process.
_worker_catalog: dict = {}


def _worker_build(repo: Path, slug: str, out: Path, options: Options) -> tuple[Outcome, ProjectResult]:
    from generator.diagrams import svg
    from generator.project.check import load_catalog

    _prepare(options)
    svg.DEFAULT_JOBS = 1
    key = str(repo)
    if key not in _worker_catalog:
        _worker_catalog[key] = load_catalog(repo)[0]
    done = _build_one(repo, slug, out, _worker_catalog[key], options)
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


@contextmanager
def _loading() -> Iterator[None]:
    """The imports and one-time set-up of a build (BUILDING, ``_prepare``): the garbage collector
    waits while they allocate (the modules, compiled templates and fast paths stay; none of it is
    garbage) and then leaves all of it out of its view (``gc.freeze``), so that no collection
    walks it again, in this process or in the workers it forks (which also keeps the pages they
    share with it shared). A one-client rebuild spent about 50 ms in collections, 10 ms after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


@contextmanager
def _pool(workers: int) -> Iterator[ProcessPoolExecutor | None]:
    if workers <= 1:
        yield None
        return
    from concurrent.futures import ProcessPoolExecutor  # here: importing multiprocessing costs a one-client build 10 ms
    from multiprocessing import get_context

    with ProcessPoolExecutor(
        workers, mp_context=get_context("fork"), initializer=_end_with_parent, initargs=(os.getpid(),)
    ) as pool:
        yield pool


def _end_with_parent(parent: int) -> None:
    """A worker ends when the build that started it ends: SIGTERM when its parent dies."""
    builder.ahead.end_with_parent(parent, signal.SIGTERM)


def _serial(repo: Path, slugs: list[str], out: Path, catalog, options: Options):
    _prepare(options)
    for i, slug in enumerate(slugs):
        yield _build_one(repo, slug, out, catalog, options)
        if i == 0 and len(slugs) > 1:
            _settle()


def _pooled(pool: ProcessPoolExecutor, repo: Path, slugs: list[str], out: Path, options: Options):
    futures = [pool.submit(_worker_build, repo, slug, out, options) for slug in slugs]
    for future in as_completed(futures):
        yield future.result()
