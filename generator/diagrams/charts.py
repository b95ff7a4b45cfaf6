"""Diagrams of a client project: public view in, Graphviz DOT text out (pure, golden-tested).

Text from the project file reaches DOT only through ``label()``: a double-quoted
string that dot shows literally, never an HTML-like label. Node ids are ``n0``,
``n1``, ... in the order nodes are added, so no user text ever becomes an id.
Colours are left to CSS (``assets/diagrams.css``) through ``class`` attributes,
so dark mode can recolour the inline SVG.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.diagrams.dot import Graph, Quoted, label
from generator.diagrams.text import notes, outline
from generator.project.model import CommLine, Person
from generator.render.view import View

PERSON_CAP = 12  # nodes in a per-person diagram
CLIENT_TIERS = ("project_lead", "key_user", "team_member")  # then workgroups, then other roles
CONTRACTOR_TIERS = ("account_manager", "account_manager_deputy", "resource_coordinator", "support", "backoffice")
ROW = {"client": 3, "contractor": 1}  # nodes per row before a tier wraps onto the next row


# ---------------------------------------------------------------------------- public


def client_diagrams(view: View) -> dict[str, str]:
    """Every diagram of a client: name -> DOT text, which carries the diagram's text version."""
    L = view.L
    return {name: g.dot(notes(outline(name, g, L), L["dg_text"])) for name, g in client_graphs(view).items()}


def client_graphs(view: View) -> dict[str, Graph]:
    """Every diagram of a client: name -> the graph (its DOT text, and what diagrams/text.py reads)."""
    out = {"org": org_chart(view)}
    if view.communication:
        out["communication"] = communication(view)
    if view.escalation:
        out["escalation"] = escalation(view)
    for person in view.people:
        out[f"person-{person.id}"] = person_diagram(view, person)
    return out


def alt_text(view: View, name: str) -> str:
    """One sentence, in the view's language, that says what the diagram shows."""
    L = view.L
    if name == "org":
        lead, manager = _first(view, "project_lead"), _first(view, "account_manager")
        main = L["dg_alt_main"].format(a=lead.name, b=manager.name) if lead and manager else ""
        return L["dg_alt_org"].format(
            client=_count(L, "people", len(view.side_people("client"))),
            contractor=_count(L, "people", len(view.side_people("contractor"))),
            main=main,
        )
    if name == "communication":
        pairs = _pairs(view)
        parties = {ref for pair in pairs for ref in pair}
        return L["dg_alt_communication"].format(
            lines=_count(L, "lines", len(view.communication)), parties=_count(L, "parties", len(parties))
        )
    if name == "escalation":
        chain = ", ".join(f"{e.level}. {view.name(e.contact)}" for e in _levels(view))
        return L["dg_alt_escalation"].format(levels=_count(L, "levels", len(view.escalation)), chain=chain)
    person = next((p for p in view.people if name == f"person-{p.id}"), None)
    if person is None:
        raise KeyError(f"no diagram named {name!r}")
    count = len(_counterparts(view, person.id))
    return L["dg_alt_person"].format(name=person.name, parties=_count(L, "parties", count))


def _count(L: dict[str, str], noun: str, n: int) -> str:
    return L[f"dg_{noun}_one"] if n == 1 else L[f"dg_{noun}_many"].format(n=n)


def _first(view: View, role_id: str) -> Person | None:
    holders = view.holders(role_id)
    return holders[0] if holders else None


# ---------------------------------------------------------------------------- references


def _side(view: View, ref: str) -> str:
    """CSS class of a reference: the side of a person or role, else 'group'."""
    person = next((p for p in view.people if p.id == ref), None)
    if person is not None:
        return person.side
    role = next((r for r in view.roles if r.id == ref), None)
    return role.side if role is not None else "group"


def _ref_label(view: View, ref: str) -> Quoted:
    """A reference as written: its display name, with who stands behind a role or group."""
    if any(p.id == ref for p in view.people):
        return label(view.name(ref))
    members = view.expand(ref)
    if any(r.id == ref for r in view.roles) and 0 < len(members) <= 3:
        return label(view.name(ref), ", ".join(view.name(pid) for pid in members))
    return label(view.name(ref), f"({_count(view.L, 'people', len(members))})")


def _pairs(view: View) -> dict[tuple[str, str], list[CommLine]]:
    """(from, to) -> the communication lines between them, in file order; a reference that
    reaches nobody in this project (a role without holder) gets no node."""
    pairs: dict[tuple[str, str], list[CommLine]] = {}
    for line in view.communication:
        for to in dict.fromkeys(line.to):
            if view.expand(line.from_) and view.expand(to):
                pairs.setdefault((line.from_, to), []).append(line)
    return pairs


