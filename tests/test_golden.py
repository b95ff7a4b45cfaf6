"""Generated Markdown and the JSON Schema equal their committed copies (make update-golden)."""

from __future__ import annotations

from generator.project.reference import reference

from .golden import GOLDEN, REFERENCE, SCHEMA, assert_tree, fixture_pages, schema_text


def test_schema_file_is_current() -> None:
    assert SCHEMA.read_text(encoding="utf-8") == schema_text(), "run `make update-golden` and review the diff"


def test_pages_match_golden_files() -> None:
    assert_tree(GOLDEN, fixture_pages(), "*.md", "run `make update-golden` and review the diff")


def test_format_reference_is_current() -> None:
    assert REFERENCE.read_text(encoding="utf-8") == reference(), "run `make update-golden` and review the diff"
