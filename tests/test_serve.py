"""`handbook serve`: a real server on a free port, real file edits, real MkDocs and dot.

The preview must give exactly the files a clean `handbook build --force` gives for the same
project state, however it got there (warm rebuilds, the page being looked at written first,
an error in between, a commit, a shared chapter changed); the browser is told by server-sent
events; errors print once; the temporary site goes on SIGTERM.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from generator.builder import scratch

from .conftest import make_repo
from .test_changes import git
from .test_cli import MINIMAL

SLUG = "muster-maschinenbau"


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


def wait_for(predicate, timeout: float = 90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError("timed out")


def save(file: Path, text: str) -> None:
    """Write as editors do: a new file renamed over the old one."""
    tmp = file.with_name(f".{file.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, file)


def serve_folders() -> set[Path]:
    """The temporary sites of `handbook serve`: in memory (builder/scratch.py), else the temp folder."""
    places = (scratch.ROOT, Path(tempfile.gettempdir()))
    return {p for place in places if place.is_dir() for p in place.glob("handbook-serve-*")}


class Serve:
    """`handbook serve SLUG --port 0` in a process of its own."""

    def __init__(self, repo: Path, slug: str, env: dict[str, str] | None = None) -> None:
        self.slug = slug
        self.before = serve_folders()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", slug, "--port", "0"],
            cwd=repo,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.head: list[str] = []

        def serving() -> str | None:
            line = self.proc.stdout.readline()
            self.head.append(line)
            assert line or self.proc.poll() is None, "".join(self.head)
            return line if "serving" in line else None

        line = wait_for(serving)
        self.url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        self.port = int(self.url.rsplit(":", 1)[1].strip("/"))

    def status(self) -> dict:
        return json.loads(fetch(self.url + "__handbook/status"))

    def settled(self, after: int) -> dict:
        """The status once a build newer than version ``after`` is complete and nothing follows it."""

        def done() -> dict | None:
            state = self.status()
            if state["version"] > after and not state["building"]:
                time.sleep(0.3)  # no second batch of changes behind it
                again = self.status()
                return again if again == state else None
            return None

        return wait_for(done)

    def edit(self, file: Path, text: str) -> dict:
        version = self.status()["version"]
        save(file, text)
        return self.settled(version)

    def folder(self) -> Path:
        made = serve_folders() - self.before
        found = [p for p in made if (p / self.slug).is_dir()]
        assert len(found) == 1, found
        return found[0] / self.slug

    def stop(self, sig: int = signal.SIGTERM) -> str:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        self.proc.wait(timeout=60)
        return "".join(self.head) + self.proc.stdout.read()


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_serve_rebuilds_shows_errors_once_and_recovers(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"beispiel": MINIMAL})
    serve = Serve(repo, "beispiel")
    try:
        page = fetch(serve.url)
        assert "Beispiel AG" in page and "/__handbook/events" in page and "EventSource" in page
        file = repo / "projects" / "beispiel" / "project.yml"
        serve.edit(file, MINIMAL.replace("Beispiel AG", "Geänderte AG"))
        assert "Geänderte AG" in fetch(serve.url)
        state = serve.edit(file, MINIMAL + "bogus: 1\n")
        assert state["errors"] == 1
        error_page = fetch(serve.url + "personen/")
        assert "The project has errors" in error_page and "EventSource" in error_page
        assert "unknown key &#x27;bogus&#x27;" in error_page or "unknown key 'bogus'" in error_page
        assert serve.proc.poll() is None, "the server must keep running"
        serve.edit(file, MINIMAL.replace("Beispiel AG", "Wieder AG"))
        assert "Wieder AG" in fetch(serve.url)
        before = serve.status()["version"]
        time.sleep(1.5)  # nothing changed: no rebuild loop
        assert serve.status()["version"] == before
    finally:
        output = serve.stop()
    assert output.count("unknown key 'bogus'") == 1, output  # printed once, not once per place
    assert "Traceback" not in output, output


def test_preview_after_edits_is_exactly_a_clean_build(tmp_path: Path) -> None:
    """Warm rebuilds (pages, diagrams, git history kept), the visible page written first, an error,
    a commit and a shared chapter changed in between: the preview's folder equals a clean build of
    the same state, file for file and byte for byte. No SOURCE_DATE_EPOCH: the time stamp is the
    client's last commit, as in a consultant's checkout."""
    repo = make_repo(tmp_path / "repo", fixtures=True)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "start", day=3)
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    project = repo / "projects" / SLUG / "project.yml"
    text = project.read_text(encoding="utf-8")
    serve = Serve(repo, SLUG, env)
    try:
        fetch(serve.url + "personen/thomas_schmidt/")  # the page being looked at: written first
        text = text.replace("phone: 0301234567", "phone: 0301234568")
        state = serve.edit(project, text)
        assert "first page" in state["steps"], state  # the visible page came ahead of the rest
        fetch(serve.url + "raci/")
        text = text.replace("name: Anna Becker", "name: Anna Beckmann")
        serve.edit(project, text)
        assert "Anna Beckmann" in fetch(serve.url + "raci/")
        (repo / "projects" / SLUG / "pages" / "neu.md").write_text(
            "# Neue Seite\n\nSiehe [RACI](../raci.md).\n", encoding="utf-8"
        )
        serve.settled(state["version"])
        assert serve.edit(project, text + "bogus: 1\n")["errors"] == 1
        assert serve.edit(project, text)["errors"] == 0
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "Key-User umbenannt", day=5)
        text = text.replace("Einführung des CRM-Systems", "Einführung des neuen CRM-Systems")
        serve.edit(project, text)
        chapter = repo / "docs" / "de" / "02-kommunikation.md"
        serve.edit(chapter, chapter.read_text(encoding="utf-8") + "\nEin neuer Absatz für alle Kunden.\n")
        preview = files(serve.folder())
    finally:
        output = serve.stop()
    assert "Traceback" not in output, output
    built = subprocess.run(
        [sys.executable, "-m", "generator", "build", SLUG, "--force", "--out", "clean"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    clean = files(repo / "clean" / SLUG)
    assert sorted(preview) == sorted(clean)
    assert len(clean) > 60 and "seiten/neu/index.html" in clean, sorted(clean)[:10]
    assert [name for name in clean if preview[name] != clean[name]] == []
    changes = clean["aenderungen/index.html"].decode("utf-8")
    assert "5. Januar 2027" in changes or "2027-01-05" in changes, (
        "the commit during the preview is on the changes page"
    )


def read_event(response: http.client.HTTPResponse) -> str:
    """The data of the next server-sent event (comments and the retry line skipped)."""
    while True:
        line = response.fp.readline().decode("utf-8")
        assert line, "the event stream ended"
        if line.startswith("data: "):
            return line.removeprefix("data: ").strip()


def test_the_browser_is_told_by_server_sent_events(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"beispiel": MINIMAL})
    serve = Serve(repo, "beispiel")
    try:
        conn = http.client.HTTPConnection("127.0.0.1", serve.port, timeout=60)
        conn.request("GET", "/__handbook/events")
        response = conn.getresponse()
        assert response.status == 200 and response.getheader("Content-Type") == "text/event-stream"
        current = int(read_event(response))  # at once: the version the server has now
        saved = time.monotonic()
        save(repo / "projects" / "beispiel" / "project.yml", MINIMAL.replace("Beispiel AG", "Neue AG"))
        told = int(read_event(response))
        elapsed = time.monotonic() - saved
        assert told > current
        assert "Neue AG" in fetch(serve.url)  # what the event announced is there
        print(f"save -> event {elapsed:.2f} s")
        conn.close()
        foreign = raw_request(serve.port, b"GET /__handbook/events HTTP/1.1\r\nHost: evil.example\r\n\r\n")
        assert b" 400 " in foreign.split(b"\r\n")[0]
    finally:
        serve.stop()


def test_the_page_published_first_is_the_page_of_the_finished_site(tmp_path: Path, monkeypatch) -> None:
    """In this process: a build that writes one page first gives the same site as one that does not,
    and the page it wrote first has the bytes the finished site has there."""
    from generator.builder import FirstPage, fastpaths
    from generator.pipeline import Warm, build_client
    from generator.project.check import check_project, load_catalog

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    fastpaths.install()
    repo = make_repo(tmp_path / "repo", fixtures=True)
    result = check_project(repo, SLUG, load_catalog(repo)[0])
    published: dict[str, bytes] = {}
    for dest in ("personen/anna_becker/index.html", "index.html", "raci/index.html"):
        warm = Warm(first=FirstPage(dest, published.__setitem__))
        assert build_client(repo, result, tmp_path / "first", warm=warm).state == "built"
        assert warm.first is not None and warm.first.written == dest
        assert published[dest] == (tmp_path / "first" / SLUG / dest).read_bytes()
    printed = Warm(first=FirstPage("print_page/index.html", published.__setitem__))
    assert build_client(repo, result, tmp_path / "first", warm=printed).state == "built"
    assert printed.first is not None and printed.first.written is None  # assembled after the engine: not early
    assert build_client(repo, result, tmp_path / "plain").state == "built"
    assert files(tmp_path / "first" / SLUG) == files(tmp_path / "plain" / SLUG)


def raw_request(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("sig", [signal.SIGTERM])
def test_serve_answers_odd_requests_checks_the_host_and_cleans_up_on_sigterm(tmp_path: Path, sig: int) -> None:
    repo = make_repo(tmp_path, {"beispiel": MINIMAL})
    serve = Serve(repo, "beispiel")
    try:
        port = serve.port
        host = f"Host: 127.0.0.1:{port}\r\n".encode()
        nul = raw_request(port, b"GET /%00 HTTP/1.1\r\n" + host + b"Connection: close\r\n\r\n")
        assert nul.startswith(b"HTTP/1.0 400") or nul.startswith(b"HTTP/1.1 400"), nul[:80]
        missing = raw_request(port, b"GET /nirgends/ HTTP/1.1\r\n" + host + b"Connection: close\r\n\r\n")
        assert b" 404 " in missing.split(b"\r\n")[0]
        rebinding = raw_request(port, b"GET / HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n")
        assert b" 400 " in rebinding.split(b"\r\n")[0] and b"Beispiel AG" not in rebinding
        assert b"Beispiel AG" in raw_request(port, b"GET / HTTP/1.1\r\n" + host + b"Connection: close\r\n\r\n")
        assert serve.proc.poll() is None
        temp = serve.folder().parent
        events = socket.create_connection(("127.0.0.1", port), timeout=10)  # a browser still listening
        events.sendall(b"GET /__handbook/events HTTP/1.1\r\n" + host + b"\r\n")
        assert b"200" in events.recv(200)
    finally:
        output = serve.stop(sig)
    events.close()
    assert "Traceback" not in output, output
    assert not temp.exists(), "SIGTERM left the temporary site behind"
