"""The kept conversions and search sections give what MkDocs and Material compute, and only where
they would compute the same: real MkDocs pages, real Files, real configs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from generator.builder import fastpaths
from generator.builder.fastpaths import pagecache, search

from .conftest import ROOT

PAGES = {
    "a.md": "# Start\n\nSee [b](b.md#teil), [c](sub/c.md) and [self](#start).\n\n## Zwei { #zwei }\n\n<span id='raw'></span>\n",
    "b.md": "# B\n\n## Teil\n\ntext\n",
    "sub/c.md": "# C\n\n[back](../a.md#zwei)\n",
}


@pytest.fixture
def config(tmp_path: Path):
    docs = tmp_path / "docs"
    for rel, text in PAGES.items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(text, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\nsite_name: t\ndocs_dir: docs\n", encoding="utf-8"
    )
    fastpaths.install()
    return load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site"))


def site(config, names: list[str]) -> Files:
    return Files([File(name, config.docs_dir, config.site_dir, config.use_directory_urls) for name in names])


def rendered(config, files: Files, name: str, cached: bool) -> tuple:
    pagecache.install(on=cached)
    try:
        page = Page(None, files.get_file_from_path(name), config)
        page.read_source(config)
        page.render(config, files)
    finally:
        pagecache.install(on=True)
    links = {f.src_uri: anchors for f, anchors in (page.links_to_anchors or {}).items()}
    return page.content, str(page.toc), page.title, page.present_anchor_ids, links


def test_a_kept_conversion_equals_mkdocs_own(config) -> None:
    pagecache.CACHE.clear()
    files = site(config, list(PAGES))
    stock = [rendered(config, files, name, cached=False) for name in PAGES]
    hits = pagecache.Stats.hits
    first = [rendered(config, files, name, cached=True) for name in PAGES]
    again = [rendered(config, site(config, list(PAGES)), name, cached=True) for name in PAGES]  # another site
    assert first == stock and again == stock
    assert pagecache.Stats.hits - hits == len(PAGES)  # the second site converted nothing
    assert stock[0][3] == {"start", "zwei", "raw"}
    assert stock[0][4] == {"b.md": {"teil": "b.md#teil"}, "a.md": {"start": "#start", "zwei": "#zwei"}}


def test_a_site_whose_links_answer_otherwise_converts_again(config, caplog) -> None:
    pagecache.CACHE.clear()
    rendered(config, site(config, list(PAGES)), "a.md", cached=True)
    hits = pagecache.Stats.hits
    without_c = site(config, ["a.md", "b.md"])
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        kept = rendered(config, without_c, "a.md", cached=True)
    assert pagecache.Stats.hits == hits  # sub/c.md is missing here: not the same answers
    assert kept == rendered(config, without_c, "a.md", cached=False)
    assert any("sub/c.md" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        rendered(config, without_c, "a.md", cached=True)
    assert any("sub/c.md" in r.getMessage() for r in caplog.records), "a conversion that warns is never kept"


def test_another_setting_converts_again(config) -> None:
    pagecache.CACHE.clear()
    files = site(config, list(PAGES))
    rendered(config, files, "b.md", cached=True)
    hits = pagecache.Stats.hits
    config["mdx_configs"]["toc"] = {"permalink": "#"}
    assert rendered(config, files, "b.md", cached=True) == rendered(config, files, "b.md", cached=False)
    assert pagecache.Stats.hits == hits
    assert pagecache.setting(Page(None, files.get_file_from_path("b.md"), config), config) is None  # not read yet
    config["markdown_extensions"].append("pymdownx.snippets")  # reads files: never kept
    page = Page(None, files.get_file_from_path("b.md"), config)
    page.read_source(config)
    assert pagecache.setting(page, config) is None


def test_kept_search_sections_equal_materials(tmp_path: Path) -> None:
    from material.plugins.search import plugin

    html = (
        '<h1 id="a">A<a class="headerlink" href="#a">¶</a></h1><p>eins <b>zwei</b></p>'
        '<div data-search-exclude><p>nicht</p></div><h2 id="b">B</h2><ul><li>x</li></ul><pre><code>c\n d</code></pre>'
    )

    def split(parsed) -> list[tuple]:
        return [(s.el.tag, s.el.attrs, s.depth, s.id, s.title, s.text, s.is_excluded()) for s in parsed]

    parser = search.STOCK()
    parser.feed(html)
    parser.close()
    expected = split(parser.data)
    first, second = search.sections(html), search.sections(html)
    assert split(first) == expected and split(second) == expected
    first[0].title.append("changed")  # what create_entry_for_section may do to a section
    assert split(search.sections(html)) == expected
    assert plugin.SearchIndex.add_entry_from_context is search.add_entry_from_context