def _entries(texts: list[str], cap: int = 6, more: str = "") -> list[str]:
    """One entry per line, bulleted when there are several, the rest counted."""
    if len(texts) == 1:
        return texts
    shown = [f"• {t}" for t in texts[:cap]]
    return shown + ([more.format(n=len(texts) - cap)] if len(texts) > cap else [])


# ---------------------------------------------------------------------------- org chart


@dataclass
class _Slot:
    key: str
    text: Quoted
    cls: str
    tier: int
    parent: str | None = None
    team: bool = False
    rank: int = 0


def org_chart(view: View) -> Graph:
    """Client and contractor side by side, each ordered by role in rows from the top."""
    g = Graph("org", {"rankdir": "TB", "nodesep": 0.2, "ranksep": 0.35, "newrank": "true"})
    deputies = _deputy_pairs(view)
    drawn: set[tuple[str, str]] = set()
    for side, title in (("client", view.client), ("contractor", view.contractor)):
        rows = _client_rows(view) if side == "client" else _contractor_rows(view)
        with g.cluster(side, label(title, width=40), side):
            for row in rows:
                for slot in row:
                    extra = {"peripheries": 2} if slot.team else {}
                    g.node(slot.key, slot.text, _section(view, side, slot.tier), **{"class": slot.cls}, **extra)
                if len(row) > 1:
                    g.same_rank([slot.key for slot in row])
        _grid(g, rows)
        drawn |= _side_edges(g, view, rows, deputies)
    for (a, b), direction in deputies.items():
        if direction != "back" and (a, b) not in drawn and (b, a) not in drawn:
            drawn.add((a, b))
            g.edge(a, b, dir=direction, constraint="false", **_deputy_style(view))
    lead, manager = _first(view, "project_lead"), _first(view, "account_manager")
    if lead and manager:
        g.edge(
            lead.id,
            manager.id,
            label=label(view.L["main_contact"]),
            dir="none",
            constraint="false",
            penwidth=2,
            **{"class": "main"},
        )
    return g


def _section(view: View, side: str, tier: int) -> str:
    """What a tier of the org chart holds, for the text version: its role, the working groups, others."""
    tiers = CLIENT_TIERS if side == "client" else CONTRACTOR_TIERS
    if tier < len(tiers):
        return view.name(tiers[tier])
    return view.L["workgroups"] if side == "client" and tier == len(tiers) else view.L["others"]


def _grid(g: Graph, rows: list[list[_Slot]]) -> None:
    """Invisible edges that keep rows in order top to bottom and nodes in order left to right."""
    for row in rows:
        for left, right in zip(row, row[1:], strict=False):
            g.edge(left.key, right.key, style="invis")
    for upper, lower in zip(rows, rows[1:], strict=False):
        for j, slot in enumerate(lower):
            g.edge(upper[min(j, len(upper) - 1)].key, slot.key, style="invis")


def _deputy_style(view: View) -> dict:
    return {"label": label(view.L["deputy"]), "style": "dashed", "class": "deputy"}


def _tier(person: Person, tiers: tuple[str, ...], others: int) -> int:
    return min((tiers.index(r) for r in person.roles if r in tiers), default=others)


def _person_label(view: View, p: Person) -> Quoted:
    roles = ", ".join(view.name(r) for r in p.roles) or (p.position or "")
    if "key_user" in p.roles and p.departments_represented:
        where = f"{view.L['dg_represents']}: {', '.join(p.departments_represented)}"
    else:
        where = p.department or ""
    parts: list[str] = []
    for text in (p.name, roles, where):  # "Back office" / "Back Office" once
        if text and text.casefold() not in [t.casefold() for t in parts]:
            parts.append(text)
    return label(*parts)


def _client_rows(view: View) -> list[list[_Slot]]:
    """Project lead; key users; team members (by the key user of their department); workgroups; others."""
    people = view.side_people("client")
    tiers = {i: [p for p in people if _tier(p, CLIENT_TIERS, 4) == i] for i in range(5)}
    lead = tiers[0][0].id if tiers[0] else None
    users = tiers[1]

    def slot(p: Person, tier: int, parent: str | None = None) -> _Slot:
        return _Slot(p.id, _person_label(view, p), "client", tier, parent, p.kind == "team")

    rows = [[slot(p, 0)] for p in tiers[0]]
    rows += _wrap_rows([slot(p, 1, lead) for p in users], ROW["client"])
    rows += _wrap_rows([slot(p, 2, _key_user_of(p, users) or lead) for p in tiers[2]], ROW["client"])
    rows += _wrap_rows([_workgroup_slot(view, w) for w in view.workgroups], ROW["client"])
    rows += _wrap_rows([slot(p, 4) for p in tiers[4]], ROW["client"])
    return _ranked(rows)


