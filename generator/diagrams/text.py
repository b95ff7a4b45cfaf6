"""The text version of every diagram: what the picture shows, as nested lists (pure).

For screen readers and for paper. Each outline is read from the diagram's own graph
(diagrams/dot.py keeps every node, visible edge and cluster it draws, with the plain text of
each label), so the text names exactly whom and what the picture shows; where a label sums
up several entries ("+2 weitere"), the text lists them all.

The outline travels with the picture: charts.py writes it into the diagram's DOT text as
comment lines (``notes``; dot skips them, the golden DOT files show them), and svg.py puts it
as HTML (``from_dot``) after the SVG it draws. So a diagram and its text are one value from
the model to the page, and a build that keeps a drawing keeps its text with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.diagrams.dot import NOTE, Edge, Graph, Node
from generator.render import escape

Labels = dict[str, str]
_MARK = re.compile(r"( *)(?:-|(\d+)\.)(?: (.*))?")  # a line of the notes: indent, mark, text


@dataclass(frozen=True)
class Item:
    text: str
    children: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Outline:
    items: tuple[Item, ...]
    ordered: bool = False  # the escalation levels, in order


def outline(name: str, g: Graph, L: Labels) -> Outline:
    """The text version of the diagram ``name`` (as charts.client_graphs names it) drawn as ``g``."""
    if name == "org":
        return org(g, L)
    if name == "communication":
        return communication(g)
    if name == "escalation":
        return escalation(g)
    return person(g, L)


# ---------------------------------------------------------------------------- the four diagrams


def org(g: Graph, L: Labels) -> Outline:
    """Each side (cluster), its tiers, the people, teams and working groups in them with their
    label and deputy; then the main contacts."""
    deputies = _deputies(g)
    sides = []
    for cluster, title in g.clusters.items():
        sections: dict[str, list[Item]] = {}
        for node in (n for n in g.nodes.values() if n.cluster == cluster):
            entry = _record(node) + "".join(f"; {L['deputy']}: {_name(g, d)}" for d in deputies.get(node.key, []))
            sections.setdefault(node.section or L["others"], []).append(Item(entry))
        heading = f"{L[cluster]}: {_record_of(title.parts)}" if cluster in L else _record_of(title.parts)
        sides.append(Item(heading, tuple(Item(s, tuple(items)) for s, items in sections.items())))
    main = [Item(f"{_edge_label(e)}: {_name(g, e.tail)} – {_name(g, e.head)}") for e in g.edges if e.cls == "main"]
    return Outline((*sides, *main))


def communication(g: Graph) -> Outline:
    """One item per communication line: from → to: topic (when, channel)."""
    return Outline(tuple(Item(f"{_line(g, e)}: {entry}") for e in g.edges for entry in _entries(e)))


def escalation(g: Graph) -> Outline:
    """The levels in order, each with whom, when and how."""
    return Outline(tuple(Item(_record(node)) for node in g.nodes.values()), ordered=True)


def person(g: Graph, L: Labels) -> Outline:
    """The person, and beneath them each line of the picture: roles, deputies, communication."""
    me = next(iter(g.nodes.values()))
    items: list[Item] = []
    for e in g.edges:
        if e.cls == "role":
            items.append(Item(f"{L['role']}: {_spoken(g.nodes[e.tail])}"))
        elif e.cls == "deputy":
            for who, deputy in _pairs(e):
                if who == me.key:
                    items.append(Item(f"{L['deputy']}: {_spoken(g.nodes[deputy])}"))
                elif deputy == me.key:
                    items.append(Item(f"{L['deputy_for']}: {_spoken(g.nodes[who])}"))
        elif entries := _entries(e):
            items.append(Item(f"{_line(g, e, me.key)}: {', '.join(entries)}"))
        else:  # the node that counts the counterparts left out
            items.append(Item(_spoken(g.nodes[e.head])))
    return Outline((Item(_record(me), tuple(items)),))


# ---------------------------------------------------------------------------- pieces


def _record_of(parts: tuple[str, ...]) -> str:
    return " – ".join(parts)


def _record(node: Node) -> str:
    """A node as a list entry: every line of its label ("Anna Becker – Key-User – Vertrieb")."""
    return _record_of(node.text.parts)


def _spoken(node: Node) -> str:
    """A node inside a sentence: its name, the rest of its label in brackets ("Key-User (Anna
    Becker, Tim Roth)"), or after a dash where the name has brackets of its own."""
    first, *rest = node.text.parts or ("",)
    more = ", ".join(rest)
    if not more:
        return first
    if more.startswith("(") and more.endswith(")"):
        return f"{first} {more}"
    return f"{first} – {more}" if first.endswith(")") else f"{first} ({more})"


