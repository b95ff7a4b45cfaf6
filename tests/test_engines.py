"""Every engine builds the fixture handbooks: diagrams, our print page, labels in the site's
language, noindex, nothing from a third party, and a search that finds a person in a real
Chromium. (Zensical 0.0.x: its search dialog itself speaks English only; see the README.)"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.builder import engines
from generator.pipeline import build_all

from .conftest import make_repo
from .test_browser import RequestLog, browser, serve  # noqa: F401  (browser is a fixture)

GERMAN, ENGLISH = "muster-maschinenbau", "harbour-logistics"


@pytest.fixture(scope="module", params=engines.NAMES)
def built(request, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    engine = request.param
    repo = make_repo(tmp_path_factory.mktemp(f"engine-{engine}") / "repo", fixtures=True)
    run = build_all(repo, [], repo / "site", engine=engine, jobs=1)
    assert [o.state for o in run.outcomes] == ["built", "built"], run.outcomes
    yield engine, repo / "site"


def text_of(page: Path) -> str:
    raw = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page.read_text(encoding="utf-8"), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


def test_pages_diagrams_and_labels_in_the_sites_language(built: tuple[str, Path]) -> None:
    _, site = built
    german = site / GERMAN
    start = german / "index.html"
    assert '<html lang="de"' in start.read_text(encoding="utf-8")
    assert "Wichtige Kontakte" in text_of(start) and "Gesamtes Handbuch" in text_of(start)
    assert "<svg" in (german / "organisation" / "index.html").read_text(encoding="utf-8")
    english = site / ENGLISH / "index.html"
    assert '<html lang="en"' in english.read_text(encoding="utf-8") and "Key contacts" in text_of(english)


def test_our_print_page_holds_every_page(built: tuple[str, Path]) -> None:
    _, site = built
    printed = text_of(site / GERMAN / "print_page" / "index.html")
    for heading in (
        "Inhalt",
        "Organisation",
        "Alle Rollen",
        "Alle Personen und Teams",
        "RACI-Matrix",
        "Systemlandschaft",
    ):
        assert heading in printed, heading
    for person in ("Anna Becker", "Katrin Müller", "Nordwind Support-Hotline"):
        assert person in printed


def test_every_page_is_noindex_and_loads_nothing_from_elsewhere(built: tuple[str, Path]) -> None:
    _, site = built
    pages = sorted((site / GERMAN).rglob("*.html"))
    assert len(pages) > 30
    for page in pages:
        raw = page.read_text(encoding="utf-8")
        assert re.search(r'<meta name="robots" content="noindex[^"]*">', raw), page
        for url in re.findall(r'(?:src|href)="((?:https?:)?//[^"]+)"', raw):
            pytest.fail(f"{page} references {url}")


def test_search_finds_a_person_in_chromium(built: tuple[str, Path], browser) -> None:  # noqa: F811
    engine, site = built
    server = serve(site / GERMAN)
    base = f"http://127.0.0.1:{server.server_port}/"
    log = RequestLog({urlsplit(base).netloc})
    try:
        context = browser.new_context()
        log.watch(context)
        page = context.new_page()
        page.goto(base, wait_until="networkidle")
        if page.locator("button.md-search__button").count():  # Zensical's own search dialog
            page.click("button.md-search__button")
            box = page.locator("dialog input[role=combobox]")
            results = page.locator("dialog ol[role=listbox] > li")
        else:  # Material 9
            box = page.locator("input.md-search__input")
            page.keyboard.press("/")
            results = page.locator(".md-search-result__item")
        box.wait_for(timeout=10000)
        box.press_sequentially("Anna Becker", delay=20)
        results.first.wait_for(timeout=15000)
        assert results.count() > 0
        assert "Anna Becker" in " ".join(results.all_inner_texts())
        context.close()
    finally:
        server.shutdown()
        server.server_close()
    assert log.foreign() == [], f"{engine}: requests outside the test server"
