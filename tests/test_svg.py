"""DOT -> inline SVG on the real dot: safe to paste into a page, unique ids, accessible, stable."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.diagrams import svg as svg_module
from generator.diagrams.dot import label
from generator.diagrams.svg import DotFailed, inline, render_all, run_dot, split
from generator.diagrams.text import from_dot
from generator.errors import MissingTool

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def graph(*names: str) -> str:
    nodes = "".join(f"  n{i} [label={label(name)}];\n" for i, name in enumerate(names))
    edges = "".join(f"  n{i} -> n{i + 1};\n" for i in range(len(names) - 1))
    return f'digraph G {{\n  node [fontname="DejaVu Sans", shape=box];\n{nodes}{edges}}}\n'


# A gradient makes dot write <defs> with ids and url(#...) references to them.
GRADIENT = 'digraph G { a [style=filled, fillcolor="red:blue", label="A"]; b [label="B"]; a -> b; }\n'
DOTS = {"org": graph("Anna", "Ben", "Clara"), "person-anna": GRADIENT}
ORG = (Path(__file__).parent / "golden_dot" / "muster-maschinenbau" / "org.dot").read_text(encoding="utf-8")
TITLES = {"org": "Organigramm: 3 Personen", "person-anna": "Diagramm zu Anna"}


@pytest.fixture(scope="module")
def page() -> dict[str, str]:
    return render_all(DOTS, TITLES)


def ids(root: ET.Element) -> list[str]:
    return [el.get("id") for el in root.iter() if el.get("id") is not None]


def references(root: ET.Element) -> list[str]:
    out = []
    for el in root.iter():
        for key, value in el.attrib.items():
            if key in ("href", XLINK_HREF):
                out.append(value)
            out += ["#" + m for m in re.findall(r"url\(#([^)]+)\)", value)]
    return out


def test_no_prolog_doctype_or_comments(page: dict[str, str]) -> None:
    for text in page.values():
        assert text.startswith("<svg ") and text.endswith("</svg>\n")
        assert "<?xml" not in text and "<!DOCTYPE" not in text and "<!--" not in text
        assert "graphviz" not in text.lower()  # the version comment is gone
        assert "\n\n" not in text  # a blank line would end Markdown's raw HTML block


def test_root_is_an_accessible_scalable_image(page: dict[str, str]) -> None:
    for name, text in page.items():
        root = ET.fromstring(text)
        assert root.get("role") == "img" and root.get("class") == "hb-svg"
        first = root[0]
        assert first.tag == f"{SVG}title" and first.text == TITLES[name]
        assert root.get("aria-labelledby") == first.get("id") == f"hb-{name}-title"
        assert [el for el in root.iter(f"{SVG}title")] == [first]  # dot's own n0, n1 tooltips are gone
        assert root.get("width") is None and root.get("height") is None
        assert re.fullmatch(r"[\d.]+ [\d.]+ [\d.]+ [\d.]+", root.get("viewBox"))
        viewbox_width = float(root.get("viewBox").split()[2])
        assert root.get("style") == f"width: {round(viewbox_width * 4 / 3)}px"  # natural size; the page scales it


def test_ids_are_prefixed_and_unique_on_one_page(page: dict[str, str]) -> None:
    everything = []
    for name, text in page.items():
        found = ids(ET.fromstring(text))
        assert found and all(i.startswith(f"hb-{name}-") for i in found)
        everything += found
    assert len(everything) == len(set(everything))


def test_internal_references_are_rewritten(page: dict[str, str]) -> None:
    root = ET.fromstring(page["person-anna"])
    refs = references(root)
    assert refs, "the gradient should be referenced with url(#...)"
    assert set(refs) <= {"#" + i for i in ids(root)}


def test_no_image_script_or_external_link(page: dict[str, str]) -> None:
    for text in page.values():
        root = ET.fromstring(text)
        tags = {el.tag.removeprefix(SVG) for el in root.iter()}
        assert not tags & {"image", "script", "foreignObject", "a", "use"}
        assert all(ref.startswith("#") for ref in references(root))


def test_hostile_svg_is_cleaned() -> None:
    hostile = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="20pt" '
        'height="10pt" viewBox="0 0 20 10"><defs><linearGradient id="g1"/></defs>'
        '<rect id="r" fill="url(#g1)" width="5" height="5"/><rect fill="url(https://example.org/x)" stroke="url( \'//x\')"/>'
        '<text><textPath xlink:href="#r">x</textPath><textPath href="https://example.org/a">y</textPath></text>'
        '<image href="file:///etc/passwd"/><script>alert(1)</script>'
        '<a xlink:href="https://example.org"><text>link</text></a><use xlink:href="#r"/></svg>'
    )
    root = ET.fromstring(inline(hostile, "x", "T"))
    tags = {el.tag.removeprefix(SVG) for el in root.iter()}
    assert not tags & {"image", "script", "a", "use"}
    assert sorted(references(root)) == ["#hb-x-g1", "#hb-x-r"]
    assert set(ids(root)) == {"hb-x-title", "hb-x-g1", "hb-x-r"}
    assert "example.org" not in ET.tostring(root, encoding="unicode") and "//x" not in ET.tostring(
        root, encoding="unicode"
    )


def test_user_text_stays_text() -> None:
    text = '<script>alert("x")</script> & <IMG SRC=/etc/passwd> \\'
    out = render_all({"t": graph(text)})["t"]
    root = ET.fromstring(out)
    shown = "".join("".join(el.itertext()) for el in root.iter(f"{SVG}text"))  # wrapped over lines
    assert "".join(shown.split()) == "".join(text.split())
    assert not [el for el in root.iter() if el.tag in (f"{SVG}script", f"{SVG}image")]


def test_same_input_same_bytes() -> None:
    assert render_all(DOTS, TITLES) == render_all(DOTS, TITLES)


def test_clusters_come_out_the_same_every_time() -> None:
    """The org chart has clusters, the part of dot's output that is not stable inside one process
    unless the graph comes first in it. Two graphs with clusters: the second gets its own process."""
    dots = {f"d{i:02d}": graph(f"Knoten {i}", "Ziel") for i in range(6)} | {"org": ORG, "org2": ORG}
    titles = TITLES | {"org2": TITLES["org"]}
    first = render_all(dots, titles, jobs=3)
    for _ in range(3):
        for jobs in (1, 2, 3):
            assert render_all(dots, titles, jobs=jobs) == first
    alone = inline(run_dot(ORG, "org"), "org", TITLES["org"]) + from_dot(ORG)  # the golden DOT carries its text
    assert first["org"] == alone and first["org2"] == alone.replace("hb-org-", "hb-org2-")


def test_dot_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(
        MissingTool,
        match=re.escape(
            "Graphviz 'dot' was not found; it is needed to draw the diagrams; install it: apt-get install graphviz"
        ),
    ):
        render_all(DOTS)


def test_dot_failed_carries_stderr() -> None:
    with pytest.raises(DotFailed, match="syntax error"):
        render_all({"bad": "digraph { a -> }"})
    good = {f"g{i:02d}": graph(f"N{i}") for i in range(4)}
    with pytest.raises(DotFailed, match=r"'bad'.*syntax error"):  # named among good ones
        render_all(good | {"bad": "digraph { a -> }"})


def test_names_must_be_safe_for_ids() -> None:
    with pytest.raises(ValueError):
        render_all({'x" onload="alert(1)': graph("A")})


def test_environment_is_fixed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "de_DE.ISO-8859-1")
    monkeypatch.setenv("GVBINDIR", "/nonexistent")
    assert svg_module._env()["LC_ALL"] == "C.UTF-8" and "GVBINDIR" not in svg_module._env()
    assert render_all(DOTS, TITLES)["org"].count("<text") == 3


def test_shared_dot_processes_give_the_bytes_of_one_process_per_graph(tmp_path) -> None:
    from generator.diagrams.charts import client_diagrams
    from generator.project.check import check_all
    from generator.render.view import View

    from .conftest import make_repo

    repo = make_repo(tmp_path, fixtures=True)
    for result in check_all(repo).results:
        dots = client_diagrams(View(result.resolved))
        alone = {n: inline(run_dot(d, n), n, n) + from_dot(d) for n, d in dots.items()}
        for jobs in (1, 2, 3):
            assert render_all(dots, jobs=jobs) == alone
        drawings = render_all(dots)
        assert all(split(drawings[n]) == (inline(run_dot(d, n), n, n), from_dot(d).strip()) for n, d in dots.items())
        assert all(from_dot(d) for d in dots.values()), "every diagram of a client carries its text version"
