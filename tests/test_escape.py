"""Property: any plain text survives Markdown (with our extensions) and HTML literally."""

from __future__ import annotations

import html
import re

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.render import escape

EXTENSIONS = ["tables", "attr_list", "admonition", "def_list", "toc"]
# What validation lets through: one line, no control characters.
# Markdown folds ASCII spaces at the edges of a block; the tests compare without them.
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=80).filter(str.strip)
TRICKY = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "a | b",
        "{{ x }}",
        "*bold* _it_",
        "{ .danger }",
        "!!! danger Boom",
        "[link](http://x.example)",
        "`code`",
        "# not a heading",
        "1. not a list",
        "- no",
        "&amp;",
        "\\",
        "<IMG SRC=/etc/passwd>",
        "::: block",
        "---",
        "~~x~~",
        "a\\",
        "{#id}",
        "&#60;",
        "1. eins",
        " 2) zwei",
        "+ plus",
        ": def",
        "===",
        "C# und F#",
        "    code",
        " - x",
        "> quote",
        "*",
        "_",
        "Key-User (Vertrieb)",
    ]
)


def render(md: str) -> str:
    return markdown.markdown(md, extensions=EXTENSIONS)


def visible(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


@settings(max_examples=300, deadline=None)
@given(st.one_of(TEXT, TRICKY, st.lists(st.one_of(TEXT, TRICKY), min_size=1, max_size=4).map(" ".join)))
def test_text_in_paragraph_heading_and_table_cell(value: str) -> None:
    cell = render(f"| h |\n|---|\n| {escape.text(value)} |")
    assert cell.count("<td>") == 1
    inner = re.search(r"<td>(.*)</td>", cell, re.S).group(1)
    assert visible(inner).strip(" ") == value.strip(" ")
    heading = render(f"# {escape.text(value)}")
    assert heading.startswith("<h1") and visible(heading).strip(" ") == value.strip(" ")
    para = render(f"x {escape.text(value)}")
    assert visible(para).strip(" ") == f"x {value}".strip(" ")
    item = render(f"- {escape.text(value)}")
    assert item.count("<li>") == 1 and visible(item).strip(" \n") == value.strip(" ")
    alone = render(escape.text(value))
    assert alone.startswith("<p>") and visible(alone).strip(" ") == value.strip(" ")
    for out in (cell, heading, para, item, alone):
        assert "<script" not in out and "<img" not in out.lower() and "admonition" not in out


def test_markdown_fields_keep_markdown_but_not_raw_html() -> None:
    out = render(escape.markdown("**fett** <script>x()</script>"))
    assert "<strong>fett</strong>" in out
    assert "<script>" not in out and "&lt;script&gt;" in out
