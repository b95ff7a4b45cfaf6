"""The one sanitiser for every piece of HTML that reaches a page from a user.

A Markdown field (``summary``, role descriptions) or an extra page (``pages/*.md``) is
converted to HTML here, with a fixed set of harmless Markdown extensions (no ``attr_list``,
no raw-HTML-in-Markdown, nothing that reads files), and the result goes through an
allow-list sanitiser (nh3, the Rust ammonia library): only text structure survives (para-
graphs, lists, tables, emphasis, code, links, admonitions); no script, no event handler,
no style beyond table alignment, no element or attribute that loads anything (img, svg,
iframe, object, link, meta, background, srcset, ...), and links only to http(s), mailto,
tel or pages of the site, whatever the spelling. What comes out is placed in the page as a
raw HTML block that no engine reads as Markdown again (render/user.py places it). Relative
links are resolved here, the way the site's directory URLs need them, since no engine
rewrites links inside raw HTML.
"""

from __future__ import annotations

import posixpath
import re
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import markdown
import nh3

from generator.layout import site_relpath

EXTENSIONS = ["tables", "def_list", "admonition", "sane_lists", "abbr", "footnotes"]
TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
    "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "u", "ul", "var", "wbr",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"style"},
    "th": {"style"},
    "ol": {"start"},
    "sup": {"id"},
    "li": {"id"},
}
_FOOTNOTE_ID = re.compile(r"fn(?:ref)?:[\w-]{1,64}")  # the only ids users may set: footnotes' own
CLASSES = {
    "div": {"admonition", "note", "abstract", "info", "tip", "success", "question", "warning", "failure",
            "danger", "bug", "example", "quote", "footnote"},
    "p": {"admonition-title"},
    "a": {"footnote-ref", "footnote-backref"},
}  # fmt: skip
SCHEMES = {"http", "https", "mailto", "tel"}
DROP_WITH_CONTENT = {"script", "style", "template", "textarea", "title", "noscript", "iframe", "object", "svg", "math"}
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass
class Links:
    """How relative links of one page are resolved: the page's source path under docs/ and the
    pages that exist. Links to anything else are collected in ``broken``."""

    page: str
    pages: frozenset[str] = frozenset()
    files: frozenset[str] = frozenset()  # other files of the site (downloads)
    broken: list[str] = field(default_factory=list)

    def url_dir(self) -> str:
        """The folder a browser resolves the page's relative links against (directory URLs)."""
        stem = self.page.removesuffix(".md")
        return posixpath.dirname(stem) if posixpath.basename(stem) == "index" else stem

    def resolve(self, href: str) -> str | None:
        target, hashmark, fragment = href.partition("#")
        if not target:  # a link inside the page
            return href
        source = posixpath.normpath(posixpath.join(posixpath.dirname(self.page), target))
        if source.startswith("../") or source == "..":
            self.broken.append(href)
            return None
        if source.endswith(".md"):
            if source not in self.pages:
                self.broken.append(href)
                return None
            stem = source.removesuffix(".md")
            url = posixpath.dirname(stem) if posixpath.basename(stem) == "index" else stem
            rel = site_relpath(url or ".", self.url_dir() or ".")
            rel = "./" if rel == "." else rel + "/"
        elif source in self.files:
            rel = site_relpath(source, self.url_dir() or ".")
        else:
            self.broken.append(href)
            return None
        return rel + (hashmark + fragment if hashmark else "")


def _filter(links: Links | None):
    def attribute(tag: str, attr: str, value: str) -> str | None:
        if attr == "id":
            return value if _FOOTNOTE_ID.fullmatch(value) else None
        if attr != "href":
            return value
        href = value.strip()
        if href.startswith(("//", "\\", "/")) or "\\" in href:
            return None  # another host, whatever the spelling; or a path outside the site
        if _SCHEME.match(href):
            return href if urlsplit(href).scheme.lower() in SCHEMES else None
        return links.resolve(href) if links is not None else None

    return attribute