def _name(g: Graph, key: str) -> str:
    parts = g.nodes[key].text.parts
    return parts[0] if parts else ""


def _line(g: Graph, e: Edge, me: str | None = None) -> str:
    """tail → head; the person a diagram is about by their name alone."""
    ends = (_name(g, k) if k == me else _spoken(g.nodes[k]) for k in (e.tail, e.head))
    return " → ".join(ends)


def _entries(e: Edge) -> tuple[str, ...]:
    if e.cls != "communication":
        return ()
    return e.items or (e.text.parts if e.text else ())


def _edge_label(e: Edge) -> str:
    return _record_of(e.text.parts) if e.text else ""


def _pairs(e: Edge) -> list[tuple[str, str]]:
    """(person, their deputy) for a deputy edge: its arrow points at the deputy."""
    return {
        "forward": [(e.tail, e.head)],
        "back": [(e.head, e.tail)],
        "both": [(e.tail, e.head), (e.head, e.tail)],
    }.get(e.dir, [])


def _deputies(g: Graph) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in g.edges:
        if e.cls == "deputy":
            for who, deputy in _pairs(e):
                if deputy not in out.get(who, []):
                    out.setdefault(who, []).append(deputy)
    return out


# ---------------------------------------------------------------------------- DOT notes and HTML


def notes(text: Outline, summary: str) -> list[str]:
    """The outline as lines for the DOT text: the summary, then an indented list ("- " or "1. ")."""

    def lines(items: tuple[Item, ...], depth: int, ordered: bool) -> list[str]:
        out = []
        for number, item in enumerate(items, 1):
            mark = f"{number}. " if ordered else "- "
            out.append("  " * depth + mark + " ".join(item.text.split()))  # one line: no line break survives
            out += lines(item.children, depth + 1, False)
        return out

    return [" ".join(summary.split()), *lines(text.items, 0, text.ordered)]


def from_dot(dot: str) -> str:
    """The text version a diagram's DOT text carries, as HTML; nothing when it carries none."""
    found: list[str] = []
    for line in reversed(dot.rstrip("\n").split("\n")[:-1]):  # the notes stand just before the closing }
        if not line.startswith(NOTE.rstrip()):
            break
        found.insert(0, line.removeprefix(NOTE.rstrip()).removeprefix(" "))
    if not found:
        return ""
    summary, *rest = found
    roots: list[tuple[str, list]] = []
    stack: list[list] = [roots]
    ordered = False
    for line in rest:
        m = _MARK.fullmatch(line)
        assert m is not None, f"not a line of a text version: {line!r}"
        depth = len(m.group(1)) // 2
        ordered = ordered or (depth == 0 and m.group(2) is not None)
        del stack[depth + 1 :]
        children: list = []
        stack[depth].append((m.group(3) or "", children))
        stack.append(children)
    return html(Outline(_items(roots), ordered), summary)


def _items(nodes: list[tuple[str, list]]) -> tuple[Item, ...]:
    return tuple(Item(text, _items(children)) for text, children in nodes)


def html(text: Outline, summary: str) -> str:
    """The outline as a <details> element (closed on screen; the print page opens it), kept out
    of the search index like the picture it stands for. Plain str, every text escaped: added
    to a str, a Markup would escape the SVG before it."""
    return (
        '<details class="hb-diagram-text" data-search-exclude>\n'
        f"<summary>{escape.text(summary)}</summary>\n{_list(text.items, text.ordered)}\n</details>\n"
    )


def _list(items: tuple[Item, ...], ordered: bool = False) -> str:
    tag = "ol" if ordered else "ul"
    entries = (f"<li>{escape.text(i.text)}{_list(i.children) if i.children else ''}</li>" for i in items)
    return f"<{tag}>\n" + "\n".join(entries) + f"\n</{tag}>"
