"""Generated Markdown and the JSON Schema equal their committed copies (make update-golden)."""

from __future__ import annotations

from .golden import GOLDEN, SCHEMA, example_pages, schema_text


def test_schema_file_is_current() -> None:
    assert SCHEMA.read_text(encoding="utf-8") == schema_text(), "run `make update-golden` and review the diff"


def test_pages_match_golden_files() -> None:
    pages = example_pages()
    committed = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*.md")}
    generated = {f"{slug}/{rel}" for slug, files in pages.items() for rel in files}
    assert generated == committed, "run `make update-golden` and review the diff"
    for slug, files in pages.items():
        for rel, text in files.items():
            assert (GOLDEN / slug / rel).read_text(encoding="utf-8") == text, f"{slug}/{rel} differs"
