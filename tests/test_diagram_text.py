"""The text version of every diagram (diagrams/text.py): what the picture shows, as lists.

- For every fixture project, every line of every node and cluster label of every diagram's DOT
  is in its text version, and every name of the project (person, team, working group, role,
  the two companies) is in the text exactly when it is in the picture: the two cannot drift.
- The outline travels in the DOT as comments: any text survives that way literally, and dot
  still draws one graph. Hostile names come out escaped, in the page's HTML as in the DOT.
- A built site: after every diagram's box comes its text version, shut, kept out of the search
  index, not hidden from screen readers; the print page opens each; the PDF holds the org
  chart's entries. In Chromium a reader opens it with the keyboard and reads it; axe finds
  nothing serious on the pages with every text version open; nothing scrolls sideways at 390 px.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.diagrams import charts, text
from generator.diagrams.dot import Graph, label
from generator.diagrams.svg import run_dot
from generator.exports.pdf import print_pdf
from generator.project.check import check_all
from generator.render.pages import render_pages
from generator.render.view import View

from .conftest import make_repo
from .test_browser import (  # noqa: F401  (fixtures used by name)
    DESKTOP,
    GERMAN,
    _no_third_party_requests,
    browser,
    built_examples,
    new_page,
    open_page,
    request_log,
    sites,
)
from .test_diagrams import TEXT, parse, small_project, unquote
from .test_readable import fixture_views

try:
    from axe_playwright_python.sync_playwright import Axe
except ImportError:
    Axe = None

PHONE = {"width": 390, "height": 844}
CLUSTER_LABEL = re.compile(r'^    graph \[label=("(?:[^"\\]|\\.)*")')


# ------------------------------------------------------------------------------- helpers


class Tree(HTMLParser):
    """Elements with their attributes, text and children (enough for our own markup)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: dict = {"tag": "", "attrs": {}, "children": [], "text": ""}
        self._open = [self.root]
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = {"tag": tag, "attrs": dict(attrs), "children": [], "text": ""}
        self._open[-1]["children"].append(node)
        self.tags.append(tag)
        if tag not in ("br", "img", "input", "meta", "link", "wbr", "hr", "path", "polygon", "ellipse"):
            self._open.append(node)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._open) - 1, 0, -1):
            if self._open[i]["tag"] == tag:
                del self._open[i:]
                return

    def handle_data(self, data: str) -> None:
        self._open[-1]["text"] += data


def tree(markup: str) -> Tree:
    t = Tree()
    t.feed(markup)
    t.close()
    return t


def elements(node: dict):
    for child in node["children"]:
        yield child
        yield from elements(child)


def entries(node: dict) -> list[str]:
    """The own text of every <li> under ``node``, in document order."""
    return [" ".join(li["text"].split()) for li in elements(node) if li["tag"] == "li"]


def squash(s: str) -> str:
    """Whitespace out: dot wraps labels anywhere, the text does not."""
    return "".join(s.split())


def drawn_labels(dot: str) -> list[str]:
    """Every node and cluster label of a diagram, as dot shows it (lines joined by newlines)."""
    nodes, _, _ = parse(dot)
    clusters = [unquote(m.group(1)) for line in dot.splitlines() if (m := CLUSTER_LABEL.match(line))]
    return [attrs["label"] for attrs in nodes.values()] + clusters


def names_of(view: View) -> set[str]:
    """Everything of the project that a diagram may name."""
    return (
        {p.name for p in view.people}
        | {w.name for w in view.workgroups}
        | {view.name(r.id) for r in view.roles}
        | {view.client, view.contractor}
    )


def view_of(tmp: Path, data: dict) -> View:
    repo = make_repo(tmp / "repo", {"kunde": yaml.safe_dump(data, allow_unicode=True, sort_keys=False)})
    result = check_all(repo, ["kunde"]).results[0]
    assert result.ok and result.resolved, [str(d) for d in result.diagnostics]
    return View(result.resolved)


# ------------------------------------------------------------------------------- picture and text agree


@pytest.mark.parametrize(("slug", "view"), fixture_views(), ids=lambda x: x if isinstance(x, str) else "")
def test_text_names_what_the_picture_shows_and_nothing_else(slug: str, view: View) -> None:
    names = names_of(view)
    for name, dot in charts.client_diagrams(view).items():
        version = tree(text.from_dot(dot))
        [details] = [e for e in elements(version.root) if e["tag"] == "details"]
        said = squash(html.unescape(" ".join(entries(details))))
        labels = drawn_labels(dot)
        for lbl in labels:
            for line in lbl.split("\n"):
                assert squash(line) in said, f"{slug} {name}: '{line}' is drawn but not in the text"
        shown = squash(" ".join(labels))
        for who in sorted(names):
            drawn, told = squash(who) in shown, squash(who) in said
            assert drawn == told, f"{slug} {name}: '{who}' {'drawn' if drawn else 'told'} only"


