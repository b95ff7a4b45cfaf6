"""The build engine's fast paths give exactly what the code they replace gives.

Each one is compared with the original on the examples' real pages and on generated
text made of the characters its expressions care about. `make bench` adds the
byte-for-byte comparison of whole sites (A against plain `mkdocs build`).
"""

from __future__ import annotations

import collections
import os
import random
import re
import shutil
import subprocess
import sys
import types
from html import parser as html_parser
from pathlib import Path

import jinja2
import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.structure import pages as mkdocs_pages

from generator.builder import fastpaths as engine
from generator.builder.fastpaths import anchors, htmlblock, mdfast, search, tags, theme
from generator.builder.verify import CSS_URL, EXTERNAL, external_tags, has_css_url
from generator.pipeline import build_all
from generator.project.check import select

from .conftest import make_repo

EXTENSIONS = ["toc", "tables", "fenced_code", "attr_list", "admonition", "def_list"]
CONFIGS = {"toc": {"permalink": True}}

# Pieces that the inline patterns, the print-site expression and the third-party check react to.
MARKDOWN_PIECES = [
    "a", "Wort ", " ", "\n", "  \n", "\n\n", "*", "**", "_", "__", "`", "``", "\\", "\\*", "[", "]", "(", ")",
    "![", "](x.md)", "](#a)", "[ref]", "<", ">", "<b>", "</b>", "<http://x.example>", "<a@b.example>", "&amp;",
    "&#48;", "&", ";", "| ", " |", "|---|", "# ", "## ", "- ", "1. ", ": ", "!!! note\n    ", "{: .c }", "ü", "—",
]  # fmt: skip
HTML_PIECES = [
    "<", ">", "<h2", "<H3", "<li", "<sup", "<p", "<a", " ", "\n", '"', "=", 'id="', 'ID="', "x", "h2", "-",
    "<svg", "/>", "</h2>", "\u2028", "\x85",
]  # fmt: skip
SEARCH_PIECES = [
    "<h1 id=\"a\">", "<h2 id=\"b\">", "<h3>", "</h1>", "</h2>", "</h3>", "<p>", "</p>", "<div>", "</div>",
    "<div data-search-exclude>", "<pre>", "</pre>", "<code>", "</code>", "<script>", "</script>", "<br>",
    "<a class=\"headerlink\" href=\"#a\">", "</a>", "<ul>", "<li>", "</li>", "</ul>", "<svg>", "<path/>", "</svg>",
    "<table class=\"linenodiv\">", "</table>", "<sup>", "</sup>", "Wort", " ", "\n", "  ", "&amp;", "<",
]  # fmt: skip
RAW_HTML_PIECES = [
    "\n", "\n\n", " ", "   ", "    ", "\t", "Wort", "`", '"', "'", "=", ">", "<", "</", "&", "&amp;", "&amp", "&#48;",
    "&#48", "&#x3b;", "&#xz;", "<div>", "</div>", '<div class="a">', "<DIV>", "</DIV>", '<div\n class="b">', "<p>",
    "</p>", "<span>", "</span>", "<br>", "<br/>", "<br />", "<hr>", "<div/>", '<svg viewBox="0 0 1 1">', "</svg>",
    '<path d="M0"/>', "<title>", "</title>", "<table>", "<td>", "</td>", "</table>", "<a href=x>", "<a href=x/>",
    '<a href="y" />', "</a>", "<a b='c\"d'>", "<a b=c,>", "<details>", "<summary>", "</summary>", "</details>",
    "<ul>", "<li>", "</li>", "</ul>", "<!-- c -->", "<?x?>", "<script>", "</script>", "</ div>", "</>", "<ü>",
    "\n<div>", "\n</div>\n\n", "\n<p>", "\n  <table>", "\n| a | <b>x</b> |",
]  # fmt: skip
VERIFY_PIECES = [
    "<", ">", "<img", "<SCRIPT", "<link", "<use", " src=", " href=", " xlink:href=", "=", '"', "'", "//",
    "https:", "http:", "x", " ", "\n", "url(", "URL(", "(", ")", "rel=canonical ", ".example", "a",
]  # fmt: skip


