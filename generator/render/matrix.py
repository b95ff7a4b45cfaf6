"""The RACI matrix as a reader reads it: one column per role, people named inside the cells.

A task's references become marks in role columns:

- a role: its letters in its own column, the whole role (``R``);
- a person: their letters in the column of the role they hold, named (``A · Ole Stein``); of
  several roles, the one the task already names, else the first they hold; a person with no
  role goes to the "others" column;
- a group (``project_team``, ``client``, ``contractor``): the letter in the column of every
  role the group consists of (the team roles; every role whose holders are all on that side),
  and named marks for its people that no such role covers;
- a working group: named in one "working groups" column, so it keeps its name.

So a matrix has as many columns as the project has roles with letters (plus at most two), and
nobody appears under their role and again under their name. Pure: the view in, data out; the
page, the phone cards, the paper layout and the CSV all read this one model.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.project.model import Task
from generator.project.resolve import TEAM_ROLES
from generator.render.view import LETTERS, View

WORKGROUPS = "~workgroups"  # the column of working groups (no role id can start with "~")
OTHERS = "~others"  # the column of people and teams without a role


@dataclass(frozen=True)
class Mark:
    """Letters in one cell: for the column's whole role (``who`` None) or for one named reference."""

    letters: str
    who: str | None = None


@dataclass(frozen=True)
class Row:
    task: Task
    cells: tuple[tuple[Mark, ...], ...]  # one per column; the whole-role mark first, then named ones


@dataclass(frozen=True)
class Phase:
    name: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Matrix:
    columns: tuple[str, ...]  # role ids, then WORKGROUPS, then OTHERS (only those with a mark)
    phases: tuple[Phase, ...]

    def groups(self, size: int) -> list[tuple[int, ...]]:
        """Column indexes in groups of at most ``size``, for paper: each group repeats the task column."""
        indexes = tuple(range(len(self.columns)))
        return [indexes[i : i + size] for i in range(0, len(indexes), size)] or [()]

    def marks_of(self, column: str) -> list[tuple[Task, tuple[Mark, ...]]]:
        """Every task with a mark in ``column``, in matrix order."""
        if column not in self.columns:
            return []
        at = self.columns.index(column)
        return [(row.task, row.cells[at]) for phase in self.phases for row in phase.rows if row.cells[at]]


def matrix(view: View) -> Matrix:
    roles = _column_order(view)
    cells_by_task = [_task_cells(view, task, roles) for task in view.tasks]
    used = [c for c in (*roles, WORKGROUPS, OTHERS) if any(c in cells for cells in cells_by_task)]
    phases: dict[str, list[Row]] = {}
    for task, cells in zip(view.tasks, cells_by_task, strict=True):
        key = task.phase.get(view.lang) if task.phase else view.L["no_phase"]
        phases.setdefault(key, []).append(Row(task, tuple(tuple(cells.get(c, ())) for c in used)))
    return Matrix(tuple(used), tuple(Phase(name, tuple(rows)) for name, rows in phases.items()))


def _column_order(view: View) -> list[str]:
    """The held roles: the client's side first, then the contractor's, each in catalog order."""
    return [r.id for side in ("client", "contractor") for r in view.roles if r.side == side]


def _task_cells(view: View, task: Task, roles: list[str]) -> dict[str, list[Mark]]:
    whole: dict[str, list[str]] = {}  # column -> letters for the whole role
    named: dict[str, dict[str, list[str]]] = {}  # column -> who -> letters
    held = set(roles)
    direct_roles = {ref for letter in LETTERS for ref in view.refs(task, letter) if ref in held}

    def add_whole(column: str, letter: str) -> None:
        letters = whole.setdefault(column, [])
        if letter not in letters:
            letters.append(letter)

    def add_named(column: str, who: str, letter: str) -> None:
        letters = named.setdefault(column, {}).setdefault(who, [])
        if letter not in letters:
            letters.append(letter)

    def person_column(pid: str) -> str:
        own = [r for r in view.person(pid).roles if r in held]
        for role in own:
            if role in direct_roles:
                return role
        return own[0] if own else OTHERS

    for letter in LETTERS:
        for ref in view.refs(task, letter):
            kind = view.kind(ref)
            if kind == "role":
                if ref in held:
                    add_whole(ref, letter)
            elif kind == "person":
                add_named(person_column(ref), ref, letter)
            elif kind == "workgroup":
                add_named(WORKGROUPS, ref, letter)
            elif kind == "group":
                covered: set[str] = set()
                for role in _group_roles(view, ref, roles):
                    add_whole(role, letter)
                    covered.update(p.id for p in view.holders(role))
                for pid in view.expand(ref):
                    if pid not in covered:
                        add_named(person_column(pid), pid, letter)

    out: dict[str, list[Mark]] = {}
    for column in {*whole, *named}:
        own = whole.get(column, [])
        marks = [Mark(_ordered(own))] if own else []
        for who, letters in named.get(column, {}).items():
            rest = [x for x in letters if x not in own or column not in view.person_roles(who)]
            if rest:  # a holder named with a letter their whole role has already says nothing new
                marks.append(Mark(_ordered(rest), who))
        if marks:
            out[column] = marks
    return out


def _group_roles(view: View, group: str, roles: list[str]) -> list[str]:
    """The roles a built-in group consists of: the team roles, or every role of that side whose
    holders are all on it."""
    if group == "project_team":
        return [r for r in roles if r in TEAM_ROLES]
    members = set(view.expand(group))
    return [r for r in roles if (holders := view.holders(r)) and all(p.id in members for p in holders)]


def _ordered(letters: list[str]) -> str:
    return "".join(x for x in LETTERS if x in letters)


def mark_text(view: View, mark: Mark) -> str:
    """``R`` or ``A · Ole Stein``: a mark as plain text (the CSV, the tests)."""
    return mark.letters if mark.who is None else f"{mark.letters} · {view.name(mark.who)}"


def column_name(view: View, column: str) -> str:
    if column == WORKGROUPS:
        return view.L["workgroups"]
    if column == OTHERS:
        return view.L["others"]
    return view.name(column)
