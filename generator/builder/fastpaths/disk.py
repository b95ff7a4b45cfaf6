"""What the fast paths keep between runs: each site's converted pages and search sections, as
one signed file in this user's private cache (generator/keep.py).

`handbook build` after one client's change, and the first build of `serve`, run in a new
process: the conversions the run before made are lost with its memory, though most pages of
the changed client are the same Markdown as before (a new company name changes the header of
every page, not its Markdown). So after each site's build, what pagecache and search used for
it is written as one file named by the site (the repository and the client), and the next
build of that site reads it first. One file a site: a file per page cost 0.7 ms to create,
more than reading it back saves in a full build.

The entries in it are only offered: each is found by the key its fast path computes from
what the conversion depends on, exactly as in memory, so an entry that no longer fits is
never used. The file's name also holds a hash of what made the entries (this package's
code, the Python release for html.parser, the engine's releases): a changed fast path or
release reads nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from generator import keep

SITES = keep.Store("sites", limit=5_000)
_RELEASES = ("mkdocs", "mkdocs-material", "markdown", "jinja2")
_offered: dict[str, dict[str, Any]] = {}  # kind -> key -> value: the site's file, while it is built
_used: dict[str, dict[str, Any]] | None = None  # the same, written down during the build (None: off)


@cache
def _made_by() -> bytes:
    return keep.code_digest(_RELEASES, Path(__file__).parent, "*.py")


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@contextmanager
def site(name: str) -> Iterator[None]:
    """Offer what the last build of site ``name`` used, and keep what this one uses."""
    global _used
    if not SITES.available:
        yield
        return
    file = hashlib.sha256(_made_by() + name.encode("utf-8", "surrogatepass")).hexdigest()
    _offered.clear()
    data = SITES.get(file)
    if data is not None:
        try:
            read = json.loads(data)
            _offered.update({kind: dict(entries) for kind, entries in read.items()})
        except (ValueError, TypeError, AttributeError):  # not one this code wrote
            _offered.clear()
    _used = {}
    try:
        yield
        used = json.dumps(_used, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
        if used != data:  # the same pages as last time: nothing to write
            SITES.put(file, used)
    finally:
        _used = None
        _offered.clear()


def active() -> bool:
    return _used is not None


def find(kind: str, key: str) -> Any | None:
    """What the site's last build used under ``key`` (plain JSON data), or None."""
    return _offered.get(kind, {}).get(key)


def record(kind: str, key: str, value: Any) -> None:
    """Note that this build used ``value`` (plain JSON data) under ``key``."""
    if _used is not None:
        _used.setdefault(kind, {})[key] = value
