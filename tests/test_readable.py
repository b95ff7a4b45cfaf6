"""Every page readable on a desktop (1400 px), a phone (390 px) and paper.

- The matrix model (render/matrix.py): a column per role, people named in their role's cell,
  and every letter the file gives anyone still there (checked for every fixture project).
- In Chromium: no table, matrix, contact or diagram of any page of the fixture sites needs
  sideways scrolling at 390 or 1400 px; the matrix fits at 1400 px, keeps its header row and
  task column in place where it scrolls (800 px), becomes a card per task on a phone.
  Screenshots of both widths, light and dark, in tests/output/screenshots/readable/.
- The PDF (a 24-person project and an English one): a cover, contents whose page numbers are
  the chapters' pages, every RACI letter of every task beside its task, a footer "Seite N von M"
  in the handbook's language and the site's font on every page but the cover.
- The page head: a description per page (escaped), noindex alone, no generator tag.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from generator.pipeline import build_all
from generator.project.check import check_all
from generator.render.matrix import OTHERS, WORKGROUPS, matrix
from generator.render.view import LETTERS, View

from . import test_browser
from .conftest import FIXTURES, OUTPUT, ROOT, make_repo
from .test_browser import built_examples, open_page, serve

browser = test_browser.browser  # a fixture, used by name

CONSULTANCY = FIXTURES / "consultancy"
LARGE, UK = "nordlicht-energie", "thames-freight"
SHOTS = OUTPUT / "screenshots" / "readable"
PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1400, "height": 900}


# the matrix model ---------------------------------------------------------------------------------


def fixture_views() -> list[tuple[str, View]]:
    out = []
    for root in (FIXTURES, CONSULTANCY):
        for result in check_all(root, []).results:
            assert result.ok and result.resolved, result.slug
            out.append((result.slug, View(result.resolved)))
    return out


def letters_by_file(view: View, task) -> dict[str, set[str]]:
    """person id -> the letters the file gives them for ``task`` (through any reference)."""
    out: dict[str, set[str]] = {}
    for letter in LETTERS:
        for ref in view.refs(task, letter):
            for pid in view.expand(ref):
                out.setdefault(pid, set()).add(letter)
    return out


def letters_by_matrix(view: View, columns, row) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for column, cell in zip(columns, row.cells, strict=True):
        for mark in cell:
            people = view.expand(mark.who) if mark.who else [p.id for p in view.holders(column)]
            for pid in people:
                out.setdefault(pid, set()).update(mark.letters)
    return out


@pytest.mark.parametrize(("slug", "view"), fixture_views(), ids=lambda x: x if isinstance(x, str) else "")
def test_matrix_keeps_every_letter_and_gives_people_no_columns(slug: str, view: View) -> None:
    mx = matrix(view)
    roles = {r.id for r in view.roles}
    assert set(mx.columns) <= roles | {WORKGROUPS, OTHERS}
    assert len(mx.columns) <= len(roles) + 2
    rows = [row for phase in mx.phases for row in phase.rows]
    assert [row.task for row in rows] == sorted(view.tasks, key=[r.task for r in rows].index)
    assert len(rows) == len(view.tasks)
    for row in rows:
        assert letters_by_matrix(view, mx.columns, row) == letters_by_file(view, row.task), view.task_text(row.task)
        named = [m.who for cell in row.cells for m in cell if m.who and view.kind(m.who) == "person"]
        assert len(named) == len(set(named)), f"a person named twice in one row: {named}"
        for column, cell in zip(mx.columns, row.cells, strict=True):
            for mark in cell:
                assert mark.letters and mark.letters == "".join(x for x in LETTERS if x in mark.letters)
                if mark.who and view.kind(mark.who) == "person" and column in roles:
                    assert column in view.person_roles(mark.who)  # named in a role they hold


def one_task_view(tmp: Path, task: dict, people: list[dict] | None = None, **extra) -> tuple[View, object]:
    people = people or [
        {"id": "pl", "name": "Paula Lead", "side": "client", "roles": ["project_lead"]},
        {"id": "ku", "name": "Kim User", "side": "client", "roles": ["key_user"], "department": "Vertrieb"},
        {"id": "ku2", "name": "Kai User", "side": "client", "roles": ["key_user", "team_member"]},
        {"id": "boss", "name": "Dr. Boss", "side": "client"},
        {"id": "am", "name": "Anna Manager", "side": "contractor", "roles": ["account_manager"]},
        {"id": "sup", "name": "Hotline", "side": "contractor", "kind": "team", "roles": ["support"]},
        {"id": "bo", "name": "Back Office", "side": "contractor", "kind": "team", "roles": ["backoffice"]},
    ]
    data = {"client": "Kunde GmbH", "title": "CRM", "people": people, "raci": [{"id": "t", **task}], **extra}
    repo = make_repo(tmp / "repo", {"kunde": yaml.safe_dump(data, allow_unicode=True, sort_keys=False)})
    result = check_all(repo, ["kunde"]).results[0]
    assert result.ok and result.resolved, [str(d) for d in result.diagnostics]
    view = View(result.resolved)
    mx = matrix(view)
    row = next(r for phase in mx.phases for r in phase.rows if r.task.id == "t")
    return view, {c: [(m.letters, m.who) for m in cell] for c, cell in zip(mx.columns, row.cells, strict=True)}


def test_a_person_is_named_in_the_role_the_task_names(tmp_path: Path) -> None:
    _, cells = one_task_view(
        tmp_path, {"task": "X", "responsible": ["team_member"], "accountable": "ku2", "informed": ["ku"]}
    )
    assert cells["team_member"] == [("R", None), ("A", "ku2")]  # Kai holds key_user too; the task names team_member
    assert cells["key_user"] == [("I", "ku")]


def test_a_role_letter_is_not_repeated_for_its_holder(tmp_path: Path) -> None:
    _, cells = one_task_view(
        tmp_path, {"task": "X", "responsible": ["key_user", "ku"], "accountable": "pl", "consulted": ["ku"]}
    )
    assert cells["key_user"] == [("R", None), ("C", "ku")]  # ku's R is the role's; only their C is their own


def test_groups_fold_into_their_roles_and_people_without_a_role_into_others(tmp_path: Path) -> None:
    _, cells = one_task_view(
        tmp_path, {"task": "X", "responsible": ["contractor"], "accountable": "pl", "informed": ["client"]}
    )
    assert cells["account_manager"] == [("R", None)] and cells["support"] == [("R", None)]
    assert cells["backoffice"] == [("R", None)]
    # the role is informed as part of the client; its holder, named, is accountable
    assert cells["project_lead"] == [("I", None), ("A", "pl")] and cells["key_user"] == [("I", None)]
    assert cells[OTHERS] == [("I", "boss")]
    assert "boss" not in cells and "am" not in cells  # nobody has a column of their own


def test_project_team_is_its_three_roles(tmp_path: Path) -> None:
    _, cells = one_task_view(
        tmp_path, {"task": "X", "responsible": ["am"], "accountable": "am", "informed": ["project_team"]}
    )
    assert cells["project_lead"] == [("I", None)] and cells["key_user"] == [("I", None)]
    assert cells["team_member"] == [("I", None)] and cells["account_manager"] == [("RA", "am")]
    assert OTHERS not in cells  # Dr. Boss is no team member


def test_a_workgroup_keeps_its_name_in_one_column(tmp_path: Path) -> None:
    view, cells = one_task_view(
        tmp_path,
        {"task": "X", "responsible": ["ak"], "accountable": "pl"},
        workgroups=[{"id": "ak", "name": "Arbeitskreis Vertrieb", "lead": "ku", "members": ["ku2"]}],
    )
    assert cells[WORKGROUPS] == [("R", "ak")] and view.name("ak") == "Arbeitskreis Vertrieb"


# the built sites ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def consultancy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The consultancy fixture's large and English clients, built with their PDFs."""
    repo = tmp_path_factory.mktemp("readable") / "repo"
    shutil.copytree(CONSULTANCY, repo)
    shutil.copyfile(ROOT / "mkdocs.yml", repo / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", repo / "docs")
    run = build_all(repo, [LARGE, UK], repo / "site", pdf=True)
    assert [o.state for o in run.outcomes] == ["built", "built"], run.outcomes
    return repo / "site"


@pytest.fixture(scope="module")
def all_sites(tmp_path_factory: pytest.TempPathFactory, consultancy: Path) -> dict[str, Path]:
    examples = built_examples(tmp_path_factory)
    out = {p.name: p for p in examples.iterdir() if (p / "index.html").is_file()}
    out.update({slug: consultancy / slug for slug in (LARGE, UK)})
    return out


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            self.meta.append(dict(attrs))


def test_every_page_has_a_description_noindex_alone_and_no_versions(all_sites: dict[str, Path]) -> None:
    for slug, site in all_sites.items():
        seen = Counter()
        for page in site.rglob("index.html"):
            if "assets" in page.parts:
                continue
            raw = page.read_text(encoding="utf-8")
            head = _Head()
            head.feed(raw[: raw.index("</head>")])
            names = Counter(m.get("name") for m in head.meta)
            descriptions = [m["content"] for m in head.meta if m.get("name") == "description"]
            assert names["description"] == 1 and descriptions[0] and len(descriptions[0]) <= 160, page
            assert [m["content"] for m in head.meta if m.get("name") == "robots"] == ["noindex"], page
            assert "generator" not in names and "mkdocs-" not in raw[: raw.index("</head>")], page
            seen[descriptions[0]] += 1
        repeated = [d for d, n in seen.items() if n > 1]
        assert repeated == [], f"{slug}: pages that share a description: {repeated}"


def test_a_description_from_the_project_is_escaped(tmp_path: Path) -> None:
    evil = 'Ein "Rollen"-Text <script>alert(1)</script> & mehr'
    project = {
        "client": 'Kunde "<b>" & Co',
        "title": "CRM",
        "people": [
            {"id": "pl", "name": "Paula Lead", "side": "client", "roles": ["project_lead", "key_user"]},
            {"id": "am", "name": "Anna Manager", "side": "contractor", "roles": ["account_manager"]},
            {"id": "sup", "name": "Hotline", "side": "contractor", "kind": "team", "roles": ["support", "backoffice"]},
        ],
        "roles": [{"id": "project_lead", "name": "Projektleitung", "side": "client", "description": evil}],
    }
    repo = make_repo(tmp_path / "repo", {"kunde": yaml.safe_dump(project, allow_unicode=True)})
    run = build_all(repo, [], repo / "site")
    assert run.outcomes[0].state == "built", run.outcomes
    raw = (repo / "site" / "kunde" / "rollen" / "project_lead" / "index.html").read_text(encoding="utf-8")
    head = _Head()
    head.feed(raw[: raw.index("</head>")])
    (content,) = [m["content"] for m in head.meta if m.get("name") == "description"]
    assert content.endswith('Ein "Rollen"-Text & mehr')  # the text; the script is gone (sanitised)
    assert "alert(1)" not in raw
    start = (repo / "site" / "kunde" / "index.html").read_text(encoding="utf-8")
    assert 'content="Projekthandbuch Kunde &#34;&lt;b&gt;&#34; &amp; Co' in start or (
        'content="Projekthandbuch Kunde &quot;&lt;b&gt;&quot; &amp; Co' in start
    )


# Chromium ---------------------------------------------------------------------------------------

SIDEWAYS = """() => {
  const out = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) out.push('the page itself: ' + doc.scrollWidth);
  const boxes = '.md-typeset__scrollwrap, .hb-matrix, table, .hb-diagram, .hb-task-card, .md-typeset pre';
  for (const box of document.querySelectorAll('.md-content ' + boxes.split(', ').join(', .md-content '))) {
    if (!box.getClientRects().length) continue;  // not shown at this width
    if (box.scrollWidth > box.clientWidth + 1) {
      out.push(box.tagName + '.' + box.className + ' +' + (box.scrollWidth - box.clientWidth) + 'px: '
               + box.innerText.slice(0, 50).replace(/\\s+/g, ' '));
    }
  }
  for (const link of document.querySelectorAll('.md-content a[href^="tel:"]')) {  // a number on one line
    if (link.getClientRects().length > 1) out.push('phone number broken: ' + link.innerText);
  }
  return out;
}"""


def site_pages(site: Path) -> list[str]:
    return sorted(
        "" if p.parent == site else p.parent.relative_to(site).as_posix() + "/"
        for p in site.rglob("index.html")
        if "assets" not in p.parts and ".numbered" not in p.name
    )


@pytest.fixture(scope="module")
def servers(all_sites: dict[str, Path]):
    running = {slug: serve(site) for slug, site in all_sites.items()}
    yield {slug: f"http://127.0.0.1:{s.server_port}/" for slug, s in running.items()}
    for server in running.values():
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["390px", "1400px"])
def test_nothing_needs_sideways_scrolling(browser, all_sites, servers, viewport: dict) -> None:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    problems = []
    try:
        for slug, site in all_sites.items():
            for path in site_pages(site):
                page.goto(servers[slug] + path)
                page.wait_for_function("() => typeof window.component$ !== 'undefined'")
                problems += [f"{slug}/{path}: {p}" for p in page.evaluate(SIDEWAYS)]
    finally:
        context.close()
    assert problems == []


