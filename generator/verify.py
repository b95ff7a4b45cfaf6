"""Checks on a built site before it is swapped in: nothing reaches a third party."""

from __future__ import annotations

import re
from pathlib import Path

from .site import BuildError

# A tag that makes the browser fetch something, pointing at another host (absolute or protocol-relative).
_EXTERNAL = re.compile(
    r"<(?:script|link|img|iframe|source|video|audio|embed|object|image|use|track)\b[^>]*?"
    r"\s(?:src|href|data|srcset|xlink:href|poster)\s*=\s*[\"']?\s*(?:[a-z][a-z0-9+.-]*:)?//[^\s\"'>]*",
    re.I,
)
_CSS_URL = re.compile(r"url\(\s*[\"']?\s*(?:https?:)?//", re.I)


def verify_site(html_dir: Path) -> None:
    """Refuse a site whose pages would make the reader's browser load anything from elsewhere."""
    problems = []
    for page in sorted(html_dir.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        for match in _EXTERNAL.finditer(text):
            tag = match.group(0)
            if tag.lower().startswith("<link") and re.search(r"rel=[\"']?(?:canonical|alternate)\b", tag, re.I):
                continue
            problems.append(f"{page.relative_to(html_dir)}: {tag[:120]}")
        if _CSS_URL.search(text):
            problems.append(f"{page.relative_to(html_dir)}: CSS url() to another host")
    if problems:
        raise BuildError("third-party resources in the site: " + "; ".join(problems[:5]))