@pytest.mark.parametrize(("slug", "view"), fixture_views(), ids=lambda x: x if isinstance(x, str) else "")
def test_text_has_an_entry_per_node_level_and_line(slug: str, view: View) -> None:
    graphs = charts.client_graphs(view)
    org = text.outline("org", graphs["org"], view.L)
    people = [leaf for side in org.items[:2] for tier in side.children for leaf in tier.children]
    assert len(people) == len(graphs["org"].nodes)  # each node of the org chart once, in its side
    assert [side.text.split(": ", 1)[0] for side in org.items[:2]] == [view.L["client"], view.L["contractor"]]
    if "escalation" in graphs:
        levels = text.outline("escalation", graphs["escalation"], view.L)
        assert levels.ordered and len(levels.items) == len(view.escalation)
    if "communication" in graphs:
        lines = text.outline("communication", graphs["communication"], view.L)
        reached = [(c, to) for c in view.communication for to in dict.fromkeys(c.to)]
        assert len(lines.items) == len([1 for c, to in reached if view.expand(c.from_) and view.expand(to)])


def test_org_text_in_words(tmp_path: Path) -> None:
    v = view_of(tmp_path, small_project())
    [org] = [x for x in elements(tree(text.from_dot(charts.client_diagrams(v)["org"])).root) if x["tag"] == "details"]
    assert [e["text"] for e in elements(org) if e["tag"] == "summary"] == ["Diagramm als Text"]
    said = entries(org)
    assert said[:4] == [
        "Auftraggeber: Kunde GmbH",
        "Projektleitung (Auftraggeber)",
        "Paula Lead – Projektleitung (Auftraggeber) – Vertrieb; Vertretung: Kurt Eins",
        "Key-User",
    ]
    assert "Karla Zwei – Key-User – vertritt: Service, Ersatzteile" in said
    assert "AK Vertrieb – Leitung: Kurt Eins – 2 Mitglieder" in said
    assert "Anna Manager – Account Manager (Projektleitung Nordwind); Vertretung: Adam Vertreter" in said
    assert "Adam Vertreter – Stellvertretung Account Manager; Vertretung: Anna Manager" in said  # mutual
    assert said[-1] == "Hauptansprechpartner: Paula Lead – Anna Manager"


def test_communication_escalation_and_person_text_in_words(tmp_path: Path) -> None:
    v = view_of(tmp_path / "en", small_project("en"))
    dots = charts.client_diagrams(v)
    lines = entries(tree(text.from_dot(dots["communication"])).root)
    assert lines[0] == "Paula Lead → Anna Manager: Status (wöchentlich, Teams)"
    assert "Paula Lead → Key user (Kurt Eins, Karla Zwei): Risiken (monatlich, E-Mail)" in lines
    assert len(lines) == 4  # every line between every pair, one item each
    escalation = tree(text.from_dot(dots["escalation"]))
    assert [e["tag"] for e in elements(escalation.root)].count("ol") == 1
    assert entries(escalation.root)[0] == "Level 1: Hotline – sofort – Telefon"
    person = entries(tree(text.from_dot(dots["person-pl"])).root)
    assert person[0] == "Paula Lead – Vertrieb"
    assert person[1].startswith("Role: Project lead")
    assert "Deputy: Kurt Eins" in person
    assert "Paula Lead → Anna Manager: Status, Risiken" in person
    kurt = entries(tree(text.from_dot(dots["person-ku1"])).root)
    assert "Deputy for: Paula Lead" in kurt


def test_a_capped_label_is_listed_in_full(tmp_path: Path) -> None:
    data = small_project()
    data["communication"] += [
        {"topic": f"Thema {i}", "from": "pl", "to": ["am"], "when": "oft", "channel": "Mail"} for i in range(8)
    ]
    dots = charts.client_diagrams(view_of(tmp_path, data))
    assert "+4 weitere" in dots["communication"]  # the picture shows six and counts the rest
    lines = entries(tree(text.from_dot(dots["communication"])).root)
    assert [x for x in lines if x.startswith("Paula Lead → Anna Manager")][-1].endswith("Thema 7 (oft, Mail)")


# ------------------------------------------------------------------------------- safe travel and escaping


@settings(max_examples=80, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=4))
def test_any_text_travels_through_the_dot_comments_literally(texts: list[str]) -> None:
    outline = text.Outline(tuple(text.Item(t, (text.Item(t + "\\"),)) for t in texts))
    g = Graph("t", {})
    g.node("a", label("A"))
    dot = g.dot(text.notes(outline, "Zusammenfassung\n}"))
    back = tree(text.from_dot(dot))
    assert entries(back.root) == [" ".join(s.split()) for t in texts for s in (t, t + "\\")]
    svg = run_dot(dot)
    assert svg.count("<svg") == 1 and svg.count('class="node"') == 1  # dot drew the one graph, nothing else


