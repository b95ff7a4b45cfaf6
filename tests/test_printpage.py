"""builder/printpage.py on a small built site written by hand: which ids, links and references
become the chapter's, and which stay as they are (golden output)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.builder import printpage

PAGE = """<html><body><article class="md-content__inner md-typeset">{}</article>
<footer><a href="../x/">not content</a></footer></body></html>"""

PERSON = (
    '<h1 id="anna">Anna</h1><p id="p1" data-id="d1" class="grid-id">'
    '<a href="#p1">self</a> <a href="../../rollen/">roles</a> <a href="../../rollen/#lead">lead</a> '
    '<a href="https://example.org/#p1">out</a> <a href="../../downloads/a.ics">file</a> <a href="">empty</a></p>'
    '<svg><a xlink:href="#p1"></a><g aria-labelledby="p1 other" aria-describedby="d1"></g>'
    '<rect fill="url(#p1)"/><use href="//cdn/x"/></svg><h2 id="h">H</h2>'
    '<details class="hb-diagram-text"><summary>text</summary></details>'
    '<span valid="p1" xhref="#p1" maria-labelledby="p1"></span>'  # attribute names that only end alike
)
ROLES = '<h1 id="rollen">Rollen</h1><h3 id="lead">Lead</h3>'
PRINT = '<h1 id="druck">Druck</h1><a data-hb-chapter="ch-anna">Anna</a>'
PLACE = '<div class="hb-print-chapters" data-chapters="personen/anna.md=ch-anna rollen/index.md=ch-rollen"></div>'

EXPECTED_ANNA = (
    '<section class="hb-print-chapter" id="ch-anna-chapter">\n'
    '<h2 id="ch-anna">Anna</h2><p id="ch-anna-p1" data-id="ch-anna-d1" class="grid-id">'
    '<a href="#ch-anna-p1">self</a> <a href="#ch-rollen">roles</a> <a href="#ch-rollen-lead">lead</a> '
    '<a href="https://example.org/#p1">out</a> <a href="../downloads/a.ics">file</a> <a href="">empty</a></p>'
    '<svg><a xlink:href="#ch-anna-p1"></a><g aria-labelledby="ch-anna-p1 other" aria-describedby="ch-anna-d1"></g>'
    '<rect fill="url(#ch-anna-p1)"/><use href="//cdn/x"/></svg><h3 id="ch-anna-h">H</h3>'
    '<details class="hb-diagram-text" open><summary>text</summary></details>'
    '<span valid="p1" xhref="#p1" maria-labelledby="p1"></span>\n</section>'
)
EXPECTED_ROLES = (
    '<section class="hb-print-chapter" id="ch-rollen-chapter">\n'
    '<h2 id="ch-rollen">Rollen</h2><h4 id="ch-rollen-lead">Lead</h4>\n</section>'
)


def _site(root: Path) -> Path:
    for url, content in (("personen/anna/", PERSON), ("rollen/", ROLES), ("print_page/", PRINT + PLACE)):
        (root / url).mkdir(parents=True, exist_ok=True)
        (root / url / "index.html").write_text(PAGE.format(content), encoding="utf-8")
    return root


def test_the_print_page_gets_every_chapter_with_its_own_ids_and_links(tmp_path: Path) -> None:
    html = _site(tmp_path)
    printpage.assemble(html, "print_page.md")
    page = (html / "print_page" / "index.html").read_text(encoding="utf-8")
    chapters = PRINT.replace('data-hb-chapter="ch-anna"', 'href="#ch-anna"') + EXPECTED_ANNA + "\n" + EXPECTED_ROLES
    assert page == PAGE.format(chapters)


@pytest.mark.parametrize(
    ("page", "damage"),
    [("print_page/", ("hb-print-chapters", "hb-other")), ("rollen/", ("</article>", "</div>"))],
)
def test_a_page_without_its_parts_is_refused(tmp_path: Path, page: str, damage: tuple[str, str]) -> None:
    html = _site(tmp_path)
    target = html / page / "index.html"
    target.write_text(target.read_text(encoding="utf-8").replace(*damage), encoding="utf-8")
    with pytest.raises(ValueError):
        printpage.assemble(html, "print_page.md")
