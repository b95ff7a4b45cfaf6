"""`handbook pdf SLUG`: the print page of a built site, printed by headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from generator.errors import BuildError, MissingTool

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT = 60.0  # seconds for Chromium to print one handbook (a few seconds normally)


class PdfFailed(BuildError):
    """Chromium could not print the handbook (failing or hanging)."""

    def __init__(self, message: str) -> None:
        super().__init__(f"PDF: {message}")


def find_chromium() -> str:
    for name in BROWSERS:
        if path := shutil.which(name):
            return path
    raise MissingTool("Chromium", "chromium", "to print the handbook as a PDF")


def chromium_flags(profile: Path) -> list[str]:
    """Headless, and quiet on the network: no background requests to anyone."""
    flags = [
        "--headless",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--mute-audio",
        f"--user-data-dir={profile}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
    return flags


def pdf_name(language: str) -> str:
    return "handbook.pdf" if language == "en" else "handbuch.pdf"


def print_pdf(site: Path, target: Path, timeout: float | None = None) -> Path:
    """Print the site's print page to ``target``, its contents with page numbers.

    Chromium cannot number the contents itself (no target-counter()), so it prints twice: the
    first print tells on which page each chapter starts (the PDF's named destinations, one per
    chapter the contents link to), the second prints a copy of the page with those numbers in
    the places the contents keep for them (their width reserved, so no page moves)."""
    timeout = TIMEOUT if timeout is None else timeout
    page = site / "print_page" / "index.html"
    if not page.is_file():
        raise PdfFailed(f"{site} has no print page; build the site first (handbook build)")
    browser = find_chromium()
    html = page.read_text(encoding="utf-8")
    tmp = target.with_name(f".{target.name}.tmp")
    numbered = page.with_name(".numbered.html")  # beside it: the same links, styles and scripts
    try:
        with tempfile.TemporaryDirectory(prefix="handbook-chromium-") as profile:
            _print(browser, Path(profile), page, tmp, timeout)
            wanted = set(SLOT.findall(html))
            pages: dict[str, int] = {}
            for _ in range(3):  # settles in one; a second guards against a number that moved a line
                found = chapter_pages(tmp, wanted)
                if found == pages:
                    break
                pages = found
                numbered.write_text(number(html, pages), encoding="utf-8")
                _print(browser, Path(profile), numbered, tmp, timeout)
        os.replace(tmp, target)
    finally:
        numbered.unlink(missing_ok=True)
        tmp.unlink(missing_ok=True)
    return target


SLOT = re.compile(r'<span class="hb-toc-page" data-hb-page="([\w-]+)"></span>')


def number(html: str, pages: dict[str, int]) -> str:
    """The print page with each chapter's page number in its place in the contents."""
    return SLOT.sub(lambda m: m.group(0).replace("></span>", f">{pages.get(m.group(1), '')}</span>"), html)


def chapter_pages(pdf: Path, anchors: set[str]) -> dict[str, int]:
    """The page (from 1) each of ``anchors`` is on: the named destinations Chromium writes for
    the targets of the document's own links."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(pdf)
        destinations = reader.named_destinations
        out = {}
        for name, destination in destinations.items():
            anchor = name.removeprefix("/")
            index = reader.get_destination_page_number(destination)
            if anchor in anchors and index is not None:
                out[anchor] = index + 1
        return out
    except (PdfReadError, OSError, ValueError, KeyError) as exc:
        raise PdfFailed(f"Chromium wrote a PDF that cannot be read back: {exc}") from None


def _print(browser: str, profile: Path, page: Path, out: Path, timeout: float) -> None:
    cmd = [
        browser,
        *chromium_flags(profile),
        "--no-pdf-header-footer",  # the footer is the page's own (@page margin boxes, in its language)
        "--virtual-time-budget=10000",
        f"--print-to-pdf={out}",
        page.resolve().as_uri(),
    ]
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise PdfFailed(f"Chromium did not finish printing within {timeout:.0f} s") from None
    except OSError as exc:
        raise PdfFailed(f"Chromium could not be started: {exc.strerror}") from None
    if result.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        raise PdfFailed(f"Chromium could not print the handbook: {result.stderr.strip()[-300:]}")
