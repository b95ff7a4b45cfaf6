"""Diagrams: golden DOT for the examples, structure of each diagram, escaping through the real dot."""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.diagrams import charts as diagrams
from generator.diagrams import dot
from generator.diagrams.charts import alt_text, client_diagrams
from generator.diagrams.dot import LIMIT, label
from generator.diagrams.svg import render_all, run_dot, split
from generator.project.check import check_all
from generator.render.view import View

from . import synthetic
from .conftest import OUTPUT, make_repo
from .dot_golden import GOLDEN_DOT, dot_files, fixture_diagrams
from .golden import assert_tree

SVG = "{http://www.w3.org/2000/svg}"


# ------------------------------------------------------------------------------- helpers


def view_of(tmp: Path, data: dict, slug: str = "kunde") -> View:
    repo = make_repo(tmp / "repo", {slug: yaml.safe_dump(data, allow_unicode=True, sort_keys=False)})
    result = check_all(repo, [slug]).results[0]
    assert result.ok and result.resolved, [str(d) for d in result.diagnostics]
    return View(result.resolved)


def person(pid: str, name: str, side: str, roles: list[str], department: str | None = None, **extra) -> dict:
    return {
        "id": pid,
        "name": name,
        "side": side,
        "roles": roles,
        **({"department": department} if department else {}),
        **extra,
    }


def small_project(language: str = "de") -> dict:
    """Every tier on both sides, deputies (one mutual), two lines between one pair."""
    return {
        "client": "Kunde GmbH",
        "title": "CRM",
        "language": language,
        "contractor": "Beratung AG",
        "people": [
            person("pl", "Paula Lead", "client", ["project_lead"], "Vertrieb", deputy="ku1"),
            person("ku1", "Kurt Eins", "client", ["key_user"], "Vertrieb"),
            person("ku2", "Karla Zwei", "client", ["key_user"], "Service", represents=["Service", "Ersatzteile"]),
            person("tm1", "Tom Eins", "client", ["team_member"], "Vertrieb"),
            person("tm2", "Tina Zwei", "client", ["team_member"], "Ersatzteile"),
            person("it", "Ivo Technik", "client", [], "IT", position="Administrator"),
            person("am", "Anna Manager", "contractor", ["account_manager"], deputy="amd"),
            person("amd", "Adam Vertreter", "contractor", ["account_manager_deputy"], deputy="am"),
            person("rc", "Rita Koordination", "contractor", ["resource_coordinator"]),
            {"id": "hotline", "name": "Hotline", "side": "contractor", "kind": "team", "roles": ["support"]},
            {"id": "buero", "name": "Büro", "side": "contractor", "kind": "team", "roles": ["backoffice"]},
            person("gf", "Gerd Führung", "contractor", [], "Geschäftsführung"),
        ],
        "workgroups": [{"id": "ak", "name": "AK Vertrieb", "lead": "ku1", "members": ["tm1", "ku1"]}],
        "communication": [
            {"topic": "Status", "from": "pl", "to": ["am"], "when": "wöchentlich", "channel": "Teams"},
            {"topic": "Risiken", "from": "pl", "to": ["am", "key_user"], "when": "monatlich", "channel": "E-Mail"},
            {"topic": "Fehler", "from": "key_user", "to": ["hotline"], "when": "sofort", "channel": "Ticket"},
        ],
        "escalation": [
            {"level": 1, "contact": "hotline", "when": "sofort", "channel": "Telefon"},
            {"level": 2, "contact": "account_manager", "when": "nach 2 Tagen"},
        ],
    }


ATTR = re.compile(r'([a-z]+)=("(?:[^"\\]|\\.)*")')


def unquote(value: str) -> str:
    inner = value[1:-1]
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), inner).replace("&amp;", "&")


