"""The output folder and failures while writing: builds touch only what is theirs, one at a time,
end with their parent, and a full or read-only disk is a message per client, not a traceback."""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from generator.builder import output as outdir
from generator.pipeline import build_all

from .conftest import make_repo
from .synthetic import project_yaml
from .test_cli import MINIMAL, handbook


def test_a_folder_with_foreign_files_is_refused_and_left_alone(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"workflows": MINIMAL})
    workflow = repo / ".github" / "workflows" / "handbook.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text("on: push\n", encoding="utf-8")
    result = handbook(repo, "build", "--out", ".github")
    assert result.returncode == 2
    assert result.stderr == (
        "handbook: --out .github holds files handbook did not write (workflows); builds replace what is in their "
        "output folder, so choose a new or empty folder (or one an earlier build made)\n"
    )
    assert workflow.read_text(encoding="utf-8") == "on: push\n"


def test_other_programs_temporary_folders_survive(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"kunde": MINIMAL})
    shared = tmp_path / "shared-tmp"
    for name in (".tmp-kunde-abcdefgh", ".old-kunde", "someone-elses"):
        (shared / name).mkdir(parents=True)
    result = handbook(repo, "build", "--out", str(shared))
    assert result.returncode == 2 and "holds files handbook did not write" in result.stderr
    assert sorted(p.name for p in shared.iterdir()) == [".old-kunde", ".tmp-kunde-abcdefgh", "someone-elses"]


def test_a_file_as_output_is_a_message(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"kunde": MINIMAL})
    (repo / "README.md").write_text("read me\n", encoding="utf-8")
    for command in ("build", "generate"):
        result = handbook(repo, command, "--out", "README.md")
        assert result.returncode == 2, result.stderr
        assert result.stderr == "handbook: --out README.md is not a folder; name a folder such as site/\n"
    assert (repo / "README.md").read_text(encoding="utf-8") == "read me\n"


def test_a_new_or_empty_folder_becomes_ours_and_only_our_leftovers_are_cleaned(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"kunde": MINIMAL})
    empty = tmp_path / "empty"
    empty.mkdir()
    assert handbook(repo, "build", "--out", str(empty)).returncode == 0
    assert (empty / outdir.MARKER).is_file() and (empty / "kunde" / "index.html").is_file()
    (empty / ".tmp-kunde-zzzzzzzz").mkdir()  # what a killed build leaves
    (empty / ".tmp-notes").mkdir()  # not a name this program gives
    assert handbook(repo, "build", "--out", str(empty), "--force").returncode == 0
    assert not (empty / ".tmp-kunde-zzzzzzzz").exists() and (empty / ".tmp-notes").is_dir()


