"""One preview: its client, its temporary site, and the builds a save sets off.

The site is built into a temporary folder outside everything watched, so a build never
triggers another. The build is warm (pipeline.Warm and the builder's fast paths keep what
did not change), and the page the browser last asked for is published before the rest of
the site: the watching browsers are told then, and every other page waits until the site
is complete, so nobody sees a mix of old and new. While the project has errors every page
shows them; fixing the file brings the handbook back without a restart.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.builder import FirstPage, Laps, scratch
from generator.pipeline import Warm, build_client
from generator.preview.watch import Batch, Watcher
from generator.project.check import ProjectResult, check_project, load_catalog
from generator.project.diagnostics import Diagnostic

WAIT_SECONDS = 60.0  # how long a request waits for a build in flight


class Preview:
    """Build state shared by the build thread and the request handlers."""

    def __init__(self, repo: Path, slug: str) -> None:
        self.repo, self.slug = repo, slug
        # in memory where there is room (builder/scratch.py): a rebuild writes the whole site
        self.out = scratch.make("serve") or Path(tempfile.mkdtemp(prefix=f"handbook-serve-{os.getpid()}-"))
        self.version = 0  # goes up whenever what the browser shows changes
        self.errors: list[str] = []
        self.changed = threading.Condition()  # notified with every new version, and on stop
        self.complete = threading.Event()  # set while no build is in flight
        self.complete.set()
        self.early: str | None = None  # the page published ahead of the build in flight
        self.visible = "index.html"  # the page the browser asked for last
        self.last: Laps | None = None  # where the last build's time went
        self.ready: float | None = None  # seconds from its start to the first page (or the whole site)
        self.stopping = False
        self.warm = Warm()
        self._catalog: tuple | None = None  # (catalog, its diagnostics), read again when shared files change

    @property
    def root(self) -> Path:
        return self.out / self.slug

    # the build -------------------------------------------------------------------------------------

    def rebuild(self, shared: bool = True) -> None:
        """Check and build the client once; print its diagnostics once; tell the browsers."""
        laps = Laps()
        result, diagnostics = self._check(shared)
        laps.lap("check")
        for d in diagnostics:
            print(d.human(), flush=True)
        errors = [d.human() for d in diagnostics if d.severity == "error"]
        if errors or result is None:
            self._show(errors or ["the catalog projects/roles.yml has errors"], laps)
            return
        self.complete.clear()
        try:
            self.warm.laps = laps
            self.warm.first = FirstPage(self.visible, self._publish_early, laps)
            outcome = build_client(self.repo, result, self.out, warm=self.warm)
        finally:
            self.early = None
            self.complete.set()
        if outcome.state != "built":
            print(outcome.reason, flush=True)
            self._show([outcome.reason], laps)
            return
        first = self.warm.first
        total = laps.total()
        shown = f" ({_url(first.written)} after {first.ready:.2f} s)" if first.written and first.ready else ""
        print(f"{self.slug}: rebuilt in {total:.2f} s{shown}", flush=True)
        self._show([], laps, bump=not first.written, ready=first.ready or total)

    def _check(self, shared: bool) -> tuple[ProjectResult | None, list[Diagnostic]]:
        if shared or self._catalog is None:
            self._catalog = load_catalog(self.repo)
            self.warm.forget()
        catalog, catalog_diagnostics = self._catalog
        if catalog is None:
            return None, list(catalog_diagnostics)
        result = check_project(self.repo, self.slug, catalog)
        return result, sorted(catalog_diagnostics + result.diagnostics, key=Diagnostic.sort_key)

    def _publish_early(self, rel: str, data: bytes) -> None:
        """Put the page being looked at into the site being served, then tell the browsers."""
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        with self.changed:
            self.early, self.errors = rel, []
            self.version += 1
            self.changed.notify_all()

    def _show(self, errors: list[str], laps: Laps, bump: bool = True, ready: float | None = None) -> None:
        with self.changed:
            self.errors, self.last, self.ready = errors, laps, ready if ready is not None else laps.total()
            if bump or errors:
                self.version += 1
            self.changed.notify_all()

    def run(self, watcher: Watcher, stop: threading.Event) -> None:
        """Build after every batch of changes until ``stop``."""
        for batch in watcher.batches(stop):
            self._after(batch)

    def _after(self, batch: Batch) -> None:
        try:
            self.rebuild(shared=batch.shared)
        except Exception as exc:  # our bug: say so, keep serving the last good site
            print(f"handbook: the rebuild failed ({type(exc).__name__}: {exc}); please report this", flush=True)
            self._show([f"internal error: {exc}"], Laps())

    # what the request handlers ask -------------------------------------------------------------

    def wait_for(self, rel: str) -> None:
        """Hold a request while a build is in flight, unless it asks for the page published ahead."""
        if rel != self.early and not rel.startswith("assets/"):
            self.complete.wait(WAIT_SECONDS)

    def state(self) -> tuple[int, list[str]]:
        with self.changed:
            return self.version, list(self.errors)

    def next_version(self, seen: int | None, timeout: float) -> int | None:
        """The version once it differs from ``seen`` (None: stopped; ``seen`` again: timed out)."""
        with self.changed:
            self.changed.wait_for(lambda: self.stopping or self.version != seen, timeout)
            return None if self.stopping else self.version

    def status(self) -> dict:
        with self.changed:
            laps = self.last
            return {
                "version": self.version,
                "building": not self.complete.is_set(),
                "errors": len(self.errors),
                "ready": self.ready,
                "total": laps.total() if laps else None,
                "steps": {k: round(v * 1000, 1) for k, v in laps.steps.items()} if laps else {},
            }

    def close(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()
        shutil.rmtree(self.out, ignore_errors=True)


@contextmanager
def live(preview: Preview) -> Iterator[None]:
    """Watch, build once, then rebuild after every save until the block ends: what `handbook serve`
    runs around its HTTP server (and `make bench` around its timed saves)."""
    stop = threading.Event()
    watcher = Watcher(preview.repo, preview.slug)
    watcher.start(stop)  # before the first build: a save during it is not lost
    builds = threading.Thread(target=preview.run, args=(watcher, stop), name="handbook-build", daemon=True)
    try:
        preview.rebuild()
        builds.start()
        yield
    finally:
        stop.set()
        if builds.is_alive():
            builds.join(60)  # a build in flight finishes before its folder is removed
        watcher.join(2)


def _url(rel: str) -> str:
    return "/" + rel.removesuffix("index.html")