def parse(dot: str) -> tuple[dict[str, dict[str, str]], list[tuple[str, str, dict[str, str]]], dict[str, list[str]]]:
    """The nodes, edges and cluster members of DOT text as diagrams.py writes it."""
    nodes: dict[str, dict[str, str]] = {}
    edges: list[tuple[str, str, dict[str, str]]] = []
    clusters: dict[str, list[str]] = {}
    cluster = None
    for line in dot.splitlines():
        if m := re.match(r"\s*subgraph cluster_(\w+) \{", line):
            cluster = m.group(1)
            clusters[cluster] = []
        elif line == "  }":
            cluster = None
        elif m := re.match(r"\s*(n\d+) -> (n\d+) \[(.*)\];$", line):
            edges.append((m.group(1), m.group(2), {k: unquote(v) for k, v in ATTR.findall(m.group(3))}))
        elif m := re.match(r"\s*(n\d+) \[(.*)\];$", line):
            nodes[m.group(1)] = {k: unquote(v) for k, v in ATTR.findall(m.group(2))}
            if cluster:
                clusters[cluster].append(m.group(1))
    return nodes, edges, clusters


def by_name(nodes: dict[str, dict[str, str]], first_line: str) -> str:
    [node] = [n for n, attrs in nodes.items() if attrs["label"].split("\n")[0] == first_line]
    return node


def visible(edges):
    return [e for e in edges if e[2].get("style") != "invis"]


# ------------------------------------------------------------------------------- golden files


def test_fixture_diagrams_match_golden_files() -> None:
    hint = "run `python -m tests.dot_golden --update` and review the diff"
    assert_tree(GOLDEN_DOT, dot_files(fixture_diagrams()), "*.dot", hint)


def test_every_client_gets_the_contract_names(tmp_path: Path) -> None:
    v = view_of(tmp_path, small_project())
    names = set(client_diagrams(v))
    assert names == {"org", "communication", "escalation"} | {f"person-{p.id}" for p in v.people}
    data = small_project()
    del data["communication"], data["escalation"]
    assert set(client_diagrams(view_of(tmp_path / "b", data))) == {"org"} | {f"person-{p.id}" for p in v.people}


# ------------------------------------------------------------------------------- org chart


def test_org_clusters_are_ordered_by_role(tmp_path: Path) -> None:
    nodes, _, clusters = parse(client_diagrams(view_of(tmp_path, small_project()))["org"])
    first = [nodes[n]["label"].split("\n")[0] for n in clusters["client"]]
    assert first == ["Paula Lead", "Kurt Eins", "Karla Zwei", "Tom Eins", "Tina Zwei", "AK Vertrieb", "Ivo Technik"]
    first = [nodes[n]["label"].split("\n")[0] for n in clusters["contractor"]]
    assert first == ["Anna Manager", "Adam Vertreter", "Rita Koordination", "Hotline", "Büro", "Gerd Führung"]
    assert all(nodes[n]["class"] in ("client", "group") for n in clusters["client"])
    assert all(nodes[n]["class"] == "contractor" for n in clusters["contractor"])


def test_org_cluster_labels_are_the_two_companies(tmp_path: Path) -> None:
    dot = client_diagrams(view_of(tmp_path, small_project()))["org"]
    assert 'label="Kunde GmbH", class="client"' in dot
    assert 'label="Beratung AG", class="contractor"' in dot


def test_org_node_labels_carry_role_and_department(tmp_path: Path) -> None:
    nodes, _, _ = parse(client_diagrams(view_of(tmp_path, small_project()))["org"])
    assert nodes[by_name(nodes, "Karla Zwei")]["label"] == "Karla Zwei\nKey-User\nvertritt: Service,\nErsatzteile"
    assert nodes[by_name(nodes, "Tom Eins")]["label"] == "Tom Eins\nProjektteam-Mitglied\nVertrieb"
    assert nodes[by_name(nodes, "Ivo Technik")]["label"] == "Ivo Technik\nAdministrator\nIT"
    assert nodes[by_name(nodes, "AK Vertrieb")]["label"] == "AK Vertrieb\nLeitung: Kurt Eins\n2 Mitglieder"
    assert nodes[by_name(nodes, "Hotline")].get("peripheries") == "2"  # a team, not a person


