"""What one run keeps for the next: small entries in this user's private cache, each one signed.

$XDG_CACHE_HOME/handbook/ (default ~/.cache/handbook/) holds a folder per kind of entry and
the key that signs them. A build reads back only what this user wrote: the folders must be
the user's own and writable by nobody else (mode 0700), the key readable by nobody else
(0600), and every file carries an HMAC-SHA256 of its content under that key; a file without a
valid one is ignored. So nobody else can plant a compiled template (which is code) or a
converted page (which a site would publish) in the next build. Where that cannot be had (a
shared or read-only folder) nothing is kept and the run only costs more time.

Entries are compressed and written under a temporary name, then renamed, so a reader sees a
whole file or none. A folder that grows past its limit loses the entries used longest ago
(``prune``; reading an entry marks it used). An entry is a pure function of its key: whoever
uses a store puts into the key everything that shapes the value (the releases of the
packages that made it, the code that reads it).

Stores stay off until ``enable()``: `handbook build`, `serve` and `check` turn them on; a
library user's process, and each test until it builds, computes everything as before.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import platform
import re
import secrets
import stat
import sys
import zlib
from functools import cache
from importlib.machinery import PathFinder
from pathlib import Path

SUFFIX = ".kept"
_enabled = False


def enable(on: bool = True) -> None:
    """Let every Store of this process read and write (``on=False``: off again)."""
    global _enabled
    _enabled = on


def _base() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "handbook"


def _own(path: Path, forbidden: int) -> bool:
    info = path.lstat()
    return not stat.S_ISLNK(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & forbidden


def private_folder(name: str) -> tuple[Path, bytes] | None:
    """$XDG_CACHE_HOME/handbook/NAME and the signing key beside it, when both are this user's
    alone; None (keep nothing) when anyone else could write there or read the key."""
    base = _base()
    folder = base / name
    try:
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _own(base, 0o022):
            return None
        folder.mkdir(exist_ok=True, mode=0o700)
        if not _own(folder, 0o022):
            return None
        key_file = base / "key"
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_bytes(32))
        except FileExistsError:
            pass
        if not _own(key_file, 0o077):
            return None
        key = key_file.read_bytes()
    except OSError:
        return None
    return (folder, key) if len(key) == 32 else None


def sign(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.sha256).digest() + data


def verified(key: bytes, signed: bytes) -> bytes | None:
    mac, data = signed[:32], signed[32:]
    return data if key and hmac.compare_digest(mac, hmac.new(key, data, hashlib.sha256).digest()) else None


def write_atomic(target: Path, data: bytes) -> None:
    """``data`` into ``target`` under a temporary name, then renamed; a failure keeps nothing."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except OSError:  # a cache that cannot be written only costs time
        tmp.unlink(missing_ok=True)


@cache
def installed(dist: str) -> str | None:
    """The installed release of ``dist`` (None: not installed), as ``importlib.metadata.version``
    finds it: the first of its metadata folders on ``sys.path``, read to the ``Version:`` line of
    the header (``metadata.version`` parses the whole file as an e-mail, the long description
    included, which took a third of a build with nothing to build; importing importlib.metadata
    cost such a build a tenth). Where ``sys.path`` holds more than folders (a zip, an import
    hook's entry, or a finder of distributions besides Python's own), importlib.metadata answers."""
    if any(hasattr(finder, "find_distributions") and finder is not PathFinder for finder in sys.meta_path):
        return _installed_by_importlib(dist)
    name = _normal(dist)
    for entry in sys.path:
        folder = Path(entry or ".")
        if not folder.is_dir():
            if folder.exists():
                return _installed_by_importlib(dist)
            continue
        for found in _metadata_folders(str(folder.resolve())).get(name, ()):
            version = _version(found)
            if version is not None:
                return version
    return None


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


@cache
def _metadata_folders(folder: str) -> dict[str, list[Path]]:
    """``NAME-VERSION.dist-info`` and ``.egg-info`` in ``folder``, by normalised name, in order."""
    found: dict[str, list[Path]] = {}
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return found
    for entry in names:
        stem, dot, kind = entry.rpartition(".")
        if dot and kind.lower() in ("dist-info", "egg-info"):
            found.setdefault(_normal(stem.partition("-")[0]), []).append(Path(folder, entry))
    return found


