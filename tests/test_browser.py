"""The example handbooks in a real browser (Debian's headless Chromium, driven by Playwright).

A reader clicks through the navigation, searches, switches the colour scheme and looks at the
diagrams; screenshots of both schemes land in tests/output/screenshots/. Every request any page
makes is recorded: all of them must go to the local test server (no fonts, scripts or anything
else from a third party).

The fixtures here (built examples, local servers, browser, request log) are shared with
test_a11y.py; test_links.py uses the build.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.pipeline import build_all

from .conftest import OUTPUT, make_repo

try:
    from playwright.sync_api import Browser, BrowserContext, Page, Request, expect, sync_playwright
except ImportError:  # the `browser` fixture skips and says why
    sync_playwright = None

GERMAN, ENGLISH = "muster-maschinenbau", "harbour-logistics"
SCREENSHOTS = OUTPUT / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",  # root in a container
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
SCHEMES = {"light": "default", "dark": "slate"}  # prefers-color-scheme -> Material's colour scheme
MATERIAL_READY = "() => typeof window.component$ !== 'undefined'"  # Material's bundle has mounted
RESULTS_SETTLED = """() => {
  const list = document.querySelector(".md-search-result__list");
  const same = list.childElementCount > 0 && list.innerHTML === window.__hbResults;
  window.__hbResults = list.innerHTML;
  return same;
}"""


_built: dict[Path, Path] = {}  # session's temp folder -> its built site


def built_examples(factory: pytest.TempPathFactory) -> Path:
    """site/ with both example clients, built once per test session (shared by several modules)."""
    session = factory.getbasetemp()
    if session not in _built:
        repo = make_repo(factory.mktemp("examples") / "repo", fixtures=True)
        outcomes = build_all(repo, [], repo / "site").outcomes
        assert [o.state for o in outcomes] == ["built"] * len(outcomes), outcomes
        _built[session] = repo / "site"
    return _built[session]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(folder: Path) -> http.server.ThreadingHTTPServer:
    """Serve ``folder`` at the root of 127.0.0.1 on a free port, as the client's own host would."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """slug -> base URL (ending in '/') of that client's site, one local server each."""
    site = built_examples(tmp_path_factory)
    servers = {slug: serve(site / slug) for slug in (GERMAN, ENGLISH)}
    yield {slug: f"http://127.0.0.1:{s.server_port}/" for slug, s in servers.items()}
    for server in servers.values():
        server.shutdown()
        server.server_close()


def chromium_path() -> str | None:
    names = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
    return next((path for name in names if (path := shutil.which(name))), None)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if sync_playwright is None:
        pytest.skip("the Python package playwright is not installed (pip install -e '.[test]')")
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium; `make test` does it as root)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class RequestLog:
    """Every URL the pages asked for; ``foreign`` lists those that did not go to a test server."""

    hosts: set[str]  # host:port of the test servers
    seen: list[str] = field(default_factory=list)

    def is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("data", "blob") or (parts.scheme == "http" and parts.netloc in self.hosts)

    def record(self, request: Request) -> None:
        self.seen.append(request.url)

    def foreign(self) -> list[str]:
        return sorted({url for url in self.seen if not self.is_local(url)})

    def watch(self, context: BrowserContext) -> None:
        context.on("request", self.record)
        # Recorded above, then refused at once: a third-party request must not wait for DNS.
        context.route(lambda url: not self.is_local(url), lambda route: route.abort())


@pytest.fixture(scope="module")
def request_log(sites: dict[str, str]) -> RequestLog:
    return RequestLog({urlsplit(url).netloc for url in sites.values()})


@pytest.fixture(autouse=True)
def _no_third_party_requests(request_log: RequestLog) -> Iterator[None]:
    yield
    assert request_log.foreign() == [], "pages made requests outside 127.0.0.1"


def page_in_new_context(browser: Browser, log: RequestLog, scheme: str = "light", viewport: dict = DESKTOP) -> Page:
    """A page in a fresh context (nothing stored, so no remembered palette), its requests logged."""
    context = browser.new_context(color_scheme=scheme, viewport=viewport)
    log.watch(context)
    return context.new_page()


NewPage = Callable[..., "Page"]


@pytest.fixture
def new_page(browser: Browser, request_log: RequestLog) -> Iterator[NewPage]:
    """new_page(scheme="light", viewport=DESKTOP) -> Page; the contexts are closed afterwards."""
    pages: list[Page] = []

    def make(scheme: str = "light", viewport: dict[str, int] = DESKTOP) -> Page:
        pages.append(page_in_new_context(browser, request_log, scheme, viewport))
        return pages[-1]

    yield make
    for page in pages:
        page.context.close()


def open_page(page: Page, url: str, scheme: str = "light") -> None:
    """Load ``url``, wait until Material's scripts have run, check the colour scheme."""
    page.goto(url)  # waits for the load event: styles, scripts and images are in
    page.wait_for_function(MATERIAL_READY)
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", SCHEMES[scheme])