def test_org_main_contact_edge(tmp_path: Path) -> None:
    for language, text in (("de", "Hauptansprechpartner"), ("en", "Main contact")):
        nodes, edges, _ = parse(client_diagrams(view_of(tmp_path / language, small_project(language)))["org"])
        [main] = [e for e in edges if e[2].get("class") == "main"]
        assert (main[0], main[1]) == (by_name(nodes, "Paula Lead"), by_name(nodes, "Anna Manager"))
        assert main[2]["label"] == text and main[2]["constraint"] == "false"


def test_org_deputies_are_dashed_edges(tmp_path: Path) -> None:
    nodes, edges, _ = parse(client_diagrams(view_of(tmp_path, small_project()))["org"])
    deputy = {(e[0], e[1]): e[2] for e in edges if e[2].get("class") == "deputy"}
    pl, ku1, am, amd = (by_name(nodes, n) for n in ("Paula Lead", "Kurt Eins", "Anna Manager", "Adam Vertreter"))
    assert set(deputy) == {(pl, ku1), (am, amd)}  # the mutual pair is one edge
    assert deputy[(pl, ku1)]["dir"] == "forward" and deputy[(am, amd)]["dir"] == "both"
    assert all(a["style"] == "dashed" and a["label"] == "Vertretung" for a in deputy.values())
    # the deputy line replaces the hierarchy line between the same two people
    assert not [e for e in edges if (e[0], e[1]) == (pl, ku1) and e[2].get("class") == "hierarchy"]


def test_org_deputy_of_a_lower_rank_points_up(tmp_path: Path) -> None:
    data = small_project()
    data["people"][3]["deputy"] = "ku1"  # team member Tom is deputised by his key user
    nodes, edges, _ = parse(client_diagrams(view_of(tmp_path, data))["org"])
    [edge] = [e for e in edges if e[2].get("class") == "deputy" and by_name(nodes, "Tom Eins") in e[:2]]
    assert (edge[0], edge[1], edge[2]["dir"]) == (by_name(nodes, "Kurt Eins"), by_name(nodes, "Tom Eins"), "back")


def test_org_hierarchy_lines_follow_represented_departments(tmp_path: Path) -> None:
    nodes, edges, _ = parse(client_diagrams(view_of(tmp_path, small_project()))["org"])
    lines = {
        (nodes[a]["label"].split("\n")[0], nodes[b]["label"].split("\n")[0])
        for a, b, attrs in edges
        if attrs.get("class") in ("hierarchy", "deputy") and attrs.get("constraint") != "false"
    }
    assert ("Kurt Eins", "Tom Eins") in lines
    assert ("Karla Zwei", "Tina Zwei") in lines  # Ersatzteile is represented by Karla
    assert ("Paula Lead", "Karla Zwei") in lines


def test_org_is_deterministic_and_people_order_only_reorders_within_a_tier(tmp_path: Path) -> None:
    data = small_project()
    once = client_diagrams(view_of(tmp_path / "a", data))
    assert once == client_diagrams(view_of(tmp_path / "b", data))
    shuffled = dict(data, people=random.Random(7).sample(data["people"], len(data["people"])))
    again = client_diagrams(view_of(tmp_path / "c", shuffled))
    assert again["org"] != once["org"]  # the order of the file is the order within a tier

    def shape(dot: str) -> tuple:
        nodes, edges, clusters = parse(dot)
        name = {n: a["label"] for n, a in nodes.items()}
        tiers = {side: [nodes[n]["label"].split("\n")[1] for n in members] for side, members in clusters.items()}
        edge_set = sorted((name[a], name[b], sorted(attrs.items())) for a, b, attrs in visible(edges))
        return sorted(name.values()), {s: sorted(t) for s, t in tiers.items()}, edge_set

    assert shape(again["org"]) == shape(once["org"])
    leads = parse(again["org"])[0]
    assert leads[parse(again["org"])[2]["client"][0]]["label"].startswith("Paula Lead")