def texts(pieces: list[str], count: int, seed: int, longest: int = 60) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, longest))) for _ in range(count)]


EPOCH = "1790000000"


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples (German, English, and the German one again under another name) built in
    this process with the engine on: the German sites share one environment."""
    repo = make_repo(tmp_path_factory.mktemp("engine"), fixtures=True)
    shutil.copytree(repo / "projects" / "muster-maschinenbau", repo / "projects" / "zweiter-kunde")
    chosen, _ = select(repo, [])
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        run = build_all(repo, chosen, repo / "site", jobs=1)
    assert [o.state for o in run.outcomes] == ["built"] * 3
    return repo


def test_the_engine_builds_what_plain_mkdocs_builds(example_site: Path) -> None:
    """Every file of every example site equals a stock `mkdocs build` of the generated project."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    gen = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--out", "gen"], cwd=example_site, env=env, capture_output=True
    )
    assert gen.returncode == 0, gen.stderr
    for project in sorted((example_site / "gen").glob("*/mkdocs.yml")):
        stock = example_site / "stock" / project.parent.name
        command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project), "-d", str(stock)]
        done = subprocess.run(command, env=env, capture_output=True)
        assert done.returncode == 0, done.stderr
        ours = example_site / "site" / project.parent.name
        files = sorted(p.relative_to(stock) for p in stock.rglob("*") if p.is_file())
        assert files == sorted(p.relative_to(ours) for p in ours.rglob("*") if p.is_file())
        assert len(files) > 60
        for rel in files:
            assert (ours / rel).read_bytes() == (stock / rel).read_bytes(), rel


def convert_both(sources: list[str]) -> tuple[list[str], list[str]]:
    def convert() -> list[str]:
        return [markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS).convert(s) for s in sources]

    engine.install()
    mdfast.install(on=False)
    htmlblock.install(on=False)
    try:
        stock = convert()
    finally:
        mdfast.install(on=True)
        htmlblock.install(on=True)
    return stock, convert()


def test_inline_pass_gives_markdowns_own_html_on_the_examples(example_site: Path) -> None:
    sources = [p.read_text(encoding="utf-8") for p in sorted(example_site.glob("docs/*/*.md"))]
    sources += [p.read_text(encoding="utf-8") for p in sorted((Path(__file__).parent / "golden").rglob("*.md"))]
    assert len(sources) > 40
    stock, fast = convert_both(sources)
    assert fast == stock


def test_inline_pass_gives_markdowns_own_html_on_generated_text() -> None:
    sources = texts(MARKDOWN_PIECES, 1500, seed=5)
    stock, fast = convert_both(sources)
    assert fast == stock
    assert sum("<strong>" in h for h in fast) > 20 and sum("<code>" in h for h in fast) > 20  # patterns did match


def raw_html_pass(text: str, fast: bool) -> tuple[list[str], list[str], int]:
    """Markdown's raw-HTML pass over ``text``: the lines it leaves, what it stashed."""
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS)
    step = md.preprocessors["html_block"]
    lines = (htmlblock.run if fast else htmlblock.STOCK)(step, text.split("\n"))
    return lines, list(md.htmlStash.rawHtmlBlocks), md.htmlStash.html_counter