def search(page: Page, text: str):
    """Type ``text`` into Material's search as a reader would; return the result links."""
    page.keyboard.press("/")  # Material's shortcut to the search box
    box = page.locator("input.md-search__input")
    expect(box).to_be_focused()
    box.press_sequentially(text, delay=20)
    # Results are redrawn after each key: wait until they stop changing before clicking one.
    page.wait_for_function(RESULTS_SETTLED, polling=250)
    return page.locator("a.md-search-result__link")


def expect_heading(page: Page, text: str) -> None:
    """The page's h1 reads ``text`` (followed by its permalink)."""
    expect(page.locator("article.md-content__inner h1")).to_have_text(re.compile(rf"^{re.escape(text)}\s*¶?$"))


def test_navigate_from_start_page_to_a_person(sites: dict[str, str], new_page: NewPage) -> None:
    page = new_page()
    open_page(page, sites[GERMAN])
    sidebar = page.locator(".md-sidebar--primary")
    sidebar.get_by_role("link", name="Personen", exact=True).click()
    expect(page).to_have_url(sites[GERMAN] + "personen/")
    expect_heading(page, "Alle Personen und Teams")
    person = sidebar.get_by_role("link", name="Sabine Groß", exact=True)
    expect(person).to_be_visible()
    person.click()
    expect(page).to_have_url(sites[GERMAN] + "personen/sabine_gross/")
    expect_heading(page, "Sabine Groß")
    expect(page).to_have_title(re.compile(r"^Sabine Groß - Muster Maschinenbau GmbH"))


@pytest.mark.parametrize(
    ("slug", "name", "path"),
    [(GERMAN, "Sabine Groß", "personen/sabine_gross/"), (ENGLISH, "Emily Clarke", "people/emily_clarke/")],
)
def test_search_finds_a_person(sites: dict[str, str], new_page: NewPage, slug: str, name: str, path: str) -> None:
    page = new_page()
    open_page(page, sites[slug])
    results = search(page, name)
    expect(results.first).to_have_attribute("href", re.compile(re.escape(sites[slug] + path) + r"\?h="))
    results.first.click()
    expect(page).to_have_url(re.compile(re.escape(sites[slug] + path)))
    expect_heading(page, name)


def test_search_finds_a_department_in_the_organisation(sites: dict[str, str], new_page: NewPage) -> None:
    page = new_page()
    open_page(page, sites[GERMAN])
    results = search(page, "Ersatzteilwesen")
    hrefs = [a.get_attribute("href") or "" for a in results.all()]
    assert any("/personen/sabine_gross/" in h for h in hrefs), hrefs  # member of the department
    assert any("/personen/michael_krueger/" in h for h in hrefs), hrefs  # its key user
    table = results.filter(has_text="Auftraggeber: Muster Maschinenbau GmbH")
    expect(table).to_have_attribute("href", re.compile(r"/organisation/\?h=ersatzteilwesen#auftraggeber-"))
    table.click()
    expect(page).to_have_url(re.compile(re.escape(sites[GERMAN] + "organisation/")))
    expect_heading(page, "Organisation")
    row = page.locator("article table tr", has_text="Sabine Groß")
    expect(row).to_contain_text("Ersatzteilwesen")
    expect(page.locator("article mark", has_text="Ersatzteilwesen").first).to_be_visible()  # search.highlight


