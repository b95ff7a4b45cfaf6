"""Every git call of handbook, in one place. Only file contents, blob ids and commit times are
ever read: never a commit message, an author or an e-mail address (they must not reach a site).

Each call returns None (or an empty answer) when git is missing, fails or hangs: a repository
without git simply has no history. Whether the repository is a work tree is asked once.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
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
    """Commits that touched ``file`` (relative to ``repo``), newest first, following renames.

    A file's history begins where it was added, or copied: `git log --follow` also follows
    copies, and a client's file made from another client's file (``cp -r projects/old
    projects/new``, the usual start of a new client) would carry the other client's history;
    and a file deleted and added again at the same path may well belong to another client.
    """
    if not _tree(repo):
        return []
    if repo.resolve() in _batched:
        found = _log_from_index(repo, file, limit)
        if found is not None:
            return found
    prefix = run(repo, "rev-parse", "--show-prefix")
    out = run(repo, "log", "--follow", f"--max-count={limit}", "-z", "--name-status", f"--format={_FORMAT}", "--", file)
    if prefix is None or out is None:
        return []
    return _followed(out.decode("utf-8", "replace").split("\0"), prefix.decode("utf-8", "replace").strip() + file)


def _followed(tokens: list[str], path: str) -> list[Commit]:
    """Parse ``log --follow -z --name-status``: a commit's header, then "\\nSTATUS" and its path
    (two paths, old and new, for R and C); a merge lists none: the newer commit's path holds."""
    records: list[list[str]] = []
    at = 0
    while at < len(tokens):
        token = tokens[at]
        at += 1
        if token.startswith("\n") and records:
            status = token[1:2]
            if status in ("R", "C"):
                old, records[-1][2] = tokens[at : at + 2]
                at += 2
                if status == "C":  # copied from another file: that file's history is not this one's
                    break
                path = old
            else:
                records[-1][2] = path = tokens[at]
                at += 1
                if status == "A":  # where the file began (an older one at the same path was another)
                    break
        elif token:
            records.append([*token.split("\x1f", 1), path])
    return [Commit(h, datetime.fromisoformat(when), p) for h, when, p in records]


def blobs(repo: Path, specs: list[str]) -> list[bytes | None]:
    """The contents of REV:PATH objects in one git call; None for each that does not exist."""
    return [None if found is None else found[1] for found in objects(repo, specs)]


def objects(repo: Path, specs: list[str]) -> list[tuple[str, bytes] | None]:
    """(blob id, contents) of REV:PATH objects in one git call; None for each that is no blob."""
    out = run(repo, "cat-file", "--batch", stdin="".join(f"{spec}\n" for spec in specs).encode())
    found: list[tuple[str, bytes] | None] = []
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
        found.append((header[0].decode("ascii"), out[pos : pos + size]) if header[1] == b"blob" else None)
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
    if repo.resolve() in _batched and not any(_GLOB.search(p) for p in paths):
        index = _index(repo.resolve(), _batched[repo.resolve()])
        if index is not None:
            found = [i for p in paths if (i := index.newest.get(index.prefix + p.rstrip("/"))) is not None]
            return index.commits[min(found)][2] if found else None
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


# Many clients at once: the whole history read once ------------------------------------------------
#
# `git log --follow -- FILE` walks the whole history for each client: in a repository of 100
# clients and 3,100 commits 20 to 60 ms a client, and longer the more commits there are, so a
# build of all clients grew with the square of their number. A build of many clients therefore
# reads the history once (``_index``: every commit with the paths it changed) and answers each
# client from it as log() would: only where the history is a line (no merge, whose
# simplification is git's own), and a file added by a commit that also deleted a file (perhaps
# a rename, which log() follows) is asked of git itself.

_batched: dict[Path, str] = {}  # repository -> the HEAD its history was read at
_GLOB = re.compile(r"[*?\[\\:]")  # pathspec magic: git's own matching decides


@contextmanager
def batch(repo: Path) -> Iterator[None]:
    """Many clients of ``repo`` are built in this block (and the workers it forks): its history
    is read once, not once per client."""
    key = repo.resolve()
    fresh = key not in _batched
    if fresh:
        _batched[key] = head(repo) or ""
        if _batched[key]:
            _index(key, _batched[key])  # here, once: the workers forked in the block share it
    try:
        yield
    finally:
        if fresh:
            del _batched[key]


@dataclass(frozen=True)
class _Index:
    prefix: str  # of the repository folder inside the git work tree
    commits: list[tuple[str, str, int, dict[str, str]]]  # newest first: hash, %cI, %ct, path -> status
    touching: dict[str, list[int]]  # path -> the commits that changed it, newest first
    newest: dict[str, int]  # a path, or any folder above it -> the newest commit that changed something there


CHUNK = 1000  # commits a git process lists: git keeps every tree it read until it ends


@cache
def _index(repo: Path, at: str) -> _Index | None:
    """The history up to commit ``at`` (HEAD), or None where it has a merge or git fails.

    Read in chunks of CHUNK commits, each by a git process of its own: one `git log` of the
    whole history held 120 MB at 400 clients and 12,400 commits (the trees it read), one of
    1,000 commits 33 MB."""
    if not at:
        return None
    merges = run(repo, "rev-list", "--min-parents=2", "--max-count=1", at)
    prefix = run(repo, "rev-parse", "--show-prefix")
    if merges is None or merges.strip() or prefix is None:
        return None
    chunks: list[bytes] = []
    while True:
        out = run(
            repo, "-c", "log.showRoot=true", "-c", "diff.relative=false", "log", "-z", "--no-renames",
            "--name-status", "--format=%x01%H%x1f%cI%x1f%ct", f"--max-count={CHUNK}",
            f"--skip={CHUNK * len(chunks)}", at, "--",
        )  # fmt: skip
        if out is None:
            return None
        chunks.append(out)
        if out.count(b"\x01") < CHUNK:
            break
    try:
        return _read_index(prefix.decode("utf-8", "replace").strip(), b"".join(chunks))
    except ValueError:  # not what this format gives: ask git per file
        return None


def _read_index(prefix: str, out: bytes) -> _Index:
    index = _Index(prefix, [], {}, {})
    for chunk in out.split(b"\x01")[1:]:
        header, _, rest = chunk.partition(b"\0")
        commit, when, seconds = header.decode("utf-8", "replace").split("\x1f")
        fields = rest.lstrip(b"\n").split(b"\0")[:-1]  # status, path, status, path, ..., ""
        changes = {p.decode("utf-8", "replace"): s.decode() for s, p in zip(fields[::2], fields[1::2], strict=True)}
        number = len(index.commits)
        index.commits.append((commit, when, int(seconds), changes))
        for path in changes:
            index.touching.setdefault(path, []).append(number)
            if path in index.newest:  # and so every folder above it
                continue
            parts = path.split("/")
            for depth in range(len(parts), 0, -1):
                index.newest.setdefault("/".join(parts[:depth]), number)
    return index


def _log_from_index(repo: Path, file: str, limit: int) -> list[Commit] | None:
    """``log`` from the index; None where git must answer itself (see above)."""
    index = _index(repo.resolve(), _batched[repo.resolve()])
    if index is None:
        return None
    path = index.prefix + file
    found = []
    for number in index.touching.get(path, [])[:limit]:
        commit, when, _, changes = index.commits[number]
        found.append(Commit(commit, datetime.fromisoformat(when), path))
        if changes[path] == "A":  # where it began, as log() reads git's answer ...
            return None if "D" in changes.values() else found  # ... unless another file went: maybe a rename
    return found