@pytest.fixture(scope="module")
def real_pages(example_site: Path) -> list[str]:
    """Every page the examples' projects give the engine (diagrams inlined), and the goldens."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    command = [sys.executable, "-m", "generator", "generate", "--out", "gen-pages"]
    done = subprocess.run(command, cwd=example_site, env=env, capture_output=True)
    assert done.returncode == 0, done.stderr
    sources = [p.read_text(encoding="utf-8") for p in sorted((example_site / "gen-pages").rglob("*.md"))]
    sources += [p.read_text(encoding="utf-8") for p in sorted((Path(__file__).parent / "golden").rglob("*.md"))]
    assert len(sources) > 100
    return sources


def test_raw_html_pass_gives_the_extractors_lines_and_stash(real_pages: list[str]) -> None:
    """On real pages the fast reading applies to almost all, and leaves what html.parser leaves."""
    sources = real_pages
    read = 0
    for text in sources:
        assert raw_html_pass(text, fast=True) == raw_html_pass(text, fast=False), text[:200]
        read += htmlblock.extract(markdown.Markdown(), text) is not None
    assert read >= 0.9 * len(sources) and sum("<svg" in t for t in sources) > 5


def test_raw_html_pass_on_generated_tag_soup() -> None:
    """Tag soup, stray ampersands, comments, tails: the same lines and stash, whichever way read."""
    unreadable = {"<!-- c -->", "<?x?>", "<script>", "</script>", "</ div>", "</>", "&#48", "&#xz;", "</", "<hr>"}
    readable = [p for p in RAW_HTML_PIECES if p not in unreadable | {"<a href=x/>", "<a b=c,>", "<div/>"}]
    read = 0
    for pieces, seed in ((RAW_HTML_PIECES, 17), (readable, 19)):
        for text in texts(pieces, 3000, seed=seed, longest=40):
            assert raw_html_pass(text, fast=True) == raw_html_pass(text, fast=False), repr(text)
            read += htmlblock.extract(markdown.Markdown(), text) is not None
    assert 1000 < read < 5000  # both ways were taken, many times


def nested_html(rng: random.Random, depth: int = 0) -> str:
    tag = rng.choice(["div", "p", "table", "td", "span", "svg", "g", "a", "ul", "li", "details", "br", "wbr", "title"])
    attrs = rng.choice(["", ' class="x"', " id='y'", " data-x", " href=z", '\n  role="img"', ' d="M0 > 1"'])
    if rng.random() < 0.15:
        return f"<{tag}{attrs}{rng.choice(['/', ' /'])}>"
    inner = "".join(
        nested_html(rng, depth + 1)
        if depth < 3 and rng.random() < 0.5
        else rng.choice(["x", " ", "\n", "&amp;", "&#48;", "a & b", "<"])
        for _ in range(rng.randint(0, 4))
    )
    return f"<{tag}{attrs}>{inner}</{tag.upper() if rng.random() < 0.1 else tag}>"


def test_raw_html_pass_on_generated_nested_html() -> None:
    """Well-nested HTML, as blocks at line starts, indented, inline, with and without a tail."""
    rng = random.Random(23)
    read = 0
    for _ in range(1500):
        parts = []
        for _ in range(rng.randint(1, 5)):
            lead = rng.choice(["", "", " ", "   ", "    ", "Text ", "| a | "])
            tail = rng.choice(["\n\n", "\n\n", "\n", " tail\n", "", "  \n  \n"])
            parts.append(lead + nested_html(rng) + tail)
        text = "".join(parts)
        assert raw_html_pass(text, fast=True) == raw_html_pass(text, fast=False), repr(text)
        read += htmlblock.extract(markdown.Markdown(), text) is not None
    assert read > 700  # about 60 % are read the fast way (the rest: tails, empty block tags)


def test_raw_html_pass_gives_up_where_it_must() -> None:
    md = markdown.Markdown()
    for text in (
        "<!-- c -->", "<div>\n<?php ?>\n</div>", "&#48 x", "<a href=x/>", "<div>\n\n", "<div></div>tail <b>x</b>",
        "<hr>", "<p/>", "<script>x</script>", "</ div>", "<a b='1'c>",
    ):  # fmt: skip
        assert htmlblock.extract(md, text) is None, text
    assert htmlblock.extract(md, "a &amp b & c &#51; <b>x</b>\n\n<div>\n<p>y</p>\n</div>\n\nz") is not None


def test_the_fast_paths_are_what_the_build_uses(example_site: Path) -> None:
    from markdown.treeprocessors import InlineProcessor

    engine.install()
    assert InlineProcessor.run is mdfast.run
    assert markdown.preprocessors.HtmlBlockPreprocessor.run is htmlblock.run
    assert mkdocs_pages._RawHTMLPreprocessor.run is anchors.run
    assert engine.status()["htmlblock"] == engine.status()["anchors"] == engine.status()["search"] == "on"


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(VERIFY_PIECES), max_size=60).map("".join))
def test_third_party_scan_finds_what_the_expressions_find(text: str) -> None:
    assert external_tags(text) == [m.group(0) for m in EXTERNAL.finditer(text)]
    assert has_css_url(text) == bool(CSS_URL.search(text))


def test_third_party_scan_on_generated_pages() -> None:
    hits = 0
    for text in texts(VERIFY_PIECES, 3000, seed=11):
        expected = [m.group(0) for m in EXTERNAL.finditer(text)]
        assert external_tags(text) == expected
        assert has_css_url(text) == bool(CSS_URL.search(text))
        hits += bool(expected)
    assert hits > 100


def test_tag_list_answers_like_a_list_after_every_change() -> None:
    tags = mdfast.TagList(["div", "p"])
    plain = ["div", "p"]
    changes = [
        ("append", ("table",)), ("extend", (["ul", "ol"],)), ("insert", (0, "pre")), ("remove", ("p",)),
        ("pop", ()), ("sort", ()), ("reverse", ()), ("__setitem__", (0, "section")), ("__delitem__", (1,)),
        ("__iadd__", (["nav"],)), ("__imul__", (2,)), ("clear", ()), ("append", ("video",)),
    ]  # fmt: skip
    for name, args in changes:
        getattr(tags, name)(*args)
        getattr(plain, name)(*args)
        assert list(tags) == plain
        for tag in ("div", "p", "table", "ul", "ol", "pre", "section", "nav", "video", "span"):
            assert (tag in tags) == (tag in plain), (name, tag)
    tags.sort(key=len, reverse=True)
    assert [] in mdfast.TagList([[]]) and "x" not in mdfast.TagList([[]])  # unhashable entries still work
    assert isinstance(tags.copy(), mdfast.TagList)


def test_every_markdown_instance_gets_a_tag_list() -> None:
    engine.install()
    md = markdown.Markdown(extensions=EXTENSIONS)
    assert isinstance(md.block_level_elements, mdfast.TagList)
    assert md.is_block_level("DIV") and not md.is_block_level("span") and not md.is_block_level(None)


def sections(parser_class, html: str, fast: bool = False) -> list[tuple] | str:
    parser = parser_class()
    try:
        if fast:
            search.feed(parser, html)  # the tokens html.parser would give, where they can be read
        else:
            parser.feed(html)
            parser.close()
    except ValueError as exc:  # Material's parser gives up on some tag soup; so must ours
        return repr(exc)
    return [(s.el.tag, s.el.attrs, s.depth, s.id, s.title, s.text, s.is_excluded()) for s in parser.data]


ARTICLE = re.compile(r'<article class="md-content__inner[^"]*">(.*?)</article>', re.S)


def test_search_parser_splits_pages_like_materials(example_site: Path) -> None:
    """Whole pages (scripts: html.parser reads them) and their content, which the index reads."""
    pages = sorted((example_site / "site").rglob("*.html"))
    read = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        content = ARTICLE.search(html)
        assert content, page
        for text in (html, content.group(1)):
            expected = sections(search.STOCK, text)
            assert sections(search.Parser, text) == expected, page
            assert sections(search.Parser, text, fast=True) == expected, page
            read += tags.tokens(text, html_parser) is not None
    assert read >= len(pages) > 60  # the content of every page was read by the tokens


@pytest.mark.parametrize(
    "content",
    [
        '<h2 id="a">A</h2><p>no attribute of the kind</p>',
        '<h2 id="a" data-search-exclude="x">A</h2><p data-search-boost="2">b</p>',
        '<p>data-search-exclude="text, not an attribute" and data-search-</p>',
    ],
)
def test_search_page_context_strips_like_materials(content: str) -> None:
    """fastpaths/search.py's on_page_context: the same index entries and the same page content."""
    from types import SimpleNamespace

    from material.plugins.search.plugin import SearchIndex

    results = []
    for method in (search.STOCK_CONTEXT, search.on_page_context):
        index = SearchIndex()
        index.entries = []
        page = SimpleNamespace(content=content, meta={}, toc=[], url="p/", title="P", file=None)
        index.add_entry_from_context = lambda page, index=index: index.entries.append(page.content)
        plugin = SimpleNamespace(config=SimpleNamespace(enabled=True), search_index=index)
        method(plugin, {}, page=page, config=None, nav=None)
        results.append((index.entries, page.content))
    assert results[0] == results[1]


