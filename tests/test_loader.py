"""The strict YAML loader (generator/yamlload.py): what it refuses, where, and what it keeps as typed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from generator.errors import UserError
from generator.project.check import check_all
from generator.project.diagnostics import Diagnostic, Pos
from generator.project.yamlload import MAX_BYTES, Map, Scalar, Seq, load_file, parse

from .conftest import CASES, make_repo

FILE = "projects/x/project.yml"


def refused(text: str) -> Diagnostic:
    """The single diagnostic ``parse`` raises for ``text``."""
    with pytest.raises(UserError) as info:
        parse(text, FILE)
    assert len(info.value.diagnostics) == 1
    return info.value.diagnostics[0]


def refused_file(tmp_path: Path, data: bytes) -> Diagnostic:
    path = tmp_path / "project.yml"
    path.write_bytes(data)
    with pytest.raises(UserError) as info:
        load_file(path, FILE)
    assert len(info.value.diagnostics) == 1
    return info.value.diagnostics[0]


def loaded(tmp_path: Path, data: bytes) -> tuple[Map, list[Diagnostic]]:
    path = tmp_path / "project.yml"
    path.write_bytes(data)
    return load_file(path, FILE)


def where(d: Diagnostic) -> tuple[int, int, str]:
    return d.pos.line, d.pos.col, d.message


def value(root: Map, *keys: str | int):
    node = root
    for key in keys:
        node = node.items[key] if isinstance(node, Seq) else node.items[key][1]  # type: ignore[index]
    return node


# --- duplicate keys: reported (with both lines), the first value kept, parsing goes on ---------------


def test_duplicate_top_level_key() -> None:
    root, diagnostics = parse("client: A\ntitle: T\nclient: B\n", FILE)
    assert [d.human() for d in diagnostics] == [
        f"{FILE}:3:1: error: duplicate key 'client' (first defined at line 1); remove one"
    ]
    assert value(root, "client").text == "A"
    assert list(root.items) == ["client", "title"]


def test_duplicate_nested_key_in_a_list_item() -> None:
    text = "people:\n  - id: a\n    name: A\n    name: B\n  - id: b\n    id: c\n"
    root, diagnostics = parse(text, FILE)
    assert [where(d) for d in diagnostics] == [
        (4, 5, "duplicate key 'name' (first defined at line 3); remove one"),
        (6, 5, "duplicate key 'id' (first defined at line 5); remove one"),
    ]
    assert value(root, "people", 0, "name").text == "A"
    assert value(root, "people", 1, "id").text == "b"


def test_duplicate_key_deep_inside_mappings() -> None:
    _, diagnostics = parse("a:\n  b:\n    c: 1\n    c: 2\n", FILE)
    assert [where(d) for d in diagnostics] == [(4, 5, "duplicate key 'c' (first defined at line 3); remove one")]


def test_quoted_and_plain_spelling_of_a_key_are_the_same_key() -> None:
    _, diagnostics = parse('"name": A\nname: B\n', FILE)
    assert [where(d) for d in diagnostics] == [(2, 1, "duplicate key 'name' (first defined at line 1); remove one")]


def test_the_same_key_in_two_mappings_is_fine() -> None:
    _, diagnostics = parse("a:\n  name: x\nb:\n  name: y\n", FILE)
    assert diagnostics == []


# --- anchors, aliases, tags -------------------------------------------------------------------------


def test_anchor_is_refused() -> None:
    assert where(refused("people:\n  - id: a\n    name: &n Anna\n")) == (
        3,
        11,
        "anchors (&n) are not allowed; write the value out",
    )


def test_anchor_on_a_mapping_is_refused() -> None:
    assert where(refused("base: &base\n  side: client\n")) == (
        1,
        7,
        "anchors (&base) are not allowed; write the value out",
    )


def test_alias_is_refused_and_named() -> None:
    # Like anchors and tags, the message names what the user typed (*who), not a placeholder.
    assert where(refused("a: x\nb: *who\n")) == (2, 4, "aliases (*who) are not allowed; write the value out")


def test_merge_key_with_alias_is_refused() -> None:
    assert where(refused("a:\n  <<: *base\n")) == (2, 7, "aliases (*base) are not allowed; write the value out")


def test_python_object_tag_is_refused_as_typed() -> None:
    d = refused("name: !!python/object/apply:os.system [echo hi]\n")
    assert where(d) == (1, 7, "tags (!!python/object/apply:os.system) are not allowed; remove the tag")


def test_str_tag_is_refused_as_typed() -> None:
    assert where(refused("phone: !!str 0301234567\n")) == (1, 8, "tags (!!str) are not allowed; remove the tag")


def test_custom_tag_is_refused() -> None:
    assert where(refused("a: b\nname: !custom x\n")) == (2, 7, "tags (!custom) are not allowed; remove the tag")


def test_tag_on_the_root_is_refused() -> None:
    assert refused("!custom {a: 1}\n").pos == Pos(FILE, 1, 1)


def test_billion_laughs_is_refused_quickly() -> None:
    bomb = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    bomb += "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 12))
    start = time.perf_counter()
    d = refused(bomb)
    assert time.perf_counter() - start < 1.0  # generous bound: expanding it would take forever
    assert where(d) == (1, 5, "anchors (&l0) are not allowed; write the value out")


def test_aliases_alone_cannot_explode_either() -> None:
    text = "a: [" + ", ".join(["*x"] * 10000) + "]\n"
    start = time.perf_counter()
    d = refused(text)
    assert time.perf_counter() - start < 1.0
    assert (d.pos.line, d.pos.col) == (1, 5)


def test_deep_nesting_is_refused_where_it_gets_too_deep() -> None:
    # refused at the 65th bracket (column 3 + 65), not after reading all 50,000 levels: no
    # clock in this test (a shared machine is noisy), the position shows where reading stopped
    d = refused("a: " + "[" * 50000 + "]" * 50000 + "\n")
    assert d.message == "nesting deeper than 64 levels"
    assert (d.pos.line, d.pos.col) == (1, 68)


# --- bytes, size, documents -------------------------------------------------------------------------


def test_non_utf8_byte_position(tmp_path: Path) -> None:
    d = refused_file(tmp_path, b"client: A\ntitle: CRM-Einf\xfchrung\n")
    assert where(d) == (2, 16, "the file is not valid UTF-8; save it as UTF-8")


def test_non_utf8_column_counts_characters_not_bytes(tmp_path: Path) -> None:
    # "name: Müller " is 13 characters (14 bytes): an editor shows the bad byte in column 14.
    d = refused_file(tmp_path, b"a: 1\nname: M\xc3\xbcller \xff\n")
    assert where(d) == (2, 14, "the file is not valid UTF-8; save it as UTF-8")


def test_non_utf8_on_the_first_line(tmp_path: Path) -> None:
    assert where(refused_file(tmp_path, b"\xff\xfeclient: A\n"))[:2] == (1, 1)


def test_bom_prefixed_file_works(tmp_path: Path) -> None:
    root, diagnostics = loaded(tmp_path, "\ufeffclient: Ä\ntitle: T\n".encode("utf-8"))
    assert diagnostics == []
    assert value(root, "client").text == "Ä"
    assert root.items["client"][0].pos == Pos(FILE, 1, 1)
    assert root.items["title"][0].pos == Pos(FILE, 2, 1)


def test_bom_file_reports_errors_at_the_right_column(tmp_path: Path) -> None:
    _, diagnostics = loaded(tmp_path, "\ufeffa: 1\na: 2\n".encode("utf-8"))
    assert [where(d) for d in diagnostics] == [(2, 1, "duplicate key 'a' (first defined at line 1); remove one")]


def test_crlf_line_endings(tmp_path: Path) -> None:
    root, _ = loaded(tmp_path, b"client: A\r\ntitle: T\r\n")
    assert value(root, "title").text == "T"
    assert value(root, "title").pos == Pos(FILE, 2, 8)


def test_file_over_one_mib_is_refused_with_its_size(tmp_path: Path) -> None:
    data = b"client: A\n" + b"#" * MAX_BYTES
    d = refused_file(tmp_path, data)
    assert MAX_BYTES == 1024 * 1024
    assert where(d) == (1, 1, f"file is {len(data)} bytes; the limit is 1048576 (1 MiB)")


def test_file_of_exactly_one_mib_is_read(tmp_path: Path) -> None:
    data = b"client: A\n"
    data += b"#" * (MAX_BYTES - len(data) - 1) + b"\n"
    assert len(data) == MAX_BYTES
    root, _ = loaded(tmp_path, data)
    assert value(root, "client").text == "A"


def test_missing_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError) as info:
        load_file(tmp_path / "nope.yml", FILE)
    assert info.value.diagnostics[0].message.startswith("cannot read file: ")


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", "   \n", "# only a comment\n# and another\n"],
    ids=["empty", "blank-lines", "spaces", "comments-only"],
)
def test_empty_or_comments_only_file(text: str) -> None:
    assert where(refused(text)) == (1, 1, "the file is empty; it must be a YAML mapping")


def test_list_document_is_refused(tmp_path: Path) -> None:
    d = refused_file(tmp_path, b"# people\n- id: a\n- id: b\n")
    assert where(d) == (2, 1, "the file must be a mapping of keys, not a list")


def test_scalar_document_is_refused(tmp_path: Path) -> None:
    d = refused_file(tmp_path, b"just some text\n")
    assert where(d) == (1, 1, "the file must be a mapping of keys, not a single value")


def test_two_documents_are_refused() -> None:
    d = refused("client: A\n---\nclient: B\n")
    assert where(d) == (2, 1, "only one YAML document per file (remove the extra '---')")


def test_explicit_document_markers_are_fine() -> None:
    root, diagnostics = parse("---\nclient: A\n...\n", FILE)
    assert isinstance(root, Map) and diagnostics == []
    assert value(root, "client").pos == Pos(FILE, 2, 9)


# --- syntax errors carry their position -------------------------------------------------------------


def test_syntax_error_colon_in_a_value_says_to_quote_it() -> None:
    assert where(refused("client: A\ntitle: a: b\n")) == (
        2,
        9,
        "YAML syntax error: a ': ' inside the value of 'title'; put the whole value in quotes, e.g. title: \"...\"",
    )


def test_syntax_error_bad_indentation_says_how_to_indent() -> None:
    assert where(refused("client: A\n  title: T\n")) == (
        2,
        3,
        "YAML syntax error: 'title' is indented more than the key above it, which already has a value; "
        "indent it like 'client' on line 1 (0 spaces)",
    )
    # the parser's "expected <block end>, but found '?'": a key at the column of the list items
    assert where(refused("people:\n  - id: a\n  name: b\n")) == (
        3,
        3,
        "YAML syntax error: 'name' is indented like the list items above ('- ' at line 2); indent it by 4 "
        "spaces to belong to the entry above, or start a new entry with '- '",
    )
    assert where(refused("people:\n  - id: a\n    name: A\n   side: client\n")) == (
        4,
        4,
        "YAML syntax error: 'side' is indented by 3 spaces, which fits none of the lines above; "
        "indent it like 'name' on line 3 (4 spaces)",
    )


def test_syntax_error_unclosed_flow_list() -> None:
    assert where(refused("roles: [a, b\nside: x\n")) == (
        2,
        5,
        "YAML syntax error: the list or mapping opened at line 1 is not closed with ']' on its line, or an item "
        "holds ':', ',' or brackets; close it, or put such an item in quotes",
    )


def test_syntax_error_tab_indentation() -> None:
    expected = "YAML syntax error: a tab character; YAML indents with spaces only: replace the tab with spaces"
    assert where(refused("people:\n\t- id: a\n")) == (2, 1, expected)
    assert where(refused("people:\n  - id: a\n  \tname: b\n")) == (3, 3, expected)


def test_syntax_errors_in_quotes_and_value_starts() -> None:
    assert where(refused('client: "A\ntitle: B\n')) == (
        1,
        9,
        "YAML syntax error: this quote is never closed; close it at the end of the value",
    )
    assert where(refused("title: 'it's\n"))[2] == (
        "YAML syntax error: text after a closing quote; inside '...' write a ' as '' (it''s), or use \"...\" instead"
    )
    assert where(refused("email: @foo\n")) == (
        1,
        8,
        "YAML syntax error: a value cannot start with '@'; put the value in quotes, e.g. \"@...\"",
    )
    assert where(refused("client: A\ntitle\npeople: []\n")) == (
        2,
        1,
        "YAML syntax error: 'title' is not a 'key: value' line; add ': ' after the key, or put text that "
        "continues a value above in quotes",
    )


def test_non_scalar_key_is_refused() -> None:
    assert where(refused("? [a, b]\n: x\n")) == (1, 3, "a key must be plain text, not a list or mapping")


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b"])
def test_raw_control_character_is_refused_with_its_position(char: str) -> None:
    # The reader refuses these; the message must point at the character, on one line.
    d = refused(f"client: A\nname: Kai{char}Kurz\n")
    assert where(d) == (2, 10, f"the file contains the control character U+{ord(char):04X}; remove it")
    assert "\n" not in d.human()


# --- scalars stay exactly as typed ------------------------------------------------------------------

TRAPS = [
    "NO",
    "No",
    "no",
    "on",
    "On",
    "off",
    "yes",
    "Yes",
    "y",
    "n",
    "true",
    "false",
    "0301234567",
    "01234",
    "1.10",
    "10:30",
    "1e3",
    "0x1F",
    "0o17",
    "+49 30 1234567",
    "1_000",
    "2027-02-03",
    "2027-02-03 09:30",
    ".inf",
    ".NaN",
    "-0",
    "12:30:45",
]


@pytest.mark.parametrize("text", TRAPS)
def test_plain_scalar_stays_text(text: str) -> None:
    root, _ = parse(f"value: {text}\n", FILE)
    node = value(root, "value")
    assert isinstance(node, Scalar)
    assert node.text == text and isinstance(node.text, str)
    assert node.plain and not node.is_null


@pytest.mark.parametrize("text", ["0301234567", "NO", "1.10", "~", ""])
def test_quoted_scalar_stays_text_and_is_not_plain(text: str) -> None:
    for quoted in (f'"{text}"', f"'{text}'"):
        node = value(parse(f"value: {quoted}\n", FILE)[0], "value")
        assert node.text == text
        assert not node.plain and not node.is_null


@pytest.mark.parametrize("text", ["~", "null", "Null", "NULL", ""])
def test_null_words_are_null(text: str) -> None:
    node = value(parse(f"value: {text}\n", FILE)[0], "value")
    assert node.is_null


def test_on_and_no_as_keys_stay_text() -> None:
    root, diagnostics = parse("on: 1\nNO: 2\nyes: 3\n1.10: 4\n", FILE)
    assert diagnostics == []
    assert list(root.items) == ["on", "NO", "yes", "1.10"]
    assert all(isinstance(k, str) for k in root.items)


def test_on_and_true_are_different_keys() -> None:
    _, diagnostics = parse("on: 1\ntrue: 2\nyes: 3\n", FILE)
    assert diagnostics == []


def test_block_scalar_keeps_its_lines() -> None:
    node = value(parse("summary: |\n  line one\n  line two\n", FILE)[0], "summary")
    assert node.text == "line one\nline two\n"
    assert not node.plain


def test_positions_are_one_based_and_right() -> None:
    text = "client: A\npeople:\n  - id: anna\n    roles: [key_user, team_member]\n"
    root, _ = parse(text, FILE)
    assert root.pos == Pos(FILE, 1, 1)
    assert root.items["client"][0].pos == Pos(FILE, 1, 1)
    assert value(root, "client").pos == Pos(FILE, 1, 9)
    people = value(root, "people")
    assert isinstance(people, Seq) and people.pos == Pos(FILE, 3, 3)
    person = value(root, "people", 0)
    assert isinstance(person, Map) and person.pos == Pos(FILE, 3, 5)
    assert value(root, "people", 0, "id").pos == Pos(FILE, 3, 9)
    roles = value(root, "people", 0, "roles")
    assert roles.pos == Pos(FILE, 4, 12)
    assert [n.pos for n in roles.items] == [Pos(FILE, 4, 13), Pos(FILE, 4, 23)]


def test_positions_after_a_leading_comment() -> None:
    root, _ = parse("# comment\n\nclient: A\n", FILE)
    assert root.pos == Pos(FILE, 3, 1)
    assert value(root, "client").pos == Pos(FILE, 3, 9)


def test_positions_count_characters_after_non_ascii_text() -> None:
    root, _ = parse("a: {ä: 1, ö: 2}\n", FILE)
    assert value(root, "a", "ö").pos == Pos(FILE, 1, 14)


def test_scalar_traps_survive_the_whole_check(tmp_path: Path) -> None:
    """The good case scalar-traps: every trap reaches the model as the text that was typed."""
    case = CASES / "good" / "scalar-traps"
    repo = make_repo(tmp_path / "repo", {case.name: (case / "project.yml").read_bytes()})
    run = check_all(repo, [case.name])
    [result] = run.results
    assert result.ok, [d.human() for d in result.diagnostics]
    project = result.resolved.project
    assert (project.client, project.title) == ("NO", "1.10")
    lea, kai, ina, _ = project.people
    assert (lea.department, lea.position, lea.phone) == ("NO", "on", "0301234567")
    assert (kai.name, kai.phone) == ("yes", "01234")
    assert (ina.name, ina.position, ina.hours) == ("10:30", "1e3", "0x1F")
    assert project.meetings[0].name == "10:30"
    assert project.communication[0].topic == "off"
    assert project.communication[0].when == "1.10"
    assert project.raci[0].task.de == "2027-02-03"
    assert project.internal == {"on": "NO"}
