"""Links in the built example sites, checked offline by tests/linkcheck.py (MkDocs misses some)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .linkcheck import check_site, main
from .test_browser import ENGLISH, GERMAN, built_examples

CLIENT_SITE_ALLOW_LIST: tuple[str, ...] = ()  # a client's handbook links to no third party


@pytest.mark.parametrize("slug", [GERMAN, ENGLISH])
def test_every_link_and_anchor_of_the_examples_resolves(tmp_path_factory: pytest.TempPathFactory, slug: str) -> None:
    site = built_examples(tmp_path_factory) / slug
    report = check_site(site, CLIENT_SITE_ALLOW_LIST)
    assert report.problems == [], str(report)
    # Not vacuous: every page was read, print page and 404 included, with links and anchors in them.
    assert report.pages == len(list(site.rglob("*.html")))
    assert (site / "print_page" / "index.html").is_file() and (site / "404.html").is_file()
    assert report.links > 1000 and report.anchors > 100, str(report)


PAGES = {
    "index.html": """<!doctype html><html><head>
<link rel="stylesheet" href="assets/site.css">
<style>.logo { background: url("assets/logo.svg#mark") }</style>
</head><body>
<h1 id="top">Start</h1>
<a href="#top">up</a> <a href="#">also up</a> <a href="#nowhere">broken own anchor</a>
<a href="people/">people</a> <a href="people">people, no slash</a> <a href="people/ann/#phone">Ann's phone</a>
<a href="people/ann/?h=ann#phone">from search</a> <a href="Gro%C3%9F.html">percent-encoded</a>
<a href="people/bob/">missing page</a> <a href="people/ann/#fax">missing anchor</a>
<a href="mailto:ann@example.com">mail</a> <a href="tel:+49301234">phone</a>
<img src="data:image/png;base64,AAAA" alt=""> <img src="assets/missing.png" alt="">
<img srcset="assets/logo.svg 1x, assets/logo-2x.png 2x" alt="">
<a href="https://example.com/">elsewhere</a> <script src="//cdn.example.net/x.js"></script>
<a href="../outside.html">above the root</a> <a href="javascript:alert(1)">script</a>
</body></html>""",
    "people/index.html": '<a href="ann/">Ann</a> <a href="/index.html#top">home</a> <a href="../#gone">gone</a>',
    "people/ann/index.html": '<h1 id="ann">Ann</h1>\n<p><a name="phone">Phone</a></p>',
    "Groß.html": "<p>ß</p>",
    "assets/site.css": 'body { background: url(bg.png) }\n@import "print.css";\n.x { background: url(data:image/gif;base64,R0) }',
    "assets/print.css": "",
    "assets/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg"><g id="mark"/></svg>',
}


@pytest.fixture
def small_site(tmp_path: Path) -> Path:
    for name, text in PAGES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_broken_links_and_anchors_are_reported(small_site: Path) -> None:
    report = check_site(small_site)
    assert [str(p) for p in report.problems] == [
        "assets/site.css:1: link 'bg.png': target assets/bg.png does not exist",
        "index.html:6: link '#nowhere': no id or name 'nowhere' in index.html",
        "index.html:9: link 'people/bob/': target people/bob/index.html does not exist",
        "index.html:9: link 'people/ann/#fax': no id or name 'fax' in people/ann/index.html",
        "index.html:11: link 'assets/missing.png': target assets/missing.png does not exist",
        "index.html:12: link 'assets/logo-2x.png': target assets/logo-2x.png does not exist",
        "index.html:13: link 'https://example.com/': points outside the site (a third party; not in the allow list)",
        "index.html:13: link '//cdn.example.net/x.js': points outside the site (a third party; not in the allow list)",
        "index.html:14: link '../outside.html': points above the site root",
        "index.html:14: link 'javascript:alert(1)': unsupported URL scheme 'javascript:'",
        "people/index.html:1: link '../#gone': no id or name 'gone' in index.html",
    ]
    assert report.pages == 4


def test_allow_list_admits_named_external_urls_only(small_site: Path) -> None:
    problems = [p.link for p in check_site(small_site, ["https://example.com/"]).problems]
    assert "https://example.com/" not in problems and "//cdn.example.net/x.js" in problems


def test_command_line_exit_codes(
    small_site: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(small_site)]) == 1
    assert "index.html:9: link 'people/bob/': target people/bob/index.html does not exist" in capsys.readouterr().out
    assert main([str(built_examples(tmp_path_factory) / ENGLISH)]) == 0
    assert main([]) == 2
