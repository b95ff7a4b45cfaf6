"""Regenerate the committed generated files: `make update-golden` (review the diff!).

- tests/golden/<slug>/**.md: the Markdown pages of each fixture project (tests/fixtures/projects/)
- projects/project.schema.json: the JSON Schema editors use
- projects/FORMAT.md: the format reference for consultants (from the same key descriptions)

Golden files come from the tests' own fixtures only, never from the clients in projects/.
"""

from __future__ import annotations

import json
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

from generator.exports.downloads import client_downloads, link_texts
from generator.project.check import check_all
from generator.project.format import json_schema
from generator.project.reference import reference
from generator.render.pages import render_pages
from generator.render.view import View

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"  # a repository root: fixtures/projects/roles.yml and clients
GOLDEN = Path(__file__).parent / "golden"
SCHEMA = ROOT / "projects" / "project.schema.json"
REFERENCE = ROOT / "projects" / "FORMAT.md"


def write_tree(root: Path, tree: dict[str, dict[str, str]]) -> None:
    """Replace ``root`` by root/<slug>/<relative path> for every file of ``tree`` (slug -> path -> text)."""
    shutil.rmtree(root, ignore_errors=True)
    for slug, files in tree.items():
        for rel, text in files.items():
            target = root / slug / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")


def assert_tree(root: Path, tree: dict[str, dict[str, str]], pattern: str, hint: str) -> None:
    """The committed files under ``root`` matching ``pattern`` are exactly ``tree``, text for text."""
    committed = {p.relative_to(root).as_posix() for p in root.rglob(pattern)}
    generated = {f"{slug}/{rel}" for slug, files in tree.items() for rel in files}
    assert generated == committed, hint
    for slug, files in tree.items():
        for rel, text in files.items():
            assert (root / slug / rel).read_text(encoding="utf-8") == text, f"{slug}/{rel} differs"


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def fixture_pages() -> dict[str, dict[str, str]]:
    run = check_all(FIXTURES)
    out = {}
    for result in run.results:
        assert result.ok and result.resolved, f"fixture {result.slug} does not check clean"
        view = View(result.resolved)
        files = client_downloads(view, result.slug, datetime(2027, 1, 1, tzinfo=UTC))
        texts = link_texts(view)
        out[result.slug] = render_pages(view, downloads={name: texts[name] for name in files})
    return out


def update() -> None:
    SCHEMA.write_text(schema_text(), encoding="utf-8")
    REFERENCE.write_text(reference(), encoding="utf-8")
    write_tree(GOLDEN, fixture_pages())
    print(f"updated {SCHEMA.relative_to(ROOT)}, {REFERENCE.relative_to(ROOT)} and {GOLDEN.relative_to(ROOT)}/")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python -m tests.golden --update")
    update()
