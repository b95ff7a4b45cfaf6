"""Where everything lives in a repository that uses handbook: the one place that knows paths.

    mkdocs.yml                   base config every client site inherits
    docs/<lang>/*.md             shared chapters, per language
    projects/roles.yml           the role catalog and standard RACI tasks
    projects/<slug>/project.yml  one client project
    projects/<slug>/pages/*.md   extra pages of that client

Everything a client's site is made from is listed by ``client_inputs``, so the incremental
build, the preview's watcher and the build's time stamp agree on what a client depends on.
"""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

PROJECTS = "projects"
CATALOG = "projects/roles.yml"
BASE_CONFIG = "mkdocs.yml"
DOCS = "docs"
INTERNAL = "_internal"  # OUT/_internal/: the portfolio; client slugs cannot contain '_'
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")  # a client's folder name; always fullmatch ('$' matches before '\n')


@functools.lru_cache(maxsize=1 << 16)
def site_relpath(path: str, start: str = ".") -> str:
    """``posixpath.relpath`` between two paths inside a site (neither above its root): the same
    answer without asking the OS for the current folder, which ``relpath`` does twice a call,
    and a page's links ask thousands of times. A path above the root keeps relpath's own answer."""
    if path.startswith("..") or start.startswith(".."):
        return posixpath.relpath(path, start)
    return posixpath.relpath("/" + path, "/" + start)


@dataclass(frozen=True)
class Repo:
    root: Path

    @property
    def projects(self) -> Path:
        return self.root / PROJECTS

    @property
    def catalog(self) -> Path:
        return self.root / CATALOG

    @property
    def base_config(self) -> Path:
        return self.root / BASE_CONFIG

    def client(self, slug: str) -> Path:
        return self.projects / slug

    def chapters(self, lang: str) -> Path:
        return self.root / DOCS / lang


def project_file(slug: str) -> str:
    """The project file of a client, relative to the repository root (as messages show it)."""
    return f"{PROJECTS}/{slug}/project.yml"


def pages_folder(slug: str) -> str:
    return f"{PROJECTS}/{slug}/pages"


def shared_inputs() -> tuple[str, ...]:
    """What every client's site is made from besides its own folder (relative to the root)."""
    return (CATALOG, DOCS, BASE_CONFIG)


def client_inputs(slug: str) -> tuple[str, ...]:
    """Everything one client's site is made from, relative to the repository root."""
    return (f"{PROJECTS}/{slug}", *shared_inputs())