def test_palette_toggle_switches_and_is_remembered(sites: dict[str, str], new_page: NewPage) -> None:
    page = new_page("light")
    open_page(page, sites[GERMAN])
    body = page.locator("body")
    toggle = page.locator("form[data-md-component=palette] label.md-header__button:visible")
    expect(toggle).to_have_attribute("title", "Dunkles Farbschema")
    toggle.click()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    page.reload()
    page.wait_for_function(MATERIAL_READY)
    expect(body).to_have_attribute("data-md-color-scheme", "slate")  # remembered in localStorage
    expect(toggle).to_have_attribute("title", "Helles Farbschema")
    toggle.click()
    expect(body).to_have_attribute("data-md-color-scheme", "default")


def luminance(css_color: str) -> float:
    """WCAG relative luminance of 'rgb(r, g, b)'."""
    channels = [int(c) / 255 for c in re.findall(r"\d+", css_color)[:3]]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("path", ["organisation/", "kommunikation/", "personen/thomas_schmidt/"])
def test_diagrams_are_visible(sites: dict[str, str], new_page: NewPage, path: str, scheme: str) -> None:
    page = new_page(scheme)
    open_page(page, sites[GERMAN] + path, scheme)
    diagrams = page.locator(".hb-diagram svg")
    if diagrams.count() == 0:
        pytest.skip(f"{path} has no .hb-diagram yet (the Graphviz diagrams have not landed)")
    for svg in diagrams.all():
        svg.scroll_into_view_if_needed()
        expect(svg).to_be_visible()
        box = svg.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50, (path, box)
        text_fill = svg.locator("text").first.evaluate("t => getComputedStyle(t).fill")
        # Dark text on a light page, light text on a dark one: not dot's black in dark mode.
        assert (luminance(text_fill) > 0.4) == (scheme == "dark"), (path, scheme, text_fill)


SCREENSHOT_PAGES = {
    "start": "",
    "organisation": "organisation/",
    "communication": "kommunikation/",
    "raci": "raci/",
    "person": "personen/thomas_schmidt/",
}


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", SCREENSHOT_PAGES)
def test_screenshots(sites: dict[str, str], new_page: NewPage, name: str, scheme: str) -> None:
    page = new_page(scheme)
    open_page(page, sites[GERMAN] + SCREENSHOT_PAGES[name], scheme)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{GERMAN}-{name}-{scheme}.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000


def test_request_log_catches_third_party_requests(sites: dict[str, str], browser: Browser) -> None:
    """The recorder below is what proves 'no third party'; show that it would notice one."""
    log = RequestLog({urlsplit(sites[GERMAN]).netloc})
    context = browser.new_context()
    log.watch(context)
    try:
        page = context.new_page()
        page.goto(sites[GERMAN])
        with page.expect_event("requestfailed", lambda r: "fonts.example.invalid" in r.url):
            page.evaluate("""() => {
                const link = document.createElement("link");
                link.rel = "stylesheet";
                link.href = "https://fonts.example.invalid/css2?family=Roboto";
                document.head.append(link);
            }""")
    finally:
        context.close()
    assert log.foreign() == ["https://fonts.example.invalid/css2?family=Roboto"]
    assert any(url.endswith("/assets/handbook.css") for url in log.seen)


def test_every_request_went_to_the_local_server(request_log: RequestLog) -> None:
    """Runs last in this module: what all tests above loaded, fonts included, came from 127.0.0.1."""
    if not request_log.seen:
        pytest.skip("no browser test ran before this one")
    paths = {urlsplit(url).path for url in request_log.seen}
    assert {"/search/search_index.json", "/assets/handbook.css"} <= paths
    assert any(p.endswith(".js") for p in paths) and any("/personen/" in p for p in paths)
    assert request_log.foreign() == []
