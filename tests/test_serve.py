"""`handbook serve`: started on a free port, a file changed, the new page fetched over HTTP."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
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


def raw_request(port: int, request: bytes) -> bytes:
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_serve_answers_odd_requests_checks_the_host_and_cleans_up_on_sigterm(tmp_path: Path) -> None:
    import signal

    repo = make_repo(tmp_path, {"beispiel": MINIMAL})
    before = set(Path(tempfile.gettempdir()).glob("handbook-serve-*"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "beispiel", "--port", "0"],
        cwd=repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = wait_for(lambda: (out := proc.stdout.readline()) and "serving" in out and out)
        port = int(re.search(r"127\.0\.0\.1:(\d+)/", line).group(1))
        host = f"Host: 127.0.0.1:{port}\r\n".encode()
        nul = raw_request(port, b"GET /%00 HTTP/1.1\r\n" + host + b"Connection: close\r\n\r\n")
        assert nul.startswith(b"HTTP/1.0 400") or nul.startswith(b"HTTP/1.1 400"), nul[:80]
        missing = raw_request(port, b"GET /nirgends/ HTTP/1.1\r\n" + host + b"Connection: close\r\n\r\n")
        assert b" 404 " in missing.split(b"\r\n")[0]
        rebinding = raw_request(port, b"GET / HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n")
        assert b" 400 " in rebinding.split(b"\r\n")[0] and b"Beispiel AG" not in rebinding
        assert b"Beispiel AG" in raw_request(port, b"GET / HTTP/1.1\r\n" + host + b"Connection: close\r\n\r\n")
        assert proc.poll() is None
        temp = [
            p for p in set(Path(tempfile.gettempdir()).glob("handbook-serve-*")) - before if (p / "beispiel").is_dir()
        ]
        assert temp, "the preview's temporary site was not found"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    output = proc.stdout.read()
    assert "Traceback" not in output, output
    assert not [p for p in temp if p.exists()], "SIGTERM left the temporary site behind"
