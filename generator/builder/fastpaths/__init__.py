"""Make many MkDocs builds in one process cheap, without changing a byte of their output.

`handbook build` runs MkDocs once per client inside long-lived worker processes. Each
module here removes work that a plain `mkdocs build` repeats or wastes, and keeps the
result identical to it; `make bench` compares every page of A and B byte for byte.

- theme:     one Jinja environment per language for all sites, compiled templates
             kept for the next run, the theme's file list read once, mkdocs.yml
             parsed with libyaml.
- mdfast:    Markdown's inline pass skips patterns whose expression finds nothing;
             block-level tag lookups use a set.
- printsite: the print-site plugin's heading-id rewrite without its quadratic scan.
- search:    Material's search parser answers "inside a skipped element?" by counting.

The fast paths replace private parts of Python-Markdown 3, Material 9 and
mkdocs-print-site-plugin 2. When a later release no longer has those parts, that fast
path is left out and the build runs the package's own code.
"""

from __future__ import annotations

import importlib

_installed = False


def install(keep_templates: bool = False) -> None:
    """Install every reuse and fast path in this process (idempotent); ``keep_templates``:
    keep compiled templates for the next run, in this user's private, signed cache."""
    global _installed
    from generator.builder.fastpaths import theme

    if keep_templates and theme.CACHE.folder is None:
        theme.CACHE.use_private_folder()
    if _installed:
        return
    theme.install()
    for name in ("mdfast", "printsite", "search"):
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except (ImportError, AttributeError):  # not the release the fast path was written for
            continue
        module.install()
    _installed = True
