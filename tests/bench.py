"""`make bench`: build speed and memory, measured side by side in one run, printed as ratios.

A = `handbook build` of all N clients, cold        B = `handbook generate` + one `mkdocs build` per client
F = all N clients' pages as ONE MkDocs site in one process (the floor)
plus an incremental rebuild (one client's YAML changed), a no-op rebuild, and the peak memory
(RSS and PSS) of A's whole process tree at N and at 4N, in runs of their own (a memory sampler
would slow the timed runs). Timings are reported, never asserted: this machine is shared. The
run fails only when A's output differs from B's (byte for byte).

Usage: python -m tests.bench [N] [--memory-n M] [--keep DIR]
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import yaml

from .conftest import make_repo
from .synthetic import project_yaml

PY = sys.executable
EPOCH = "1790000000"


def run(cmd: list[str], cwd: Path, every: float | None = None) -> tuple[float, tuple[int, int]]:
    """Wall time and, when ``every`` (seconds between samples) is given, peak memory (bytes:
    RSS, PSS) of the whole process tree of ``cmd``. A sample costs ~2 ms of CPU, so timed runs
    are not sampled: on 2 cores the sampler would slow the build it measures.

    RSS summed over the tree is what the goal names; it counts a page that several processes
    share once per process (the workers share most of the parent's memory after fork). PSS
    (proportional set size) counts a shared page once in the sum, so it is printed beside it.

    A process that starts `dot` or `git` does so through vfork: until the child runs the new
    program it *is* its parent's memory, and /proc shows the parent's full size for it. Such a
    child (below a worker, still running Python) is not counted; a sample that caught one
    would count that worker twice.
    """
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0, 0]
    stop = threading.Event()

    def sample() -> None:
        root = psutil.Process(proc.pid)
        try:
            python = root.exe()
        except psutil.Error:
            return
        while not stop.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
                sizes = [_memory(p) for p in procs if _own_memory(p, root.pid, python)]
                peak[0] = max(peak[0], sum(rss for rss, _ in sizes))
                peak[1] = max(peak[1], sum(pss for _, pss in sizes))
            except psutil.Error:
                pass
            stop.wait(every)

    sampler = threading.Thread(target=sample, daemon=True)
    if every:
        sampler.start()
    _, err = proc.communicate()
    stop.set()
    if every:
        sampler.join()
    if proc.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed:\n{err.decode()[-2000:]}")
    return time.perf_counter() - start, (peak[0], peak[1])


def _own_memory(process: psutil.Process, root: int, python: str) -> bool:
    """False for a child between vfork and exec (see run()): below a worker, still ``python``."""
    if process.pid == root:
        return True
    try:
        return process.ppid() == root or process.exe() != python
    except psutil.Error:
        return False


def _memory(process: psutil.Process) -> tuple[int, int]:
    try:
        info = process.memory_full_info()
        return info.rss, info.pss
    except (psutil.Error, AttributeError):
        return 0, 0


def _mib(memory: tuple[int, int]) -> str:
    return f"peak RSS {memory[0] / 2**20:5.0f} MiB, PSS {memory[1] / 2**20:5.0f} MiB"


def make_bench_repo(root: Path, n: int) -> Path:
    return make_repo(root, {f"client-{i:04d}": project_yaml(i) for i in range(n)})


def handbook(*args: str) -> list[str]:
    return [PY, "-m", "generator", *args]


def naive(repo: Path) -> float:
    """B: generate, then one mkdocs process per client, one after the other."""
    t, _ = run(handbook("generate", "--out", "gen"), repo)
    for folder in sorted((repo / "gen").iterdir()):
        if folder.name.startswith("."):
            continue
        dt, _ = run(
            [PY, "-m", "mkdocs", "build", "-q", "-f", str(folder / "mkdocs.yml"), "-d", str(repo / "B" / folder.name)],
            repo,
        )
        t += dt
    return t


def floor(repo: Path) -> float:
    """F: every client's generated pages as one site, one MkDocs process."""
    docs = repo / "floor" / "docs"
    shutil.rmtree(repo / "floor", ignore_errors=True)
    clients = sorted(p for p in (repo / "gen").iterdir() if not p.name.startswith("."))
    for folder in clients:
        shutil.copytree(folder / "docs", docs / folder.name)
    shutil.copytree(clients[0] / "overrides", repo / "floor" / "overrides")
    shutil.copytree(clients[0] / "docs" / "assets", docs / "assets")
    base = yaml.safe_load((clients[0] / "mkdocs.yml").read_text(encoding="utf-8"))
    base.update(site_name="Floor", nav=[{f.name: f"{f.name}/index.md"} for f in clients])
    base["INHERIT"] = "../mkdocs.yml"
    (repo / "floor" / "mkdocs.yml").write_text(yaml.safe_dump(base, allow_unicode=True), encoding="utf-8")
    t, _ = run(
        [PY, "-m", "mkdocs", "build", "-q", "-f", str(repo / "floor" / "mkdocs.yml"), "-d", str(repo / "F")], repo
    )
    return t


def same_output(a: Path, b: Path) -> list[str]:
    """Files that differ between two site folders (missing on either side included)."""
    diffs: list[str] = []
    for client in sorted(p.name for p in b.iterdir()):
        cmp = filecmp.dircmp(a / client, b / client)
        stack = [(cmp, client)]
        while stack:
            c, rel = stack.pop()
            diffs += [f"{rel}/{f}" for f in c.left_only + c.right_only]
            _, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
            diffs += [f"{rel}/{f}" for f in mismatch + errors]
            stack += [(sub, f"{rel}/{name}") for name, sub in c.subdirs.items()]
    return diffs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", nargs="?", type=int, default=int(os.environ.get("BENCH_N", 100)))
    parser.add_argument(
        "--memory-n", type=int, default=None, help="second size for the memory check (default 4N; N: skip it)"
    )
    parser.add_argument("--keep", type=Path, help="keep the work folder here")
    args = parser.parse_args()
    n, big = args.n, args.memory_n or 4 * args.n
    work = args.keep or Path(tempfile.mkdtemp(prefix="handbook-bench-"))
    print(f"bench: N={n} synthetic clients (memory also at N={big}), work folder {work}", flush=True)
    repo = make_bench_repo(work / "repo", n)

    a, _ = run(handbook("build", "--out", "A"), repo)
    print(f"A  handbook build, cold          {a:8.2f} s", flush=True)
    b = naive(repo)
    print(f"B  generate + mkdocs per client  {b:8.2f} s   ({b / n:.3f} s per site)", flush=True)
    f = floor(repo)
    print(f"F  one site of all pages         {f:8.2f} s", flush=True)
    changed = min(7, n - 1)
    target = repo / "projects" / f"client-{changed:04d}" / "project.yml"
    text = target.read_text(encoding="utf-8")
    assert f"Kunde {changed} GmbH" in text
    target.write_text(text.replace(f"Kunde {changed} GmbH", f"Kunde {changed} GmbH & Co. KG"), encoding="utf-8")
    inc, _ = run(handbook("build", "--out", "A"), repo)
    print(f"   incremental (1 client changed) {inc:8.2f} s", flush=True)
    noop, _ = run(handbook("build", "--out", "A"), repo)
    print(f"   no-op                          {noop:8.2f} s", flush=True)
    target.write_text(project_yaml(changed), encoding="utf-8")  # back to the input of B
    run(handbook("build", "--out", "A"), repo)
    diffs = same_output(repo / "A", repo / "B")

    # Memory: A cold again, sampled every 10 ms, at N and at 4N (the same sampling for both).
    _, a_mem = run(handbook("build", "--out", "A-memory"), repo, every=0.01)
    print(f"A  memory run, N={n:<5}            {_mib(a_mem)}", flush=True)
    a_big_mem = a_mem  # --memory-n N: only the ratios at N
    if big != n:
        big_repo = make_bench_repo(work / "repo-big", big)
        a_big, a_big_mem = run(handbook("build", "--out", "A"), big_repo, every=0.01)
        print(f"A  memory run, N={big:<5}            {_mib(a_big_mem)}   ({a_big:.2f} s)", flush=True)

    per_site = b / n
    print()
    print(f"B/A                 {b / a:6.2f}   (goal >= 5)")
    print(f"A/F                 {a / f:6.2f}   (goal <= 1.25)")
    print(f"incremental/(B/N)   {inc / per_site:6.2f}   (goal <= 1.5)")
    print(f"no-op/(B/N)         {noop / per_site:6.2f}   (goal <= 0.5)")
    print(f"memory N={big}/N={n}     {a_big_mem[0] / a_mem[0]:6.2f}   (goal <= 1.10; peak RSS of the process tree)")
    print(f"                    {a_big_mem[1] / a_mem[1]:6.2f}   (the same as PSS)")
    print(f"A output == B output: {'yes' if not diffs else 'NO'} ({n} clients)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    if diffs:
        print("differing files:", *diffs[:20], sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
