"""`handbook pdf SLUG`: the print page of a built site, printed by headless Chromium."""

from __future__ import annotations

import os
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
    timeout = TIMEOUT if timeout is None else timeout
    page = site / "print_page" / "index.html"
    if not page.is_file():
        raise PdfFailed(f"{site} has no print page; build the site first (handbook build)")
    browser = find_chromium()
    with tempfile.TemporaryDirectory(prefix="handbook-chromium-") as profile:
        tmp = target.with_name(f".{target.name}.tmp")
        cmd = [
            browser,
            *chromium_flags(Path(profile)),
            "--no-pdf-header-footer",
            "--virtual-time-budget=10000",
            f"--print-to-pdf={tmp}",
            page.resolve().as_uri(),
        ]
        try:
            result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            tmp.unlink(missing_ok=True)
            raise PdfFailed(f"Chromium did not finish printing within {timeout:.0f} s") from None
        except OSError as exc:
            raise PdfFailed(f"Chromium could not be started: {exc.strerror}") from None
        if result.returncode != 0 or not tmp.is_file() or tmp.stat().st_size == 0:
            tmp.unlink(missing_ok=True)
            raise PdfFailed(f"Chromium could not print the handbook: {result.stderr.strip()[-300:]}")
        os.replace(tmp, target)
    return target
