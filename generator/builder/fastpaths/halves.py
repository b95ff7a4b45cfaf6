"""A one-client build's pages put through the theme by two processes at once.

The helper that builds a single site (builder/ahead.py) has the machine to itself while
MkDocs puts the site's pages through Material's templates and the search index one after
another, about half of its build. So once every page is converted (MkDocs' ``env``
event), it forks: the copy renders and writes the last pages of the site while this process
copies the theme's files and renders the first ones. The copy then sends back what
rendering its pages left behind that the rest of the build reads (their search index
entries, page by page; what the private cache is to keep of them (fastpaths/disk.py); MkDocs'
warnings) and ends. This process puts those entries exactly where its own rendering of
those pages would have put them and goes on as before, so the same files come out. If the
copy fails or is gone, this process renders those pages itself.

Written for MkDocs 1.6.1 with Material 9.8.2's search as the only plugin (fastpaths.TESTED);
with anything else nothing is split. Used only where ahead.py forks (no other threads).
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from typing import Any

import mkdocs.commands.build as mkdocs_build
from mkdocs.structure.files import InclusionLevel

from generator.builder.fastpaths import disk
from generator.builder.fastpaths.firstpage import when_converted

SHARE = 0.6  # the copy's part of the pages: this process copies the theme's files and writes 404.html first
FEWEST = 6  # a site with fewer pages is not worth a fork
_original = mkdocs_build._build_page


@dataclass
class _Split:
    config: Any
    search: Any
    theirs: list[str]  # the copy's pages, by source path, in build order
    warnings: list[str]
    pid: int
    pipe: int
    reply: dict | None = None
    asked: bool = False

    def answer(self) -> dict | None:
        """The copy's reply (waited for once); None: it failed or is gone."""
        from generator.builder import ahead

        if not self.asked:
            self.asked = True
            try:
                reply = ahead._read(self.pipe)
            except OSError:
                reply = None
            finally:
                os.close(self.pipe)
                _reap(self.pid)
            self.reply = reply if isinstance(reply, dict) else None
            if self.reply is not None:
                self.warnings.extend(self.reply["warnings"])
                for kind, entries in self.reply["kept"].items():
                    for key, value in entries.items():
                        disk.record(kind, key, value)
        return self.reply


_pending: _Split | None = None


def prepare(config, warnings: list[str]) -> None:
    """For engines.api_build: split this build's pages when they are converted."""
    if not hasattr(os, "fork"):
        return

    def split(env, config, files, nav, search) -> None:
        if nav is not None:
            _fork(config, files, nav, env, search, warnings)

    when_converted(config, warnings, split)


def _fork(config, files, nav, env, search, warnings: list[str]) -> None:
    global _pending
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
    if len(doc_files) < FEWEST:
        return
    theirs = doc_files[int(len(doc_files) * (1 - SHARE)) :]
    receive, send = os.pipe()
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError:
        os.close(receive)
        os.close(send)
        return
    if pid == 0:  # the copy: never leaves this branch
        code = 1
        try:
            os.close(receive)
            _copy(parent, send, theirs, config, doc_files, nav, env, search, warnings)
            code = 0
        finally:
            os._exit(code)
    os.close(send)
    _pending = _Split(config, search, [f.src_uri for f in theirs], warnings, pid, receive)


def _copy(parent: int, send: int, theirs, config, doc_files, nav, env, search, warnings: list[str]) -> None:
    """In the copy: render and write ``theirs``; send back what the build goes on with."""
    from generator.builder import ahead

    ahead.end_with_parent(parent)
    index = search.search_index.entries
    entries: dict[str, list] = {}
    before = len(warnings)
    used = disk._used or {}  # what the private cache keeps of this site: the copy's part goes back too
    known = {kind: set(entries) for kind, entries in used.items()}
    for file in theirs:
        start = len(index)
        _original(file.page, config, doc_files, nav, env, False, excluded=file.inclusion.is_excluded())
        entries[file.src_uri] = index[start:]
    kept = {kind: {k: v for k, v in got.items() if k not in known.get(kind, ())} for kind, got in used.items()}
    ahead._write(send, {"entries": entries, "kept": kept, "warnings": warnings[before:]})


def _build_page(page, config, doc_files, nav, env, dirty=False, excluded=False) -> None:
    """mkdocs.commands.build._build_page, but a page the copy rendered gets its entries only."""
    split = _pending
    if split is None or split.config is not config or page.file.src_uri not in split.theirs:
        return _original(page, config, doc_files, nav, env, dirty, excluded)
    reply = split.answer()
    if reply is None:  # the copy failed: this process renders the page as it would have
        return _original(page, config, doc_files, nav, env, dirty, excluded)
    split.search.search_index.entries.extend(reply["entries"][page.file.src_uri])
    return None


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def forget() -> None:
    """After the build (ahead.py): forget its split, and end a copy whose pages the build never
    reached (it failed before them)."""
    global _pending
    split, _pending = _pending, None
    if split is not None and not split.asked:
        split.asked = True
        os.close(split.pipe)
        try:
            os.kill(split.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _reap(split.pid)


def install() -> None:
    mkdocs_build._build_page = _build_page
