"""The print page, assembled from the built pages: each page's content as a chapter, in order.

render/printpage.py writes the print page's own Markdown: title, contents, and an empty
chapters element that names the pages it holds (``data-chapters="index.md=index ..."``).
After the engine has built every page, their content (the theme's ``<article>``, as Material
and Zensical both write it) goes into that element: every id is prefixed with its page's id,
so it is unique on the print page; every link to another page becomes a link to that page's
chapter; headings go one level down; a diagram's text version is open (on paper a shut
``<details>`` shows only its summary). Converting all of it as one more Markdown page would
double the build's Markdown work.

Only the standard library on purpose: `handbook generate` copies this file into a portable
project as an MkDocs hook (``on_post_build``), so a stock `mkdocs build` assembles the same page.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from generator.layout import site_relpath

# Each expression starts with its literal text, and what \b asked before it is asked behind it
# ((?<!\w)...): Python's re then looks for the literal first instead of trying every position
# (a tenth of the time on a site's pages).
ARTICLE = re.compile(r'<article class="md-content__inner[^"]*">')
_END = "</article>"
PLACE = re.compile(r'<div class="hb-print-chapters" data-chapters="([^"]*)"></div>')
_CONTENTS = re.compile(r'data-hb-chapter="([\w-]+)"')  # the print page's contents, linked once the chapters are in
_ID = re.compile(r'id="(?<!\wid=")([^"]+)"')
_HREF = re.compile(r'href="(?<!\whref=")([^"]*)"')  # xlink:href too: the "xlink:" before it stays as it is
_LABELLED = re.compile(r'aria-(?<!\waria-)(labelledby|describedby)="([^"]+)"')
_URL_REF = re.compile(r"url\(#([^)]+)\)")
_HEADING = re.compile(r"<(/?)h([1-6])\b")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_TEXT_VERSION = '<details class="hb-diagram-text"'  # a diagram's text version (diagrams/text.py), shut on screen


def url_of(path: str) -> str:
    """The directory URL of a page under docs/: personen/anna.md -> personen/anna/, index.md -> ''."""
    stem = path.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        stem = stem.removesuffix("index").rstrip("/")
        return f"{stem}/" if stem else ""
    return f"{stem}/"


def assemble(html: Path, print_page: str) -> None:
    """Fill the built print page (docs path ``print_page``) with every page's content."""
    target = html / url_of(print_page) / "index.html"
    page = target.read_text(encoding="utf-8")
    place = PLACE.search(page)
    if place is None:
        raise ValueError(f"the print page {print_page} lost its chapters element in the engine's output")
    order = [tuple(item.split("=", 1)) for item in place.group(1).split()]
    ids = {url_of(path): anchor for path, anchor in order}
    here = url_of(print_page)
    chapters = "\n".join(chapter(html, path, anchor, ids, here) for path, anchor in order)
    page = page[: place.start()] + chapters + page[place.end() :]
    target.write_text(_CONTENTS.sub(lambda m: f'href="#{m.group(1)}"', page), encoding="utf-8")


def chapter(html: Path, path: str, anchor: str, ids: dict[str, str], here: str) -> str:
    url = url_of(path)
    text = (html / url / "index.html").read_text(encoding="utf-8")
    found = ARTICLE.search(text)
    end = text.find(_END, found.end()) if found else -1
    if found is None or end < 0:
        raise ValueError(f"no page content found in {url or '/'}index.html for the print page")
    content = text[found.end() : end]
    own = set(_ID.findall(content))
    first_h1 = re.search(r'<h1\b[^>]*\bid="([^"]+)"', content)
    title = first_h1.group(1) if first_h1 else None

    def renamed(ident: str) -> str:
        return anchor if ident == title else f"{anchor}-{ident}"

    def link(match: re.Match[str]) -> str:
        attr, href = "href", match.group(1)
        if href.startswith("#"):
            return f'{attr}="#{renamed(href[1:])}"' if href[1:] in own else match.group(0)
        if not href or _SCHEME.match(href) or href.startswith("//"):
            return match.group(0)
        target, hashmark, fragment = href.partition("#")
        resolved = posixpath.normpath(posixpath.join(url or ".", target))
        key = "" if resolved == "." else resolved.rstrip("/") + "/"
        if key in ids:  # a page of the handbook: its chapter here
            return f'{attr}="#{ids[key]}-{fragment}"' if hashmark and fragment else f'{attr}="#{ids[key]}"'
        # a file of the site (a download): the same file, seen from the print page
        return f'{attr}="{site_relpath(resolved, here.rstrip("/") or ".")}"'

    content = _ID.sub(lambda m: f'id="{renamed(m.group(1))}"', content)
    content = _HREF.sub(link, content)
    content = _LABELLED.sub(
        lambda m: f'aria-{m.group(1)}="{" ".join(renamed(i) if i in own else i for i in m.group(2).split())}"',
        content,
    )
    content = _URL_REF.sub(lambda m: f"url(#{renamed(m.group(1))})" if m.group(1) in own else m.group(0), content)
    content = _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + 1)}", content)
    content = content.replace(_TEXT_VERSION, f"{_TEXT_VERSION} open")  # paper shows nothing of a shut <details>
    return f'<section class="hb-print-chapter" id="{anchor}-chapter">\n{content.strip()}\n</section>'


def on_post_build(config, **kwargs) -> None:
    """MkDocs hook of a portable project (`handbook generate`): the same print page, assembled."""
    site = Path(config["site_dir"])
    if (site / "print_page" / "index.html").is_file():
        assemble(site, "print_page.md")
