"""Domain rules of the spec's last section: the consultancy's own conventions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, is_dataclass

from generator.project import dates
from generator.project.diagnostics import Diagnostic, Severity
from generator.project.model import Person, Task
from generator.project.resolve import Resolved

MAX_TEAM = 6
MAX_PEOPLE = 500  # people and teams per handbook: beyond, pages and diagrams stop being readable
# (path, message, rule): an error without a rule id, a warning with one (the id `accept:` names)
Report = Callable[..., None]


def check_rules(r: Resolved, locate) -> list[Diagnostic]:
    out: list[Diagnostic] = []

    def report(path: str, message: str, rule: str = "") -> None:
        severity: Severity = "warning" if rule else "error"
        out.append(Diagnostic(locate(path), path, message, severity, rule))

    for rule in (
        _people_limit,
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
        _agreement,
        _feedback,
        _absences,
        _absent_together,
        _meeting_days,
        _phones,
        _markdown_fields,
    ):
        rule(r, report)
    return out


def _people_limit(r: Resolved, report: Report) -> None:
    if len(r.project.people) > MAX_PEOPLE:
        report(
            "people",
            f"{len(r.project.people)} people and teams; a handbook holds at most {MAX_PEOPLE}: split the project, "
            "or list a large group (all users of a department, say) as one entry with kind: team",
        )


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
                    "role-side",
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
            if m.until < dates.first_day(m.date):
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
            "team-size",
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
                    "key-user-department",
                )


def _meeting_types(r: Resolved, report: Report) -> None:
    types = {m.type for m in r.project.meetings}
    if "kickoff" not in types:
        report("meetings", "no kickoff meeting (type: kickoff); the roles are agreed there", "no-kickoff")
    if r.project.status == "completed" and "review" not in types:
        report(
            "meetings",
            "the project is completed but has no review meeting (type: review) where the roles get feedback",
            "no-review",
        )


def _communication(r: Resolved, report: Report) -> None:
    lead = r.project_lead()
    if lead is None:
        return
    if not r.project.communication:
        report(
            "communication",
            "there is no communication matrix (communication:); the client's project lead should be a sender in it",
            "no-communication",
        )
    elif not any(lead.id in r.expand(c.from_) for c in r.project.communication):
        report(
            "communication",
            "the client's project lead never appears as sender ('from') in the "
            "communication matrix; they forward information to the team",
            "lead-never-sender",
        )


def _nobody(r: Resolved, report: Report) -> None:
    """References that reach nobody: a line, level, milestone, task letter or participant without
    anyone behind it (a role nobody holds here gets no column or page, so nobody would see it)."""
    p = r.project
    places = [(f"communication[{i}].from", c.from_) for i, c in enumerate(p.communication)]
    places += [(f"escalation[{i}].contact", e.contact) for i, e in enumerate(p.escalation)]
    places += [(f"milestones[{i}].owner", m.owner) for i, m in enumerate(p.milestones) if m.owner]
    for i, c in enumerate(p.communication):
        places += [(f"communication[{i}].to[{j}]", ref) for j, ref in enumerate(c.to)]
    for i, m in enumerate(p.meetings):
        places += [(f"meetings[{i}].participants[{j}]", ref) for j, ref in enumerate(m.participants)]
        places += [(f"meetings[{i}].organiser", m.organiser)] if m.organiser else []
    for i, w in enumerate(p.workgroups):
        places += [(f"workgroups[{i}].members[{j}]", ref) for j, ref in enumerate(w.members)]
    for i, t in enumerate(p.raci):
        if t.remove:
            continue
        for key in ("consulted", "informed"):
            places += [(f"raci[{i}].{key}[{j}]", ref) for j, ref in enumerate(getattr(t, key))]
        if any(r.expand(ref) for ref in t.responsible):  # else: "nobody is responsible", an error
            places += [(f"raci[{i}].responsible[{j}]", ref) for j, ref in enumerate(t.responsible)]
    for path, ref in places:
        if not r.expand(ref):
            report(path, f"'{ref}' has no holder in this project, so this reaches nobody", "reaches-nobody")


def _role_limits(r: Resolved, report: Report) -> None:
    for i, role in enumerate(r.project.roles):
        if role.min is not None and role.max is not None and role.min > role.max:
            report(f"roles[{i}].min", f"min ({role.min}) is greater than max ({role.max})")
    for i, p in enumerate(r.project.people):
        if p.represents is not None and "key_user" not in p.roles:
            report(
                f"people[{i}].represents",
                f"only key users represent departments; '{p.id}' holds no key_user role",
                "represents-not-key-user",
            )


def _placeholders(r: Resolved, report: Report) -> None:
    """`handbook new` marks what to fill in with TODO; say so until it is done."""
    for path, value in _texts(r.project, ""):
        if value.lstrip().upper().startswith("TODO"):
            report(path, f"still a placeholder: '{value.strip()[:60]}'; fill it in", "placeholder")


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


# format 1.1 ---------------------------------------------------------------------------------------


def _one_person(r: Resolved, path: str, ref: str, what: str, report: Report) -> Person | None:
    ids = r.expand(ref)
    if len(ids) != 1:
        who = ", ".join(ids) or "nobody"
        report(path, f"{what} must be exactly one person, but '{ref}' resolves to {who}; name a person id")
        return None
    return r.people[ids[0]]


def _agreement(r: Resolved, report: Report) -> None:
    a = r.project.agreement
    if a is None:
        return
    for side in ("client", "contractor"):
        path = f"agreement.{side}"
        person = _one_person(r, path, getattr(a, side), f"who agreed for the {side}", report)
        if person is not None and person.side != side:
            report(path, f"'{person.id}' agreed for the {side} but is on the {person.side} side", "agreement-side")


def _feedback(r: Resolved, report: Report) -> None:
    for i, f in enumerate(r.project.feedback):
        _one_person(r, f"feedback[{i}].person", f.person, "who gave the feedback", report)


def _absence_paths(r: Resolved):
    for i, p in enumerate(r.project.people):
        for j, a in enumerate(p.absences):
            yield i, j, p, a


def _absences(r: Resolved, report: Report) -> None:
    for i, j, _, a in _absence_paths(r):
        if a.to < a.from_:
            report(
                f"people[{i}].absences[{j}].to", f"'to' ({a.to.isoformat()}) is before 'from' ({a.from_.isoformat()})"
            )


def _spans(person: Person) -> list[dates.Span]:
    return dates.merged([(a.from_, a.to) for a in person.absences if a.from_ <= a.to])


def _where_away(r: Resolved, person: Person, span: dates.Span) -> str:
    """The key path of the person's absence that covers the first day of ``span``."""
    i = r.project.people.index(person)
    j = next(j for j, a in enumerate(person.absences) if a.from_ <= span[0] <= a.to)
    return f"people[{i}].absences[{j}]"


