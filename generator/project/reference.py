"""The format reference for consultants (projects/FORMAT.md), written from the schema itself.

Every key's meaning and example come from generator/format.py, the same source as the
checker and the JSON Schema, so the reference cannot say something the checker does not do.
A drift test keeps the committed file equal to ``reference()``.
"""

from __future__ import annotations

import json

from generator.project import format as fmt
from generator.project.schema import Key, ListOf, LocalizedOf, Obj, Type

INTRO = """\
# Project file format (reference)

Generated from the schema (`generator/format.py`) by `make update-golden`; do not edit.
Editors read the same descriptions from `projects/project.schema.json`.

A project file is `projects/<slug>/project.yml` (slug: lower-case letters, digits and `-`,
at most 63 characters, the folder name). Every value is read exactly as typed (`NO`, `0301234567`,
`10:30` stay text). References name a person id, a role id (every holder of that role), a
workgroup id, or one of the groups `project_team`, `client`, `contractor`. Unknown keys are errors.
"""


def _nested(t: Type) -> Obj | None:
    while isinstance(t, ListOf | LocalizedOf):
        t = t.item if isinstance(t, ListOf) else t.inner
    return t if isinstance(t, Obj) else None


def objects(root: Obj) -> list[Obj]:
    """``root`` and every mapping type below it, each once, in the order they first appear."""
    out: list[Obj] = []

    def walk(obj: Obj) -> None:
        if any(o is obj for o in out):
            return
        out.append(obj)
        for key in obj.fields.values():
            if (inner := _nested(key.type)) is not None:
                walk(inner)

    walk(root)
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _row(name: str, key: Key) -> str:
    example = f"`{json.dumps(key.example, ensure_ascii=False)}`" if key.example is not None else ""
    need = "yes" if key.required else "no"
    return f"| `{name}` | {need} | {_cell(key.type.human())} | {_cell(key.doc)} | {_cell(example)} |"


def _section(obj: Obj) -> list[str]:
    lines = [f"## {obj.title[0].upper()}{obj.title[1:]}", "", obj.description, ""]
    lines += ["| key | required | type | meaning | example |", "|---|---|---|---|---|"]
    lines += [_row(name, key) for name, key in obj.fields.items()]
    if obj.unless:
        flag, instead = obj.unless
        lines += ["", f"With `{flag}: true`, only {', '.join(f'`{k}`' for k in instead)} is needed."]
    return [*lines, ""]


def reference() -> str:
    lines = [INTRO]
    for obj in objects(fmt.PROJECT):
        lines += _section(obj)
    lines += ["# The role catalog (projects/roles.yml)", ""]
    lines += _section(fmt.CATALOG)
    return "\n".join(lines).rstrip("\n") + "\n"
