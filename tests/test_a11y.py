"""Accessibility of the example handbooks: axe-core (bundled with axe-playwright-python, offline).

Start, organisation, RACI, communication and a person page of the German example and the start
page of the English one, in the light and the dark scheme (chosen the way a reader's system
chooses it: prefers-color-scheme), plus the open search and a hovered link, which axe only sees in
that state. No `serious` or `critical` violation may appear. Where Material's own theme falls short,
generator/builder/assets/handbook.css fixes it; rules are never switched off.

What cannot be fixed in CSS is listed in KNOWN, narrowly (rule and element), with the fix it
needs. Each entry has a strict xfail test that starts failing once the fix lands, so the list
cannot go stale. All findings of a run, every impact, go to tests/output/a11y-findings.txt.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from .conftest import OUTPUT
from .test_browser import (  # noqa: F401  (fixtures used by name)
    DESKTOP,
    ENGLISH,
    GERMAN,
    SCHEMES,
    _no_third_party_requests,
    browser,
    open_page,
    page_in_new_context,
    request_log,
    search,
    sites,
)

try:
    from axe_playwright_python.sync_playwright import Axe
except ImportError:
    Axe = None

PHONE = {"width": 375, "height": 812}  # also what a 1280 px window shows at 340 % zoom
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
BLOCKING = ("critical", "serious")
PAGES = [
    (GERMAN, ""),
    (GERMAN, "organisation/"),
    (GERMAN, "raci/"),
    (GERMAN, "kommunikation/"),
    (GERMAN, "personen/thomas_schmidt/"),
    (ENGLISH, ""),
]
FINDINGS = OUTPUT / "a11y-findings.txt"


@dataclass(frozen=True)
class Known:
    """A violation of Material's markup or of another module that CSS cannot fix."""

    rule: str
    css_class: str  # class of the offending element
    shown_on: tuple[str, str, str, str]  # (slug, path, scheme, viewport) where it shows
    fix: str


KNOWN: list[Known] = []  # nothing open; add an entry (rule, element class, where, why) only with its fix


@dataclass(frozen=True)
class Finding:
    rule: str
    impact: str
    where: str  # page, scheme, viewport, state
    target: str  # axe's CSS selector
    html: str  # the element's opening tag, as axe shows it
    help: str

    @property
    def known(self) -> Known | None:
        tag = re.match(r"<\w+[^>]*?\sclass=\"([^\"]*)\"", self.html)
        classes = tag.group(1).split() if tag else []
        return next((k for k in KNOWN if k.rule == self.rule and k.css_class in classes), None)

    def __str__(self) -> str:
        return f"{self.where}: {self.rule} ({self.impact}) at {self.target}: {self.help}"


# States a page can be put in before axe runs; axe sees only what is rendered.
def _open_search(page) -> None:
    search(page, "Vertrieb")


def _hover_link(page) -> None:
    link = page.locator("article.md-content__inner table a[href]").first
    link.hover()
    page.wait_for_timeout(300)  # Material fades link colours in over 125 ms


STATES: dict[str, Callable] = {"": lambda page: None, "search open": _open_search, "link hovered": _hover_link}

Scan = Callable[..., list[Finding]]


@pytest.fixture(scope="module")
def scan(sites: dict[str, str], browser, request_log) -> Iterator[Scan]:  # noqa: F811
    """scan(slug, path, scheme, viewport="desktop", state="") -> axe's findings there (cached)."""
    if Axe is None:
        pytest.skip("the Python package axe-playwright-python is not installed (pip install -e '.[test]')")
    axe = Axe()
    done: dict[tuple, list[Finding]] = {}

    def run(slug: str, path: str, scheme: str, viewport: str = "desktop", state: str = "") -> list[Finding]:
        key = (slug, path, scheme, viewport, state)
        if key not in done:
            page = page_in_new_context(browser, request_log, scheme, VIEWPORTS[viewport])
            try:
                open_page(page, sites[slug] + path, scheme)
                STATES[state](page)
                response = axe.run(page).response
            finally:
                page.context.close()
            where = f"{slug}/{path} [{scheme}, {viewport}{', ' + state if state else ''}]"
            done[key] = [
                Finding(
                    v["id"], v["impact"], where, ", ".join(map(str, n["target"])), _opening_tag(n["html"]), v["help"]
                )
                for v in response["violations"]
                for n in v["nodes"]
            ]
        return done[key]

    yield run
    _write_findings(done)


def _opening_tag(html: str) -> str:
    return html.split(">", 1)[0] + ">" if ">" in html else html


def _write_findings(done: dict[tuple, list[Finding]]) -> None:
    lines = []
    for key in sorted(done):
        slug, path, scheme, viewport, state = key
        lines.append(f"== {slug}/{path} [{scheme}, {viewport}{', ' + state if state else ''}]")
        counts: dict[tuple[str, str], list[str]] = {}
        for f in done[key]:
            counts.setdefault((f.rule, f.impact), []).append(f.target)
        for (rule, impact), targets in sorted(counts.items()):
            lines.append(f"  {rule} ({impact}) x{len(targets)}: {'; '.join(targets[:5])}")
    FINDINGS.parent.mkdir(parents=True, exist_ok=True)
    FINDINGS.write_text("\n".join(lines) + "\n", encoding="utf-8")


def blocking(findings: list[Finding]) -> list[str]:
    return [str(f) for f in findings if f.impact in BLOCKING and f.known is None]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize(("slug", "path"), PAGES)
def test_page_has_no_serious_violations(scan: Scan, slug: str, path: str, scheme: str) -> None:
    assert blocking(scan(slug, path, scheme)) == []


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("state", ["search open", "link hovered"])
def test_interactive_states_have_no_serious_violations(scan: Scan, state: str, scheme: str) -> None:
    assert blocking(scan(GERMAN, "", scheme, state=state)) == []


@pytest.mark.parametrize("path", ["organisation/", "personen/thomas_schmidt/"])
def test_phone_layout_has_no_serious_violations(scan: Scan, path: str) -> None:
    assert blocking(scan(GERMAN, path, "light", "phone")) == []


@pytest.mark.xfail(strict=True, reason="known issue, see KNOWN; once fixed, delete its entry in tests/test_a11y.py")
@pytest.mark.parametrize("known", KNOWN, ids=lambda k: f"{k.rule}-{k.css_class}")
def test_known_issue_is_fixed(scan: Scan, known: Known) -> None:
    findings = scan(*known.shown_on)
    assert [str(f) for f in findings if f.known == known] == [], known.fix
