"""Checks on a built site before it is swapped in: nothing reaches a third party."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from .site import BuildError

_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)
_RESOURCE_ATTRS = {("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"), ("source", "src"),
                   ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data"), ("image", "href")}


class _Resources(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (tag, name) in _RESOURCE_ATTRS and _EXTERNAL.match(value.strip()):
                if tag == "link" and dict(attrs).get("rel") not in ("stylesheet", "preload", "icon", "preconnect"):
                    continue
                self.external.append(f"<{tag} {name}={value}>")


def verify_site(html_dir: Path) -> None:
    """Refuse a site whose pages would make the reader's browser load anything from elsewhere."""
    problems = []
    for page in sorted(html_dir.rglob("*.html")):
        parser = _Resources()
        parser.feed(page.read_text(encoding="utf-8"))
        problems += [f"{page.relative_to(html_dir)}: {item}" for item in parser.external]
    if problems:
        raise BuildError("third-party resources in the site: " + "; ".join(problems[:5]))