HOSTILE = [
    "<script>alert(1)</script>",
    "</details><img src=x onerror=alert(1)>",
    "[klick](javascript:alert(1)) *fett* `code` {: onclick=alert(1) }",
    "1. Liste & Co | Spalte \\",
    '!!! danger "Achtung"',
    "# Überschrift <!-- x -->",
]


def hostile_project() -> dict:
    data = small_project()
    for person, name in zip(data["people"], HOSTILE, strict=False):
        person["name"] = name
    data["client"] = "<b>Kunde</b> & Söhne"
    data["workgroups"][0]["name"] = "<i>AK</i> | Vertrieb"
    data["communication"][0]["topic"] = "<svg onload=alert(1)>"
    return data


def test_hostile_names_are_escaped_in_the_text_version(tmp_path: Path) -> None:
    v = view_of(tmp_path, hostile_project())
    for name, dot in charts.client_diagrams(v).items():
        markup = text.from_dot(dot)
        parsed = tree(markup)
        assert set(parsed.tags) <= {"details", "summary", "ul", "ol", "li"}, (name, parsed.tags)
        assert not re.search(r"<(?!/?(details|summary|ul|ol|li)\b)", markup), name
    said = " ".join(entries(tree(text.from_dot(charts.client_diagrams(v)["org"])).root))
    for hostile in [*HOSTILE, "<b>Kunde</b> & Söhne", "<i>AK</i> | Vertrieb"]:
        assert hostile in said  # shown as typed, not run
    assert "<svg onload=alert(1)>" in " ".join(
        entries(tree(text.from_dot(charts.client_diagrams(v)["communication"])).root)
    )


def test_hostile_names_stay_text_on_the_page(tmp_path: Path) -> None:
    """The page's Markdown as the engine converts it: the text version's own tags and nothing else."""
    v = view_of(tmp_path, hostile_project())
    dots = charts.client_diagrams(v)
    svgs = {name: "<svg></svg>\n" + text.from_dot(dot) for name, dot in dots.items()}
    pages = render_pages(v, svgs)
    for path in ("organisation.md", "kommunikation.md", "personen/pl.md"):
        page = markdown.markdown(pages[path], extensions=["tables", "attr_list", "admonition", "def_list"])
        start = page.index('<details class="hb-diagram-text"')
        block = page[start : page.index("</details>", start) + len("</details>")]
        assert set(tree(block).tags) <= {"details", "summary", "ul", "ol", "li"}, path
        assert "onclick" not in tree(block).root["children"][0]["attrs"]
    said = " ".join(entries(tree(markdown.markdown(pages["organisation.md"])).root))
    assert "</details><img src=x onerror=alert(1)>" in said


# ------------------------------------------------------------------------------- the built site


def diagram_blocks(page: str) -> list[tuple[dict, dict | None]]:
    """Each diagram box of a built page and the element right after it."""
    article = page.split('<article class="md-content__inner', 1)[1].split("</article>", 1)[0]
    root = tree("<article " + article).root
    out = []
    for parent in elements(root):
        kids = parent["children"]
        for i, kid in enumerate(kids):
            if kid["tag"] == "div" and "hb-diagram" in (kid["attrs"].get("class") or "").split():
                out.append((kid, kids[i + 1] if i + 1 < len(kids) else None))
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_examples(tmp_path_factory) / GERMAN


def test_every_diagram_on_every_page_is_followed_by_its_text_version(site: Path) -> None:
    seen = 0
    for page in sorted(site.rglob("index.html")):
        if "print_page" in page.parts:
            continue
        for box, after in diagram_blocks(page.read_text(encoding="utf-8")):
            seen += 1
            [svg] = [e for e in elements(box) if e["tag"] == "svg"]
            assert svg["attrs"]["role"] == "img" and svg["attrs"]["aria-labelledby"], page  # its name stays
            assert after is not None and after["tag"] == "details", f"{page}: no text version after {box['attrs']}"
            assert after["attrs"]["class"] == "hb-diagram-text" and "open" not in after["attrs"]
            assert "data-search-exclude" in after["attrs"] and "aria-hidden" not in after["attrs"]
            assert not [e for e in elements(after) if "aria-hidden" in e["attrs"]]
            assert entries(after), page
    assert seen >= 3 + 15  # organisation, communication, escalation and a diagram per person


