"""Make many MkDocs builds in one process cheap, without changing a byte of their output.

`handbook build` runs MkDocs once per client inside long-lived worker processes. Each
module here removes work that a plain `mkdocs build` repeats or wastes, and keeps the
result identical to it; `make bench` compares every page of A and B byte for byte.

- theme:     Jinja bytecode shared across sites, the theme's file list read once,
             mkdocs.yml parsed with libyaml.
- mdfast:    Markdown's inline pass skips patterns whose expression finds nothing;
             block-level tag lookups use a set.
- printsite: the print-site plugin's heading-id rewrite without its quadratic scan.
- search:    Material's search parser answers "inside a skipped element?" by counting.
"""

from __future__ import annotations

from pathlib import Path

_installed = False


def install(cache: Path | None = None) -> None:
    """Install every reuse and fast path in this process (idempotent); ``cache``: a folder
    that keeps compiled templates for the next run."""
    global _installed
    from . import mdfast, printsite, search, theme

    if cache is not None:
        theme.CACHE.folder = cache
    if _installed:
        return

    theme.install()
    mdfast.install()
    printsite.install()
    search.install()
    _installed = True
