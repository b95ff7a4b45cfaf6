"""Identifiers and references: merge the catalog into a project and resolve every id.

The result, ``Resolved``, answers "who is meant by this reference" for every later
stage (rules, pages, diagrams), so the expansion logic lives in exactly one place.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from generator import i18n
from generator.project.diagnostics import Diagnostic, did_you_mean
from generator.project.model import Catalog, Person, Project, Role, Task, Workgroup

GROUPS = ("project_team", "client", "contractor")
TEAM_ROLES = ("project_lead", "key_user", "team_member")


@dataclass
class Resolved:
    project: Project
    catalog: Catalog
    roles: dict[str, Role]
    people: dict[str, Person]
    workgroups: dict[str, Workgroup]
    tasks: list[Task]
    _cache: dict[str, list[str]] = field(default_factory=dict, repr=False)

    @property
    def lang(self) -> str:
        return self.project.language

    @property
    def contractor(self) -> str:
        return self.project.contractor or self.catalog.contractor

    def kind(self, ref: str) -> str:
        if ref in self.people:
            return "person"
        if ref in self.roles:
            return "role"
        if ref in self.workgroups:
            return "workgroup"
        return "group"

    def holders(self, role_id: str) -> list[Person]:
        return [p for p in self.people.values() if role_id in p.roles]

    def expand(self, ref: str) -> list[str]:
        """Person ids a reference stands for, in file order."""
        if ref not in self._cache:
            self._cache[ref] = []  # guards against workgroups that contain each other
            self._cache[ref] = self._expand(ref)
        return self._cache[ref]

    def _expand(self, ref: str) -> list[str]:
        if ref in self.people:
            return [ref]
        if ref in self.roles:
            return [p.id for p in self.holders(ref)]
        if ref in self.workgroups:
            wg = self.workgroups[ref]
            refs = ([wg.lead] if wg.lead else []) + wg.members
            ids = {pid for r in refs for pid in self.expand(r)}
            return [pid for pid in self.people if pid in ids]
        if ref == "project_team":
            return [p.id for p in self.people.values() if any(r in TEAM_ROLES for r in p.roles)]
        if ref in ("client", "contractor"):
            return [p.id for p in self.people.values() if p.side == ref]
        return []

    def display_name(self, ref: str, lang: str) -> str:
        """What a reference is called on a page or in a change: a person's or workgroup's name, a
        role's name in ``lang``, the contractor's name, a group's label."""
        kind = self.kind(ref)
        if kind == "person":
            return self.people[ref].name
        if kind == "role":
            return self.roles[ref].name.get(lang)
        if kind == "workgroup":
            return self.workgroups[ref].name
        if ref == "contractor":
            return self.contractor
        return i18n.LABELS[lang][ref] if ref in GROUPS else ref

    def project_lead(self) -> Person | None:
        leads = self.holders("project_lead")
        return leads[0] if leads else None


def merge_roles(catalog: Catalog, project: Project) -> dict[str, Role]:
    roles = {r.id: r for r in catalog.roles}
    for role in project.roles:
        base = roles.get(role.id)
        if base is None:
            roles[role.id] = role
            continue
        roles[role.id] = replace(
            role,
            description=role.description or base.description,
            responsibilities=role.responsibilities or base.responsibilities,
            min=role.min if role.min is not None else base.min,
            max=role.max if role.max is not None else base.max,
            named=role.named or base.named,
            from_catalog=True,
        )
    return roles


def merge_tasks(catalog: Catalog, project: Project) -> list[Task]:
    by_id = {t.id: t for t in project.raci if t.id}
    merged = []
    for task in catalog.tasks:
        override = by_id.get(task.id or "")
        if override is None:
            merged.append(task)
        elif not override.remove:
            merged.append(replace(override, from_catalog=True))
    catalog_ids = {t.id for t in catalog.tasks}
    merged += [t for t in project.raci if not t.remove and t.id not in catalog_ids]
    return merged


