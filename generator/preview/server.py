"""`handbook serve SLUG`: a local preview that rebuilds on change and reloads the browser.

The site is built into a temporary folder outside everything watched, so a build never
triggers another. While the project has errors, every page shows them and the server
keeps running; fixing the file brings the handbook back without a restart.
"""

from __future__ import annotations

import html
import shutil
import signal
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.pipeline import build_client
from generator.project.check import check_all
from generator.project.diagnostics import Diagnostic

POLL_SECONDS = 0.4
RELOAD_SCRIPT = """<script>(function(){var v=null;function poll(){fetch('/__handbook/version',{cache:'no-store'})
.then(function(r){return r.text()}).then(function(t){if(v!==null&&t!==v){location.reload()}v=t})
.catch(function(){}).finally(function(){setTimeout(poll,700)})}poll()})();</script>"""


class Preview:
    """Build state shared by the watcher and the request handler."""

    def __init__(self, repo: Path, slug: str) -> None:
        self.repo, self.slug = repo, slug
        self.out = Path(tempfile.mkdtemp(prefix="handbook-serve-"))
        self.version = 0
        self.errors: list[str] = []
        self.lock = threading.Lock()

    @property
    def root(self) -> Path:
        return self.out / self.slug

    def watched(self) -> list[Path]:
        r = self.repo
        roots = [
            r / "projects" / self.slug,
            r / "projects" / "roles.yml",
            r / "docs",
            r / "mkdocs.yml",
            Path(__file__).parent.parent / "render" / "templates",
            Path(__file__).parent.parent / "builder" / "assets",
        ]
        files: list[Path] = []
        for root in roots:
            files += [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        return files

    def snapshot(self) -> dict[Path, tuple[int, int]]:
        state = {}
        for f in self.watched():
            try:
                st = f.stat()
                state[f] = (st.st_mtime_ns, st.st_size)
            except OSError:
                continue
        return state

    def rebuild(self) -> None:
        run = check_all(self.repo, [self.slug])
        diagnostics = sorted(run.all_diagnostics(), key=Diagnostic.sort_key)
        for d in diagnostics:
            print(d.human(), flush=True)
        result = run.results[0]
        errors = [d.human() for d in diagnostics if d.severity == "error"]
        if not errors:
            outcome = build_client(self.repo, result, self.out)
            if outcome.state != "built":
                errors = [outcome.reason]
            else:
                print(f"{self.slug}: built in {outcome.seconds:.1f} s", flush=True)
        for line in errors:
            print(line, flush=True)
        with self.lock:
            self.errors = errors
            self.version += 1

    def watch(self, stop: threading.Event) -> None:
        last = self.snapshot()
        while not stop.wait(POLL_SECONDS):
            now = self.snapshot()
            if now != last:
                last = now
                self.rebuild()

    def close(self) -> None:
        shutil.rmtree(self.out, ignore_errors=True)


class Handler(SimpleHTTPRequestHandler):
    preview: Preview
    hosts: frozenset[str] = frozenset()  # the Host: values this server answers (DNS rebinding)

    def log_message(self, format: str, *args) -> None:  # quiet: the terminal shows builds
        pass

    def refuse(self) -> bool:
        """Answer a request that is not for us (another Host:) or not a path (a NUL byte) with 400."""
        host = (self.headers.get("Host") or "").lower()
        if host not in self.hosts:
            self._send(400, b"this preview answers only http://127.0.0.1 and http://localhost\n", "text/plain")
            return True
        path = unquote(urlsplit(self.path).path)
        if "\x00" in path or not path.startswith("/"):
            self._send(400, b"bad path\n", "text/plain")
            return True
        return False

    def do_HEAD(self) -> None:  # noqa: N802
        if not self.refuse():
            super().do_HEAD()

    def do_GET(self) -> None:  # noqa: N802
        if self.refuse():
            return
        p = self.preview
        if self.path.startswith("/__handbook/version"):
            return self._send(200, str(p.version).encode(), "text/plain")
        with p.lock:
            errors = list(p.errors)
        if errors and not self.path.startswith("/assets/"):
            return self._send(200, _error_page(errors).encode(), "text/html; charset=utf-8")
        target = self.translate_path(self.path)
        if Path(target).is_dir():
            target = str(Path(target) / "index.html")
        if target.endswith(".html") and Path(target).is_file():
            page = Path(target).read_text(encoding="utf-8").replace("</body>", RELOAD_SCRIPT + "</body>", 1)
            return self._send(200, page.encode(), "text/html; charset=utf-8")
        return super().do_GET()

    def _send(self, code: int, body: bytes, kind: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def _error_page(errors: list[str]) -> str:
    items = "".join(f"<li><code>{html.escape(e)}</code></li>" for e in errors)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>handbook: errors</title></head>"
        f"<body style='font-family:sans-serif;max-width:60rem;margin:2rem auto'>"
        f"<h1>The project has errors</h1><p>Fix them and save; this page reloads by itself.</p>"
        f"<ul>{items}</ul>{RELOAD_SCRIPT}</body></html>"
    )


def serve(repo: Path, slug: str, host: str = "127.0.0.1", port: int = 8000, ready=None) -> None:
    """Build, then serve until interrupted (``ready(url)`` is called once listening)."""
    from generator.builder import fastpaths as engine

    engine.install()
    preview = Preview(repo, slug)
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        _serve(preview, host, port, ready)
    finally:
        preview.close()  # the temporary site goes on every way out: Ctrl+C, SIGTERM, an error
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _serve(preview: Preview, host: str, port: int, ready) -> None:
    preview.rebuild()
    server = ThreadingHTTPServer((host, port), Handler)
    bound = server.server_address[1]
    names = {host, "localhost", "127.0.0.1"} if host in ("127.0.0.1", "localhost") else {host}
    hosts = frozenset(f"{name}:{bound}" for name in names)
    handler = type("BoundHandler", (Handler,), {"preview": preview, "hosts": hosts})
    server.RequestHandlerClass = partial(handler, directory=str(preview.root))
    stop = threading.Event()
    watcher = threading.Thread(target=preview.watch, args=(stop,), daemon=True)
    watcher.start()
    url = f"http://{host}:{server.server_address[1]}/"
    print(f"serving {preview.slug} at {url} (Ctrl+C to stop)", flush=True)
    if ready:
        ready(url)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        stop.set()
        server.server_close()
