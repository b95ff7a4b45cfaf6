"""`make bench`: build and preview speed and memory, measured side by side in one run, printed as ratios.

A = `handbook build` of all N clients, cold        B = `handbook generate` + one `mkdocs build` per client
F = all N clients' pages as ONE MkDocs site in one process (the floor)
plus an incremental rebuild (one client's YAML changed), a no-op rebuild, A at N again and then at
4N (growth: the two timed one after the other, as the machine's load drifts over minutes),
the peak memory (RSS and PSS) of A's whole process tree at N and at 4N, in runs of their own (a
memory sampler would slow the timed runs), and the preview: from saving a person's phone number
to the rebuilt person page being servable, in `handbook serve`'s own session (preview/session.py,
in this process, told by file events), against `handbook build SLUG --force` of the same client
as a process. Timings are reported, never asserted: this machine is shared. The run fails only
when A's output differs from B's (byte for byte).

Every process runs with its bytecode kept (in the work folder), as an installed package does:
a session that sets PYTHONDONTWRITEBYTECODE would otherwise compile handbook's modules again in
each process, which only `handbook build` pays (the packages B runs come compiled). And with
handbook's private cache in the work folder (XDG_CACHE_HOME): A, cold, finds the compiled
templates of the warm-up but no site's kept pages (fastpaths/disk.py) or history; the incremental and
no-op rebuilds find what the build before them kept, as on a consultant's machine, and one
line measures A again with every site's pages kept (a CI runner that keeps the cache).

Usage: python -m tests.bench [N] [--memory-n M] [--commits K] [--keep DIR] [--preview-only] [--profile-preview]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import filecmp
import io
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

import psutil
import yaml

from .conftest import make_repo
from .synthetic import project_yaml
from .test_changes import git

PY = sys.executable
EPOCH = "1790000000"
ENV: dict[str, str] = {}  # set by main(): the environment of every process the bench starts


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
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **ENV}
    for name in DROPPED:
        env.pop(name, None)
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


DROPPED = ("PYTHONDONTWRITEBYTECODE",)  # see the module's docstring


def cpu() -> float:
    """CPU seconds (user and system) of every process the bench started and waited for so far."""
    times = os.times()
    return times.children_user + times.children_system


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


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


def make_bench_repo(root: Path, n: int, commits: int = 0) -> Path:
    """N clients in a git repository, as a consultancy keeps them: the builds ask git for what is
    committed and for each client's history, as they would there. All in one commit; or, with
    ``commits``, each client added in a commit of its own and then edited ``commits`` times (a
    phone number), the edits of all clients one after the other an hour apart, as in a year of
    consulting (git fast-import: seconds, not a process per commit)."""
    if not commits:
        repo = make_repo(root, {f"client-{i:04d}": project_yaml(i) for i in range(n)})
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "bench clients"]):
            git(repo, *args)
        return repo
    assert commits < 100, "one phone number's last digits count the edits"
    repo = make_repo(root, {})
    git(repo, "init", "-q")
    branch = git(repo, "symbolic-ref", "HEAD")
    stream = io.BytesIO()
    when = 1767222000  # 2026-01-01 00:00 CET

    def commit(files: dict[str, str]) -> None:
        nonlocal when
        when += 3600
        stream.write(f"commit {branch}\ncommitter bench <bench@example.org> {when} +0100\ndata 4\nedit\n".encode())
        for path, text in files.items():
            data = text.encode()
            stream.write(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")

    base = sorted(p for p in repo.rglob("*") if p.is_file() and ".git" not in p.relative_to(repo).parts)
    commit({p.relative_to(repo).as_posix(): p.read_text(encoding="utf-8") for p in base})
    texts = [project_yaml(i) for i in range(n)]
    for i in range(n):
        commit({f"projects/client-{i:04d}/project.yml": texts[i]})
    for edit in range(commits):
        for i, text in enumerate(texts):
            assert f"030{i:04d}000" in text  # with a 9 in it, the new number never reads as octal
            commit({f"projects/client-{i:04d}/project.yml": text.replace(f"030{i:04d}000", f"030{i:04d}9{edit:02d}")})
    done = subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=stream.getvalue(), capture_output=True)
    if done.returncode != 0:
        sys.exit(f"bench: git fast-import failed: {done.stderr.decode()[-2000:]}")
    git(repo, "reset", "-q", "--hard")
    return repo


def handbook(*args: str) -> list[str]:
    return [PY, "-m", "generator", *args]


def naive(repo: Path) -> tuple[float, float]:
    """B: generate, then one mkdocs process per client, one after the other; (generate, mkdocs loop)."""
    generate, _ = run(handbook("generate", "--out", "gen"), repo)
    loop = 0.0
    for folder in sorted((repo / "gen").iterdir()):
        if folder.name.startswith("."):
            continue
        dt, _ = run(
            [PY, "-m", "mkdocs", "build", "-q", "-f", str(folder / "mkdocs.yml"), "-d", str(repo / "B" / folder.name)],
            repo,
        )
        loop += dt
    return generate, loop


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
    base.pop("hooks", None)  # the print page's hook assembles one client's chapters, not a floor's
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


# the preview -----------------------------------------------------------------------------------------

PERSON = 3  # the person whose phone number the preview's saves change (synthetic.project: p3)


@dataclass
class PreviewRun:
    seconds: list[float] = field(default_factory=list)  # save -> the person page servable, per save
    steps: list[dict[str, float]] = field(default_factory=list)  # each rebuild's stages (Laps.steps)
    served_after: list[str] = field(default_factory=list)  # the stage after which the page was servable
    profile: pstats.Stats | None = None


def preview(repo: Path, index: int, saves: int, profiled: int = 0) -> PreviewRun:
    """`handbook serve`'s session in this process (file events, warm rebuilds, the page being looked
    at first): the seconds from each save of a changed phone number to the person page holding it
    and being servable, i.e. what the server would answer for it (preview/server.py: a request
    waits only for the page published ahead, else for the whole site). ``profiled``: that many
    more saves rebuilt in this thread under cProfile (the watcher stopped)."""
    from generator import keep
    from generator.builder import fastpaths
    from generator.preview.session import Preview, live

    slug = f"client-{index:04d}"
    file = repo / "projects" / slug / "project.yml"
    text = file.read_text(encoding="utf-8")
    phone = f"030{index:04d}{PERSON:03d}"
    assert phone in text
    page = f"personen/p{PERSON}/index.html"
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    keep.enable()  # as serve() does
    fastpaths.install(keep_templates=True)
    session = Preview(repo, slug)
    session.visible = page  # the page the browser has open (the server sets it on each request)
    out = PreviewRun()

    def save(n: int) -> bytes:
        new = f"030{index:04d}{900 + n:03d}"
        tmp = file.with_name(f".{file.name}.tmp")
        tmp.write_text(text.replace(phone, new), encoding="utf-8")
        os.replace(tmp, file)  # as editors save: a new file renamed over the old one
        return new[1:].encode()  # as the page has it: tel:+4930..., and the text with its 0 as &#48;

    def servable(new: bytes) -> bool:
        target = session.root / page
        ready = session.early == page or session.complete.is_set()
        return ready and not session.errors and target.is_file() and new in target.read_bytes()

    quiet = io.StringIO()  # the session prints a line per rebuild (and the project's warnings)
    try:
        with contextlib.redirect_stdout(quiet), live(session):
            for n in range(saves):
                seen = session.state()[0]
                start = time.perf_counter()
                new = save(n)
                while not servable(new):
                    seen = session.next_version(seen, 60.0)
                    assert seen is not None and time.perf_counter() - start < 120, "the preview did not rebuild"
                out.seconds.append(time.perf_counter() - start)
                out.served_after.append("first page" if session.early == page else "the whole site")
                session.complete.wait(60)
                time.sleep(0.3)  # the site complete and the watcher quiet before the next save
                assert session.last is not None and not session.errors, quiet.getvalue()[-2000:]
                out.steps.append(dict(session.last.steps))
            if profiled:
                out.profile = _profiled(session, save, saves, profiled)
    finally:
        file.write_text(text, encoding="utf-8")
        session.close()
    return out


def _profiled(session, save, start: int, count: int) -> pstats.Stats:
    """``count`` saves after the watcher stopped, each rebuilt as the build thread does, profiled."""
    profile = cProfile.Profile()
    for n in range(start, start + count):
        save(n)
        profile.enable()
        session.rebuild(shared=False)
        profile.disable()
    return pstats.Stats(profile)


def one_client_build(repo: Path, index: int, times: int) -> list[float]:
    """`handbook build SLUG --force` of the preview's client, a process each time."""
    return [run(handbook("build", f"client-{index:04d}", "--force", "--out", "P"), repo)[0] for _ in range(times)]


