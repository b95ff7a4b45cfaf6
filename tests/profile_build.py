"""Where `handbook build` spends its time per site, stage by stage (one process, one core).

Usage: python -m tests.profile_build [N] [--cprofile]   (default 30 synthetic clients, German)

Builds N synthetic clients with --jobs 1 after one warm-up client, timing each stage
by wrapping the function that does it. Stages nest (MkDocs' page build contains the
search indexing), so the lines do not add up to the total; the shares are of the total.
``--cprofile`` also prints the functions the time goes to (cProfile, which slows the build).
`make bench --profile-preview` (python -m tests.bench --preview-only --profile-preview) shows
the same for a rebuild in `handbook serve`.
"""

from __future__ import annotations

import collections
import cProfile
import importlib
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

from .bench import EPOCH, make_bench_repo

STAGES = [  # (module, attribute path, label)
    ("generator.project.check", "check_project", "check"),
    ("generator.pipeline", "read_inputs", "read: git history, files, downloads"),
    ("generator.pipeline", "draw", "diagrams (dot)"),
    ("generator.render.site", "client_site", "render: our pages and print page"),
    ("generator.builder.project", "write", "project written for the engine"),
    ("generator.builder.printpage", "assemble", "print page assembled"),
    ("generator.builder.verify", "verify_site", "third-party check"),
    ("generator.builder.engines.MkDocs", "build", "MkDocs, total"),
    ("mkdocs.config", "load_config", "  config"),
    ("mkdocs.structure.pages", "Page.render", "  Markdown conversion"),
    ("mkdocs.commands.build", "_build_page", "  page templates + search"),
    ("material.plugins.search.plugin", "SearchIndex.add_entry_from_context", "    search indexing"),
    ("mkdocs.commands.build", "_build_theme_template", "  404 page, sitemap"),
    ("mkdocs.structure.files", "Files.copy_static_files", "  theme files copied"),
]


def resolve(module: str, path: str) -> tuple[object, str]:
    """The object that holds the stage's function, and the function's name in it."""
    try:
        owner: object = importlib.import_module(module)
    except ModuleNotFoundError:  # a class: generator.builder.engines.MkDocs
        parent, _, name = module.rpartition(".")
        owner = getattr(importlib.import_module(parent), name)
    *parents, name = path.split(".")
    for part in parents:
        owner = getattr(owner, part)
    getattr(owner, name)  # a stage that moved fails here, with its name
    return owner, name


def instrument(times: collections.Counter) -> None:
    for module, path, label in STAGES:
        owner, name = resolve(module, path)
        original = getattr(owner, name)

        def timed(*args, _original=original, _label=label, **kwargs):
            start = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                times[_label] += time.perf_counter() - start

        setattr(owner, name, timed)


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 30
    profile = cProfile.Profile() if "--cprofile" in sys.argv else None
    from generator.builder import fastpaths as engine
    from generator.pipeline import build_all

    with tempfile.TemporaryDirectory(prefix="handbook-profile-") as tmp:
        repo = make_bench_repo(Path(tmp) / "repo", n + 1)
        os.environ["SOURCE_DATE_EPOCH"] = EPOCH
        engine.install()
        build_all(repo, ["client-0000"], repo / "site", jobs=1)  # warm-up: imports, template compilation
        times: collections.Counter = collections.Counter()
        instrument(times)
        slugs = [f"client-{i:04d}" for i in range(1, n + 1)]
        start = time.perf_counter()
        if profile is not None:
            profile.enable()
        run = build_all(repo, slugs, repo / "site", jobs=1)
        if profile is not None:
            profile.disable()
        total = time.perf_counter() - start
    assert all(o.state == "built" for o in run.outcomes)
    print(f"{n} sites, one process: {total / n * 1000:.0f} ms per site")
    for _, _, label in STAGES:
        print(f"{label:34} {times[label] / n * 1000:7.1f} ms  {times[label] / total:6.1%}")
    if profile is not None:
        stats = pstats.Stats(profile)
        stats.sort_stats("tottime").print_stats(30)
        stats.sort_stats("cumulative").print_stats(50)
    return 0


if __name__ == "__main__":
    sys.exit(main())
