"""Checks on a built site before it is swapped in: nothing reaches a third party."""

from __future__ import annotations

import re
from pathlib import Path

from generator.errors import BuildError

# A tag that makes the browser fetch something, pointing at another host (absolute or protocol-relative).
EXTERNAL = re.compile(
    r"<(?:script|link|img|iframe|source|video|audio|embed|object|image|use|track)\b[^>]*?"
    r"\s(?:src|href|data|srcset|xlink:href|poster)\s*=\s*[\"']?\s*(?:[a-z][a-z0-9+.-]*:)?//[^\s\"'>]*",
    re.I,
)
CSS_URL = re.compile(r"url\(\s*[\"']?\s*(?:https?:)?//", re.I)
_LINK_REL = re.compile(r"rel=[\"']?(?:canonical|alternate)\b", re.I)


def _slashes(text: str):
    """Every position of ``//`` in ``text``; both expressions below need one in each match."""
    slash = text.find("//")
    while slash != -1:
        yield slash
        slash = text.find("//", slash + 2)


def external_tags(text: str) -> list[str]:
    """Every ``EXTERNAL.finditer(text)`` match, looking only near a ``//``.

    A match holds a ``//`` and no ``>``, so it lies inside the ``>``-free stretch around
    one of the page's few ``//``: searching those stretches finds every match, in order,
    without running a case-insensitive expression over the whole page (a site is ~1 MB).
    """
    found = []
    searched = -1
    for slash in _slashes(text):
        start = text.rfind(">", 0, slash) + 1
        if start > searched:
            end = text.find(">", slash)
            found += [m.group(0) for m in EXTERNAL.finditer(text, start, len(text) if end == -1 else end)]
            searched = start
    return found


def has_css_url(text: str) -> bool:
    """``CSS_URL.search(text) is not None``: between ``url(`` and its ``//`` stand no ``(``."""
    for slash in _slashes(text):
        paren = text.rfind("(", 0, slash)
        if paren >= 3 and CSS_URL.match(text, paren - 3):
            return True
    return False


def page_problems(name: str, text: str) -> list[str]:
    """What in one page (``name``: its path, for the message) would load from elsewhere."""
    problems = []
    for tag in external_tags(text):
        if tag.lower().startswith("<link") and _LINK_REL.search(tag):
            continue
        problems.append(f"{name}: {tag[:120]}")
    if has_css_url(text):
        problems.append(f"{name}: CSS url() to another host")
    return problems


def verify_site(html_dir: Path) -> None:
    """Refuse a site whose pages would make the reader's browser load anything from elsewhere."""
    problems = []
    for page in sorted(html_dir.rglob("*.html")):
        problems += page_problems(str(page.relative_to(html_dir)), page.read_text(encoding="utf-8"))
    if problems:
        raise BuildError("third-party resources in the site: " + "; ".join(problems[:5]))
