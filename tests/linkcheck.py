"""Check the links of a built site offline: internal targets exist, anchors exist, nothing points elsewhere.

MkDocs misses broken anchors and some broken links (PITFALLS.md), so the built HTML is checked
itself. Every ``href``/``src``/``srcset``/... of every HTML page, and every ``url()`` of every
stylesheet, is resolved like a browser would against the page (``/x`` against the site root, the
way the site is hosted); a directory resolves to its ``index.html``. Problems name the page, the
link and what is missing.

    python -m tests.linkcheck site/<slug> [site/<slug> ...]
"""

from __future__ import annotations

import posixpath
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Attributes that make the browser load or navigate to a URL.
URL_ATTRIBUTES = {"href", "src", "action", "poster", "data", "xlink:href", "formaction", "cite", "background"}
IGNORED_SCHEMES = {"mailto", "tel", "data"}
_CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""")
_CSS_IMPORT = re.compile(r"""@import\s+(["'])([^"']+)\1""")


@dataclass(frozen=True)
class Problem:
    page: str  # path of the page relative to the site root
    line: int
    link: str
    what: str

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: link '{self.link}': {self.what}"


@dataclass
class Report:
    pages: int = 0
    links: int = 0  # internal links that were checked
    anchors: int = 0  # of those, links with a #fragment that was looked up
    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [str(p) for p in self.problems]  # files in path order, links in document order
        lines.append(
            f"{self.pages} page(s), {self.links} internal link(s) ({self.anchors} with an anchor), "
            f"{len(self.problems)} problem(s)"
        )
        return "\n".join(lines)


class _Page(HTMLParser):
    """Collects the URLs a page refers to and the anchors (id, <a name>) it offers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[int, str]] = []
        self.anchors: set[str] = set()
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        self._in_style = tag == "style"
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag in ("a", "map")):
                self.anchors.add(value)
            elif name in URL_ATTRIBUTES:
                self.urls.append((line, value.strip()))
            elif name in ("srcset", "imagesrcset"):
                self.urls.extend((line, part.split()[0]) for part in value.split(",") if part.strip())
            elif name == "style":
                self.urls.extend(css_urls(value, line))
            elif name == "content" and ("http-equiv", "refresh") in attrs and "url=" in value.lower():
                self.urls.append((line, value[value.lower().index("url=") + 4 :].strip()))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls.extend(css_urls(data, self.getpos()[0]))


def css_urls(css: str, first_line: int) -> list[tuple[int, str]]:
    """(line, URL) of every url() and @import in a stylesheet or style attribute."""
    matches = sorted([*_CSS_URL.finditer(css), *_CSS_IMPORT.finditer(css)], key=lambda m: m.start())
    return [(first_line + css.count("\n", 0, m.start()), m.group(2).strip()) for m in matches]


class SiteChecker:
    def __init__(self, root: Path, allow_external: Iterable[str] = ()) -> None:
        self.root = root.resolve()
        self.allow_external = tuple(allow_external)  # URL prefixes that may point elsewhere
        self._parsed: dict[str, _Page] = {}

    def run(self) -> Report:
        report = Report()
        for file in sorted(self.root.rglob("*")):
            if file.suffix in (".html", ".htm", ".css") and file.is_file():
                report.pages += file.suffix != ".css"
                rel = file.relative_to(self.root).as_posix()
                for line, url in self._urls(rel):
                    problem = self.check(rel, line, url)
                    if problem is not None:
                        report.problems.append(problem)
                    elif _is_internal(url):
                        report.links += 1
                        report.anchors += bool(urlsplit(url).fragment)
        return report

    def _urls(self, rel: str) -> list[tuple[int, str]]:
        if rel.endswith(".css"):
            return css_urls((self.root / rel).read_text(encoding="utf-8", errors="replace"), 1)
        return self._page(rel).urls

    def _page(self, rel: str) -> _Page:
        if rel not in self._parsed:
            parser = _Page()
            parser.feed((self.root / rel).read_text(encoding="utf-8", errors="replace"))
            parser.close()
            self._parsed[rel] = parser
        return self._parsed[rel]

    def check(self, page: str, line: int, url: str) -> Problem | None:
        """None when ``url`` on ``page`` is fine, else what is wrong with it."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme in IGNORED_SCHEMES:
            return None
        if scheme or parts.netloc:
            if scheme not in ("http", "https", ""):
                return Problem(page, line, url, f"unsupported URL scheme '{scheme}:'")
            if any(url.startswith(prefix) for prefix in self.allow_external):
                return None
            return Problem(page, line, url, "points outside the site (a third party; not in the allow list)")
        target = self._target(page, unquote(parts.path))
        if target is None:
            return Problem(page, line, url, "points above the site root")
        if not (self.root / target).is_file():
            if not (self.root / target / "index.html").is_file():
                return Problem(page, line, url, f"target {target} does not exist")
            target = f"{target}/index.html"
        fragment = unquote(parts.fragment)
        if fragment and target.endswith((".html", ".htm", ".svg")) and fragment not in self._page(target).anchors:
            return Problem(page, line, url, f"no id or name '{fragment}' in {target}")
        return None

    def _target(self, page: str, path: str) -> str | None:
        """The file a URL path names, relative to the root: '' for the page itself; None above the root."""
        if not path:
            return page
        base = "" if path.startswith("/") else posixpath.dirname(page)
        joined = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
        if joined == ".." or joined.startswith("../"):
            return None
        if joined == ".":
            return "index.html"
        return f"{joined}/index.html" if path.endswith("/") else joined


def _is_internal(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc


def check_site(root: Path, allow_external: Iterable[str] = ()) -> Report:
    """Check every page and stylesheet under ``root`` (one built client site)."""
    return SiteChecker(root, allow_external).run()


def main(argv: list[str] | None = None) -> int:
    folders = argv if argv is not None else sys.argv[1:]
    if not folders:
        print("usage: python -m tests.linkcheck SITE_FOLDER [SITE_FOLDER ...]", file=sys.stderr)
        return 2
    failed = False
    for folder in folders:
        report = check_site(Path(folder))
        print(f"{folder}: {report}")
        failed = failed or bool(report.problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
