"""Write a client's portable MkDocs project, build it, and swap it in atomically."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml
from markupsafe import escape as html_escape

from generator.diagrams.charts import alt_text, client_diagrams
from generator.diagrams.svg import render_all
from generator.exports.downloads import client_downloads, link_texts
from generator.history.changes import changes_page, history
from generator.history.git import inside_work_tree
from generator.project import markdown as sanitize
from generator.project.check import read_pages
from generator.project.resolve import Resolved
from generator.render.pages import BrokenLinks, nav, page_specs, people_in_nav, render_pages
from generator.render.view import View

ASSETS = Path(__file__).parent / "assets"
CSS = ("handbook.css", "diagrams.css")


@dataclass
class Generated:
    slug: str
    folder: Path  # DIR/<slug>, holding mkdocs.yml, docs/ and overrides/


def shared_chapters(repo: Path, lang: str) -> dict[str, str]:
    """docs/<lang>/*.md: name -> text; only regular files of that folder, never a link out of it."""
    folder = repo / "docs" / lang
    chapters = {}
    for path in sorted(folder.glob("*.md")) if folder.is_dir() and not folder.is_symlink() else []:
        if path.is_symlink() or not path.is_file():
            raise BuildError(f"docs/{lang}/{path.name} is a link or not a regular file; shared chapters must be files")
        chapters[path.name] = path.read_text(encoding="utf-8")
    return chapters


def client_config(view: View, repo: Path, folder: Path, nav_items: list, overrides: str = "overrides") -> dict:
    lang, L = view.lang, view.L
    palette = [
        {
            "media": "(prefers-color-scheme: light)",
            "scheme": "default",
            "primary": "indigo",
            "accent": "indigo",
            "toggle": {"icon": "material/brightness-7", "name": L["toggle_dark"]},
        },
        {
            "media": "(prefers-color-scheme: dark)",
            "scheme": "slate",
            "primary": "indigo",
            "accent": "indigo",
            "toggle": {"icon": "material/brightness-4", "name": L["toggle_light"]},
        },
    ]
    return {
        "INHERIT": os.path.relpath(repo.resolve() / "mkdocs.yml", folder.resolve()),
        # MkDocs' theme templates do not autoescape: the name goes in HTML-escaped.
        "site_name": str(html_escape(f"{view.client} – {view.title}")),
        "docs_dir": "docs",
        "theme": {"name": "material", "language": lang, "custom_dir": overrides, "palette": palette},
        "plugins": [
            {"search": {"lang": lang}},
            # one page with the whole handbook in order, for print and `handbook pdf`; must come last
            {
                "print-site": {
                    "add_to_navigation": True,
                    "print_page_title": L["print_page"],
                    "add_cover_page": False,
                    "add_print_site_banner": False,
                    "add_table_of_contents": True,
                    "toc_title": L["contents"],
                    "toc_depth": 2,
                    "enumerate_headings": False,
                    "add_full_urls": False,
                    "path_to_pdf": "",
                }
            },
        ],
        "extra": {"noindex": view.noindex, "generator": False},
        "extra_css": [f"assets/{css}" for css in CSS],
        "extra_javascript": ["assets/handbook.js"],
        "nav": nav_items,
        **({} if people_in_nav(view) else {"not_in_nav": f"/{view.P['people']}/*.md\n!/{view.P['people']}/index.md"}),
    }


def write_client(repo: Path, slug: str, resolved: Resolved, folder: Path, epoch: int, portable: bool = True) -> None:
    """Write DIR/<slug>/ (a fresh, empty folder): mkdocs.yml, docs/ (pages, downloads, assets), overrides/.

    ``portable=False`` (the build's own temporary copy): the theme overrides are read from
    the installed package instead of a copy, so every site of a run has the same template
    folders and the build engine can share one compiled environment among them.
    """
    view = View(resolved)
    files = client_downloads(view, slug, datetime.fromtimestamp(epoch, UTC))
    texts = link_texts(view)
    dots = client_diagrams(view)
    svgs = render_all(dots, titles={name: alt_text(view, name) for name in dots})
    P = view.P
    chapter_texts = shared_chapters(repo, view.lang)
    extra_texts, refused = read_pages(repo, slug)
    if refused:  # `check` reports these; a build never reads around them
        raise BuildError("; ".join(d.human() for d in refused))
    chapters = [f"{P['methodology']}/{name}" for name in chapter_texts]
    extra = [f"{P['pages']}/{name}" for name in extra_texts]
    changes = f"{P['changes']}.md"
    site = frozenset([*(here for here, _, _ in page_specs(view)), changes, *chapters, *extra])
    try:
        pages = render_pages(view, svgs, {name: texts[name] for name in files}, site)
    except BrokenLinks as exc:
        raise BuildError(_broken(slug, exc.found)) from None
    pages[changes] = changes_page(view, history(repo, slug, resolved.catalog, view.lang))
    pages.update(zip(chapters, chapter_texts.values(), strict=True))
    downloads = frozenset(f"downloads/{name}" for name in files)
    for here, (name, text) in zip(extra, extra_texts.items(), strict=True):
        links = sanitize.Links(here, site, downloads)
        pages[here] = sanitize.user_markdown(text, 0, links) + "\n"
        if links.broken:
            raise BuildError(_broken(slug, [(here, href) for href in links.broken], f"projects/{slug}/pages/{name}"))
    docs = folder / "docs"
    for rel, text in sorted(pages.items()):
        target = docs / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")
    (docs / "downloads").mkdir()
    for name, content in files.items():
        (docs / "downloads" / name).write_bytes(content)
    (docs / "assets").mkdir(exist_ok=True)
    for asset in (*CSS, "handbook.js"):
        shutil.copyfile(ASSETS / asset, docs / "assets" / asset)
    if portable:
        shutil.copytree(ASSETS / "overrides", folder / "overrides")
    items = nav(view, pages, chapters, extra) + [{view.L["ch_heading"]: changes}]
    config = client_config(view, repo, folder, items, "overrides" if portable else str(ASSETS / "overrides"))
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=1000)
    (folder / "mkdocs.yml").write_text(text, encoding="utf-8", newline="\n")


def _broken(slug: str, found: list[tuple[str, str]], where: str = "") -> str:
    source = where or f"projects/{slug}/project.yml (a Markdown field shown on {found[0][0]})"
    hrefs = ", ".join(f"'{href}'" for _, href in found)
    return f"{source}: the link {hrefs} leads to no page or file of this handbook; link to a page such as raci.md"


def source_date_epoch(repo: Path, slug: str) -> int:
    """SOURCE_DATE_EPOCH if set, else the last commit time of the client's files, else their mtime."""
    if env := os.environ.get("SOURCE_DATE_EPOCH"):
        return int(env)
    files = [f"projects/{slug}", "projects/roles.yml", "docs", "mkdocs.yml"]
    if not inside_work_tree(repo.resolve()):
        return int((repo / "projects" / slug / "project.yml").stat().st_mtime)
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct", "--", *files], cwd=repo, capture_output=True, text=True, timeout=10
        )
        if out.returncode == 0 and out.stdout.strip():
            return int(out.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    return int((repo / "projects" / slug / "project.yml").stat().st_mtime)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class BuildError(Exception):
    """MkDocs reported warnings or errors for a client."""


def mkdocs_build(config_file: Path, site_dir: Path, epoch: int) -> None:
    """Build with the MkDocs API; any MkDocs warning is an error (strict mode misses some)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    handler = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    old_epoch = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        config = load_config(str(config_file.resolve()), site_dir=str(site_dir.resolve()), strict=False)
        build(config)
    except MkDocsException as exc:
        handler.messages.append(str(exc))
    finally:
        logger.removeHandler(handler)
        if old_epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old_epoch
    if handler.messages:
        raise BuildError("; ".join(handler.messages))


def swap_in(new: Path, target: Path) -> None:
    """Replace ``target`` by ``new`` so a reader (or a crash) sees the old or the new folder."""
    if target.exists() and _exchange(new, target):
        shutil.rmtree(new)
        return
    old = target.with_name(f".old-{target.name}")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.rename(target, old)
    os.rename(new, target)
    if old.exists():
        shutil.rmtree(old)


def _exchange(a: Path, b: Path) -> bool:
    """Linux renameat2(RENAME_EXCHANGE): swap two folders in one step; False where unsupported."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def temp_folder(out: Path, slug: str) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".tmp-{slug}-", dir=out))
