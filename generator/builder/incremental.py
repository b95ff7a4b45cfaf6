"""What a client's site depends on, as one hash; unchanged clients are not rebuilt.

The hash covers everything layout.client_inputs names (the client's folder, the catalog,
the shared chapters, the base config), this package (code, templates, assets), the engine
and the versions of every package that shapes the output. It is recorded under
OUT/.handbook-cache/ only after the new site was swapped in, written to a temporary file
and renamed, so an interrupted build never leaves a record that claims more than is on disk.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path

from generator import layout
from generator.history import git
from generator.keep import installed

PACKAGE = Path(__file__).parent.parent  # generator/: code, templates, assets
CACHE_DIR = ".handbook-cache"


def _hash_tree(h: hashlib._Hash, root: Path, base: Path) -> None:
    """Each file under ``root`` (or ``root``, a file), by its path from ``base`` and content."""
    skip = len(str(base)) + 1
    for file in _files(root):
        h.update(file[skip:].encode() + b"\0")
        with open(file, "rb") as f:
            h.update(hashlib.sha256(f.read()).digest())


def _files(root: Path) -> list[str]:
    """The files under ``root`` (``root`` itself if it is one) in path order, without bytecode
    folders or what a link to a folder holds: ``os.scandir``, as pathlib's ``rglob`` cost a
    build with nothing to build 0.2 ms a client."""
    if root.is_file():
        return [str(root)]
    found: list[str] = []
    folders = [str(root)] if root.is_dir() else []
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        folders.append(entry.path)
                elif entry.is_file():
                    found.append(entry.path)
    return sorted(found, key=lambda path: path.split(os.sep))


# every package whose release can change a site's bytes
DISTRIBUTIONS = (
    "mkdocs", "mkdocs-material", "properdocs", "zensical", "markdown", "pymdown-extensions", "jinja2",
    "nh3", "icalendar", "holidays", "phonenumbers", "tzdata",
)  # fmt: skip


@cache
def shared_hash(repo: Path, engine: str = "mkdocs") -> str:
    h = hashlib.sha256(f"engine={engine}\0".encode())
    for rel in layout.shared_inputs():
        if (repo / rel).exists():
            _hash_tree(h, repo / rel, repo)
    _hash_tree(h, PACKAGE, PACKAGE)
    for dist in DISTRIBUTIONS:
        if (version := installed(dist)) is not None:
            h.update(f"{dist}={version}\0".encode())
    h.update(f"SOURCE_DATE_EPOCH={os.environ.get('SOURCE_DATE_EPOCH', '')}\0".encode())
    return h.hexdigest()


def client_hash(repo: Path, slug: str, engine: str = "mkdocs") -> str:
    h = hashlib.sha256(shared_hash(repo, engine).encode())
    _hash_tree(h, repo / layout.PROJECTS / slug, repo / layout.PROJECTS)
    # The changes page and the default SOURCE_DATE_EPOCH come from git: a commit of the
    # client's files (visible as new blob ids in HEAD) rebuilds that client.
    h.update("\n".join(_committed_by_client(repo).get(slug, ())).encode())
    return h.hexdigest()


@cache
def _committed_by_client(repo: Path) -> dict[str, list[str]]:
    """`git ls-tree` of projects/, its lines grouped by client folder, in their order: read once
    per run (a scan of every line for each client grew with the square of their number)."""
    grouped: dict[str, list[str]] = {}
    for line in git.committed(repo):
        top, _, rest = line.split("\t", 1)[-1].partition("/")
        slug, inside, _ = rest.partition("/")
        if top == layout.PROJECTS and inside:
            grouped.setdefault(slug, []).append(line)
    return grouped


def _record(out: Path, slug: str) -> Path:
    return out / CACHE_DIR / f"{slug}.json"


def is_current(repo: Path, out: Path, slug: str, engine: str = "mkdocs") -> bool:
    try:
        recorded = json.loads(_record(out, slug).read_text(encoding="utf-8")).get("hash")
    except (OSError, ValueError):
        return False
    return recorded == client_hash(repo, slug, engine) and (out / slug / "index.html").is_file()


def remember(repo: Path, out: Path, slug: str, engine: str = "mkdocs") -> None:
    target = _record(out, slug)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps({"hash": client_hash(repo, slug, engine)}), encoding="utf-8")
    os.replace(tmp, target)


def forget(out: Path, slug: str) -> None:
    _record(out, slug).unlink(missing_ok=True)
