"""The command line: thin wrappers that call the library and decide the exit code."""

from __future__ import annotations

import argparse
import atexit
import os
import sys
from pathlib import Path
from typing import NoReturn

from generator import errors
from generator.builder.engines import DEFAULT as DEFAULT_ENGINE
from generator.builder.engines import NAMES as ENGINES
from generator.errors import HandbookError, UsageError, UserError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="handbook", description="Project handbooks for consulting clients.")
    parser.add_argument("--repo", type=Path, default=Path("."), help="repository root (default: current folder)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="check project files and report every problem")
    check.add_argument("slugs", nargs="*", metavar="SLUG")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument(
        "--format",
        choices=("human", "github", "gitlab"),
        default="human",
        help="github: workflow annotations; gitlab: Code Quality JSON",
    )
    check.add_argument("--internal", action="store_true", help="also check the consultancy's workload across clients")
    check.add_argument(
        "--max-active",
        type=int,
        default=8,
        metavar="N",
        help="with --internal: warn when one account manager has more than N active projects",
    )

    build = sub.add_parser("build", help="build one Material site per client into OUT/<slug>/")
    build.add_argument("slugs", nargs="*", metavar="SLUG")
    build.add_argument("--out", type=Path, default=Path("site"), help="output folder (default: site)")
    build.add_argument("--format", choices=("human", "github"), default="human")
    build.add_argument("--jobs", "-j", type=int, default=None, help="parallel builds (default: CPU count)")
    build.add_argument("--shard", metavar="K/N", help="build only the K-th of N stable slices of the clients")
    build.add_argument("--force", action="store_true", help="rebuild clients whose inputs did not change")
    build.add_argument(
        "--engine",
        choices=ENGINES,
        default=DEFAULT_ENGINE,
        help=f"the site engine (default {DEFAULT_ENGINE}); all build the same handbook",
    )
    build.add_argument("--verbose", "-v", action="store_true", help="say which fast paths are on, and why not")
    build.add_argument(
        "--pdf",
        action="store_true",
        help="also print each client's whole handbook to OUT/SLUG/handbuch.pdf (handbook.pdf in English)",
    )
    build.add_argument(
        "--internal",
        action="store_true",
        help="build the consultancy's internal portfolio site OUT/_internal/ instead of client sites",
    )
    build.add_argument(
        "--days",
        type=int,
        default=None,
        metavar="N",
        help="with --internal: list the dates of the next N days (default 56)",
    )

    generate = sub.add_parser("generate", help="write each client's portable MkDocs project to OUT/<slug>/")
    generate.add_argument("slugs", nargs="*", metavar="SLUG")
    generate.add_argument("--out", type=Path, default=Path("build"), help="output folder (default: build)")
    generate.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE, help="the engine it is written for")

    serve = sub.add_parser("serve", help="preview one client on 127.0.0.1, rebuilding on every change")
    serve.add_argument("slug", metavar="SLUG")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")

    pdf = sub.add_parser("pdf", help="build one client and print its whole handbook to OUT/SLUG/handbuch.pdf")
    pdf.add_argument("slug", metavar="SLUG")
    pdf.add_argument("--out", type=Path, default=Path("site"), help="output folder (default: site)")
    pdf.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE, help="the site engine")

    diff = sub.add_parser("diff", help="what changed in a project between git revisions, in words")
    diff.add_argument("slug", metavar="SLUG")
    diff.add_argument("rev1", nargs="?", metavar="REV1", help="older revision (default: HEAD)")
    diff.add_argument("rev2", nargs="?", metavar="REV2", help="newer revision (default: the file as it is now)")

    new = sub.add_parser("new", help="create projects/SLUG/project.yml from a commented template")
    new.add_argument("slug", metavar="SLUG")
    new.add_argument("--client", required=True, help="the client's display name")
    new.add_argument("--language", choices=("de", "en"), default="de")
    return parser


def cmd_check(args: argparse.Namespace) -> int:
    from generator import keep
    from generator.project.check import check_all
    from generator.report import Reporter

    keep.enable()  # the holiday tables a run before computed (generator/keep.py)
    run = check_all(args.repo, args.slugs)
    if args.internal:
        from generator.portfolio.site import workload_diagnostics

        if args.max_active < 1:
            raise UsageError("--max-active must be at least 1")
        run.diagnostics += workload_diagnostics(check_all(args.repo), args.max_active, args.repo)
    return Reporter(args.format, strict=args.strict).check_run(run)


def cmd_build(args: argparse.Namespace) -> int:
    from generator.pipeline import build_all
    from generator.report import Reporter

    reporter = Reporter(args.format)
    _refuse_inside(args)

    def progress(i: int, n: int, outcome) -> None:
        reporter.progress(i, n, outcome)

    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.internal:
        return _build_internal(args, reporter)
    if args.days is not None:
        raise UsageError("--days only applies to --internal")
    if args.verbose:
        for line in fastpath_report(args.engine):
            reporter.line(line)
    run = build_all(args.repo, args.slugs, args.out, progress, args.jobs, args.shard, args.force, args.pdf, args.engine)
    return reporter.build_summary(run.check, run.outcomes, args.out)


