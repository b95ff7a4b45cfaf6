"""End to end: build the example projects with real MkDocs and read the HTML a client gets."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.pipeline import build_all

from .conftest import make_repo
from .test_changes import git
from .test_cli import MINIMAL, handbook

MARKERS = {
    "muster-maschinenbau": ("CLIENT-MARKER-MUSTER-91c2", "INTERNAL-MARKER-MUSTER-7f3a"),
    "harbour-logistics": ("CLIENT-MARKER-HARBOUR-44d1", "INTERNAL-MARKER-HARBOUR-0b7e"),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = make_repo(tmp_path_factory.mktemp("e2e") / "repo", fixtures=True)
    outcomes = build_all(repo, [], repo / "site").outcomes
    assert [o.state for o in outcomes] == ["built"] * len(outcomes), outcomes
    return repo / "site"


def text_of(page: Path) -> str:
    """What a reader sees: tags dropped, entities decoded, whitespace folded."""
    raw = page.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", raw, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


def all_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_every_client_is_built(built: Path) -> None:
    assert sorted(p.name for p in built.iterdir() if not p.name.startswith(".")) == sorted(MARKERS)


@pytest.mark.parametrize("slug", sorted(MARKERS))
def test_isolation_no_other_client_and_no_internal_notes(built: Path, slug: str) -> None:
    own, _ = MARKERS[slug]
    forbidden = [m for other, pair in MARKERS.items() for m in pair if other != slug] + [MARKERS[slug][1]]
    files = all_files(built / slug)
    assert any(p.name == "search_index.json" for p in files) and any(p.name == "sitemap.xml" for p in files)
    assert any(p.name == "404.html" for p in files)
    seen_own = False
    for file in files:
        data = file.read_bytes()
        if file.suffix == ".gz":
            import gzip

            data = gzip.decompress(data)
        for marker in forbidden:
            assert marker.encode() not in data, f"{marker} leaked into {file}"
        seen_own = seen_own or own.encode() in data
    assert seen_own


def test_start_page_shows_key_contacts_in_german(built: Path) -> None:
    start = text_of(built / "muster-maschinenbau" / "index.html")
    for label in ("Wichtige Kontakte", "Projektleitung (Auftraggeber)", "Support", "Backoffice", "Status", "laufend"):
        assert label in start
    assert '<html lang="de"' in (built / "muster-maschinenbau" / "index.html").read_text(encoding="utf-8")


def test_english_project_has_english_labels(built: Path) -> None:
    page = built / "harbour-logistics" / "index.html"
    start = text_of(page)
    assert "Key contacts" in start and "Wichtige Kontakte" not in start
    assert '<html lang="en"' in page.read_text(encoding="utf-8")


def test_person_page_lists_raci_letters(built: Path) -> None:
    people = sorted((built / "muster-maschinenbau" / "personen").glob("*/index.html"))
    assert people
    texts = [text_of(p) for p in people]
    assert any("Aufgaben in der RACI-Matrix" in t and re.search(r"\b[RACI]\b", t) for t in texts)


def test_pages_are_noindex_and_load_nothing_from_elsewhere(built: Path) -> None:
    for page in built.rglob("*.html"):
        raw = page.read_text(encoding="utf-8")
        # noindex alone: nofollow would stop link checkers too
        assert re.findall(r'<meta name="robots"[^>]*>', raw) == ['<meta name="robots" content="noindex">'], page
        assert '<meta name="generator"' not in raw and "mkdocs-material-" not in raw, page  # no versions in the head
        assert "fonts.googleapis" not in raw and "fonts.gstatic" not in raw
        for url in re.findall(r'(?:src|href)="((?:https?:)?//[^"]+)"', raw):
            pytest.fail(f"{page} references {url}")


EVIL = "<script>alert(1)</script> | *bold* {{ x }} { .danger } !!! note `code` [a](b) & é"


def test_plain_text_renders_literally(tmp_path: Path) -> None:
    project = MINIMAL.replace("name: Petra Lang", f"name: {json.dumps(EVIL)}").replace(
        "title: CRM", f"title: {json.dumps(EVIL)}"
    )
    repo = make_repo(tmp_path, {"evil": project})
    outcomes = build_all(repo, [], repo / "site").outcomes
    assert outcomes[0].state == "built", outcomes
    page = repo / "site" / "evil" / "personen" / "pl" / "index.html"
    raw = page.read_text(encoding="utf-8")
    assert "<script>alert" not in raw and 'class="admonition' not in raw and "<strong>bold" not in raw
    assert EVIL in text_of(page)
    title = re.search(r"<title>(.*?)</title>", raw, re.S).group(1)
    assert html.unescape(title).startswith(EVIL)
    index = json.loads((repo / "site" / "evil" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any(EVIL in html.unescape(doc["title"]) for doc in index["docs"])


def test_broken_project_keeps_previous_site_and_others_build(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"one": MINIMAL, "two": MINIMAL})
    assert handbook(repo, "build").returncode == 0
    before = {p: p.read_bytes() for p in all_files(repo / "site" / "one")}
    (repo / "projects" / "one" / "project.yml").write_text(MINIMAL + "bogus: 1\n", encoding="utf-8")
    (repo / "projects" / "two" / "project.yml").write_text(
        MINIMAL.replace("Beispiel AG", "Zweite AG"), encoding="utf-8"
    )
    result = handbook(repo, "build")
    assert result.returncode == 1
    assert "[1/2] one: failed: the project file has errors; previous site kept" in result.stdout
    assert result.stdout.splitlines()[-1] == "1 built, 0 skipped, 1 failed (2 client(s)) -> site/"
    assert {p: p.read_bytes() for p in all_files(repo / "site" / "one")} == before
    assert "Zweite AG" in (repo / "site" / "two" / "index.html").read_text(encoding="utf-8")
    assert not [p for p in (repo / "site").iterdir() if p.name.startswith((".tmp", ".old"))]


def test_builds_are_reproducible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    repo = make_repo(tmp_path / "a", fixtures=True)
    build_all(repo, [], tmp_path / "site1")
    shutil.rmtree(tmp_path / "a")
    repo = make_repo(tmp_path / "a", fixtures=True)
    build_all(repo, [], tmp_path / "site2")
    one = {p.relative_to(tmp_path / "site1"): p.read_bytes() for p in all_files(tmp_path / "site1")}
    two = {p.relative_to(tmp_path / "site2"): p.read_bytes() for p in all_files(tmp_path / "site2")}
    assert one.keys() == two.keys()
    assert [k for k in one if one[k] != two[k]] == []


def test_generate_output_builds_with_stock_mkdocs(tmp_path: Path) -> None:
    import subprocess
    import sys

    repo = make_repo(tmp_path / "repo", {"beispiel": MINIMAL})
    assert handbook(repo, "generate", "--out", "build").returncode == 0
    # the project carries its base config: it builds wherever it is copied, the repository gone
    moved = shutil.move(repo / "build" / "beispiel", tmp_path / "elsewhere")
    shutil.rmtree(repo)
    config = Path(moved) / "mkdocs.yml"
    assert config.read_text(encoding="utf-8").startswith("INHERIT: base.yml\n")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Petra Lang" in (tmp_path / "out" / "personen" / "pl" / "index.html").read_text(encoding="utf-8")
    assert (tmp_path / "out" / "print_page" / "index.html").is_file()  # our own print page, no plugin


def test_an_image_from_elsewhere_is_left_out_with_a_warning(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"beispiel": MINIMAL, "other": MINIMAL})
    pages = repo / "projects" / "beispiel" / "pages"
    pages.mkdir()
    (pages / "extra.md").write_text("# Extra\n\nText.\n\n![Logo](https://tracker.example/logo.png)\n", "utf-8")
    result = handbook(repo, "build")
    assert result.returncode == 0, result.stdout
    assert (
        "projects/beispiel/pages/extra.md:5:1: warning: <img src=https://tracker.example/logo.png> left out of the "
        "page: a page shows text, lists, tables and links to http(s), mailto, tel or pages of the handbook, and "
        "loads nothing from elsewhere [unsafe-html]"
    ) in result.stdout.splitlines()
    page = (repo / "site" / "beispiel" / "seiten" / "extra" / "index.html").read_text(encoding="utf-8")
    assert "Text." in page and "tracker.example" not in page


def test_a_page_that_would_load_a_third_party_resource_fails_the_build(tmp_path: Path) -> None:
    """The third-party check stays as the last line: a chapter of docs/ (trusted, not sanitised)."""
    repo = make_repo(tmp_path, {"beispiel": MINIMAL, "other": MINIMAL})
    (repo / "docs" / "de" / "99-logo.md").write_text("# Logo\n\n![Logo](https://tracker.example/logo.png)\n", "utf-8")
    result = handbook(repo, "build", "beispiel")
    assert result.returncode == 1
    assert "beispiel: failed: third-party resources in the site" in result.stdout
    assert "tracker.example" in result.stdout
    assert not (repo / "site" / "beispiel").exists()


def test_unchanged_clients_are_skipped_and_a_catalog_change_rebuilds_all(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"one": MINIMAL, "two": MINIMAL})
    assert handbook(repo, "build").stdout.splitlines()[-1].startswith("2 built, 0 skipped")
    assert handbook(repo, "build").stdout.splitlines()[-1].startswith("0 built, 2 skipped")
    file = repo / "projects" / "one" / "project.yml"
    file.write_text(MINIMAL.replace("Beispiel AG", "Eins AG"), encoding="utf-8")
    assert handbook(repo, "build").stdout.splitlines()[-1].startswith("1 built, 1 skipped")
    catalog = repo / "projects" / "roles.yml"
    catalog.write_text(
        catalog.read_text(encoding="utf-8") + "\n# a comment changes the catalog's hash\n", encoding="utf-8"
    )
    assert handbook(repo, "build").stdout.splitlines()[-1].startswith("2 built, 0 skipped")
    shutil.rmtree(repo / "site" / "two")
    assert handbook(repo, "build").stdout.splitlines()[-1].startswith("1 built, 1 skipped")


def test_a_commit_rebuilds_the_client_whose_files_it_holds_and_no_other(tmp_path: Path) -> None:
    """incremental.client_hash: the blob ids of a client's committed files are part of its hash
    (its changes page and date come from git); a commit of "one-b" is not one of "one"."""
    repo = make_repo(tmp_path, {"one": MINIMAL, "one-b": MINIMAL, "two": MINIMAL})
    git(repo, "init", "-q")
    git(repo, "add", "projects/roles.yml", "projects/two")
    git(repo, "commit", "-q", "-m", "two")
    assert handbook(repo, "build").stdout.splitlines()[-1].startswith("3 built, 0 skipped")
    assert handbook(repo, "build").stdout.splitlines()[-1].startswith("0 built, 3 skipped")
    git(repo, "add", "projects/one-b")  # the same bytes, now committed: only its history changed
    git(repo, "commit", "-q", "-m", "one-b", day=2)
    result = handbook(repo, "build")
    assert result.stdout.splitlines()[-1].startswith("1 built, 2 skipped"), result.stdout
    assert "one-b: built" in result.stdout, result.stdout


def test_a_one_client_build_starts_no_pool_and_leaves_what_it_loaded_out_of_the_collectors_view(
    tmp_path: Path,
) -> None:
    """pipeline._loading: multiprocessing is imported only where there are workers, the collector
    is on again after the build's imports, and they are frozen (gc.freeze: no collection walks them)."""
    repo = make_repo(tmp_path, {"one": MINIMAL})
    probe = (
        "import gc, sys\n"
        "from pathlib import Path\n"
        "from generator.pipeline import build_all\n"
        "frozen = gc.get_freeze_count()\n"
        "run = build_all(Path('.'), [], Path('site'))\n"
        "assert [o.state for o in run.outcomes] == ['built'], run.outcomes\n"
        "print(gc.isenabled(), 'multiprocessing' in sys.modules, gc.get_freeze_count() > frozen + 20_000)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=repo, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False", "True"]


def test_a_build_with_nothing_to_build_loads_no_checker_renderer_or_engine(tmp_path: Path) -> None:
    """The second build of an unchanged client reads its record and ends: it imports neither the
    checker (its schema, YAML, Markdown) nor the renderer, nor an engine, nor importlib.metadata
    (keep.installed reads the releases itself). Each of these cost a no-op build time."""
    repo = make_repo(tmp_path, {"one": MINIMAL, "two": MINIMAL})
    assert handbook(repo, "build").stdout.splitlines()[-1].startswith("2 built, 0 skipped")
    heavy = [
        "generator.project.check", "generator.project.schema", "generator.render.site", "generator.builder.project",
        "yaml", "markdown", "jinja2", "mkdocs", "importlib.metadata",
    ]  # fmt: skip
    probe = (
        "import sys\n"
        "from generator.cli import main\n"
        "code = main(['build'])\n"
        f"print(code, [m for m in {heavy!r} if m in sys.modules])\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=repo, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "0 built, 2 skipped" in result.stdout, result.stdout
    assert result.stdout.splitlines()[-1] == "0 []", result.stdout