def test_org_wraps_wide_tiers_into_rows(tmp_path: Path) -> None:
    dot = client_diagrams(view_of(tmp_path, project_40()))["org"]
    rows = re.findall(r"\{rank=same; ([n\d ]+)\}", dot)
    assert rows and max(len(r.split()) for r in rows) <= diagrams.ROW["client"]


# ------------------------------------------------------------------------------- communication, escalation


def test_communication_merges_lines_between_the_same_pair(tmp_path: Path) -> None:
    nodes, edges, _ = parse(client_diagrams(view_of(tmp_path, small_project()))["communication"])
    pl, am = by_name(nodes, "Paula Lead"), by_name(nodes, "Anna Manager")
    [edge] = [e for e in edges if (e[0], e[1]) == (pl, am)]
    assert edge[2]["label"].replace("\n•", " |•").replace("\n", " ") == (
        "• Status (wöchentlich, Teams) |• Risiken (monatlich, E-Mail)"
    )  # one entry per line, wrapped
    assert len([e for e in visible(edges)]) == 3  # pl->am, pl->key_user, key_user->hotline


def test_communication_nodes_are_references_as_written(tmp_path: Path) -> None:
    nodes, _, _ = parse(client_diagrams(view_of(tmp_path, small_project()))["communication"])
    labels = sorted(a["label"] for a in nodes.values())
    assert labels == ["Anna Manager", "Hotline", "Key-User\nKurt Eins, Karla Zwei", "Paula Lead"]
    assert nodes[by_name(nodes, "Key-User")]["class"] == "client"
    assert nodes[by_name(nodes, "Hotline")]["class"] == "contractor"


def test_escalation_levels_in_order(tmp_path: Path) -> None:
    nodes, edges, _ = parse(client_diagrams(view_of(tmp_path, small_project()))["escalation"])
    assert [a["label"] for a in nodes.values()] == [
        "Stufe 1: Hotline\nsofort\nTelefon",
        "Stufe 2: Account Manager\n(Projektleitung Nordwind)\nnach 2 Tagen",
    ]
    assert [(a, b) for a, b, _ in edges] == [("n0", "n1")]


# ------------------------------------------------------------------------------- per person


def test_person_diagram_shows_roles_deputies_and_counterparts(tmp_path: Path) -> None:
    nodes, edges, _ = parse(client_diagrams(view_of(tmp_path, small_project()))["person-pl"])
    name = {n: a["label"].split("\n")[0] for n, a in nodes.items()}
    pairs = {(name[a], name[b], attrs.get("class")) for a, b, attrs in edges}
    assert ("Projektleitung", "Paula Lead", "role") in pairs  # "Projektleitung\n(Auftraggeber)"
    assert ("Paula Lead", "Kurt Eins", "deputy") in pairs
    assert ("Paula Lead", "Anna Manager", "communication") in pairs
    assert ("Paula Lead", "Key-User", "communication") in pairs
    nodes, edges, _ = parse(client_diagrams(view_of(tmp_path / "b", small_project()))["person-ku1"])
    name = {n: a["label"].split("\n")[0] for n, a in nodes.items()}
    pairs = {(name[a], name[b], attrs.get("class")) for a, b, attrs in edges}
    assert ("Paula Lead", "Kurt Eins", "deputy") in pairs  # whom Kurt deputises for
    assert ("Paula Lead", "Kurt Eins", "communication") in pairs  # Risiken reaches him as a key user


def test_person_diagram_is_capped(tmp_path: Path) -> None:
    data = small_project()
    extra = [person(f"x{i}", f"Extra {i}", "client", ["team_member"], "Vertrieb") for i in range(15)]
    data["people"] += extra
    data["communication"] += [
        {"topic": f"T{i}", "from": "pl", "to": [f"x{i}"], "when": "oft", "channel": "Mail"} for i in range(15)
    ]
    nodes, _, _ = parse(client_diagrams(view_of(tmp_path, data))["person-pl"])
    assert len(nodes) == diagrams.PERSON_CAP
    assert any(a["label"].startswith("+") and "weitere" in a["label"] for a in nodes.values())