def _key_user_of(member: Person, users: list[Person]) -> str | None:
    return next((u.id for u in users if member.department in u.departments_represented), None)


def _workgroup_slot(view: View, wg) -> _Slot:
    texts = [wg.name]
    if wg.lead:
        texts.append(f"{view.L['lead']}: {view.name(wg.lead)}")
    texts.append(_count(view.L, "members", len(view.expand(wg.id))))
    return _Slot(f"wg:{wg.id}", label(*texts), "group", 3, wg.lead)


def _contractor_rows(view: View) -> list[list[_Slot]]:
    """Account manager, deputy, resource coordinators, support, back office, others: one column."""
    people = view.side_people("contractor")
    n = len(CONTRACTOR_TIERS)
    ordered = sorted(people, key=lambda p: _tier(p, CONTRACTOR_TIERS, n))  # stable: file order within a tier
    slots = [
        _Slot(p.id, _person_label(view, p), "contractor", _tier(p, CONTRACTOR_TIERS, n), None, p.kind == "team")
        for p in ordered
    ]
    return _ranked(_wrap_rows(slots, ROW["contractor"]))


def _wrap_rows(slots: list[_Slot], width: int) -> list[list[_Slot]]:
    """Children grouped by parent (stable), cut into rows so wide tiers stay narrow."""
    parents = list(dict.fromkeys(s.parent for s in slots))
    slots = sorted(slots, key=lambda s: parents.index(s.parent))
    return [slots[i : i + width] for i in range(0, len(slots), width)]


def _ranked(rows: list[list[_Slot]]) -> list[list[_Slot]]:
    for rank, row in enumerate(rows):
        for slot in row:
            slot.rank = rank
    return rows


def _lines(slots: list[_Slot]) -> dict[str, _Slot]:
    """child -> parent of the hierarchy lines worth drawing.

    A tier gets lines only when each of its nodes with a parent in this cluster sits
    at most two rows below it; lines into a tier that wraps over many rows would be a tangle, so such
    a tier is shown as rows (its nodes name their role and department anyway).
    """
    by_key = {s.key: s for s in slots}
    out: dict[str, _Slot] = {}
    for tier in dict.fromkeys(s.tier for s in slots):
        members = [s for s in slots if s.tier == tier]
        parents = [by_key.get(s.parent or "") for s in members]
        pairs = [(s, p) for s, p in zip(members, parents, strict=True) if p is not None]
        if all(0 < s.rank - p.rank <= 2 for s, p in pairs):
            out.update({s.key: p for s, p in pairs})
    return out


def _side_edges(g: Graph, view: View, rows: list[list[_Slot]], deputies: dict) -> set[tuple[str, str]]:
    """Hierarchy lines, dashed and labelled where the child is also the deputy."""
    drawn: set[tuple[str, str]] = set()
    for key, parent in _lines([slot for row in rows for slot in row]).items():
        if (parent.key, key) in deputies:
            g.edge(parent.key, key, dir=deputies[(parent.key, key)], **_deputy_style(view))
            drawn.add((parent.key, key))
        else:
            g.edge(parent.key, key, dir="none", **{"class": "hierarchy"})
    return drawn


def _deputy_pairs(view: View) -> dict[tuple[str, str], str]:
    """(a, b) -> arrow direction for an edge a -> b, for every deputy relation, in both orders."""
    people = {p.id: p for p in view.people}
    pairs: dict[tuple[str, str], str] = {}
    for p in view.people:
        if p.deputy and p.deputy in people and p.deputy != p.id:
            a, b = p.id, p.deputy
            mutual = people[b].deputy == a
            pairs[(a, b)] = "both" if mutual else "forward"
            pairs[(b, a)] = "both" if mutual else "back"
    return pairs


# ---------------------------------------------------------------------------- communication, escalation


def communication(view: View) -> Graph:
    """One node per reference as written, one edge per (from, to) listing every line between them."""
    g = Graph("communication", {"rankdir": "TB", "nodesep": 0.15, "ranksep": 0.45})
    pairs = _pairs(view)
    for ref in dict.fromkeys(ref for pair in pairs for ref in pair):
        g.node(ref, _ref_label(view, ref), **{"class": _side(view, ref)})
    more = view.L["dg_more"]
    for (a, b), lines in pairs.items():
        entries = [f"{c.topic} ({c.when}, {c.channel})" for c in lines]
        texts = _entries(entries, more=more)
        g.edge(a, b, tuple(entries), label=label(*texts, width=20), **{"class": "communication"})
    groups = _components(pairs)
    for upper, lower in zip(groups, groups[1:], strict=False):  # stack separate groups: narrower than side by side
        for ref in upper:
            g.edge(ref, lower[0], style="invis", weight=0)
    return g