def print_preview(run: PreviewRun, build: float) -> None:
    """Where a preview rebuild's time goes: the median of each stage over the saves, in order."""
    print(f"preview profile: median of {len(run.steps)} saves; the page was servable after", end=" ")
    print(", ".join(f"{k} ({run.served_after.count(k)}x)" for k in dict.fromkeys(run.served_after)))
    order = list(dict.fromkeys(name for steps in run.steps for name in steps))
    total = median(sum(steps.values()) for steps in run.steps)
    at = 0.0
    for name in order:
        ms = median(steps.get(name, 0.0) for steps in run.steps)
        at += ms
        print(f"  {name:24} {ms * 1000:7.1f} ms  {ms / total:6.1%}   (at {at * 1000:6.1f} ms)")
    print(f"  {'whole site rebuilt':24} {total * 1000:7.1f} ms   = {total / build:.2f} x the one-client build")
    if run.profile is not None:
        print("preview rebuild under cProfile, the top functions by time spent inside them:")
        _print_stats(run.profile, "tottime", 25)
        print("... and by time spent inside them and what they call:")
        _print_stats(run.profile, "cumulative", 40)


def _print_stats(stats: pstats.Stats, key: str, count: int) -> None:
    buffer = io.StringIO()
    stats.stream = buffer  # type: ignore[attr-defined]
    stats.sort_stats(key).print_stats(count)
    lines = buffer.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    print("\n".join(lines[start:]))