def adapt_catalog_tasks(r: Resolved) -> list[tuple[Task, list[tuple[str, str]], bool]]:
    """Fit the catalog tasks the project did not write to the project (format 1.1).

    A reference that reaches nobody here (a role without a holder) drops out of R, C and I;
    a task left without a responsible is left out. The accountable stays: a catalog task's
    accountable without a holder is an error, as in version 1. Returns, per adapted task,
    the (reference, letter) pairs that dropped out and whether the task was left out;
    ``r.tasks`` holds the adapted tasks afterwards.
    """
    written = {t.id for t in r.project.raci if t.id}
    tasks, changes = [], []
    for task in r.tasks:
        if not task.from_catalog or task.id in written:
            tasks.append(task)
            continue
        letters = {"R": task.responsible, "C": task.consulted, "I": task.informed}
        kept = {letter: [ref for ref in refs if r.expand(ref)] for letter, refs in letters.items()}
        dropped = [(ref, letter) for letter, refs in letters.items() for ref in refs if ref not in kept[letter]]
        if dropped:
            changes.append((task, dropped, not kept["R"]))
        if kept["R"]:
            tasks.append(replace(task, responsible=kept["R"], consulted=kept["C"], informed=kept["I"]))
    r.tasks = tasks
    return changes


def adaptation_notes(changes: list[tuple[Task, list[tuple[str, str]], bool]]) -> list[tuple[str, str]]:
    """(path, message) notes for ``check``: one per task left out, one per reference that dropped out."""
    out = []
    by_ref: dict[str, list[str]] = {}
    for task, dropped, left_out in changes:
        if left_out:
            who = ", ".join(ref for ref, letter in dropped if letter == "R")
            label = task.task.en if task.task else task.id
            out.append((f"raci (catalog task '{task.id}')", f"'{label}' is left out: nobody holds {who} (R) here"))
        else:
            for ref, letter in dropped:
                by_ref.setdefault(ref, []).append(f"{task.id} ({letter})")
    for ref, places in by_ref.items():
        out.append(("raci", f"nobody holds '{ref}' here, so it drops out of the catalog tasks {', '.join(places)}"))
    return out


def resolve(project: Project, catalog: Catalog, locate) -> tuple[Resolved, list[Diagnostic]]:
    """Merge and resolve; ``locate(path)`` gives the position of a key path."""
    diagnostics: list[Diagnostic] = []

    def error(path: str, message: str) -> None:
        diagnostics.append(Diagnostic(locate(path), path, message))

    _check_ids(project, catalog, error)
    resolved = Resolved(
        project=project,
        catalog=catalog,
        roles=merge_roles(catalog, project),
        people=_first_by_id(project.people),
        workgroups=_first_by_id(project.workgroups),
        tasks=merge_tasks(catalog, project),
    )
    for path, ref, allowed in references(project):
        _check_ref(resolved, path, ref, allowed, error)
    catalog_task_ids = {t.id for t in catalog.tasks if t.id}
    for i, task in enumerate(project.raci):
        if task.remove and task.id not in catalog_task_ids:
            error(
                f"raci[{i}].id",
                f"there is no catalog task '{task.id}' to remove{did_you_mean(task.id or '', catalog_task_ids)}",
            )
    if not diagnostics:
        where = locate("raci" if project.raci else "people")
        for path, message in adaptation_notes(adapt_catalog_tasks(resolved)):
            diagnostics.append(Diagnostic(where, path, message, "note", "catalog-adapted"))
    return resolved, diagnostics


def _first_by_id(items: list) -> dict:
    out: dict = {}
    for item in items:
        out.setdefault(item.id, item)
    return out