def test_search_parser_splits_generated_html_like_materials() -> None:
    found = read = 0
    for html in texts(SEARCH_PIECES, 3000, seed=13) + [nested_html(random.Random(i)) for i in range(1500)]:
        expected = sections(search.STOCK, html)
        assert sections(search.Parser, html) == expected, repr(html)
        assert sections(search.Parser, html, fast=True) == expected, repr(html)
        found += len(expected) > 2
        read += tags.tokens(html, html_parser) is not None
    assert found > 300 and 1000 < read < 4000


def stock_anchor_ids(text: str) -> set:
    handler = mkdocs_pages._HTMLHandler()
    handler.feed(text)
    handler.close()
    return handler.present_anchor_ids


def test_anchor_scan_finds_what_mkdocs_finds(real_pages: list[str]) -> None:
    """The ids (and <a name>s) of every real page, tag soup and nested HTML."""
    sources = list(real_pages)
    sources += texts(RAW_HTML_PIECES + [' id="a"', " ID=b", " name='c'", "<a name=d>", ' id=""', " id"], 3000, seed=29)
    sources += [nested_html(random.Random(i)).replace('class="x"', 'id="x"') for i in range(1500)]
    read = found = 0
    for text in sources:
        fast = anchors.anchor_ids(text)
        if fast is not None:
            assert fast == stock_anchor_ids(text), repr(text[:300])
            read += 1
            found += bool(fast)
    assert read > 1500 and found > 300


