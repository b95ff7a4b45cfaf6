"""builder/ahead.py: a one-client build readies MkDocs in a helper process on the spare core.

Each test runs a fresh Python process (as the command line does: one thread, nothing forked
yet) and looks at what the helper did: that it built the site, the same files as a build
without it, that a warning of its build fails the client, that a helper that is gone leaves
the build to the process itself, and that no helper outlives its build.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import make_repo
from .test_build import MINIMAL

EPOCH = "1790000000"

# builds the clients named in argv[2:] into argv[1]; prints what ahead.build answered (None:
# no helper built it) and whether any child process is left after the build
PROBE = """
import os, sys
from pathlib import Path
from generator.builder import ahead
from generator.pipeline import build_all
answers = []
original = ahead.build
def build(*args):
    answer = original(*args)
    answers.append(answer is not None)
    return answer
ahead.build = build
{patch}
run = build_all(Path('.'), sys.argv[2:], Path(sys.argv[1]))
try:
    left = os.waitpid(-1, os.WNOHANG) != (0, 0)
except ChildProcessError:
    left = False
print([o.state for o in run.outcomes], answers, left)
for outcome in run.outcomes:
    print(outcome.reason)
"""


def probe(repo: Path, out: str, *slugs: str, patch: str = "", cache: Path | None = None) -> list[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **({"XDG_CACHE_HOME": str(cache)} if cache else {})}
    script = PROBE.format(patch=patch)
    done = subprocess.run(
        [sys.executable, "-c", script, out, *slugs], cwd=repo, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


needs_cores = pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="a helper needs a spare core")


@needs_cores
def test_a_helper_builds_one_client_with_the_files_a_build_of_many_makes(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"one": MINIMAL, "two": MINIMAL.replace("Beispiel AG", "Zwei AG")})
    assert probe(repo, "alone", "one")[0] == "['built'] [True] False"  # built by the helper, none left
    assert probe(repo, "together")[0] == "['built', 'built'] [] False"  # two sites: workers, no helper
    alone, together = files(repo / "alone" / "one"), files(repo / "together" / "one")
    assert alone.keys() == together.keys() and len(alone) > 50
    for name in alone:
        assert alone[name] == together[name], name


@needs_cores
def test_a_warning_in_the_helpers_build_fails_the_client_with_it(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"one": MINIMAL})
    (repo / "docs" / "de" / "99-extra.md").write_text("# Extra\n\n[weg](nirgends.md)\n", encoding="utf-8")
    lines = probe(repo, "site", "one")
    assert lines[0] == "['failed'] [True] False"
    assert "mkdocs: " in lines[1] and "nirgends.md" in lines[1], lines
    assert not (repo / "site" / "one").exists()


@needs_cores
def test_a_helper_that_is_gone_leaves_the_build_to_the_process(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"one": MINIMAL})
    gone = "ahead._serve = lambda *args: os._exit(3)"  # the helper ends before it builds anything
    assert probe(repo, "site", "one", patch=gone)[0] == "['built'] [False] False"
    assert probe(repo, "again", "one")[0] == "['built'] [True] False"  # with a helper
    assert files(repo / "site" / "one") == files(repo / "again" / "one")


@needs_cores
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_a_helper_ends_when_its_build_is_killed(tmp_path: Path) -> None:
    """The build is killed (SIGKILL: nothing of it runs) while its helper waits: the helper ends too."""
    repo = make_repo(tmp_path, {"one": MINIMAL})
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from generator.builder import ahead\n"
        "helper = ahead.Helper('site', Path('mkdocs.yml'))\n"
        "print(helper.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    build = subprocess.Popen([sys.executable, "-c", script], cwd=repo, stdout=subprocess.PIPE, text=True)
    try:
        assert build.stdout is not None
        pid = int(build.stdout.readline())
        assert alive(pid)
        build.send_signal(signal.SIGKILL)
        build.wait(timeout=10)
        deadline = time.monotonic() + 10
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(pid)
    finally:
        build.kill()
        build.wait()


def alive(pid: int) -> bool:
    """Running (not ended, nor a zombie waiting for a parent that reaps it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


# in the helper (its stdout is this probe's): whether the copy that rendered the last pages answered
SPLIT = """
from generator.builder.fastpaths import halves
answering = halves._Split.answer
def told(self):
    first = not self.asked
    reply = answering(self)
    if first:
        print('copy answered', reply is not None, len(self.theirs), flush=True)
    return reply
halves._Split.answer = told
"""


# what fastpaths/disk.py keeps of each site in the private cache: kind -> its keys, by file
KEPT = """
import json
from generator import keep
from generator.builder.fastpaths import disk
keep.enable()
folder = disk.SITES._where()[0]
out = {}
for file in sorted(folder.iterdir()):
    data = disk.SITES.get(file.name.removesuffix(keep.SUFFIX))
    out[file.name] = {kind: sorted(entries) for kind, entries in json.loads(data).items()}
print(json.dumps(out))
"""


def kept(cache: Path) -> dict:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    done = subprocess.run([sys.executable, "-c", KEPT], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@needs_cores
def test_the_helper_renders_the_pages_with_a_copy_and_the_files_are_the_same(tmp_path: Path) -> None:
    """fastpaths/halves.py: a forked copy of the helper renders the last pages; same files, and
    the private cache keeps the same of the site as after a build without the copy."""
    repo = make_repo(tmp_path, {"one": MINIMAL, "two": MINIMAL.replace("Beispiel AG", "Zwei AG")})
    lines = probe(repo, "alone", "one", patch=SPLIT, cache=tmp_path / "c1")
    copied = [line for line in lines if line.startswith("copy answered")]
    assert len(copied) == 1 and copied[0].startswith("copy answered True") and int(copied[0].split()[-1]) >= 5
    assert "['built'] [True] False" in lines
    assert probe(repo, "together", cache=tmp_path / "c2")[0] == "['built', 'built'] [] False"
    alone, together = files(repo / "alone" / "one"), files(repo / "together" / "one")
    assert alone.keys() == together.keys() and len(alone) > 50
    assert [name for name in alone if alone[name] != together[name]] == []
    one, both = kept(tmp_path / "c1"), kept(tmp_path / "c2")
    assert len(one) == 1 and len(both) == 2
    ((name, site),) = one.items()
    assert set(site) == {"page", "sections"} and site == both[name]


@needs_cores
def test_a_copy_that_fails_leaves_its_pages_to_the_helper(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"one": MINIMAL, "two": MINIMAL.replace("Beispiel AG", "Zwei AG")})
    failing = SPLIT + "halves._copy = lambda *args: os._exit(3)\n"  # the copy ends before it renders anything
    lines = probe(repo, "alone", "one", patch=failing)
    assert [line for line in lines if line.startswith("copy answered")][0].startswith("copy answered False")
    assert "['built'] [True] False" in lines
    assert probe(repo, "together")[0] == "['built', 'built'] [] False"
    alone, together = files(repo / "alone" / "one"), files(repo / "together" / "one")
    assert alone.keys() == together.keys() and [name for name in alone if alone[name] != together[name]] == []


# the helper's own first page fails while the copy renders the last ones: say the copy's pid
FAILS_BESIDE = """
from generator.builder.fastpaths import halves
rendering = halves._original
def failing(page, *args, **kwargs):
    if halves._pending is not None and page.file.src_uri not in halves._pending.theirs:
        print('copy', halves._pending.pid, flush=True)
        raise RuntimeError('boom')
    return rendering(page, *args, **kwargs)
halves._original = failing
"""


@needs_cores
def test_a_helper_whose_build_fails_ends_its_copy_and_the_process_builds(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"one": MINIMAL, "two": MINIMAL.replace("Beispiel AG", "Zwei AG")})
    lines = probe(repo, "alone", "one", patch=FAILS_BESIDE)
    copy = int(next(line for line in lines if line.startswith("copy ")).split()[1])
    assert "['built'] [False] False" in lines  # the helper failed: this process built the site
    deadline = time.monotonic() + 10
    while alive(copy) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(copy), "the copy outlived its helper"
    assert probe(repo, "together")[0] == "['built', 'built'] [] False"
    assert files(repo / "alone" / "one") == files(repo / "together" / "one")
