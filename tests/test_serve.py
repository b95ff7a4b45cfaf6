"""`handbook serve`: started on a free port, a file changed, the new page fetched over HTTP."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .conftest import make_repo
from .test_cli import MINIMAL


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def wait_for(predicate, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_serve_rebuilds_shows_errors_and_recovers(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"beispiel": MINIMAL})
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "beispiel", "--port", "0"],
        cwd=repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = wait_for(lambda: (out := proc.stdout.readline()) and "serving" in out and out)
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        page = fetch(url)
        assert "Beispiel AG" in page and "/__handbook/version" in page
        version = fetch(url + "__handbook/version")
        file = repo / "projects" / "beispiel" / "project.yml"
        file.write_text(MINIMAL.replace("Beispiel AG", "Geänderte AG"), encoding="utf-8")
        wait_for(lambda: "Geänderte AG" in fetch(url))
        wait_for(lambda: fetch(url + "__handbook/version") != version)  # the browser is told to reload
        file.write_text(MINIMAL + "bogus: 1\n", encoding="utf-8")
        error_page = wait_for(lambda: (p := fetch(url + "personen/")) and "The project has errors" in p and p)
        assert "unknown key &#x27;bogus&#x27;" in error_page or "unknown key 'bogus'" in error_page
        assert proc.poll() is None, "the server must keep running"
        file.write_text(MINIMAL.replace("Beispiel AG", "Wieder AG"), encoding="utf-8")
        wait_for(lambda: "Wieder AG" in fetch(url))
        before = fetch(url + "__handbook/version")
        time.sleep(2)  # nothing changed: no rebuild loop
        assert fetch(url + "__handbook/version") == before
    finally:
        proc.terminate()
        proc.wait(timeout=10)
