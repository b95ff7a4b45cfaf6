"""Make many MkDocs builds in one process cheap, without changing a byte of their output.

`handbook build` runs MkDocs once per client inside long-lived worker processes. Each
module here removes work that a plain `mkdocs build` repeats or wastes, and keeps the
result identical to it; `make bench` compares every page of A and B byte for byte.

- theme:     one Jinja environment per language for all sites, compiled templates
             kept for the next run, the theme's file list read once, mkdocs.yml
             parsed with libyaml; a missing attribute in a template is found missing
             without Jinja's two exceptions.
- navmemo:   Material's navigation items off the current page's way are rendered once per
             build and set of relative links, not once per page.
- mdfast:    Markdown's inline pass skips patterns whose expression finds nothing;
             block-level tag lookups use a set.
- htmlblock: Markdown's raw-HTML pass reads well-formed HTML with regular expressions
             instead of html.parser (and hands anything else to html.parser).
- search:    Material's search parser answers "inside a skipped element?" by counting,
             is fed tokens read with regular expressions (html.parser where they cannot
             be), and a page's sections are kept by its HTML (parsed once per process).
- anchors:   MkDocs' scan of a page's raw HTML for anchor ids reads well-formed HTML with
             the same regular expressions (html.parser for anything else).
- pagecache: a page's Markdown conversion is kept with every question it asked of the
             site's files; the same page in the same setting, with the same answers, is
             not converted again (the shared chapters, and unchanged pages in `serve`).
- disk:      what pagecache and search keep is also kept between runs (signed, in this
             user's private cache: generator/keep.py), so the run after a change converts
             and indexes only the pages whose Markdown or HTML changed.
- firstpage: `serve` writes the page being looked at as soon as every page is converted,
             with the bytes the build writes there a moment later (set per build).
- halves:    the helper of a one-client build (ahead.py) has a forked copy of itself put
             the site's last pages through the theme while it does the first ones.

Each replaces private parts of the packages it names in TESTED, and is installed only when
exactly those versions are installed: for any other release the package's own code runs
(``status`` says why; `handbook build --verbose` prints it). tests/test_engine.py compares
each fast path with the code it replaces.
"""

from __future__ import annotations

import importlib
import platform

from generator.keep import installed

# the exact releases each fast path was written and tested for (.ci/constraints.txt pins them);
# "python": the minor release whose html.parser the tokenizers read like (any patch release:
# they check each tag against that parser's own expressions, and tests/test_engine.py compares)
TESTED: dict[str, dict[str, str]] = {
    "theme": {"mkdocs": "1.6.1", "mkdocs-material": "9.8.2", "jinja2": "3.1.6"},
    "navmemo": {"mkdocs": "1.6.1", "mkdocs-material": "9.8.2", "jinja2": "3.1.6"},
    "mdfast": {"markdown": "3.11.3"},
    "htmlblock": {"markdown": "3.11.3", "python": "3.11"},  # html.parser is the standard library's
    "search": {"mkdocs-material": "9.8.2", "python": "3.11"},
    "anchors": {"mkdocs": "1.6.1", "markdown": "3.11.3", "python": "3.11"},
    "pagecache": {"mkdocs": "1.6.1"},
    "firstpage": {"mkdocs": "1.6.1", "mkdocs-material": "9.8.2"},
    "halves": {"mkdocs": "1.6.1", "mkdocs-material": "9.8.2"},
}
_installed = False
_status: dict[str, str] = {}


def gate(name: str) -> str:
    """'on', or why the fast path stays off: the installed release is not the tested one."""
    for dist, tested in TESTED[name].items():
        found = ".".join(platform.python_version_tuple()[:2]) if dist == "python" else installed(dist)
        if found != tested:
            return f"off: {dist} {found or 'is not installed'} (tested on {tested}); the package's own code runs"
    return "on"


def status() -> dict[str, str]:
    """Each fast path and whether it is on in this process (or would be, once installed)."""
    return {name: _status.get(name, gate(name)) for name in TESTED}


def install(keep_templates: bool = False) -> None:
    """Install every fast path whose tested versions are installed (idempotent); ``keep_templates``:
    keep compiled templates for the next run, in this user's private, signed cache."""
    global _installed
    if not _installed:
        for name in TESTED:
            state = gate(name)
            if state == "on":
                try:
                    importlib.import_module(f"{__name__}.{name}").install()
                except (ImportError, AttributeError) as exc:  # a part it replaces is missing after all
                    state = f"off: {exc}; the package's own code runs"
            _status[name] = state
        _installed = True
    if keep_templates and _status.get("theme") == "on":
        from generator.builder.fastpaths import theme

        if theme.CACHE.folder is None:
            theme.CACHE.use_private_folder()
