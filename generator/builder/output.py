"""The output folder (site/, build/): written only when it is ours, by one build at a time.

``handbook build --out X`` replaces X/<slug> whole and tidies X/.tmp-* away. Done in a folder
it did not make, that would delete what others keep there (``--out .github`` with a client
called ``workflows``, ``--out /tmp``). So X must be new, empty, or marked as ours by a file
that the first build writes; everything else is refused with a message. A lock (released by
the kernel when the process ends, however it ends) keeps a second build out meanwhile.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.errors import UsageError

MARKER = ".handbook-output"  # "this folder is written by handbook; its sub-folders are replaced whole"
LOCK = ".handbook-lock"
LEGACY = ".handbook-cache"  # what builds before the marker left: such a folder is ours too
_TEMP = re.compile(r"\.tmp-(_internal|[a-z0-9][a-z0-9-]{0,62})-[a-z0-9_]{8}")
_OLD = re.compile(r"\.old-(_internal|[a-z0-9][a-z0-9-]{0,62})")


class OutputError(UsageError):
    """The output folder cannot be used; the message says why and what to do."""


def claim(out: Path) -> None:
    """Make ``out`` ours, or refuse: a new or empty folder gets the marker; a marked one is ours."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise OutputError(f"--out {out} is not a folder; name a folder such as site/")
    if out.is_dir():
        if (out / MARKER).is_file():
            return
        entries = [p.name for p in out.iterdir()]
        if entries and LEGACY not in entries:
            shown = ", ".join(sorted(entries)[:3]) + (", …" if len(entries) > 3 else "")
            raise OutputError(
                f"--out {out} holds files handbook did not write ({shown}); builds replace what is in their "
                "output folder, so choose a new or empty folder (or one an earlier build made)"
            )
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / MARKER).write_text(
            "Written by handbook build: every sub-folder here is replaced by the next build.\n", encoding="utf-8"
        )
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {out}: {exc.strerror}; {advice(exc)}") from None


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold the output folder for this build; a second build at the same time is refused."""
    try:
        fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as exc:
        raise OutputError(f"cannot write to the output folder {out}: {exc.strerror}; {advice(exc)}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(
                f"another handbook build is writing to {out} right now; wait until it has finished, "
                "or build into another folder (--out)"
            ) from None
        yield
    finally:
        os.close(fd)  # the kernel drops the lock with the last descriptor, also when a build is killed


def recover(out: Path) -> None:
    """Finish or undo a swap that a killed build left behind; drop its temporary folders.

    Only entries of the names this program gives them, only real folders, only in an output
    folder that is ours."""
    if not out.is_dir() or not (out / MARKER).is_file():
        return
    for entry in out.iterdir():
        if entry.is_symlink() or not entry.is_dir():
            continue
        if _OLD.fullmatch(entry.name):
            slug = entry.name.removeprefix(".old-")
            target = out / slug
            if target.exists():
                shutil.rmtree(entry)
            else:
                os.rename(entry, target)
        elif _TEMP.fullmatch(entry.name):
            shutil.rmtree(entry, ignore_errors=True)


def advice(exc: OSError) -> str:
    """What to do about a failed write."""
    if exc.errno == errno.ENOSPC:
        return "free some disk space and build again"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "the folder is read-only for this user; choose another --out"
    if exc.errno == errno.EDQUOT:
        return "the disk quota is used up; free some space and build again"
    return "check the folder and build again"


def swap_in(new: Path, target: Path) -> None:
    """Replace ``target`` by ``new`` so a reader (or a crash) sees the old or the new folder."""
    if target.exists() and _exchange(new, target):
        shutil.rmtree(new)
        return
    old = target.with_name(f".old-{target.name}")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.rename(target, old)
    os.rename(new, target)
    if old.exists():
        shutil.rmtree(old)


def _exchange(a: Path, b: Path) -> bool:
    """Linux renameat2(RENAME_EXCHANGE): swap two folders in one step; False where unsupported."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


@contextmanager
def staged(out: Path, name: str) -> Iterator[Path]:
    """A temporary folder beside OUT/<name> for building its next version; removed afterwards
    (after a swap it holds the previous version, or nothing)."""
    tmp = temp_folder(out, name)
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def temp_folder(out: Path, slug: str) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".tmp-{slug}-", dir=out))