def test_compiled_templates_are_kept_for_the_next_run(tmp_path: Path) -> None:
    import jinja2

    from generator.builder.fastpaths.theme import SharedBytecodeCache

    def environment(cache: SharedBytecodeCache) -> jinja2.Environment:
        return jinja2.Environment(loader=jinja2.DictLoader({"t.html": "{{ a }}!"}), bytecode_cache=cache)

    def cache() -> SharedBytecodeCache:
        made = SharedBytecodeCache()
        made.folder, made.key = tmp_path / "templates", b"k" * 32
        made.folder.mkdir(exist_ok=True)
        return made

    first = cache()
    assert environment(first).get_template("t.html").render(a=1) == "1!"
    (kept,) = first.folder.iterdir()
    assert kept.suffix == ".jinja"

    second = cache()  # the next run: a new process, an empty memory
    env = environment(second)
    env.compile = None  # type: ignore[method-assign]  # loading must not compile
    assert env.get_template("t.html").render(a=2) == "2!"

    kept.write_bytes(b"not bytecode")  # damaged, unsigned or from another version: compiled again
    third = cache()
    assert environment(third).get_template("t.html").render(a=3) == "3!"
    assert kept.read_bytes() != b"not bytecode"


def test_a_release_without_the_replaced_parts_builds_with_its_own_code() -> None:
    code = (
        "import material.plugins.search.plugin as p\n"
        "del p.Element  # as if a later Material had renamed it\n"
        "from generator.builder import fastpaths as engine\n"
        "engine.install()\n"
        "from markdown.treeprocessors import InlineProcessor\n"
        "from generator.builder.fastpaths import mdfast\n"
        "assert p.Parser.__module__ == 'material.plugins.search.plugin', p.Parser\n"
        "assert InlineProcessor.run is mdfast.run  # the other fast paths are in place\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_fast_path_is_on_only_for_the_releases_it_was_tested_on(monkeypatch) -> None:
    from generator.builder import fastpaths

    assert fastpaths.gate("mdfast") == "on"  # the constrained test environment has exactly those
    monkeypatch.setitem(fastpaths.TESTED, "mdfast", {"markdown": "3.0.0"})
    state = fastpaths.gate("mdfast")
    assert state.startswith("off: markdown 3.11.3 (tested on 3.0.0)"), state


def test_an_untested_release_runs_the_stock_code_and_verbose_says_so(tmp_path) -> None:
    code = (
        "from generator.builder import fastpaths\n"
        "fastpaths.TESTED['mdfast'] = {'markdown': '0.0.1'}\n"
        "fastpaths.install()\n"
        "from markdown.treeprocessors import InlineProcessor\n"
        "from generator.builder.fastpaths import mdfast\n"
        "assert InlineProcessor.run is not mdfast.run, 'the fast path ran on an untested release'\n"
        "print(fastpaths.status()['mdfast'])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("off: markdown 3.11.3 (tested on 0.0.1)")


def test_a_tag_read_before_is_read_the_same_anywhere() -> None:
    """tags.tokens keeps each start tag's token by its text: with every tag kept from other pages,
    a page gives the tokens it gives read alone (and None where it gives None)."""
    sources = texts(SEARCH_PIECES, 2000, seed=31) + [nested_html(random.Random(i)) for i in range(800)]
    for text in sources:
        tags.tokens(text, html_parser)  # keep the tags of every page
    warm = [tags.tokens(text, html_parser) for text in sources]
    hits = 0
    for text, kept in zip(sources, warm, strict=True):
        tags._READ.clear()
        assert tags.tokens(text, html_parser) == kept, repr(text)
        hits += kept is not None
    assert hits > 500


class _Items:
    def __getitem__(self, key):
        if key == "there":
            return "item"
        if key == "odd":
            raise ValueError("not a lookup error")
        raise KeyError(key)


class _Properties:
    plain = "attribute"

    @property
    def missing(self):
        raise AttributeError("computed, then missing")

    @property
    def broken(self):
        raise RuntimeError("a bug in the property")


class _Missing(dict):
    def __missing__(self, key):
        return f"default {key}"


def _answer(ask, obj, name):
    try:
        value = ask(obj, name)
    except Exception as exc:  # the same exception, or none, from both
        return ("raised", type(exc), str(exc))
    if isinstance(value, jinja2.Undefined):
        return ("undefined", type(value), value._undefined_obj is obj, value._undefined_name)
    return ("value", value)


def test_attribute_lookup_answers_like_jinjas_getattr() -> None:
    """theme.lookup gives what jinja2.Environment.getattr gives: attribute first, then item, then
    Undefined (of the environment's own class), and lets the same exceptions through."""
    env = jinja2.Environment(undefined=jinja2.ChainableUndefined)
    fast = jinja2.Environment(undefined=jinja2.ChainableUndefined)
    theme.attribute_lookup(fast)
    assert fast.getattr is not env.getattr
    objects = [
        {"icon": "x", "items": "a key"}, {}, _Missing(a=1), collections.defaultdict(int), collections.OrderedDict(b=2),
        [1, 2], (3,), "text", 7, None, list, dict, _Items(), _Properties(), jinja2.Undefined(),
        object(), types.SimpleNamespace(icon="i"),
    ]  # fmt: skip
    names = ["icon", "items", "a", "b", "get", "append", "upper", "there", "odd", "x", "plain", "missing",
             "broken", "__class__", "typeset", "0"]  # fmt: skip
    for obj in objects:
        for name in names:
            assert _answer(fast.getattr, obj, name) == _answer(env.getattr, obj, name), (obj, name)
    template = "{{ d.icon }}|{{ d.items }}|{{ n.icon }}|{{ p.plain }}|{{ p.missing.deeper }}|{{ l.append is defined }}"
    context = {"d": {"icon": "x"}, "n": types.SimpleNamespace(), "p": _Properties(), "l": []}
    assert fast.from_string(template).render(context) == env.from_string(template).render(context)


def test_a_start_tag_read_before_is_read_the_same_by_the_raw_html_pass() -> None:
    """htmlblock keeps each start tag's reading by its text: with every tag of the other texts
    kept, a text gives the lines and stash it gives read with nothing kept."""
    rng = random.Random(37)
    sources = texts(RAW_HTML_PIECES, 2000, seed=41, longest=40) + [
        rng.choice(["", "  ", "Text "]) + nested_html(rng) + rng.choice(["\n\n", "\n", " tail\n"]) for _ in range(800)
    ]
    for text in sources:
        raw_html_pass(text, fast=True)  # keep the start tags of every text
    warm = [raw_html_pass(text, fast=True) for text in sources]
    for text, kept in zip(sources, warm, strict=True):
        htmlblock._READ.clear()
        assert raw_html_pass(text, fast=True) == kept, repr(text)
    assert sum(htmlblock.extract(markdown.Markdown(), text) is not None for text in sources) > 500


def test_every_stage_the_profiler_times_still_exists() -> None:
    """`make profile` wraps functions by name; one that moved must fail here, not in the tool."""
    from tests import profile_build

    for module, path, label in profile_build.STAGES:
        owner, name = profile_build.resolve(module, path)
        assert callable(getattr(owner, name)), label
    with pytest.raises(AttributeError):
        profile_build.resolve("generator.pipeline", "no_such_stage")


def random_nav(rng: random.Random, docs: Path, depth: int = 0, prefix: str = "") -> list:
    """A nav of pages (at several folder depths), sections, section index pages and links."""
    items: list = []
    for i in range(rng.randint(4, 7) if depth == 0 else rng.randint(1, 4 if depth < 2 else 2)):
        kind = rng.choice(["page", "page", "section", "section", "link"] if depth < 3 else ["page", "page", "link"])
        name = f"{prefix}s{depth}i{i}"
        if kind == "link":
            items.append({f"Link {name}": rng.choice(["https://example.org/x", "../elsewhere/", "#top"])})
        elif kind == "page":
            path = f"{rng.choice(['', 'a/', 'a/b/', f'{name}/'])}{name}.md"
            (docs / path).parent.mkdir(parents=True, exist_ok=True)
            (docs / path).write_text(f"# {name}\n\n## Part {name}\n\ntext\n", encoding="utf-8")
            items.append({f"Page {name}": path} if rng.random() < 0.7 else path)
        else:
            children = random_nav(rng, docs, depth + 1, f"{name}-")
            if rng.random() < 0.5:  # a section index page (navigation.indexes)
                index = f"{name}/index.md"
                (docs / index).parent.mkdir(parents=True, exist_ok=True)
                (docs / index).write_text(f"# Index {name}\n", encoding="utf-8")
                children.insert(0, index)
            items.append({f"Section {name}": children})
    return items


FEATURE_SETS = [
    ["navigation.indexes", "navigation.prune"], [], ["navigation.sections"], ["navigation.tabs", "navigation.sections"],
    ["navigation.expand", "navigation.indexes"], ["navigation.tabs", "navigation.prune", "toc.integrate"],
]  # fmt: skip


@pytest.mark.parametrize("seed", range(12))
def test_nav_memo_builds_what_materials_nav_builds(tmp_path: Path, monkeypatch, seed: int) -> None:
    """Random navigations, each feature set: every page the same with the memo as without it."""
    import yaml
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator.builder.fastpaths import navmemo

    engine.install()
    assert engine.status()["navmemo"] == "on"
    rng = random.Random(seed)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    nav = ["index.md", *random_nav(rng, docs)]
    if seed % 4 == 3:  # a page the nav lists twice
        nav.append(
            {"Again": next(str(p.relative_to(docs)) for p in sorted(docs.rglob("*.md")) if p.name != "index.md")}
        )
    config = {
        "site_name": "Nav",
        "nav": nav,
        "theme": {"name": "material", "features": FEATURE_SETS[seed % len(FEATURE_SETS)]},
    }
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)

    def built(name: str) -> dict[str, bytes]:
        build(load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / name)))
        return {str(p.relative_to(tmp_path / name)): p.read_bytes() for p in (tmp_path / name).rglob("*.html")}

    navmemo.MEMO.reset(None)
    memo = built("memo")
    assert navmemo.MEMO.html, "the memo was not used"
    with monkeypatch.context() as off:
        off.setattr(navmemo, "_is_materials", lambda context, macro: False)
        navmemo.MEMO.reset(None)
        stock = built("stock")
        assert not navmemo.MEMO.html
    assert memo.keys() == stock.keys() and len(memo) >= 4
    for name in stock:
        assert memo[name] == stock[name], name