def fastpath_report(engine: str) -> list[str]:
    """One line per fast path: on, or off and why (outside the versions it was tested on)."""
    if engine != "mkdocs":
        return [f"fast paths: off (they are written for MkDocs; engine {engine})"]
    from generator.builder import fastpaths

    return [f"fast path {name}: {state}" for name, state in fastpaths.status().items()]


def _build_internal(args: argparse.Namespace, reporter) -> int:
    from generator.layout import INTERNAL
    from generator.pipeline import build_internal
    from generator.portfolio.data import DAYS

    if args.slugs or args.shard:
        raise UsageError("--internal builds one site across all clients; it takes no SLUG or --shard")
    if args.days is not None and not 1 <= args.days <= 3660:
        raise UsageError("--days takes a number of days from 1 to 3660")
    run, outcome = build_internal(args.repo, args.out, days=args.days or DAYS, engine=args.engine)
    reporter.progress(1, 1, outcome)
    code = reporter.build_summary(run, [outcome], args.out)
    if outcome.state == "built":
        reporter.line(f"internal portfolio site: {args.out}/{INTERNAL}/ (never publish it to a client)")
    return code


def cmd_generate(args: argparse.Namespace) -> int:
    from generator.builder import output as outdir
    from generator.pipeline import generate_client
    from generator.project.check import check_all
    from generator.report import Reporter

    reporter = Reporter()
    _refuse_inside(args)
    run = check_all(args.repo, args.slugs)
    code = reporter.check_run(run)
    outdir.claim(args.out)
    with outdir.locked(args.out):
        outdir.recover(args.out)
        for result in run.results:
            if result.ok:
                folder = generate_client(args.repo, result, args.out, args.engine)
                reporter.line(f"{result.slug}: generated {folder}/mkdocs.yml")
    return code


def _refuse_inside(args: argparse.Namespace) -> None:
    """Each client's output folder is replaced whole: never let --out touch the sources."""
    out, repo = args.out.resolve(), args.repo.resolve()
    protected = [repo / name for name in ("projects", "docs", "generator", "tests", ".git")]
    if out == repo or any(out.is_relative_to(p) or p.is_relative_to(out) for p in protected):
        raise UsageError(f"--out {args.out} would write over the sources; choose a folder such as site/")


def cmd_new(args: argparse.Namespace) -> int:
    from generator.project.check import check_all
    from generator.render.scaffold import new_project
    from generator.report import Reporter

    target = new_project(args.repo, args.slug, args.client, args.language)
    print(f"created {target.relative_to(args.repo)}; fill in the TODO entries, then: handbook check {args.slug}")
    Reporter().check_run(check_all(args.repo, [args.slug]))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from generator.preview.server import serve
    from generator.project.check import select

    select(args.repo, [args.slug])  # unknown slug: usage error with a suggestion
    try:
        serve(args.repo, args.slug, port=args.port)
    except OSError as exc:
        raise UsageError(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror}") from None
    return 0


def cmd_pdf(args: argparse.Namespace) -> int:
    """`handbook pdf SLUG`: `handbook build SLUG --pdf`, and say where the PDF is."""
    from generator.exports.pdf import pdf_name
    from generator.pipeline import build_all
    from generator.report import Reporter

    _refuse_inside(args)
    run = build_all(args.repo, [args.slug], args.out, pdf=True, engine=args.engine)
    reporter = Reporter()
    for outcome in run.outcomes:
        if outcome.state == "failed":
            reporter.line(f"{outcome.slug}: {outcome.reason}", "error")
    if reporter.build_summary(run.check, run.outcomes, args.out) != 0:
        return 1
    target = next(p for p in (args.out / args.slug / pdf_name(x) for x in ("de", "en")) if p.is_file())
    print(f"{args.slug}: {target}")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from generator.history.changes import diff

    print("\n".join(diff(args.repo, args.slug, args.rev1, args.rev2)))
    return 0


COMMANDS = {
    "check": cmd_check,
    "build": cmd_build,
    "generate": cmd_generate,
    "new": cmd_new,
    "serve": cmd_serve,
    "pdf": cmd_pdf,
    "diff": cmd_diff,
}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not (args.repo / "projects").is_dir():
        print(
            f"handbook: {args.repo.resolve()} has no projects/ folder; run handbook from the repository root",
            file=sys.stderr,
        )
        return errors.USAGE
    try:
        return COMMANDS[args.command](args)
    except UserError as exc:  # the boundary for every failure that is a message (generator/errors.py)
        for diagnostic in exc.diagnostics:
            print(diagnostic.human(), file=sys.stderr)
        return exc.exit_code
    except HandbookError as exc:
        print(f"handbook: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("handbook: interrupted", file=sys.stderr)
        return errors.INTERRUPTED


def run() -> NoReturn:
    """The program (`handbook`, `python -m generator`): ``main()``, then out without tearing
    the interpreter down. Freeing a build's thousand modules and compiled templates one by one
    took 0.1 to 0.17 s, a seventh of a rebuild after one change; the exit handlers (logging,
    temporary folders, worker pools) still run, the output is flushed, and nothing is left
    open (every file is written in a ``with`` block)."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed or broken pipe: nothing more to say there
            pass
    atexit._run_exitfuncs()
    os._exit(code)