# the run ---------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", nargs="?", type=int, default=int(os.environ.get("BENCH_N", 100)))
    parser.add_argument(
        "--memory-n",
        type=int,
        default=None,
        help="second size for the growth and memory checks (default 4N; N: skip them)",
    )
    parser.add_argument(
        "--commits",
        type=int,
        default=0,
        help="edits of each client in git after its own first commit (default 0: all clients in one commit)",
    )
    parser.add_argument("--keep", type=Path, help="keep the work folder here")
    parser.add_argument("--saves", type=int, default=8, help="saves the preview is timed over (default 8)")
    parser.add_argument("--preview-only", action="store_true", help="only the preview and the one-client build")
    parser.add_argument(
        "--profile-preview", action="store_true", help="also profile preview rebuilds (cProfile, top functions)"
    )
    args = parser.parse_args()
    n, big = args.n, args.memory_n or 4 * args.n
    work = args.keep or Path(tempfile.mkdtemp(prefix="handbook-bench-"))
    ENV["PYTHONPYCACHEPREFIX"] = str(work / "bytecode")
    ENV["XDG_CACHE_HOME"] = os.environ["XDG_CACHE_HOME"] = str(work / "cache")  # handbook's private cache
    history = f", {args.commits} commits a client" if args.commits else ", one commit"
    print(
        f"bench: N={n} synthetic clients{history} (growth and memory also at N={big}), work folder {work}", flush=True
    )
    repo = make_bench_repo(work / "repo", n, args.commits)
    changed = min(7, n - 1)
    code = 0
    if args.preview_only:
        print(f"   started, {load()}", flush=True)
        builds = one_client_build(repo, changed, 4)[1:]  # the first compiles the bytecode
        shown = preview(repo, changed, args.saves, 3 if args.profile_preview else 0)
        print()
        _print_preview_ratio(shown, median(builds))
        print_preview(shown, median(builds))
    else:
        code = _whole_run(args, work, repo, n, big, changed)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return code


def _each(values: list[float]) -> str:
    return ", ".join(f"{x:.2f}" for x in values)


def _print_preview_ratio(shown: PreviewRun, build: float) -> None:
    seconds = median(shown.seconds)
    print(
        f"preview/build       {seconds / build:6.2f}   (goal <= 0.25; save -> page servable {seconds:.3f} s, "
        f"median of {len(shown.seconds)}: {min(shown.seconds):.3f}..{max(shown.seconds):.3f} s; "
        f"`handbook build SLUG --force` {build:.2f} s)"
    )


def warm_up(repo: Path, work: Path) -> None:
    """Untimed: one client built, generated and built by mkdocs, so that every process after it
    finds its modules compiled (ENV) and the theme's templates in handbook's cache, as on a
    machine that has built before."""
    run(handbook("build", "client-0000", "--out", str(work / "warm")), repo)
    run(handbook("generate", "client-0000", "--out", str(work / "warm-gen")), repo)
    config = work / "warm-gen" / "client-0000" / "mkdocs.yml"
    run([PY, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(work / "warm-B")], repo)


def forget_sites(work: Path) -> None:
    """A cold build finds the compiled templates kept (warm_up), but no site's pages (fastpaths/disk.py)
    and no client's history entries (history/changes.py)."""
    for kept in ("sites", "history"):
        shutil.rmtree(work / "cache" / "handbook" / kept, ignore_errors=True)


