"""`handbook serve SLUG`: a local preview that rebuilds on every save and tells the browser at once.

The operating system reports a save (preview/watch.py), the build thread rebuilds warm
(preview/session.py) and the page the browser shows is published first; every page carries a
small script that listens to ``/__handbook/events`` (server-sent events, same origin, nothing
from elsewhere) and reloads when the version it was served with is no longer the current one.
Only ``Host: 127.0.0.1`` / ``localhost`` is answered (no DNS rebinding), odd paths get 400.
"""

from __future__ import annotations

import html
import json
import signal
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.preview.session import Preview, live

EVENTS = "/__handbook/events"
STATUS = "/__handbook/status"
KEEPALIVE_SECONDS = 15.0  # a comment line this often finds browsers that went away
RELOAD_SCRIPT = (
    '<script>(function(){var v="%d",s=new EventSource("' + EVENTS + '");'
    "s.onmessage=function(e){if(e.data!==v){s.close();location.reload()}}})();</script>"
)


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
        p, path = self.preview, unquote(urlsplit(self.path).path)
        if path == EVENTS:
            return self._events()
        if path == STATUS:
            return self._send(200, json.dumps(p.status()).encode(), "application/json")
        target = Path(self.translate_path(self.path))
        if target.is_dir() and path.endswith("/"):
            target = target / "index.html"
        rel = _relative(target, p.root)
        p.wait_for(rel)
        version, errors = p.state()  # before the file is read: a page is never newer than its version
        if errors and not path.startswith("/assets/"):
            return self._send(200, _error_page(errors, version).encode(), "text/html; charset=utf-8")
        if target.suffix == ".html" and target.is_file():
            page = target.read_text(encoding="utf-8").replace("</body>", RELOAD_SCRIPT % version + "</body>", 1)
            p.visible = rel
            return self._send(200, page.encode(), "text/html; charset=utf-8")
        return super().do_GET()

    def _events(self) -> None:
        """Server-sent events: the current version at once, then each new one."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen: int | None = None
        try:
            self.wfile.write(b"retry: 500\n\n")
            while (version := self.preview.next_version(seen, KEEPALIVE_SECONDS)) is not None:
                self.wfile.write(f"data: {version}\n\n".encode() if version != seen else b": waiting\n\n")
                self.wfile.flush()
                seen = version
        except OSError:  # the browser went away
            pass
        self.close_connection = True

    def _send(self, code: int, body: bytes, kind: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def _relative(target: Path, root: Path) -> str:
    try:
        return target.relative_to(root).as_posix()
    except ValueError:
        return ""


def _error_page(errors: list[str], version: int) -> str:
    items = "".join(f"<li><code>{html.escape(e)}</code></li>" for e in errors)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>handbook: errors</title></head>"
        f"<body style='font-family:sans-serif;max-width:60rem;margin:2rem auto'>"
        f"<h1>The project has errors</h1><p>Fix them and save; this page reloads by itself.</p>"
        f"<ul>{items}</ul>{RELOAD_SCRIPT % version}</body></html>"
    )


def serve(repo: Path, slug: str, host: str = "127.0.0.1", port: int = 8000, ready=None) -> None:
    """Build, then serve until interrupted (``ready(url)`` is called once listening)."""
    from generator import keep
    from generator.builder import fastpaths

    keep.enable()
    fastpaths.install(keep_templates=True)
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
    with live(preview):
        server = ThreadingHTTPServer((host, port), Handler)
        bound = server.server_address[1]
        names = {host, "localhost", "127.0.0.1"} if host in ("127.0.0.1", "localhost") else {host}
        hosts = frozenset(f"{name}:{bound}" for name in names)
        handler = type("BoundHandler", (Handler,), {"preview": preview, "hosts": hosts})
        server.RequestHandlerClass = partial(handler, directory=str(preview.root))
        url = f"http://{host}:{bound}/"
        print(f"serving {preview.slug} at {url} (Ctrl+C to stop)", flush=True)
        if ready:
            ready(url)
        try:
            server.serve_forever(poll_interval=0.2)
        finally:
            server.server_close()
