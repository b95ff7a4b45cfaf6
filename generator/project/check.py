"""The check pipeline: load -> shape -> resolve -> rules, for the catalog and every project.

Which clients a run takes and what checking them found are in clients.py (light: a build
with nothing to build imports none of this)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from generator.errors import UserError
from generator.layout import CATALOG, project_file
from generator.project import format as fmt
from generator.project.clients import CheckRun, ProjectResult, select
from generator.project.diagnostics import Diagnostic, Pos, did_you_mean, has_errors
from generator.project.model import Catalog
from generator.project.pages import read_pages, unsafe_html
from generator.project.resolve import GROUPS, Resolved, resolve
from generator.project.rules import check_rules
from generator.project.schema import INVALID, Ctx
from generator.project.yamlload import Map, load_file, parse_mapping

# CheckRun, ProjectResult and select are clients.py's, named here too, where callers have found them
__all__ = ["CheckRun", "ProjectResult", "check_all", "check_project", "check_source", "load_catalog", "select"]
_PARENT = re.compile(r"^(.*?)(\.[^.\[\]]+|\[\d+\])$")


def locator(locations: dict[str, Pos], fallback: Pos):
    def locate(path: str) -> Pos:
        while path:
            if path in locations:
                return locations[path]
            match = _PARENT.match(path)
            path = match.group(1) if match else ""
        return fallback

    return locate


def _shape(root_path: Path, display: str, schema) -> tuple[object, Ctx, Pos]:
    """Load and shape-check one YAML file; raises UserError when nothing usable is left."""
    root, dup_errors = load_file(root_path, display)
    ctx = Ctx(diagnostics=list(dup_errors))
    value = schema.check(root, "", ctx)
    return value, ctx, root.pos


def load_catalog(repo: Path) -> tuple[Catalog | None, list[Diagnostic]]:
    path = repo / CATALOG
    if not path.is_file():
        return None, [Diagnostic(Pos(CATALOG, 1, 1), "", "the role catalog is missing; create it (see README)")]
    try:
        catalog, ctx, pos = _shape(path, CATALOG, fmt.CATALOG)
    except UserError as exc:
        return None, exc.diagnostics
    if catalog is INVALID or has_errors(ctx.diagnostics):
        return None, ctx.diagnostics
    assert isinstance(catalog, Catalog)
    diagnostics = _check_catalog(catalog, locator(ctx.locations, pos))
    if has_errors(diagnostics):
        return None, diagnostics
    for role in catalog.roles:  # merged into projects, they must say where they came from
        role.from_catalog = True
    for task in catalog.tasks:
        task.from_catalog = True
    return catalog, diagnostics


def _check_catalog(catalog: Catalog, locate) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    roles = {r.id: r for r in catalog.roles}
    known = [*roles, *GROUPS]

    def error(path: str, message: str) -> None:
        out.append(Diagnostic(locate(path), path, message))

    seen: set[str] = set()
    for i, role in enumerate(catalog.roles):
        if role.id in seen or role.id in GROUPS:
            error(f"roles[{i}].id", f"duplicate or reserved role id '{role.id}'")
        seen.add(role.id)
    task_ids: set[str] = set()
    for i, task in enumerate(catalog.tasks):
        if not task.id:
            error(f"tasks[{i}]", "a catalog task needs an 'id' so projects can override it")
        elif task.id in task_ids:
            error(f"tasks[{i}].id", f"duplicate task id '{task.id}'")
        task_ids.add(task.id or "")
        refs = [("responsible", r) for r in task.responsible] + [("accountable", task.accountable or "")]
        refs += [("consulted", r) for r in task.consulted] + [("informed", r) for r in task.informed]
        for key, ref in refs:
            if ref not in known:
                error(f"tasks[{i}].{key}", f"unknown role or group '{ref}'{did_you_mean(ref, known)}")
        acc = roles.get(task.accountable or "")
        if acc is None or acc.max != 1:
            error(f"tasks[{i}].accountable", "a catalog task's accountable must be a role with max: 1")
    return out


def check_project(repo: Path, slug: str, catalog: Catalog) -> ProjectResult:
    result = ProjectResult(slug, project_file(slug))
    path = repo / result.file
    pages, page_problems = read_pages(repo, slug)
    for name, text in pages.items():
        page_problems += unsafe_html(f"projects/{slug}/pages/{name}", text)
    try:
        root, dup_errors = load_file(path, result.file)
    except UserError as exc:
        result.diagnostics = exc.diagnostics + page_problems
        return result
    result.resolved, result.diagnostics = check_tree(root, dup_errors, catalog)
    result.diagnostics = sorted(result.diagnostics + page_problems, key=Diagnostic.sort_key)
    return result


def check_source(data: bytes, display: str, catalog: Catalog) -> tuple[Resolved | None, list[Diagnostic]]:
    """The same checks on a file's bytes from elsewhere (a git revision): resolved or None, and diagnostics."""
    try:
        root, dup_errors = parse_mapping(data, display)
    except UserError as exc:
        return None, exc.diagnostics
    resolved, diagnostics = check_tree(root, dup_errors, catalog)
    return (None if has_errors(diagnostics) else resolved), diagnostics


def check_tree(root: Map, dup_errors: list[Diagnostic], catalog: Catalog) -> tuple[Resolved | None, list[Diagnostic]]:
    """shape -> references -> rules; later stages run only when earlier ones are clean."""
    ctx = Ctx(diagnostics=list(dup_errors))
    project = fmt.PROJECT.check(root, "", ctx)
    if project is INVALID or has_errors(ctx.diagnostics):
        return None, sorted(ctx.diagnostics, key=Diagnostic.sort_key)
    locate = locator(ctx.locations, root.pos)
    resolved, found = resolve(project, catalog, locate)
    diagnostics = ctx.diagnostics + found
    if has_errors(found):
        return None, sorted(diagnostics, key=Diagnostic.sort_key)
    diagnostics = apply_accepts(diagnostics + check_rules(resolved, locate), project.accept, locate)
    return resolved, sorted(diagnostics, key=Diagnostic.sort_key)


def apply_accepts(diagnostics: list[Diagnostic], accepts: list, locate) -> list[Diagnostic]:
    """Warnings matched by an ``accept:`` entry (same rule, same key path) become accepted ones;
    an entry that matches no warning is a warning of its own (stale acceptance)."""
    reasons = {(a.rule, a.at): a.reason for a in accepts}
    used: set[tuple[str, str]] = set()
    out = []
    for d in diagnostics:
        key = (d.rule, d.path)
        if d.severity == "warning" and key in reasons:
            used.add(key)
            d = replace(d, accepted=reasons[key])
        out.append(d)
    for i, a in enumerate(accepts):
        if (a.rule, a.at) not in used:
            path = f"accept[{i}]"
            message = (
                f"nothing to accept: no '{a.rule}' warning at {a.at} (any more); remove this entry, "
                "or copy rule id and key path from the warning handbook check shows"
            )
            out.append(Diagnostic(locate(path), path, message, "warning", "stale-accept"))
    return out


def check_all(repo: Path, wanted: list[str] | None = None) -> CheckRun:
    slugs, problems = select(repo, wanted or [])
    catalog, catalog_diags = load_catalog(repo)
    run = CheckRun(catalog, [], problems + catalog_diags)
    for slug in slugs:
        if catalog is None:
            run.results.append(ProjectResult(slug, project_file(slug)))
        else:
            run.results.append(check_project(repo, slug, catalog))
    return run