def test_organisation_page_tells_the_org_chart_after_it(site: Path) -> None:
    page = (site / "organisation" / "index.html").read_text(encoding="utf-8")
    [(box, after)] = diagram_blocks(page)
    assert box["attrs"]["id"] == "diagram-org"
    assert page.index("</svg>", page.index('id="diagram-org"')) < page.index('<details class="hb-diagram-text"')
    said = entries(after)
    assert said[0] == "Auftraggeber: Muster Maschinenbau GmbH"
    assert any(s.startswith("Thomas Schmidt – Projektleitung") and "Vertretung: Anna Becker" in s for s in said)
    assert said[-1].startswith("Hauptansprechpartner: Thomas Schmidt – ")


def test_the_print_page_opens_every_text_version(site: Path) -> None:
    page = (site / "print_page" / "index.html").read_text(encoding="utf-8")
    shut = re.findall(r"<details class=\"hb-diagram-text\"(?![^>]*\bopen\b)[^>]*>", page)
    assert shut == [] and page.count('<details class="hb-diagram-text" open') >= 18


@pytest.mark.skipif(
    not shutil.which("chromium") or not shutil.which("pdftotext"), reason="needs Debian chromium and poppler-utils"
)
def test_the_pdf_holds_the_org_chart_as_text(site: Path, tmp_path: Path) -> None:
    pdf = print_pdf(site, tmp_path / "handbuch.pdf")
    printed = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout

    def fold(s: str) -> str:  # pdftotext joins "Projekt-" and "Wiki" at a line's end into "ProjektWiki"
        return squash(s).replace("-", "")

    folded = fold(printed)
    [(_, org)] = diagram_blocks((site / "organisation" / "index.html").read_text(encoding="utf-8"))
    said = entries(org)
    assert len(said) > 20 and "Hauptansprechpartner: Thomas Schmidt – Katrin Müller" in " ".join(printed.split())
    missing = [s for s in said if fold(s) not in folded]
    assert not missing, missing
    communication = diagram_blocks((site / "kommunikation" / "index.html").read_text(encoding="utf-8"))
    missing = [s for _, after in communication for s in entries(after) if fold(s) not in folded]
    assert not missing, missing  # communication lines and escalation levels, arrows included


# ------------------------------------------------------------------------------- in Chromium


def test_a_reader_opens_the_text_version_with_the_keyboard(sites: dict[str, str], new_page) -> None:  # noqa: F811
    page = new_page()
    open_page(page, sites[GERMAN] + "organisation/")
    svg = page.get_by_role("img", name=re.compile(r"^Organigramm: "))
    assert svg.count() == 1  # the picture keeps its accessible name
    details = page.locator("#diagram-org + details.hb-diagram-text")
    assert details.count() == 1
    first = details.locator("li").first
    assert not first.is_visible()  # shut until asked for
    details.locator("summary").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#diagram-org + details').open")
    assert first.is_visible() and first.inner_text().startswith("Auftraggeber: Muster Maschinenbau GmbH")
    said = details.locator("li").evaluate_all("lis => lis.map(li => li.firstChild.textContent.trim())")
    assert any(s.startswith("Katrin Müller – Account Manager") for s in said)
    assert details.evaluate("d => d.closest('[aria-hidden=true]') === null")
    snapshot = details.aria_snapshot()
    assert "Diagramm als Text" in snapshot and "Thomas Schmidt" in snapshot  # in the accessibility tree
    page.keyboard.press("Enter")
    assert not first.is_visible()


@pytest.mark.parametrize("path", ["organisation/", "kommunikation/", "personen/thomas_schmidt/"])
def test_open_text_versions_fit_a_phone(sites: dict[str, str], new_page, path: str) -> None:  # noqa: F811
    page = new_page(viewport=PHONE)
    open_page(page, sites[GERMAN] + path)
    page.evaluate("() => document.querySelectorAll('details.hb-diagram-text').forEach(d => d.open = true)")
    wide = page.evaluate(
        """() => [document.documentElement, ...document.querySelectorAll('details.hb-diagram-text, details.hb-diagram-text li')]
             .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.tagName + ' ' + el.scrollWidth)"""
    )
    assert wide == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["organisation/", "kommunikation/"])
def test_axe_finds_nothing_serious_with_the_text_versions_open(
    sites: dict[str, str],  # noqa: F811
    new_page,  # noqa: F811
    path: str,
    scheme: str,
) -> None:
    if Axe is None:
        pytest.skip("the Python package axe-playwright-python is not installed (pip install -e '.[test]')")
    page = new_page(scheme=scheme, viewport=DESKTOP)
    open_page(page, sites[GERMAN] + path, scheme)
    page.evaluate("() => document.querySelectorAll('details.hb-diagram-text').forEach(d => d.open = true)")
    violations = Axe().run(page).response["violations"]
    serious = [
        f"{v['id']} ({v['impact']}): {n['target']}"
        for v in violations
        if v["impact"] in ("serious", "critical")
        for n in v["nodes"]
    ]
    assert serious == []