def _dates(spans: list[dates.Span]) -> str:
    return ", ".join(dates.span_text(s) for s in spans)


def _absent_together(r: Resolved, report: Report) -> None:
    """A person away together with their deputy; every holder of a role away on the same days."""
    order = list(r.people)
    for p in r.project.people:
        deputy = r.people.get(p.deputy or "")
        if deputy is None or deputy.id == p.id:
            continue
        if deputy.deputy == p.id and order.index(deputy.id) < order.index(p.id):
            continue  # each other's deputies: one warning for the pair, at the first of them
        for span in dates.intersection(_spans(p), _spans(deputy)):
            report(
                _where_away(r, p, span),
                f"'{p.name}' and their deputy '{deputy.name}' are both away on {dates.span_text(span)}; "
                "arrange cover for those days",
                "absence-deputy",
            )
    for role in r.roles.values():
        holders = r.holders(role.id)
        if not holders:
            continue
        common = _spans(holders[0])
        for holder in holders[1:]:
            common = dates.intersection(common, _spans(holder))
        for span in common:
            names = ", ".join(h.name for h in holders)
            everyone = "its only holder" if len(holders) == 1 else f"all {len(holders)} holders"
            report(
                _where_away(r, holders[0], span),
                f"role '{role.id}' ({role.name.en}): {everyone} ({names}) away on {dates.span_text(span)}; "
                f"{_cover(r, holders, span)}",
                "absence-role",
            )


def _cover(r: Resolved, holders: list[Person], span: dates.Span) -> str:
    """What to do about a role nobody holds on those days: who could cover, if anyone."""
    ids = dict.fromkeys(h.deputy for h in holders if h.deputy in r.people and h.deputy not in {x.id for x in holders})
    there = [r.people[d].name for d in ids if d and not dates.intersection(_spans(r.people[d]), [span])]
    if there:
        return f"the deputy {', '.join(there)} is there: accept this warning, or name who covers"
    return "name who covers those days"


SHOWN_DATES = 5


def _listed(days: list[str]) -> str:
    more = f" and {len(days) - SHOWN_DATES} more" if len(days) > SHOWN_DATES else ""
    return ", ".join(days[:SHOWN_DATES]) + more


def _meeting_days(r: Resolved, report: Report) -> None:
    """Meetings (every occurrence of a recurring one) on a weekend or a public holiday."""
    country = dates.holiday_country(r.project.timezone)
    end = r.project.period.end if r.project.period else None
    for i, m in enumerate(r.project.meetings):
        days = dates.planned_days(m, end)
        weekend = [f"{d:%a} {d.isoformat()}" for d in days if d.weekday() >= 5]
        holidays = [f"{d.isoformat()} ({name})" for d in days if (name := dates.holiday(country, d))]
        every = "an occurrence of " if m.recurrence else ""
        if weekend:
            report(
                f"meetings[{i}].date",
                f"{every}meeting '{m.name}' falls on a Saturday or Sunday: {_listed(weekend)}; move it to a working day",
                "meeting-weekend",
            )
        if holidays:
            report(
                f"meetings[{i}].date",
                f"{every}meeting '{m.name}' falls on a public holiday ({country}): {_listed(holidays)}; move it",
                "meeting-holiday",
            )


def _phones(r: Resolved, report: Report) -> None:
    """Phone numbers stay as typed; the ones no phone could dial get a warning."""
    from generator.project import phones

    regions = {"client": dates.phone_region(r.project.timezone), "contractor": dates.phone_region(r.catalog.timezone)}
    for i, p in enumerate(r.project.people):
        if not p.phone:
            continue
        problem = phones.problem(p.phone, regions[p.side])
        if problem:
            report(
                f"people[{i}].phone",
                f"'{p.phone}' {problem}; check the number (it is shown as typed)",
                "phone-implausible",
            )


def _markdown_fields(r: Resolved, report: Report) -> None:
    """Markdown that would lose something to the sanitiser (a script, an image from elsewhere)."""
    from generator.project.markdown import removed

    fields = [("summary", r.project.summary)] if r.project.summary else []
    for i, role in enumerate(r.project.roles):
        if role.description:
            for lang in ("de", "en"):
                text = role.description.get(lang)
                if lang == "en" and text == role.description.de:
                    continue
                fields.append((f"roles[{i}].description", text))
    for path, text in fields:
        for item in removed(text):
            report(
                path,
                f"{item} left out of the page: a page shows text, lists, tables and links to http(s), mailto, tel "
                "or pages of the handbook, and loads nothing from elsewhere",
                "unsafe-html",
            )
