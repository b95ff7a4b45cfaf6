"""What a client brings besides its project file: extra pages (projects/<slug>/pages/*.md), and
the shared chapters every client of a language gets (docs/<lang>/*.md).

Only regular files are read: a symbolic link (to another client's project.yml, or anywhere
else) is refused, never followed. Each refusal is an error that names the file.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from generator.errors import BuildError
from generator.layout import Repo, pages_folder
from generator.project import markdown as sanitize
from generator.project.diagnostics import Diagnostic, Pos

PAGE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,80}\.md")
MAX_PAGE_BYTES = 1024 * 1024


def read_pages(repo: Path, slug: str) -> tuple[dict[str, str], list[Diagnostic]]:
    """The client's extra pages (projects/<slug>/pages/*.md): name -> text, and the refused ones.

    Only regular files that lie in the client's own folder are read: a symlink (to another
    client's project.yml, or anywhere else) is refused, never followed, and so is a pages
    folder that is itself a link. Each refusal is an error that names the file.
    """
    client = Repo(repo).client(slug)
    folder = client / "pages"
    display = pages_folder(slug)
    problems: list[Diagnostic] = []

    def refuse(name: str, message: str) -> None:
        problems.append(Diagnostic(Pos(f"{display}/{name}" if name else display, 1, 1), "", message))

    if folder.is_symlink():
        refuse("", "the pages folder is a symbolic link; make it a real folder inside the client's folder")
        return {}, problems
    if not folder.is_dir():
        return {}, problems
    pages = {}
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if not entry.name.endswith(".md"):
            continue
        if entry.is_symlink():
            refuse(entry.name, "is a symbolic link; extra pages must be files in this folder, not links")
        elif not entry.is_file(follow_symlinks=False):
            refuse(entry.name, "is not a regular file")
        elif not PAGE_NAME.fullmatch(entry.name):
            refuse(entry.name, "name the page with letters, digits, '-', '_' or '.', ending in .md")
        elif not Path(entry.path).resolve().is_relative_to(client.resolve()):
            refuse(entry.name, "lies outside the client's folder")
        elif entry.stat(follow_symlinks=False).st_size > MAX_PAGE_BYTES:
            refuse(entry.name, f"is larger than {MAX_PAGE_BYTES} bytes (1 MiB)")
        else:
            try:
                pages[entry.name] = _read_text(entry.path)
            except UnicodeDecodeError:
                refuse(entry.name, "is not valid UTF-8; save it as UTF-8")
            except OSError as exc:
                refuse(entry.name, f"cannot be read: {exc.strerror}")
    return pages, problems


SANITISED = (
    "left out of the page: a page shows text, lists, tables and links to http(s), mailto, tel or pages "
    "of the handbook, and loads nothing from elsewhere"
)


def unsafe_html(file: str, source: str, path: str = "", pos: Pos | None = None) -> list[Diagnostic]:
    """A warning for each thing the sanitiser leaves out of a piece of user Markdown, at the line
    that holds it (the page stays, without it)."""
    out = []
    lines = source.split("\n")
    for item in sanitize.removed(source):
        needle = item.split("=", 1)[1].rstrip(">") if "=" in item else item.strip("<>").split(" ")[-1]
        line = next((n for n, text in enumerate(lines, 1) if needle.lower() in text.lower()), 1)
        where = pos or Pos(file, line, 1)
        out.append(Diagnostic(where, path, f"{item} {SANITISED}", "warning", "unsafe-html"))
    return out


def _read_text(path: str) -> str:
    """A file's text, never through a symbolic link (O_NOFOLLOW: a link swapped in after the check)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        return handle.read(MAX_PAGE_BYTES + 1).decode("utf-8").removeprefix("\ufeff")


def read_chapters(repo: Path, lang: str) -> dict[str, str]:
    """docs/<lang>/*.md: name -> text, in name order; only regular files of that folder."""
    folder = Repo(repo).chapters(lang)
    if folder.is_symlink() or not folder.is_dir():
        return {}
    chapters = {}
    for path in sorted(folder.glob("*.md")):
        if path.is_symlink() or not path.is_file():
            raise BuildError(f"docs/{lang}/{path.name} is a link or not a regular file; shared chapters must be files")
        chapters[path.name] = _read_text(str(path))
    return chapters