def _version(meta: Path) -> str | None:
    """The ``Version:`` of a metadata folder's header (or of an ``.egg-info`` file)."""
    for file in (meta / "METADATA", meta / "PKG-INFO") if meta.is_dir() else (meta,):
        try:
            return _header_version(file.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
    return None


def _header_version(text: str) -> str | None:
    for line in text.splitlines():
        if not line.strip():  # the header ends at the first empty line
            break
        if line.startswith("Version:"):
            return line.removeprefix("Version:").strip()
    return None


def _installed_by_importlib(dist: str) -> str | None:
    from importlib import metadata

    try:
        found = metadata.distribution(dist)
    except metadata.PackageNotFoundError:
        return None
    return _header_version(found.read_text("METADATA") or found.read_text("PKG-INFO") or "") or found.version


def code_digest(dists: tuple[str, ...], folder: Path, pattern: str) -> bytes:
    """What made a kind of entry, for its keys: Python's release, the releases of ``dists``, and
    the code of the files in ``folder`` matching ``pattern`` (by name and content)."""
    h = hashlib.sha256(platform.python_version().encode())
    for dist in dists:
        h.update(f"\0{dist}={installed(dist)}".encode())
    for source in sorted(folder.glob(pattern)):
        h.update(b"\0" + source.relative_to(folder).as_posix().encode() + b"\0" + source.read_bytes())
    return h.digest()


LIMIT = 20_000  # entries a folder keeps unless its store says otherwise
_LIMITS: dict[str, int] = {}  # folder name -> the limit its store was made with


def prune_all() -> int:
    """Past its limit, each folder loses the entries used longest ago, down to 80 % of it
    (a run's last step, where it built something); how many went."""
    base = _base()
    try:
        names = [entry.name for entry in os.scandir(base) if entry.is_dir(follow_symlinks=False)]
    except OSError:
        return 0
    return sum(Store(name, _LIMITS.get(name, LIMIT)).prune() for name in names)


class Store:
    """Entries (bytes) by key (a hex digest) in the private folder ``name``; ``limit``: the most
    entries kept. Nothing is read or written until first used, and nothing at all where the
    folder is not private (``available``)."""

    def __init__(self, name: str, limit: int = LIMIT) -> None:
        self.name = name
        self.limit = limit
        _LIMITS.setdefault(name, limit)
        self._found: dict[Path, tuple[Path, bytes] | None] = {}  # by $XDG_CACHE_HOME/handbook

    def _where(self) -> tuple[Path, bytes] | None:
        if not _enabled:
            return None
        base = _base()
        if base not in self._found:
            self._found[base] = private_folder(self.name)
        return self._found[base]

    @property
    def available(self) -> bool:
        return self._where() is not None

    def get(self, key: str) -> bytes | None:
        place = self._where()
        if place is None:
            return None
        folder, secret = place
        file = folder / f"{key}{SUFFIX}"
        try:
            signed = file.read_bytes()
        except OSError:
            return None
        data = verified(secret, signed)
        if data is None:
            return None
        try:
            os.utime(file)  # used: pruned last
            return zlib.decompress(data)
        except (OSError, zlib.error):
            return None

    def put(self, key: str, data: bytes) -> None:
        place = self._where()
        if place is not None:
            folder, secret = place
            write_atomic(folder / f"{key}{SUFFIX}", sign(secret, zlib.compress(data, 1)))

    def prune(self) -> int:
        """Past the limit, remove the entries used longest ago, down to 80 % of it; how many went."""
        place = self._where()
        if place is None:
            return 0
        try:
            with os.scandir(place[0]) as found:
                entries = [e for e in found if e.name.endswith(SUFFIX)]
        except OSError:
            return 0
        if len(entries) <= self.limit:
            return 0
        dated = []
        for entry in entries:
            try:
                dated.append((entry.stat().st_mtime_ns, entry.path))
            except OSError:
                continue
        dated.sort()
        gone = 0
        for _, path in dated[: len(dated) - self.limit * 4 // 5]:
            try:
                os.unlink(path)
                gone += 1
            except OSError:
                pass
        return gone