SHOT_PAGES = {LARGE: ["raci/", "kommunikation/", "", "organisation/", "personen/henrik_larsen/"], UK: ["raci/"]}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["390", "1400"])
def test_screenshots(browser, servers, scheme: str, viewport: dict) -> None:
    """Artefacts to look at: the pages of the large project (and the English matrix) at both widths."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    page = context.new_page()
    try:
        for slug, paths in SHOT_PAGES.items():
            for path in paths:
                open_page(page, servers[slug] + path, scheme)
                name = f"{slug}-{path.strip('/').replace('/', '-') or 'start'}-{viewport['width']}-{scheme}.png"
                page.screenshot(path=str(SHOTS / name), full_page=True)
                assert (SHOTS / name).stat().st_size > 10_000
    finally:
        context.close()


def test_matrix_fits_at_1400_with_a_column_per_role(browser, servers) -> None:
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    try:
        open_page(page, servers[LARGE] + "raci/")
        box = page.locator(".hb-matrix--screen")
        assert box.evaluate("b => b.scrollWidth <= b.clientWidth + 1")
        assert "hb-fits" in (box.get_attribute("class") or "")  # the page scrolls it, its header sticks
        headers = box.locator("thead th").all_inner_texts()
        assert headers[0] == "Aufgabe" and "Henrik Larsen" not in headers and "Projektleitung (Auftraggeber)" in headers
        assert page.locator(".md-sidebar--secondary").evaluate("s => getComputedStyle(s).display") == "none" or (
            not page.locator(".md-sidebar--secondary .md-nav__link").count()
        )  # no table of contents beside the matrix
        assert not page.locator(".hb-raci-cards").is_visible() and not page.locator(".hb-mytasks").is_visible()
        row = box.locator("tbody tr", has_text="ERP- und Zählerschnittstellen")
        assert "A · Ole Stein" in row.inner_text()
    finally:
        context.close()


def test_matrix_keeps_header_and_task_column_while_it_scrolls(browser, servers) -> None:
    context = browser.new_context(viewport={"width": 800, "height": 700})
    page = context.new_page()
    try:
        open_page(page, servers[LARGE] + "raci/")
        box = page.locator(".hb-matrix--screen")
        assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # too wide here: it scrolls in its box
        box.evaluate("b => { b.scrollTop = 300; b.scrollLeft = 400; }")
        top, left = box.evaluate("b => [b.getBoundingClientRect().top, b.getBoundingClientRect().left]")
        header = page.locator(".hb-matrix--screen thead th").nth(3).bounding_box()
        task = page.locator(".hb-matrix--screen tbody th[scope=row]").nth(5).bounding_box()
        assert header and task and abs(header["y"] - top) < 3 and abs(task["x"] - left) < 3
    finally:
        context.close()


def test_phone_shows_a_card_per_task_and_the_way_to_my_tasks(browser, servers) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        open_page(page, servers[LARGE] + "raci/")
        assert not page.locator(".hb-matrix").first.is_visible()
        card = page.locator(".hb-task-card", has_text="ERP- und Zählerschnittstellen")
        lines = dict(tuple(x.split("\n", 1)) for x in card.locator("dl > div").all_inner_texts())
        assert lines == {
            "R": "IT-Administration (Auftraggeber), Ressourcenkoordination",
            "A": "Ole Stein",
            "C": "Arbeitskreis Netz",
            "I": "Projektleitung (Auftraggeber)",
        }
        page.locator(".hb-mytasks summary").click()
        page.locator(".hb-mytasks a", has_text="Ole Stein").click()
        assert page.url.endswith("/personen/ole_stein/#tasks")
        assert page.locator("#tasks").is_visible()
        # on the person page, their tasks are cards with labelled lines
        first = page.locator(".hb-cards tr").first
        assert first.evaluate("r => getComputedStyle(r).display") == "block"
    finally:
        context.close()


def test_communication_is_a_card_per_line_on_a_phone(browser, servers) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        open_page(page, servers[LARGE] + "kommunikation/")
        card = page.locator(".hb-cards tr", has_text="Rechnungen").first
        assert card.evaluate("tr => getComputedStyle(tr).display") == "block"  # a card, not a row
        shown = card.evaluate("tr => [...tr.cells].map(td => getComputedStyle(td, '::before').content + td.innerText)")
        # each field is labelled (the label is CSS content from data-label, read by screen readers)
        assert [s.split(":")[0].strip('"') for s in shown[1:]] == ["Von", "An", "Wann", "Wie"], shown
        assert shown[1].endswith("Backoffice") and shown[2].endswith("Henrik Larsen")
        start = page.context.new_page()
        open_page(start, servers[LARGE])
        tel = start.locator('a[href="tel:+494319980100"]')  # typed "0431 9980 100": dialled in E.164
        assert tel.inner_text() == "0431 9980 100"
    finally:
        context.close()


def test_a_diagram_scales_and_opens_full_size(browser, servers) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        open_page(page, servers[LARGE] + "organisation/")
        svg = page.locator("#diagram-org svg")
        natural = int(re.search(r"width: (\d+)px", svg.get_attribute("style") or "").group(1))
        assert natural > 390 and svg.bounding_box()["width"] <= 390
        page.locator("#diagram-org .hb-diagram__open").click()
        assert page.url.endswith("#diagram-org")
        assert abs(svg.bounding_box()["width"] - natural) < 2  # full size, scrollable
        assert page.locator("#diagram-org").evaluate("d => getComputedStyle(d).position") == "fixed"
        page.keyboard.press("Escape")
        assert page.url.endswith("#diagram-org-at") and svg.bounding_box()["width"] <= 390
    finally:
        context.close()


# paper ------------------------------------------------------------------------------------------


def pdf_text(pdf: Path, first: int, last: int | None = None, layout: bool = False) -> str:
    cmd = ["pdftotext", "-f", str(first), "-l", str(last or first), *(["-layout"] if layout else []), str(pdf), "-"]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def pages_of(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


@pytest.fixture(scope="module")
def poppler() -> None:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils is not installed (`make test` installs it)")


@pytest.mark.parametrize(
    ("slug", "pdf", "page_of"), [(LARGE, "handbuch.pdf", "Seite {} von {}"), (UK, "handbook.pdf", "Page {} of {}")]
)
def test_pdf_cover_footer_and_contents(consultancy: Path, poppler, slug: str, pdf: str, page_of: str) -> None:
    from pypdf import PdfReader

    file = consultancy / slug / pdf
    reader = PdfReader(file)
    total = len(reader.pages)
    cover = pdf_text(file, 1)
    view = dict(fixture_views())[slug]
    words = " ".join(cover.split())
    assert view.client in words and " ".join(view.title.split()[:3]) in words
    assert ("Stand: " if slug == LARGE else "Edition of ") in cover and page_of.format(1, total) not in cover
    for number in range(2, total + 1):
        assert page_of.format(number, total) in pdf_text(file, number), f"page {number} has no footer"
    # the footer is in the font of the text
    fonts: dict[str, set[str]] = {"footer": set(), "text": set()}

    def visit(text, cm, tm, font, size) -> None:
        if font and text.strip():
            kind = "footer" if text.strip().startswith(page_of.split()[0]) else "text"
            fonts[kind].add(re.sub(r"^[A-Z]{6}\+", "", str(font.get("/BaseFont"))).split("-")[0])

    reader.pages[3].extract_text(visitor_text=visit)
    assert fonts["footer"] and fonts["footer"] <= fonts["text"], fonts
    # the contents: every chapter's number is the page it starts on
    contents = " ".join(pdf_text(file, 2, 4, layout=True).split())
    titles = [
        (re.sub(r"\s+", " ", html.unescape(m)), int(n)) for m, n in re.findall(r"([^\d]+?) (\d+)(?= |$)", contents)
    ]
    checked = 0
    for title, number in titles:
        title = title.strip()
        if title in {
            "Organisation",
            "RACI-Matrix",
            "RACI matrix",
            "Kommunikation",
            "Communication",
            "Termine",
            "Meetings",
        }:
            assert title in pdf_text(file, number), f"'{title}' is not on page {number}"
            checked += 1
    assert checked >= 4, titles


def expected_paper_rows(view: View) -> list[tuple[str, list[str]]]:
    """(task text, the letters of its cells in one column group) in the order the paper prints them."""
    from generator.render.pages import PRINT_COLUMNS

    mx = matrix(view)
    groups = mx.groups(PRINT_COLUMNS) if len(mx.columns) > PRINT_COLUMNS else [tuple(range(len(mx.columns)))]
    return [
        (view.task_text(row.task), [m.letters for i in group for m in row.cells[i]])
        for group in groups
        for phase in mx.phases
        for row in phase.rows
    ]


class _Words(HTMLParser):
    """pdftotext -bbox-layout: every word with its box, by page."""

    def __init__(self) -> None:
        super().__init__()
        self.pages: list[list[tuple[float, float, float, str]]] = []
        self._word: tuple[float, float, float] | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        a = dict(attrs)
        if tag == "page":
            self.pages.append([])
        elif tag == "word":
            self._word = (float(a["xmin"]), float(a["ymin"]), float(a["xmax"]))

    def handle_data(self, data: str) -> None:
        if self._word and data.strip():
            self.pages[-1].append((*self._word, data.strip()))
            self._word = None


def matrix_rows_in_pdf(pdf: Path, view: View) -> list[tuple[str, list[str]]]:
    """Each printed matrix row: its task (the words of the task column) and the RACI letters on
    the same band of the page to its right (from the task's first line to the next row's)."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    words = _Words()
    words.feed(out.stdout)
    tasks = [view.task_text(t) for t in view.tasks]
    found: list[tuple[str, list[str]]] = []
    letter = re.compile(r"^[RACI]{1,4}$")
    for page in words.pages:
        letters = [w for w in page if letter.match(w[3])]
        header = [w for w in page if w[3] in ("Aufgabe", "Task")]
        if not letters or not header:
            continue
        left, edge = header[0][0], min(w[0] for w in letters) - 1
        column = sorted(
            (w for w in page if left - 2 <= w[0] and w[2] < edge and w[1] > header[0][1] + 1),
            key=lambda w: (round(w[1]), w[0]),
        )
        lines: list[tuple[float, str]] = []
        for w in column:
            if lines and abs(lines[-1][0] - w[1]) < 2:
                lines[-1] = (lines[-1][0], lines[-1][1] + " " + w[3])
            else:
                lines.append((w[1], w[3]))
        starts: list[tuple[float, str]] = []
        text, top = "", None
        for y, line in lines:
            candidate = (text + ("" if text.endswith("-") else " ") + line).strip() if text else line
            if text and any(t.startswith(candidate) for t in tasks):
                text = candidate
            else:
                text, top = line, y
            if text in tasks:
                starts.append((top, text))
                text = ""
        bottom = max(w[1] for w in page) + 1
        for i, (y, task) in enumerate(starts):
            end = starts[i + 1][0] if i + 1 < len(starts) else bottom
            band = sorted((w for w in letters if y - 2 <= w[1] < end - 2), key=lambda w: (w[0], w[1]))
            found.append((task, [w[3] for w in band]))
    return found


def test_pdf_has_every_raci_letter_beside_its_task(consultancy: Path, poppler) -> None:
    for slug, pdf in ((LARGE, "handbuch.pdf"), (UK, "handbook.pdf")):
        view = dict(fixture_views())[slug]
        expected = expected_paper_rows(view)
        printed = matrix_rows_in_pdf(consultancy / slug / pdf, view)
        printed_rows = [(task, sorted(letters)) for task, letters in printed]
        missing = [(task, sorted(letters)) for task, letters in expected if (task, sorted(letters)) not in printed_rows]
        assert missing == [], f"{slug}: rows whose letters the PDF does not show beside the task: {missing}"
        assert len(printed_rows) >= len(expected)