def test_a_second_build_on_the_same_folder_is_refused_while_one_runs(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"kunde": MINIMAL})
    assert handbook(repo, "build").returncode == 0
    before = (repo / "site" / "kunde" / "index.html").read_bytes()
    fd = os.open(repo / "site" / outdir.LOCK, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as a running build holds it
    try:
        result = handbook(repo, "build", "--force")
    finally:
        os.close(fd)
    assert result.returncode == 2
    assert result.stderr == (
        "handbook: another handbook build is writing to site right now; wait until it has finished, "
        "or build into another folder (--out)\n"
    )
    assert (repo / "site" / "kunde" / "index.html").read_bytes() == before
    assert handbook(repo, "build", "--force").returncode == 0  # the lock went with its holder


def test_two_real_builds_at_once_never_both_swap(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {f"kunde-{i}": project_yaml(i) for i in range(4)})
    command = [sys.executable, "-m", "generator", "build", "--jobs", "1"]
    procs = [subprocess.Popen(command, cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)]
    time.sleep(0.3)
    procs.append(subprocess.Popen(command, cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    results = [(p.wait(timeout=300), *p.communicate()) for p in procs]
    assert sorted(code for code, _, _ in results) == [0, 2], results
    assert "another handbook build is writing to site" in next(err for code, _, err in results if code == 2)
    assert all((repo / "site" / f"kunde-{i}" / "index.html").is_file() for i in range(4))


def test_workers_end_when_the_build_is_killed(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {f"kunde-{i}": project_yaml(i) for i in range(8)})
    (tmp_path / "scratch").mkdir()  # what the killed workers leave in memory stays in this test's folder
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--jobs", "2"],
        cwd=repo,
        env={**os.environ, "HANDBOOK_SCRATCH": str(tmp_path / "scratch")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + 60
    workers: list[psutil.Process] = []
    while time.monotonic() < deadline and len(workers) < 2:
        workers = [c for c in parent.children() if "python" in c.name()]
        time.sleep(0.05)
    assert len(workers) >= 2, "the build did not start its workers"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    gone, alive = psutil.wait_procs(workers, timeout=15)
    assert alive == [], f"workers still running after their parent was killed: {alive}"


@pytest.mark.parametrize(("code", "advice"), [(errno.ENOSPC, "free some disk space"), (errno.EROFS, "read-only")])
def test_a_write_error_fails_that_client_with_a_message_and_the_others_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, advice: str
) -> None:
    repo = make_repo(tmp_path, {"eins": MINIMAL, "zwei": MINIMAL.replace("Beispiel AG", "Zwei AG")})
    real = shutil.copyfile

    def copyfile(src, dst, *args, **kwargs):
        if "zwei" not in str(dst) and "/assets/" in str(dst):
            raise OSError(code, os.strerror(code), str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr("generator.builder.project.shutil.copyfile", copyfile)
    monkeypatch.setenv("HANDBOOK_SCRATCH", "")  # each project in its client's staging folder: told apart by path
    run = build_all(repo, [], repo / "site", jobs=1)
    by_slug = {o.slug: o for o in run.outcomes}
    assert by_slug["zwei"].state == "built"
    assert by_slug["eins"].state == "failed"
    assert by_slug["eins"].reason.startswith("cannot write ") and advice in by_slug["eins"].reason
    assert os.strerror(code) in by_slug["eins"].reason
    assert not (repo / "site" / "eins").exists()


@pytest.fixture
def small_disk(tmp_path: Path):
    """A real 24 MiB file system (tmpfs), where mounting is allowed (root in this sandbox)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_really_full_disk_and_a_read_only_one(small_disk: Path, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"kunde": MINIMAL})
    out = small_disk / "site"
    filler = small_disk / "filler"
    with open(filler, "wb") as handle:  # leave the build too little room
        try:
            handle.write(b"x" * (23 * 1024 * 1024))
        except OSError:
            pass
    result = handbook(repo, "build", "--out", str(out))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "No space left on device" in result.stdout and "free some disk space" in result.stdout
    filler.unlink()
    assert handbook(repo, "build", "--out", str(out)).returncode == 0
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    result = handbook(repo, "build", "--out", str(out), "--force")
    assert result.returncode in (1, 2), result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "read-only" in result.stdout + result.stderr
    assert (out / "kunde" / "index.html").is_file()  # the site from before stays


def test_extra_pages_are_read_only_as_files_of_the_clients_own_folder(tmp_path: Path) -> None:
    """A page linked to another client's project.yml (internal notes and all), or to a file outside
    the repository, is refused by name; nothing of it reaches any page or the search index."""
    other = MINIMAL + "internal:\n  secret: OTHER-CLIENT-INTERNAL-CANARY\n"
    repo = make_repo(tmp_path / "repo", {"a": MINIMAL, "b": other})
    outside = tmp_path / "outside.md"
    outside.write_text("# Outside\n\nOUTSIDE-CANARY\n", encoding="utf-8")
    pages = repo / "projects" / "a" / "pages"
    pages.mkdir()
    (pages / "real.md").write_text("# Real\n\nHier.\n", encoding="utf-8")
    (pages / "b.md").symlink_to(Path("../../b/project.yml"))
    (pages / "outside.md").symlink_to(outside)
    result = handbook(repo, "check", "a")
    assert result.returncode == 1
    assert [line for line in result.stdout.splitlines() if ": error: " in line] == [
        "projects/a/pages/b.md:1:1: error: is a symbolic link; extra pages must be files in this folder, not links",
        "projects/a/pages/outside.md:1:1: error: is a symbolic link; extra pages must be files in this folder, "
        "not links",
    ]
    build = handbook(repo, "build")
    assert build.returncode == 1 and "a: failed: the project file has errors" in build.stdout
    for file in (repo / "site").rglob("*"):
        if file.is_file():
            data = file.read_bytes()
            assert b"OTHER-CLIENT-INTERNAL-CANARY" not in data and b"OUTSIDE-CANARY" not in data, file


def test_a_linked_pages_folder_is_refused(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"a": MINIMAL, "b": MINIMAL})
    (repo / "projects" / "b" / "pages").mkdir()
    (repo / "projects" / "b" / "pages" / "x.md").write_text("# B\n", encoding="utf-8")
    (repo / "projects" / "a" / "pages").symlink_to(repo / "projects" / "b" / "pages")
    result = handbook(repo, "check", "a")
    assert result.returncode == 1
    assert "projects/a/pages:1:1: error: the pages folder is a symbolic link; make it a real folder" in result.stdout