def clean(html: str, links: Links | None = None) -> str:
    """Sanitised HTML: only the allow-listed structure, links resolved (or dropped)."""
    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ATTRIBUTES,
        allowed_classes=CLASSES,
        url_schemes=SCHEMES,
        attribute_filter=_filter(links),
        filter_style_properties={"text-align"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def to_html(source: str, links: Links | None = None) -> str:
    """A piece of user Markdown as sanitised HTML.

    The same Markdown on the same page converts to the same HTML wherever the site answers its
    links the same: a shared chapter in every site of a language, a role description the catalog
    gives many clients. So each conversion is kept with the links it asked about and their
    answers, and used again (a bounded number, the most recent first) where asking the new
    site's ``links`` gives the same answers; a broken link is reported again each time."""
    if links is not None and type(links) is not Links:
        return _convert(source, links)
    key = (source, links.page if links else None)
    for html, asked in _KEPT.get(key, ()):  # without links nothing was asked
        probe = Links(links.page, links.pages, links.files) if links else Links("")
        if all(probe.resolve(href) == answer for href, answer in asked):
            _KEPT.move_to_end(key)
            if links:
                links.broken.extend(probe.broken)
            return html
    recording = _Recording(links.page, links.pages, links.files, links.broken) if links else None
    html = _convert(source, recording)
    variants = _KEPT.setdefault(key, [])
    variants.insert(0, (html, tuple(recording.asked) if recording else ()))
    del variants[_VARIANTS:]
    _KEPT.move_to_end(key)
    while len(_KEPT) > _KEEP:
        _KEPT.popitem(last=False)
    return html


_LOCAL = threading.local()  # one converter per thread: building one costs more than most conversions


def _converter() -> markdown.Markdown:
    """This thread's Markdown converter, reset (Python-Markdown's own way to convert again)."""
    converter = getattr(_LOCAL, "converter", None)
    if converter is None:
        converter = _LOCAL.converter = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
    return converter.reset()


def _convert(source: str, links: Links | None) -> str:
    converter = _converter()
    return clean(converter.convert(source), links)


@dataclass
class _Recording(Links):
    """Links that write down every question and its answer (the broken ones go to ``broken`` as ever)."""

    asked: list[tuple[str, str | None]] = field(default_factory=list)

    def resolve(self, href: str) -> str | None:
        answer = super().resolve(href)
        self.asked.append((href, answer))
        return answer


_KEPT: OrderedDict[tuple[str, str | None], list[tuple[str, tuple]]] = OrderedDict()
_KEEP, _VARIANTS = 2000, 4  # conversions kept per process; answers kept per piece and page


class _Tags(HTMLParser):
    """Every (tag, attribute) of a piece of HTML, counted."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found[f"<{tag}>"] += 1
        for name, value in attrs:
            if name in ("rel",):
                continue
            text = (value or "").strip()
            if name == "style":
                text = re.sub(r"\s+", "", text).rstrip(";")
            label = f"{name}={text[:60]}" if name in ("href", "src", "style") else name
            self.found[f"<{tag} {label}>"] += 1


def _inventory(html: str) -> Counter[str]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.found


def removed(source: str) -> list[str]:
    """What the sanitiser leaves out of a piece of user Markdown (``<script>``, ``<img src=...>``,
    ``<a href=javascript:...>``), for a warning that says so: nothing disappears without a word."""
    converter = _converter()
    raw = converter.convert(source.replace("\r\n", "\n"))
    gone = sorted(_inventory(raw) - _inventory(clean(raw, _Accepting())))
    tags_with_urls = {item.split(" ")[0] for item in gone if " src=" in item or " href=" in item}
    out = []
    for item in gone:
        tag = item.split(" ")[0].rstrip(">")
        if item == f"{tag}>" and any(g.startswith(f"{tag} ") for g in gone):
            continue  # the tag with what made it unsafe says more
        if tag in tags_with_urls and " src=" not in item and " href=" not in item:
            continue
        out.append(item)
    return out


class _Accepting(Links):
    """Links that resolve every relative target: when looking for what the sanitiser drops,
    a link to a page that does not exist is not the sanitiser's doing."""

    def __init__(self) -> None:
        super().__init__("index.md")

    def resolve(self, href: str) -> str | None:
        return href


_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)


@lru_cache(maxsize=2048)  # pure: the same chapter or role description in every client's site
def first_paragraph(source: str) -> str:
    """The text of a piece of Markdown's first paragraph, without any markup (a page's description)."""
    converter = _converter()
    found = _PARAGRAPH.search(clean(converter.convert(source.replace("\r\n", "\n"))))
    if not found:
        return ""
    text = unescape(nh3.clean(found.group(1), tags=set()))
    return " ".join(text.split())