def _whole_run(args, work: Path, repo: Path, n: int, big: int, changed: int) -> int:
    warm_up(repo, work)
    forget_sites(work)
    print(f"   started, {load()}", flush=True)
    before = cpu()
    a, _ = run(handbook("build", "--out", "A"), repo)
    print(f"A  handbook build, cold          {a:8.2f} s   (cpu {cpu() - before:.1f} s)", flush=True)
    before = cpu()
    generate, b = naive(repo)
    print(
        f"B  mkdocs build per client       {b:8.2f} s   ({b / n:.3f} s per site; generate before it {generate:.2f} s;"
        f" cpu {cpu() - before:.1f} s)",
        flush=True,
    )
    f = floor(repo)
    print(f"F  one site of all pages         {f:8.2f} s", flush=True)
    target = repo / "projects" / f"client-{changed:04d}" / "project.yml"
    text = target.read_text(encoding="utf-8")
    assert f"Kunde {changed} GmbH" in text
    incs, noops, inc_cpu, noop_cpu = [], [], [], []
    for suffix in (" & Co. KG", " i. L.", " & Partner"):  # three changes, a no-op after each
        target.write_text(text.replace(f"Kunde {changed} GmbH", f"Kunde {changed} GmbH{suffix}"), encoding="utf-8")
        before = cpu()
        incs.append(run(handbook("build", "--out", "A"), repo)[0])
        inc_cpu.append(cpu() - before)
        noops.append(run(handbook("build", "--out", "A"), repo)[0])
        noop_cpu.append(cpu() - before - inc_cpu[-1])
    inc, noop = median(incs), median(noops)
    print(f"   incremental (1 client changed) {inc:8.2f} s   ({_each(incs)}; cpu {_each(inc_cpu)})")
    print(f"   no-op                          {noop:8.2f} s   ({_each(noops)}; cpu {_each(noop_cpu)})")
    target.write_text(text, encoding="utf-8")  # back to the input of B
    run(handbook("build", "--out", "A"), repo)
    kept, _ = run(handbook("build", "--out", "A", "--force"), repo)
    print(f"A  --force, each site's pages kept {kept:7.2f} s   (what the run before kept: fastpaths/disk.py)")
    diffs = same_output(repo / "A", repo / "B")
    before = cpu()
    builds = one_client_build(repo, changed, 3)
    build = median(builds)
    print(
        f"   one client, --force, a process {build:8.2f} s   ({_each(builds)}; cpu {(cpu() - before) / 3:.2f} s each)"
    )
    shown = preview(repo, changed, args.saves, 3 if args.profile_preview else 0)
    print(f"   preview: save -> page servable {median(shown.seconds):8.3f} s", flush=True)

    # Memory: A cold again, sampled every 10 ms, at N and at 4N (the same sampling for both);
    # the growth from A timed without a sampler, at 4N as at N.
    forget_sites(work)
    _, a_mem = run(handbook("build", "--out", "A-memory"), repo, every=0.01)
    print(f"A  memory run, N={n:<5}            {_mib(a_mem)}", flush=True)
    a_big = a_big_mem = a_near = None
    if big != n:
        big_repo = make_bench_repo(work / "repo-big", big, args.commits)
        forget_sites(work)  # A at N again, just before A at 4N: the machine's load drifts in minutes
        a_near, _ = run(handbook("build", "--out", "A-again"), repo)
        print(f"A  handbook build, cold, N={n:<5}  {a_near:8.2f} s   (again, beside the next one)", flush=True)
        forget_sites(work)
        a_big, _ = run(handbook("build", "--out", "A"), big_repo)
        print(f"A  handbook build, cold, N={big:<5}  {a_big:8.2f} s", flush=True)
        forget_sites(work)
        _, a_big_mem = run(handbook("build", "--out", "A-memory"), big_repo, every=0.01)
        print(f"A  memory run, N={big:<5}            {_mib(a_big_mem)}", flush=True)

    per_site = b / n
    print()
    print(f"naive/A             {b / a:6.2f}   (goal >= 6 at N=100; B with generate: {(b + generate) / a:.2f})")
    print(f"naive/A, pages kept {b / kept:6.2f}   (A --force after a build: a CI that keeps ~/.cache/handbook)")
    if a_big is not None and a_near is not None:
        print(
            f"A(N={big})/A(N={n})  {a_big / a_near:6.2f}   (goal <= {4.2 * big / (4 * n):.2f}: linear growth;"
            f" with the first A: {a_big / a:.2f})"
        )
    print(f"A/F                 {a / f:6.2f}   (the floor: all pages as one MkDocs site)")
    print(f"incremental/(B/N)   {inc / per_site:6.2f}   (goal <= 0.5)")
    print(f"no-op/(B/N)         {noop / per_site:6.2f}   (goal <= 0.2)")
    if a_big_mem is not None:
        print(
            f"memory N={big}/N={n}  {a_big_mem[0] / a_mem[0]:6.2f}   (goal <= 1.10: flat; peak RSS of the process tree)"
        )
        print(f"                    {a_big_mem[1] / a_mem[1]:6.2f}   (the same as PSS)")
    _print_preview_ratio(shown, build)
    print(f"A output == B output: {'yes' if not diffs else 'NO'} ({n} clients); ended with {load()}")
    print()
    print_preview(shown, build)
    if diffs:
        print("differing files:", *diffs[:20], sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