def _check_ids(project: Project, catalog: Catalog, error) -> None:
    catalog_roles = {r.id for r in catalog.roles}
    seen: dict[str, str] = {}
    entries = [("people", p.id) for p in project.people]
    entries += [("roles", r.id) for r in project.roles]
    entries += [("workgroups", w.id) for w in project.workgroups]
    counters: dict[str, int] = {}
    for section, ident in entries:
        index = counters.get(section, 0)
        counters[section] = index + 1
        path = f"{section}[{index}].id"
        if ident in GROUPS:
            error(path, f"'{ident}' is a built-in group name; choose another id")
        elif ident in catalog_roles and section != "roles":
            error(path, f"'{ident}' is already the id of a catalog role; choose another id")
        elif ident in seen:
            error(path, f"duplicate id '{ident}' (already used at {seen[ident]})")
        seen.setdefault(ident, path)
    task_ids: dict[str, str] = {}
    for i, task in enumerate(project.raci):
        if task.id and task.id in task_ids:
            error(f"raci[{i}].id", f"duplicate task id '{task.id}' (already used at {task_ids[task.id]})")
        elif task.id:
            task_ids[task.id] = f"raci[{i}].id"


def references(project: Project) -> Iterator[tuple[str, str, str]]:
    """Every (path, reference, allowed kind) of a project: 'any', 'person' or 'role'."""
    for i, p in enumerate(project.people):
        for j, role in enumerate(p.roles):
            yield f"people[{i}].roles[{j}]", role, "role"
        if p.deputy:
            yield f"people[{i}].deputy", p.deputy, "person"
    for i, w in enumerate(project.workgroups):
        if w.lead:
            yield f"workgroups[{i}].lead", w.lead, "person"
        yield from _refs(f"workgroups[{i}].members", w.members)
    for i, t in enumerate(project.raci):
        if t.remove:
            continue
        for key in ("responsible", "consulted", "informed"):
            yield from _refs(f"raci[{i}].{key}", getattr(t, key))
        if t.accountable:
            yield f"raci[{i}].accountable", t.accountable, "any"
    for i, c in enumerate(project.communication):
        yield f"communication[{i}].from", c.from_, "any"
        yield from _refs(f"communication[{i}].to", c.to)
    for i, mt in enumerate(project.meetings):
        yield from _refs(f"meetings[{i}].participants", mt.participants)
        if mt.organiser:
            yield f"meetings[{i}].organiser", mt.organiser, "any"
    for i, ms in enumerate(project.milestones):
        if ms.owner:
            yield f"milestones[{i}].owner", ms.owner, "any"
    for i, e in enumerate(project.escalation):
        yield f"escalation[{i}].contact", e.contact, "any"
    if project.agreement:
        yield "agreement.client", project.agreement.client, "any"
        yield "agreement.contractor", project.agreement.contractor, "any"
    for i, f in enumerate(project.feedback):
        yield f"feedback[{i}].person", f.person, "any"
        yield f"feedback[{i}].role", f.role, "role"


def _refs(path: str, refs: list[str]) -> Iterator[tuple[str, str, str]]:
    for j, ref in enumerate(refs):
        yield f"{path}[{j}]", ref, "any"


def _check_ref(resolved: Resolved, path: str, ref: str, allowed: str, error) -> None:
    if allowed == "role":
        if ref not in resolved.roles:
            error(path, f"unknown role '{ref}'{did_you_mean(ref, resolved.roles, 0)}")
        return
    if allowed == "person":
        if ref in resolved.people:
            return
        if ref in resolved.roles or ref in resolved.workgroups or ref in GROUPS:
            kind = "a role" if ref in resolved.roles else "a workgroup" if ref in resolved.workgroups else "a group"
            error(path, f"'{ref}' is {kind}, not a person; name a person id")
        else:
            error(path, f"unknown person '{ref}'{did_you_mean(ref, resolved.people, 0)}; name a person id")
        return
    known = [*resolved.people, *resolved.roles, *resolved.workgroups, *GROUPS]
    if ref not in known:
        # the spec asks for the closest known id, however far
        error(path, f"unknown reference '{ref}'{did_you_mean(ref, known, 0)}; name a person, role, workgroup or group")
