"""Domain rules of the spec's last section: the consultancy's own conventions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, is_dataclass

from .diagnostics import Diagnostic
from .model import Task
from .resolve import Resolved

MAX_TEAM = 6
Report = Callable[[str, str, str], None]  # (path, message, severity)


def check_rules(r: Resolved, locate) -> list[Diagnostic]:
    out: list[Diagnostic] = []

    def report(path: str, message: str, severity: str = "error") -> None:
        out.append(Diagnostic(locate(path), path, message, severity))  # type: ignore[arg-type]

    for rule in (
        _role_counts,
        _named_roles,
        _role_sides,
        _deputies,
        _raci,
        _period,
        _meetings,
        _escalation,
        _team_size,
        _represents,
        _meeting_types,
        _communication,
        _nobody,
        _role_limits,
        _placeholders,
    ):
        rule(r, report)
    return out


def _holder_paths(r: Resolved, role_id: str) -> list[str]:
    return [
        f"people[{i}].roles[{p.roles.index(role_id)}]" for i, p in enumerate(r.project.people) if role_id in p.roles
    ]


def _role_counts(r: Resolved, report: Report) -> None:
    for role in r.roles.values():
        paths = _holder_paths(r, role.id)
        count = len(paths)
        if role.min is not None and count < role.min:
            report(
                "people",
                f"role '{role.id}' ({role.name.en}) needs at least {role.min} holder(s), "
                f"found {count}; add '{role.id}' to the roles of a person",
            )
        if role.max is not None and count > role.max:
            report(
                paths[role.max], f"role '{role.id}' ({role.name.en}) allows at most {role.max} holder(s), found {count}"
            )


def _named_roles(r: Resolved, report: Report) -> None:
    for i, p in enumerate(r.project.people):
        for j, role_id in enumerate(p.roles):
            role = r.roles.get(role_id)
            if role and role.named and p.kind == "team":
                report(
                    f"people[{i}].roles[{j}]",
                    f"role '{role_id}' must be held by a named person, but '{p.id}' is a team (kind: team)",
                )


def _role_sides(r: Resolved, report: Report) -> None:
    for i, p in enumerate(r.project.people):
        for j, role_id in enumerate(p.roles):
            role = r.roles.get(role_id)
            if role and role.side != p.side:
                report(
                    f"people[{i}].roles[{j}]",
                    f"role '{role_id}' belongs to the {role.side} side, but '{p.id}' is on the {p.side} side",
                    "warning",
                )


def _deputies(r: Resolved, report: Report) -> None:
    for i, p in enumerate(r.project.people):
        if p.deputy == p.id:
            report(f"people[{i}].deputy", f"'{p.id}' cannot be their own deputy")


def _raci(r: Resolved, report: Report) -> None:
    miscounted = {role.id for role in r.roles.values() if not _count_ok(r, role)}
    for task in r.tasks:
        path = _task_path(r, task)
        label = task.task.en if task.task else task.id
        where = f"{path}.{{}}" if not task.from_catalog or _overridden(r, task) else path
        accountable = r.expand(task.accountable) if task.accountable else []
        if len(accountable) != 1 and task.accountable not in miscounted:  # else: the role count says it
            who = ", ".join(accountable) or "nobody"
            report(
                where.format("accountable"),
                f"task '{label}': accountable '{task.accountable}' must be "
                f"exactly one person, but resolves to {who}{_fix(r, task)}",
            )
        nobody = not any(r.expand(ref) for ref in task.responsible)
        if nobody and not set(task.responsible) & miscounted:
            verb = "has" if len(task.responsible) == 1 else "have"
            report(
                where.format("responsible"),
                f"task '{label}': nobody is responsible "
                f"({', '.join(task.responsible)} {verb} no holder){_fix(r, task)}",
            )


def _count_ok(r: Resolved, role) -> bool:
    count = len(r.holders(role.id))
    return (role.min is None or count >= role.min) and (role.max is None or count <= role.max)


def _fix(r: Resolved, task: Task) -> str:
    if task.from_catalog and not _overridden(r, task):
        return f"; give the role a holder, or override or remove the catalog task '{task.id}' under raci:"
    return ""


def _overridden(r: Resolved, task: Task) -> bool:
    return any(t.id == task.id for t in r.project.raci)


def _task_path(r: Resolved, task: Task) -> str:
    for i, t in enumerate(r.project.raci):
        if t.id is not None and t.id == task.id or t is task:
            return f"raci[{i}]"
    return f"raci (catalog task '{task.id}')"


def _period(r: Resolved, report: Report) -> None:
    p = r.project.period
    if p and p.start and p.end and p.end < p.start:
        report("period.end", f"the end ({p.end.isoformat()}) is before the start ({p.start.isoformat()})")


def _meetings(r: Resolved, report: Report) -> None:
    for i, m in enumerate(r.project.meetings):
        if m.recurrence and m.date is None:
            report(f"meetings[{i}].recurrence", "a recurring meeting needs a 'date' for its first occurrence")
        if m.until and not m.recurrence:
            report(f"meetings[{i}].until", "'until' only applies to a meeting with a 'recurrence'")
        if m.until and m.date is not None:
            first = m.date.date() if hasattr(m.date, "hour") else m.date
            if m.until < first:
                report(f"meetings[{i}].until", f"'until' ({m.until.isoformat()}) is before the first date")


def _escalation(r: Resolved, report: Report) -> None:
    for i, e in enumerate(r.project.escalation):
        if e.level != i + 1:
            report(
                f"escalation[{i}].level",
                f"levels must count 1, 2, 3, … in order without gaps; expected {i + 1} here, found {e.level}",
            )
            return


def _team_size(r: Resolved, report: Report) -> None:
    team = r.expand("project_team")
    if len(team) > MAX_TEAM and not r.project.workgroups:
        report(
            "people",
            f"the project team has {len(team)} members (more than {MAX_TEAM}) and no "
            "workgroups are defined; form working groups (workgroups:)",
            "warning",
        )


def _represents(r: Resolved, report: Report) -> None:
    team = [r.people[pid] for pid in r.expand("project_team")]
    for i, p in enumerate(r.project.people):
        if "key_user" not in p.roles or p.represents is None:
            continue
        for j, dept in enumerate(p.represents):
            if dept == p.department:
                continue
            if not any(m.department == dept and m.id != p.id for m in team):
                report(
                    f"people[{i}].represents[{j}]",
                    f"key user '{p.id}' represents '{dept}', but no project team member of that "
                    "department is named; name one so the key user can coordinate with them",
                    "warning",
                )


def _meeting_types(r: Resolved, report: Report) -> None:
    types = {m.type for m in r.project.meetings}
    if "kickoff" not in types:
        report("meetings", "no kickoff meeting (type: kickoff); the roles are agreed there", "warning")
    if r.project.status == "completed" and "review" not in types:
        report(
            "meetings",
            "the project is completed but has no review meeting (type: review) where the roles get feedback",
            "warning",
        )


def _communication(r: Resolved, report: Report) -> None:
    lead = r.project_lead()
    if lead is None:
        return
    if not r.project.communication:
        report(
            "communication",
            "there is no communication matrix (communication:); the client's project lead should be a sender in it",
            "warning",
        )
    elif not any(lead.id in r.expand(c.from_) for c in r.project.communication):
        report(
            "communication",
            "the client's project lead never appears as sender ('from') in the "
            "communication matrix; they forward information to the team",
            "warning",
        )


def _nobody(r: Resolved, report: Report) -> None:
    """Single references that reach nobody: a line, level or milestone without anyone behind it."""
    places = [(f"communication[{i}].from", c.from_) for i, c in enumerate(r.project.communication)]
    places += [(f"escalation[{i}].contact", e.contact) for i, e in enumerate(r.project.escalation)]
    places += [(f"milestones[{i}].owner", m.owner) for i, m in enumerate(r.project.milestones) if m.owner]
    for path, ref in places:
        if not r.expand(ref):
            report(path, f"'{ref}' has no holder in this project, so this reaches nobody", "warning")


def _role_limits(r: Resolved, report: Report) -> None:
    for i, role in enumerate(r.project.roles):
        if role.min is not None and role.max is not None and role.min > role.max:
            report(f"roles[{i}].min", f"min ({role.min}) is greater than max ({role.max})")
    for i, p in enumerate(r.project.people):
        if p.represents is not None and "key_user" not in p.roles:
            report(
                f"people[{i}].represents",
                f"only key users represent departments; '{p.id}' holds no key_user role",
                "warning",
            )


def _placeholders(r: Resolved, report: Report) -> None:
    """`handbook new` marks what to fill in with TODO; say so until it is done."""
    for path, value in _texts(r.project, ""):
        if value.lstrip().upper().startswith("TODO"):
            report(path, f"still a placeholder: '{value.strip()[:60]}'; fill it in", "warning")


def _texts(obj: object, path: str):
    if isinstance(obj, str):
        yield path, obj
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            yield from _texts(item, f"{path}[{i}]")
    elif is_dataclass(obj) and not isinstance(obj, type):
        base = getattr(obj, "path", path)
        for f in fields(obj):
            if f.name in ("path", "internal", "id"):
                continue
            key = "from" if f.name == "from_" else f.name
            yield from _texts(getattr(obj, f.name), f"{base}.{key}" if base else key)