# ------------------------------------------------------------------------------- alt text


def test_alt_text_is_one_sentence_in_the_language(tmp_path: Path) -> None:
    de = view_of(tmp_path / "de", small_project("de"))
    assert alt_text(de, "org") == (
        "Organigramm: 6 Personen auf Seiten des Auftraggebers, 6 Personen beim "
        "Auftragnehmer; Hauptansprechpartner sind Paula Lead und Anna Manager."
    )
    assert alt_text(de, "communication") == "Kommunikationsdiagramm: 3 Kommunikationswege zwischen 4 Beteiligten."
    assert alt_text(de, "escalation").startswith("Eskalationspfad in 2 Stufen: 1. Hotline, 2. Account Manager")
    en = view_of(tmp_path / "en", small_project("en"))
    assert alt_text(en, "person-pl") == "Diagram for Paula Lead: roles, deputies and communication with 2 parties."
    assert alt_text(en, "communication") == "Communication diagram: 3 communication lines between 4 parties."
    with pytest.raises(KeyError):
        alt_text(en, "person-nobody")


# ------------------------------------------------------------------------------- escaping


@pytest.mark.parametrize(
    "text, expected",
    [
        ('Say "hi"', r'"Say \"hi\""'),
        ("C:\\", r'"C:\\"'),  # a trailing backslash stays a character
        ("\\N \\G \\l", r'"\\N \\G \\l"'),  # no graphviz escapes from user text
        ("<IMG SRC=/etc/passwd>", '"<IMG SRC=/etc/passwd>"'),  # quoted: never an HTML-like label
        ("A & B &amp;", '"A &amp; B &amp;amp;"'),  # dot decodes entities in labels
        ("a\nb\r\nc", r'"a\nb\nc"'),
        ("bell\x07 nul\x00 del\x7f", '"bell nul del"'),
        ("{ a | b }", '"{ a | b }"'),
    ],
)
def test_label_escaping(text: str, expected: str) -> None:
    assert label(text) == expected


def test_label_wraps_and_caps() -> None:
    text = "Projektstatus, Entscheidungen und nächste Schritte"
    assert label(text, width=30) == '"Projektstatus, Entscheidungen\\nund nächste Schritte"'
    assert all(len(line) <= dot.WRAP for line in unquote(label(text)).split("\n"))
    assert label("Donaudampfschifffahrtsgesellschaftskapitänsmütze", width=20).count("\\n") == 2
    long = label("x" * 1000)
    assert len(unquote(long).replace("\n", "")) == LIMIT and unquote(long).endswith("…")
    assert label("eins", "", "zwei") == '"eins\\nzwei"'


