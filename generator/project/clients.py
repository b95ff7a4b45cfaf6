"""Which clients a run takes (``discover``, ``select``) and what checking them found
(``ProjectResult``, ``CheckRun``). Light on purpose: a build whose clients are all unchanged
needs these and none of the checker (check.py), its schema or its Markdown."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import UsageError
from generator.layout import SLUG
from generator.project.diagnostics import Diagnostic, Pos, did_you_mean, has_errors

if TYPE_CHECKING:
    from generator.project.model import Catalog
    from generator.project.resolve import Resolved


@dataclass
class ProjectResult:
    slug: str
    file: str
    resolved: Resolved | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.resolved is not None and not has_errors(self.diagnostics)


@dataclass
class CheckRun:
    catalog: Catalog | None
    results: list[ProjectResult]
    diagnostics: list[Diagnostic] = field(default_factory=list)  # catalog and folder problems

    def all_diagnostics(self) -> list[Diagnostic]:
        out = list(self.diagnostics)
        for result in self.results:
            out += result.diagnostics
        return out


def discover(repo: Path) -> tuple[list[str], list[Diagnostic]]:
    """Client slugs under projects/, and problems with folder names."""
    slugs, problems = [], []
    base = repo / "projects"
    for entry in sorted(base.iterdir()) if base.is_dir() else []:
        if not entry.is_dir() or entry.name.startswith((".", "_")):
            continue
        display = f"projects/{entry.name}"
        if not SLUG.fullmatch(entry.name):
            problems.append(
                Diagnostic(
                    Pos(display, 1, 1),
                    "",
                    f"folder name '{entry.name}' is not a valid "
                    "client slug (lower-case letters, digits and '-', at most 63)",
                )
            )
        elif not (entry / "project.yml").is_file():
            problems.append(Diagnostic(Pos(display, 1, 1), "", "this client folder has no project.yml"))
        else:
            slugs.append(entry.name)
    return slugs, problems


def select(repo: Path, wanted: list[str]) -> tuple[list[str], list[Diagnostic]]:
    slugs, problems = discover(repo)
    if not wanted:
        return slugs, problems
    for slug in wanted:
        if slug not in slugs:
            raise UsageError(f"no client project '{slug}' in projects/{did_you_mean(slug, slugs)}")
    return list(dict.fromkeys(wanted)), [p for p in problems if any(f"/{s}" in p.pos.file for s in wanted)]
