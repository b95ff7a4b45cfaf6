"""Writing DOT safely: quoted labels for user text, checked constants, nodes in call order.

Text from a project file reaches DOT only through ``label()``: a double-quoted
string that dot shows literally, never an HTML-like label. Node ids are ``n0``,
``n1``, ... in the order nodes are added, so no user text ever becomes an id.

A ``Graph`` also keeps what it draws as data (its nodes, visible edges and clusters, with the
plain text of every label): diagrams/text.py reads the diagrams' text versions from it, so
the picture and its text cannot say different things.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

WRAP = 26  # characters per label line
LIMIT = 300  # characters per label part, as the schema allows for plain text
FONT = "DejaVu Sans"
_SAFE = re.compile(r"^[A-Za-z0-9 ,.#_:-]*$")  # constant attribute values we write ourselves
_XML_INVALID = re.compile("[\ufffe\uffff]")
NOTE = "//| "  # a comment line of ours in DOT text: dot skips it to the end of the line


class Quoted(str):
    """A DOT string already quoted by ``label()``; ``parts`` holds the plain text it shows, a
    part per line asked for (before wrapping), for the text version."""

    parts: tuple[str, ...]

    def __new__(cls, quoted: str, parts: tuple[str, ...] = ()) -> Quoted:
        self = super().__new__(cls, quoted)
        self.parts = parts
        return self


def label(*parts: str, width: int = WRAP, limit: int = LIMIT) -> Quoted:
    """Plain text -> a double-quoted DOT label that dot shows literally.

    Each part starts a new line and is wrapped at ``width``; a line break in the
    text is a line break in the label. Control characters are dropped, each part
    is cut at ``limit`` characters. ``\\`` and ``"`` are escaped for the DOT lexer
    and ``&`` for dot's entity decoding; the result is always quoted, so it is
    never an HTML-like ``<...>`` label and a trailing backslash stays a character.
    """
    lines: list[str] = []
    shown: list[str] = []
    for part in parts:
        text = _clean(str(part))
        if len(text) > limit:
            text = text[: limit - 1].rstrip() + "…"
        wrapped = [
            line
            for paragraph in text.split("\n")
            for line in textwrap.wrap(paragraph, width, break_long_words=True, break_on_hyphens=True)
        ]
        if wrapped:
            lines += wrapped
            shown.append(" ".join(line.strip() for line in text.split("\n") if line.strip()))
    escaped = (line.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;") for line in lines)
    return Quoted('"' + "\\n".join(escaped) + '"', tuple(shown))


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = "".join(c for c in text if c == "\n" or unicodedata.category(c) not in ("Cc", "Cs"))
    return _XML_INVALID.sub("", text)


def _attrs(attrs: dict[str, str | int | float | None]) -> str:
    out = []
    for key, value in attrs.items():
        if value is None:
            continue
        if isinstance(value, Quoted):
            out.append(f"{key}={value}")
        else:
            assert _SAFE.match(str(value)), f"unsafe constant attribute {key}={value!r}"
            out.append(f'{key}="{value}"')
    return ", ".join(out)


@dataclass(frozen=True)
class Node:
    """A node as drawn: its label, its class, the cluster it stands in; ``section`` names the
    group the text version lists it under (the org chart's tiers)."""

    key: str
    text: Quoted
    cls: str = ""
    cluster: str | None = None
    section: str | None = None


@dataclass(frozen=True)
class Edge:
    """A visible edge: its class, arrow direction and label; ``items`` every entry its label sums
    up (a label shows a few of them and counts the rest)."""

    tail: str
    head: str
    cls: str = ""
    dir: str = "forward"
    text: Quoted | None = None
    items: tuple[str, ...] = ()


@dataclass
class Graph:
    """A DOT digraph built in order: the same calls give the same text."""

    name: str
    attrs: dict
    ids: dict[str, str] = field(default_factory=dict)
    body: list[str] = field(default_factory=list)
    indent: str = "  "
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    clusters: dict[str, Quoted] = field(default_factory=dict)
    _cluster: str | None = None

    def node(self, key: str, text: Quoted, section: str | None = None, /, **attrs) -> str:
        if key not in self.ids:
            self.ids[key] = f"n{len(self.ids)}"
            self.body.append(f"{self.indent}{self.ids[key]} [{_attrs({'label': text, **attrs})}];")
            self.nodes[key] = Node(key, text, str(attrs.get("class", "")), self._cluster, section)
        return self.ids[key]

    def edge(self, tail: str, head: str, items: tuple[str, ...] = (), /, **attrs) -> None:
        self.body.append(f"  {self.ids[tail]} -> {self.ids[head]} [{_attrs(attrs)}];")
        if attrs.get("style") != "invis":
            text = attrs.get("label")
            quoted = text if isinstance(text, Quoted) else None
            self.edges.append(
                Edge(tail, head, str(attrs.get("class", "")), str(attrs.get("dir", "forward")), quoted, items)
            )

    def same_rank(self, keys: list[str]) -> None:
        self.body.append(f"{self.indent}{{rank=same; {' '.join(self.ids[k] for k in keys)}}}")

    @contextmanager
    def cluster(self, name: str, text: Quoted, cls: str) -> Iterator[None]:
        self.body.append(f"  subgraph cluster_{name} {{")
        self.body.append(f"    graph [{_attrs({'label': text, 'class': cls, 'style': 'rounded'})}];")
        self.indent, self._cluster, self.clusters[name] = "    ", name, text
        yield
        self.indent, self._cluster = "  ", None
        self.body.append("  }")

    def dot(self, notes: list[str] | None = None) -> str:
        """The DOT text; ``notes`` (lines without line breaks) become comments at its end, where
        dot ignores them (the diagram's text version, diagrams/text.py)."""
        head = [
            f"digraph {self.name} {{",
            f"  graph [{_attrs({'fontname': FONT, 'fontsize': 12, 'bgcolor': 'transparent', **self.attrs})}];",
            f"  node [{_attrs({'fontname': FONT, 'fontsize': 10, 'shape': 'box', 'style': 'rounded,filled', 'fillcolor': 'white', 'margin': '0.12,0.06'})}];",
            f"  edge [{_attrs({'fontname': FONT, 'fontsize': 9, 'arrowsize': 0.7})}];",
        ]
        tail = [f"{NOTE}{line}".rstrip() for line in notes or []]
        return "\n".join([*head, *self.body, *tail, "}"]) + "\n"