SPECIALS = [
    '"',
    "\\",
    "<IMG SRC=/etc/passwd>",
    "<b>",
    "</text>",
    "{",
    "}",
    "|",
    "\n",
    "&amp;",
    "&#60;",
    "\\N",
    "\\n",
    "\\l",
    "\\G",
    "]]>",
    "<!--",
    "-->",
    " ",
    "\u00a0",
]
TEXT = st.lists(
    st.one_of(
        st.sampled_from(SPECIALS),
        st.text(st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufffe\uffff"), max_size=20),
    ),
    max_size=8,
).map("".join)


def svg_text(root: ET.Element) -> str:
    return "".join("".join(el.itertext()) for el in root.iter(f"{SVG}text"))


@settings(max_examples=60, deadline=None)
@given(TEXT, st.booleans())
def test_any_label_survives_dot_literally(text: str, trailing_backslash: bool) -> None:
    text = text + ("\\" if trailing_backslash else "")
    dot = f'digraph G {{ node [fontname="DejaVu Sans"]; n0 [label={label(text)}]; }}'
    root = ET.fromstring(run_dot(dot))
    assert "".join(svg_text(root).split()) == "".join(text.split())
    assert not [el for el in root.iter() if el.tag in (f"{SVG}image", f"{SVG}script", f"{SVG}foreignObject")]


# ------------------------------------------------------------------------------- readability of a big project


FIRST = [*synthetic.FIRST, "Vera", "Willi", "Xenia", "Yusuf", "Zoe"]
LAST = ["Becker", "Schmidt", "Müller-Lüdenscheidt", "Wagner", "Krüger", "Hoffmann", "Fischer", "Weber", "Neumann"]
DEPARTMENTS = ["Vertrieb Innendienst", "Service", "Marketing", "Ersatzteilwesen", "Vertrieb Außendienst"]


def project_40() -> dict:
    """40 entries: a lead, 5 key users, 24 team members, 3 workgroups, 8 on the contractor side."""

    def p(i: int, side: str, roles: list[str], department: str, **extra) -> dict:
        return person(f"p{i:02d}", f"{FIRST[i % 25]} {LAST[i % 9]}", side, roles, department, **extra)

    people = [p(0, "client", ["project_lead"], "Geschäftsleitung", deputy="p01")]
    people += [p(1 + k, "client", ["key_user"], DEPARTMENTS[k]) for k in range(5)]
    people += [p(6 + t, "client", ["team_member"], DEPARTMENTS[t % 5]) for t in range(24)]
    people += [p(30, "client", ["it_admin"], "IT"), p(31, "client", [], "Einkauf", position="Leiterin Einkauf")]
    people += [
        p(32, "contractor", ["account_manager"], "Beratung", deputy="p33"),
        p(33, "contractor", ["account_manager_deputy"], "Beratung", deputy="p32"),
        p(34, "contractor", ["resource_coordinator"], "Entwicklung"),
        p(35, "contractor", ["resource_coordinator"], "Entwicklung"),
        {"id": "hotline", "name": "Support-Hotline", "side": "contractor", "kind": "team", "roles": ["support"]},
        p(37, "contractor", ["support"], "Support"),
        {"id": "buero", "name": "Backoffice", "side": "contractor", "kind": "team", "roles": ["backoffice"]},
        p(39, "contractor", [], "Geschäftsführung", position="Geschäftsführer"),
    ]
    return {
        "client": "Großkunde Beispiel AG & Co. KG",
        "title": "CRM konzernweit",
        "people": people,
        "roles": [{"id": "it_admin", "name": "IT-Administration", "side": "client"}],
        "workgroups": [
            {"id": "ak_vertrieb", "name": "Arbeitskreis Vertrieb", "lead": "p01", "members": ["p06", "p11", "p05"]},
            {
                "id": "ak_service",
                "name": "Arbeitskreis Service & Ersatzteile",
                "lead": "p02",
                "members": ["p07", "p09"],
            },
            {"id": "ak_marketing", "name": "Arbeitskreis Marketing", "lead": "p03", "members": ["p08", "p13"]},
        ],
        "communication": [
            {
                "topic": "Projektstatus",
                "from": "project_lead",
                "to": ["project_team", "account_manager"],
                "when": "wöchentlich",
                "channel": "Jour fixe",
            },
            {
                "topic": "Budget",
                "from": "account_manager",
                "to": ["project_lead"],
                "when": "monatlich",
                "channel": "E-Mail",
            },
            {"topic": "Fehlermeldungen", "from": "key_user", "to": ["hotline"], "when": "sofort", "channel": "Ticket"},
        ],
    }


def shape_boxes(root: ET.Element) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(node id, bounding box of its outline) from the path/polygon/ellipse dot drew for it."""
    boxes = []
    for g in root.iter(f"{SVG}g"):
        if "node" not in g.get("class", "").split():
            continue
        xs: list[float] = []
        ys: list[float] = []
        for el in g:
            if el.tag == f"{SVG}ellipse":
                cx, cy, rx, ry = (float(el.get(k)) for k in ("cx", "cy", "rx", "ry"))
                xs += [cx - rx, cx + rx]
                ys += [cy - ry, cy + ry]
            elif el.tag in (f"{SVG}path", f"{SVG}polygon"):
                numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", el.get("d") or el.get("points") or "")]
                xs += numbers[0::2]
                ys += numbers[1::2]
        boxes.append((g.get("id"), (min(xs), min(ys), max(xs), max(ys))))
    return boxes


def assert_no_overlap(drawing: str) -> int:
    boxes = shape_boxes(ET.fromstring(split(drawing)[0]))
    for i, (a, (ax0, ay0, ax1, ay1)) in enumerate(boxes):
        for b, (bx0, by0, bx1, by1) in boxes[i + 1 :]:
            overlap = min(ax1, bx1) - max(ax0, bx0) > 0.5 and min(ay1, by1) - max(ay0, by0) > 0.5
            assert not overlap, f"nodes {a} and {b} overlap"
    return len(boxes)


def test_org_chart_of_40_people_has_no_overlapping_nodes(tmp_path: Path) -> None:
    v = view_of(tmp_path, project_40())
    dots = {n: d for n, d in client_diagrams(v).items() if n in ("org", "communication")}
    svgs = render_all(dots, {n: alt_text(v, n) for n in dots})
    assert assert_no_overlap(svgs["org"]) == 40 + 3  # every person and team, and the workgroups
    assert_no_overlap(svgs["communication"])
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "org-40.svg").write_text(split(svgs["org"])[0], encoding="utf-8")
    width = int(re.search(r"width: (\d+)px", svgs["org"]).group(1))
    assert width <= 960, f"the org chart of 40 people is {width}px wide; it should fit a page column"


def test_fixture_diagrams_render_without_overlaps() -> None:
    OUTPUT.mkdir(exist_ok=True)
    for slug, dots in fixture_diagrams().items():
        svgs = render_all(dots)
        for svg in svgs.values():
            assert_no_overlap(svg)
        for name in ("org", "communication"):
            (OUTPUT / f"{slug}-{name}.svg").write_text(split(svgs[name])[0], encoding="utf-8")


def test_diagrams_of_every_good_case_render(tmp_path: Path) -> None:
    from .conftest import CASES

    for folder in sorted((CASES / "good").iterdir()):
        if not (folder / "project.yml").is_file():
            continue
        repo = make_repo(tmp_path / folder.name, {"case": (folder / "project.yml").read_bytes()})
        result = check_all(repo, ["case"]).results[0]
        if result.resolved is None:
            continue
        svgs = render_all(client_diagrams(View(result.resolved)))
        assert all(s.startswith("<svg") for s in svgs.values()), folder.name


def test_a_role_nobody_holds_gets_no_node(tmp_path: Path) -> None:
    """Format 1.1: a reference that reaches nobody (here resource_coordinator, held by nobody) is
    no node in the communication diagram; the other line between real people stays."""
    data = {
        "client": "Kunde GmbH",
        "title": "CRM",
        "people": [
            person("pl", "Paula Lead", "client", ["project_lead", "key_user"]),
            person("am", "Anna Manager", "contractor", ["account_manager", "support", "backoffice"]),
        ],
        "communication": [
            {
                "topic": "Status",
                "from": "pl",
                "to": ["am", "resource_coordinator"],
                "when": "weekly",
                "channel": "Teams",
            },
            {"topic": "Pakete", "from": "resource_coordinator", "to": ["pl"], "when": "weekly", "channel": "Mail"},
        ],
        "meetings": [{"name": "Kickoff", "type": "kickoff"}],
    }
    view = view_of(tmp_path, data)
    dots = client_diagrams(view)
    assert "Ressourcenkoordination" not in dots["communication"] and "Pakete" not in dots["communication"]
    assert "Anna Manager" in dots["communication"] and "Status" in dots["communication"]
    assert "resource_coordinator" not in [r.id for r in view.roles]
    assert all("Ressourcenkoordination" not in text for text in dots.values())
