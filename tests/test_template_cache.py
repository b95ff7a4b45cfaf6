"""The compiled-template cache: code a build runs, so only this user's own, signed files are read.

Jinja's bytecode files start with a pickle: whoever can write one can run code in the next
build. The cache therefore lives in the user's private cache folder (never in the output
folder that is published), and a file whose HMAC does not match is ignored.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import subprocess
import sys
from pathlib import Path

import jinja2

from generator import keep
from generator.builder.fastpaths import theme

from .conftest import make_repo
from .test_cli import MINIMAL

OVERRIDE = Path(theme.__file__).parent.parent / "assets" / "overrides" / "main.html"


def build(repo: Path, cache_home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    return subprocess.run(
        [sys.executable, "-m", "generator", "build", "--force"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


class _Payload:
    def __init__(self, canary: Path) -> None:
        self.canary = canary

    def __reduce__(self):
        return (os.system, (f"touch {self.canary}",))


def _crafted(canary: Path) -> bytes:
    """A bytecode file as Jinja reads it: magic, then a pickle (here one that runs a command)."""
    return jinja2.bccache.bc_magic + pickle.dumps(_Payload(canary), 2)


def _file_for_main_html(folder: Path) -> Path:
    source = OVERRIDE.read_text(encoding="utf-8")
    digest = hashlib.sha1(("main.html\0" + source).encode()).hexdigest()  # SharedBytecodeCache.get_bucket
    return folder / f"{digest}.jinja"


def test_the_cache_is_private_signed_and_outside_the_site(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"kunde": MINIMAL})
    home = tmp_path / "cache"
    assert build(repo, home).returncode == 0
    folder = home / "handbook" / "templates"
    files = list(folder.glob("*.jinja"))
    assert files, "no compiled templates were kept"
    assert (folder.stat().st_mode & 0o777) == 0o700
    assert ((home / "handbook" / "key").stat().st_mode & 0o777) == 0o600
    assert not list((repo / "site").rglob("*.jinja"))
    key = (home / "handbook" / "key").read_bytes()
    for file in files:
        signed = file.read_bytes()
        assert hmac.compare_digest(signed[:32], hmac.new(key, signed[32:], hashlib.sha256).digest())


def test_a_crafted_cache_file_is_ignored_unless_signed(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"kunde": MINIMAL})
    home = tmp_path / "cache"
    assert build(repo, home).returncode == 0
    before = (repo / "site" / "kunde" / "index.html").read_bytes()
    target = _file_for_main_html(home / "handbook" / "templates")
    assert target.is_file(), "the override main.html was not cached under the expected key"
    canary = tmp_path / "pwned"
    target.write_bytes(b"\0" * 32 + _crafted(canary))  # no valid signature
    result = build(repo, home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not canary.exists(), "a crafted cache file ran code"
    assert (repo / "site" / "kunde" / "index.html").read_bytes() == before
    # the danger is real: signed with the user's own key, the same file would run (so only
    # a key nobody else can read keeps it out)
    key = (home / "handbook" / "key").read_bytes()
    payload = _crafted(canary)
    target.write_bytes(hmac.new(key, payload, hashlib.sha256).digest() + payload)
    build(repo, home)
    assert canary.exists()


def test_no_disk_cache_where_others_could_write(tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "shared"
    (home / "handbook" / "templates").mkdir(parents=True)
    os.chmod(home / "handbook", 0o777)
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    assert keep.private_folder("templates") is None
    os.chmod(home / "handbook", 0o700)
    found = keep.private_folder("templates")
    assert found is not None and found[0] == home / "handbook" / "templates"
