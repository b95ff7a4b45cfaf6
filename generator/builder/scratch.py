"""Room in memory for what a build writes once, reads once and throws away.

The project a site is built from (its Markdown pages, mkdocs.yml, downloads: some 50 files in
40 folders) is written for the engine, read back by it and deleted once the site is made. On
a disk, every file and folder created is a journal entry: on the 2-core build machine (ext4 on
a virtual disk) writing one client's project took 15 to 30 ms, in memory (/dev/shm, a tmpfs)
1.5 ms, and the disk's writes that no longer happen left the engine's own writes faster too.
So the project goes to /dev/shm when there is one with room for it, and into the staging
folder beside the output otherwise (macOS, a container with a small /dev/shm). The
engine reads the same files either way, so the site comes out the same. `handbook serve`
keeps its whole temporary site there.

``HANDBOOK_SCRATCH`` names another folder for this (a RAM disk elsewhere); set empty, it
keeps everything on the disk.

Folders are named ``handbook-<kind>-<pid>-<random>``. One that a killed process left behind
is removed by the next process that asks for room here, once it is an hour old and its
process is gone.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path("/dev/shm")
VARIABLE = "HANDBOOK_SCRATCH"
SPARE = 256 * 1024 * 1024  # what is left free in ROOT besides the folder itself
STALE_SECONDS = 3600.0
_NAME = re.compile(r"handbook-(build|serve)-(\d+)-[a-z0-9_]{8}")


def room(need: int = 0) -> Path | None:
    """The folder for scratch space when it can take ``need`` bytes and SPARE more; None when it
    is not there, not writable or full."""
    chosen = os.environ.get(VARIABLE)
    if chosen == "":
        return None
    base = Path(chosen) if chosen else ROOT
    try:
        if not (base.is_dir() and os.access(base, os.W_OK | os.X_OK)):
            return None
        if shutil.disk_usage(base).free < need + SPARE:
            return None
    except OSError:
        return None
    _sweep(base)
    return base


def make(kind: str, need: int = 0) -> Path | None:
    """A new folder in ROOT for this process (``kind``: build, serve), or None: use the disk."""
    base = room(need)
    if base is None:
        return None
    try:
        return Path(tempfile.mkdtemp(prefix=f"handbook-{kind}-{os.getpid()}-", dir=base))
    except OSError:
        return None


@contextmanager
def project_folder(stage: Path, need: int) -> Iterator[Path]:
    """Where a site's project is written for the engine: in memory, else ``stage``/src (removed
    with the stage). ``need``: about the bytes it will hold."""
    made = make("build", need)
    if made is None:
        yield stage / "src"
        return
    try:
        yield made
    finally:
        shutil.rmtree(made, ignore_errors=True)


@functools.cache  # once per process
def _sweep(base: Path) -> None:
    """Remove what killed processes left in ``base``: our names, an hour old, process gone."""
    try:
        entries = list(base.iterdir())
    except OSError:
        return
    now = time.time()
    for entry in entries:
        found = _NAME.fullmatch(entry.name)
        if found is None or _alive(int(found.group(2))):
            continue
        try:
            old = now - entry.lstat().st_mtime > STALE_SECONDS
        except OSError:
            continue
        if old and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process
        return True
    return True