def _components(pairs) -> list[list[str]]:
    """Connected groups of references, each in first-appearance order."""
    group: dict[str, int] = {}
    for a, b in pairs:
        ga, gb = group.setdefault(a, len(group)), group.setdefault(b, group[a])
        if ga != gb:
            group = {ref: (ga if g == gb else g) for ref, g in group.items()}
    out: dict[int, list[str]] = {}
    for ref, g in group.items():
        out.setdefault(g, []).append(ref)
    return list(out.values())


def _levels(view: View):
    return sorted(view.escalation, key=lambda e: e.level)


def escalation(view: View) -> Graph:
    g = Graph("escalation", {"rankdir": "TB", "ranksep": 0.3})
    previous = None
    for e in _levels(view):
        key = f"level{e.level}"
        text = label(f"{view.L['level']} {e.level}: {view.name(e.contact)}", e.when, e.channel or "", width=36)
        g.node(key, text, **{"class": _side(view, e.contact)})
        if previous:
            g.edge(previous, key, **{"class": "escalation"})
        previous = key
    return g


# ---------------------------------------------------------------------------- one person


def _counterparts(view: View, pid: str) -> dict[str, dict[str, list[str]]]:
    """Reference -> topics sent to it / received from it, for the person's communication lines."""
    out: dict[str, dict[str, list[str]]] = {}

    def add(ref: str, way: str, topic: str) -> None:
        if ref == pid or view.expand(ref) in ([pid], []):  # oneself, or a role nobody holds here
            return
        topics = out.setdefault(ref, {"sends": [], "receives": []})[way]
        if topic not in topics:
            topics.append(topic)

    for line in view.communication:
        if pid in view.expand(line.from_):
            for to in line.to:
                add(to, "sends", line.topic)
        if any(pid in view.expand(to) for to in line.to):
            add(line.from_, "receives", line.topic)
    return out


def person_diagram(view: View, person: Person) -> Graph:
    """The person, their roles, deputies and direct communication counterparts (at most PERSON_CAP nodes)."""
    g = Graph("person", {"rankdir": "LR", "nodesep": 0.25, "ranksep": 0.5})
    me = person.id
    own = label(*(t for t in (person.name, person.department) if t))  # the roles are nodes of their own here
    g.node(me, own, penwidth=2, **{"class": f"{person.side} self"})
    for role in person.roles:
        g.node(f"role:{role}", label(view.name(role)), **{"class": f"{_side(view, role)} role"})
        g.edge(f"role:{role}", me, dir="none", style="dotted", **{"class": "role"})
    deputy = next((p for p in view.people if p.id == person.deputy and p.id != me), None)
    if deputy is not None:
        g.node(deputy.id, label(deputy.name), **{"class": deputy.side})
        mutual = deputy.deputy == me
        g.edge(me, deputy.id, dir="both" if mutual else "forward", **_deputy_style(view))
    stood_in_for = [p for p in view.deputy_for(me) if p.id != me and p is not deputy]
    parts = _counterparts(view, me)
    keys = [p.id for p in stood_in_for] + [f"role:{r}" if r in person.roles else r for r in parts]
    room = PERSON_CAP - len(g.ids)
    hidden = 0 if len(keys) <= room else len(keys) - max(room - 1, 0)
    for other in stood_in_for[: len(keys) - hidden]:
        g.node(other.id, label(other.name), **{"class": other.side})
        g.edge(other.id, me, **_deputy_style(view))
    for ref in list(parts)[: max(len(keys) - hidden - len(stood_in_for), 0)]:
        _counterpart(g, view, me, ref, parts[ref], f"role:{ref}" if ref in person.roles else ref)
    if hidden:
        g.node("more", label(view.L["dg_more"].format(n=hidden)), **{"class": "group"})
        g.edge(me, "more", style="dotted", dir="none", **{"class": "communication"})
    return g


def _counterpart(g: Graph, view: View, me: str, ref: str, topics: dict[str, list[str]], key: str) -> None:
    """A node for the reference (unless it is already there) and an edge per direction, listing the topics."""
    g.node(key, _ref_label(view, ref), **{"class": _side(view, ref)})
    for way, tail, head in (("receives", key, me), ("sends", me, key)):
        if topics[way]:
            text = label(*_entries(topics[way], cap=3, more=view.L["dg_more"]), width=30, limit=80)
            g.edge(tail, head, tuple(topics[way]), label=text, **{"class": "communication"})
