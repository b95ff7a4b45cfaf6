"""What `handbook serve` watches, told by the operating system (watchfiles: inotify on Linux).

The client's folder, the shared chapters and this package's templates and assets are
watched with their sub-folders; the repository root and projects/ without them, for
mkdocs.yml and the catalog (watching the folder, not the file, keeps working when an editor
saves by writing a new file and renaming it over the old one). Each batch of changes is
handed on once the files have been quiet for ``STEP_MS``, sorted into the client's own files
and everything else (which makes the next build start afresh).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import watchfiles

from generator import layout

PACKAGE = Path(__file__).resolve().parent.parent  # generator/
# quiet time after the last event of a save before the batch goes to the build (watchfiles
# waits one to two steps; a save's events, a new file renamed over the old one, come within 1 ms)
STEP_MS = 5


@dataclass(frozen=True)
class Batch:
    paths: frozenset[Path]
    shared: bool  # something outside the client's folder: catalog, chapters, base config, templates


class Watcher:
    def __init__(self, repo: Path, slug: str) -> None:
        self.repo, self.slug = repo.resolve(), slug
        self.client = self.repo / layout.PROJECTS / slug
        self._events: queue.Queue[set[Path]] = queue.Queue()
        self._threads: list[threading.Thread] = []

    def deep(self) -> list[Path]:
        """Folders watched with everything below them."""
        found = [self.client, self.repo / layout.DOCS, PACKAGE / "render" / "templates", PACKAGE / "builder" / "assets"]
        return [p for p in found if p.is_dir()]

    def flat(self) -> dict[Path, str]:
        """Folders watched without sub-folders, each for one file in it."""
        base, catalog = self.repo / layout.BASE_CONFIG, self.repo / layout.CATALOG
        return {base.parent: base.name, catalog.parent: catalog.name}

    def start(self, stop: threading.Event) -> None:
        flat = self.flat()

        def only_named(change: watchfiles.Change, path: str) -> bool:
            p = Path(path)
            return flat.get(p.parent) == p.name

        self._spawn(stop, self.deep(), True, watchfiles.DefaultFilter())
        self._spawn(stop, list(flat), False, only_named)

    def _spawn(self, stop: threading.Event, paths: list[Path], recursive: bool, keep) -> None:
        def run() -> None:
            for changes in watchfiles.watch(
                *paths,
                watch_filter=keep,
                step=STEP_MS,
                stop_event=stop,
                rust_timeout=500,
                recursive=recursive,
                raise_interrupt=False,
            ):
                self._events.put({Path(path) for _, path in changes})

        thread = threading.Thread(target=run, name="handbook-watch", daemon=True)
        thread.start()
        self._threads.append(thread)

    def batches(self, stop: threading.Event) -> Iterator[Batch]:
        """Every batch of changes until ``stop``; those that came in meanwhile are one batch."""
        while not stop.is_set():
            try:
                paths = self._events.get(timeout=0.2)
            except queue.Empty:
                continue
            while True:
                try:
                    paths |= self._events.get_nowait()
                except queue.Empty:
                    break
            yield Batch(frozenset(paths), any(not p.is_relative_to(self.client) for p in paths))

    def join(self, timeout: float) -> None:
        for thread in self._threads:
            thread.join(timeout)
