"""Every git call of handbook, in one place. Only file contents, blob ids and commit times are
ever read: never a commit message, an author or an e-mail address (they must not reach a site).

Each call returns None (or an empty answer) when git is missing, fails or hangs: a repository
without git simply has no history. Whether the repository is a work tree is asked once.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

TIMEOUT = 60  # seconds for one git call
_FORMAT = "%H%x1f%cI"  # hash and commit time: never the message, the author or an e-mail address


def available() -> bool:
    return shutil.which("git") is not None


def run(repo: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    """Output of a git command, or None when git is missing, fails or hangs."""
    try:
        done = subprocess.run(
            ["git", "-c", "log.showSignature=false", *args],
            cwd=repo,
            input=stdin,
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


@cache
def inside_work_tree(repo: Path) -> bool:
    """Asked once per process: a repository without git costs one failed call, not several per client."""
    out = run(repo, "rev-parse", "--is-inside-work-tree")
    return out is not None and out.strip() == b"true"


def _tree(repo: Path) -> bool:
    return inside_work_tree(repo.resolve())


@dataclass(frozen=True)
class Commit:
    hash: str
    date: datetime  # commit time, in the committer's time zone
    path: str  # of the file in this commit, relative to the top of the git repository


def log(repo: Path, file: str, limit: int) -> list[Commit]:
    """Commits that touched ``file`` (relative to ``repo``), newest first, following renames."""
    if not _tree(repo):
        return []
    prefix = run(repo, "rev-parse", "--show-prefix")
    out = run(repo, "log", "--follow", f"--max-count={limit}", "-z", "--name-only", f"--format={_FORMAT}", "--", file)
    if prefix is None or out is None:
        return []
    path = prefix.decode("utf-8", "replace").strip() + file
    records: list[list[str]] = []
    for token in out.decode("utf-8", "replace").split("\0"):
        if token.startswith("\n") and records:
            records[-1][2] = path = token[1:]
        elif token:
            records.append([*token.split("\x1f", 1), path])  # a merge lists no path: the newer one holds
    return [Commit(h, datetime.fromisoformat(when), p) for h, when, p in records]


def blobs(repo: Path, specs: list[str]) -> list[bytes | None]:
    """The contents of REV:PATH objects in one git call; None for each that does not exist."""
    out = run(repo, "cat-file", "--batch", stdin="".join(f"{spec}\n" for spec in specs).encode())
    found: list[bytes | None] = []
    pos = 0
    for _ in specs:
        if out is None or pos >= len(out):
            found.append(None)
            continue
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) != 3 or not header[2].isdigit():  # "<spec> missing", "<spec> ambiguous"
            found.append(None)
            continue
        size = int(header[2])
        found.append(out[pos : pos + size] if header[1] == b"blob" else None)
        pos += size + 1
    return found


def is_repository(repo: Path) -> bool:
    return run(repo, "rev-parse", "--show-prefix") is not None


def is_commit(repo: Path, rev: str) -> bool:
    return not rev.startswith("-") and run(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}") is not None


def is_root_commit(repo: Path, rev: str) -> bool:
    """``rev`` is a commit without a parent (the repository's first)."""
    parents = run(repo, "rev-list", "--parents", "-n", "1", f"{rev}^{{commit}}")
    return parents is not None and len(parents.split()) == 1


def head(repo: Path) -> str | None:
    """The commit HEAD names (None without git or commits): what a kept history was read at."""
    if not _tree(repo):
        return None
    out = run(repo, "rev-parse", "--verify", "--quiet", "HEAD")
    return out.decode().strip() or None if out else None


def last_commit_time(repo: Path, paths: tuple[str, ...]) -> int | None:
    """Unix time of the newest commit that touched any of ``paths``; None without one."""
    if not _tree(repo):
        return None
    out = run(repo, "log", "-1", "--format=%ct", "--", *paths)
    text = out.decode().strip() if out else ""
    return int(text) if text.isdigit() else None


@cache
def committed(repo: Path, folder: str = "projects/") -> tuple[str, ...]:
    """`git ls-tree -r HEAD -- folder`: one line per committed file with its blob id; () without git."""
    if not _tree(repo):
        return ()
    out = run(repo, "ls-tree", "-r", "HEAD", "--", folder)
    return tuple(out.decode("utf-8", "replace").splitlines()) if out else ()
