"""A `handbook build` of one client readies MkDocs on the spare core while it renders.

A rebuild after one client's change spends about 0.1 s importing MkDocs, Material and
Markdown and setting up the fast paths (and reading what the site's last build kept), all
before MkDocs runs, while the other core of the machine waits. So when exactly one site is to
be built, this process forks a helper at the start: the helper does that set-up and waits,
and this process checks, draws and renders the client meanwhile. Then the helper builds the
written project (the same build in the same code, so the same files) and answers with the
engine's warnings. A helper that is gone (killed, out of memory) leaves the build to this
process, which builds as it would have without one. No helper on a machine with one core.

While it waits, the helper also rehearses: a throwaway build of one page with the base
config, in German and in English, loads the plugins, the Markdown extensions and the theme's
compiled templates the real build then finds loaded (a rebuild 0.03 s sooner). And its build
puts the site's pages through the theme in two processes (fastpaths/halves.py): the
machine's two cores are both the helper's then, since this process waits for it.

The helper is forked only where no other thread runs (the command line; not a preview server
or a test run with threads). It resets SIGINT and SIGTERM to their defaults and closes every
inherited descriptor but its two pipes (so the output folder's lock ends with this process),
never returns into the caller's frames (``os._exit``), and ends with this process (Linux: the
parent-death signal; elsewhere its pipe's end).
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_LENGTH = struct.Struct("!Q")


class Helper:
    def __init__(self, name: str, base_config: Path) -> None:
        self.name = name
        requests, self._send = os.pipe()
        self._receive, replies = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the helper: never leaves this branch
            code = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                os.closerange(3, requests)
                os.closerange(requests + 1, replies)
                os.closerange(replies + 1, 1 << 16)
                end_with_parent(os.getppid())
                _serve(name, base_config, requests, replies)
                code = 0
            finally:
                os._exit(code)
        os.close(requests)
        os.close(replies)
        self.used = False

    def build(self, config_file: Path, site_dir: Path, epoch: int) -> list[str] | None:
        """The engine's warnings, or None: the helper is gone, build here."""
        self.used = True
        try:
            _write(self._send, (str(config_file), str(site_dir), epoch))
            reply = _read(self._receive)
        except OSError:
            return None
        return reply if isinstance(reply, list) else None

    def close(self) -> None:
        for fd in (self._send, self._receive):
            try:
                os.close(fd)
            except OSError:
                pass
        if not self.used:  # still setting up, or waiting: nothing of it is needed
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


_current: Helper | None = None


@contextmanager
def ready(name: str | None, engine: str, base_config: Path) -> Iterator[None]:
    """While it lasts, the build of site ``name`` (fastpaths/disk.py's name for it) with
    ``engine`` is made by a helper that readied MkDocs meanwhile; ``None``: no helper."""
    global _current
    if name is None or engine != "mkdocs" or _spare_cores() < 1 or not hasattr(os, "fork") or _threads():
        yield
        return
    _current = Helper(name, base_config)
    try:
        yield
    finally:
        helper, _current = _current, None
        helper.close()


def active() -> bool:
    """A helper is readying the engine (so this process need not import it)."""
    return _current is not None


def build(name: str | None, config_file: Path, site_dir: Path, epoch: int) -> list[str] | None:
    """The helper's build of site ``name``: the engine's warnings; None where there is no
    helper for it (or it is gone): then the caller builds."""
    helper = _current
    if helper is None or helper.used or name != helper.name:
        return None
    return helper.build(config_file, site_dir, epoch)


def _threads() -> bool:
    """Other threads run: a fork would copy the locks they hold (the command line has none then;
    a test run or a preview server may), so no helper."""
    import threading

    return threading.active_count() > 1


def _spare_cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) - 1
    except (AttributeError, OSError):
        return (os.cpu_count() or 1) - 1


def _rehearse(base_config: Path) -> None:
    """A throwaway build of one page with the base config, in each language, while waiting: it
    loads what the real build would load first (plugins, Markdown extensions, the theme's
    environment and compiled templates), and the real one finds it loaded."""
    import tempfile

    from generator.builder import engines
    from generator.builder.project import ASSETS

    with tempfile.TemporaryDirectory(prefix="handbook-rehearsal-") as folder:
        root = Path(folder)
        (root / "docs").mkdir()
        (root / "docs" / "index.md").write_text("# A\n\n## B\n\n| a | b |\n|---|---|\n| c | d |\n", encoding="utf-8")
        for lang in ("de", "en"):
            config = {
                "INHERIT": str(base_config.resolve()),
                "site_name": "-",
                "docs_dir": "docs",
                "theme": {"name": "material", "language": lang, "custom_dir": str(ASSETS / "overrides")},
            }
            (root / "mkdocs.yml").write_text(json.dumps(config), encoding="utf-8")
            try:
                engines.api_build("mkdocs", root / "mkdocs.yml", root / f"site-{lang}", 0)
            except Exception:  # noqa: BLE001 (only a warm-up: the real build reports what is wrong)
                return


def _serve(name: str, base_config: Path, requests: int, replies: int) -> None:
    """In the helper: ready the engine, then build the one project asked for."""
    from generator import keep
    from generator.builder import engines, fastpaths
    from generator.builder.fastpaths import disk

    keep.enable()
    fastpaths.install(keep_templates=True)
    _rehearse(base_config)

    with disk.site(name):  # what the last build of this site kept, read while waiting
        try:
            request = _read(requests)
        except OSError:
            return
        if not isinstance(request, tuple):
            return
        config_file, site_dir, epoch = request
        split = fastpaths.status()["halves"] == "on"  # the pages through the theme in two processes
        if split:
            from generator.builder.fastpaths import halves
        try:
            messages = engines.api_build(
                "mkdocs", Path(config_file), Path(site_dir), epoch, halves.prepare if split else None
            )
        finally:
            if split:
                halves.forget()
    _write(replies, messages)


def _write(fd: int, value: object) -> None:
    data = pickle.dumps(value)
    view = memoryview(_LENGTH.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def _read(fd: int) -> object:
    """The next value, or None at the end of the pipe."""
    head = _exactly(fd, _LENGTH.size)
    if head is None:
        return None
    body = _exactly(fd, _LENGTH.unpack(head)[0])
    return None if body is None else pickle.loads(body)


def _exactly(fd: int, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def end_with_parent(parent: int, signum: int = signal.SIGKILL) -> None:
    """This process (a helper, a worker) ends when ``parent`` ends, however it ends (killed,
    too): the kernel sends it ``signum`` when its parent dies (Linux), and it checks once here."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signum)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the pipe's end (a helper), the pool (a worker)
        pass
    if os.getppid() != parent:
        os._exit(1)
