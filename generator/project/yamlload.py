"""Strict YAML loading: every plain scalar stays the text that was typed.

PyYAML resolves YAML 1.1 types (``NO`` -> False, ``0301`` -> octal, ``10:30`` ->
sexagesimal) and lets duplicate keys overwrite each other. We read the event
stream ourselves instead, so nothing is converted behind the user's back, every
node keeps its line and column, and anchors, aliases and tags are refused. Types
are decided later, by the schema stage, where the expected type is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.errors import UserError
from generator.project.diagnostics import Diagnostic, Pos

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64
NULL_WORDS = {"", "~", "null", "Null", "NULL"}


@dataclass
class Node:
    pos: Pos


@dataclass
class Scalar(Node):
    text: str
    plain: bool = True

    @property
    def is_null(self) -> bool:
        return self.plain and self.text in NULL_WORDS


@dataclass
class Seq(Node):
    items: list[Node] = field(default_factory=list)


@dataclass
class Map(Node):
    # key text -> (key node, value node), in file order
    items: dict[str, tuple[Scalar, Node]] = field(default_factory=dict)


def _pos(file: str, mark: yaml.Mark | None) -> Pos:
    if mark is None:
        return Pos(file, 1, 1)
    return Pos(file, mark.line + 1, mark.column + 1)


class _Builder:
    """Builds Node trees from PyYAML events; refuses what the format forbids."""

    def __init__(self, file: str, events, text: str = "") -> None:
        self.file = file
        self.events = events
        self.text = text
        self.diagnostics: list[Diagnostic] = []

    def fail(self, event, message: str) -> None:
        raise UserError(Diagnostic(_pos(self.file, event.start_mark), "", message))

    def typed_tag(self, event, tag: str) -> str:
        """The tag as the user wrote it (`!!str`), not as PyYAML expands it (`tag:yaml.org,2002:str`)."""
        mark = event.start_mark
        if mark is not None and self.text:
            found = re.search(r"!\S*", self.text[mark.index : mark.index + 200])
            if found:
                return found.group(0)
        return tag

    def next(self):
        return next(self.events)

    def node(self, event, depth: int) -> Node:
        if depth > MAX_DEPTH:
            self.fail(event, f"nesting deeper than {MAX_DEPTH} levels")
        if isinstance(event, yaml.AliasEvent):
            self.fail(event, f"aliases (*{event.anchor}) are not allowed; write the value out")
        if getattr(event, "anchor", None):
            self.fail(event, f"anchors (&{event.anchor}) are not allowed; write the value out")
        if (tag := getattr(event, "tag", None)) is not None:
            self.fail(event, f"tags ({self.typed_tag(event, tag)}) are not allowed; remove the tag")
        pos = _pos(self.file, event.start_mark)
        if isinstance(event, yaml.ScalarEvent):
            # plain style: None from PyYAML's parser, "" from libyaml's
            return Scalar(pos, event.value, plain=not event.style and event.implicit[0])
        if isinstance(event, yaml.SequenceStartEvent):
            seq = Seq(pos)
            while not isinstance(ev := self.next(), yaml.SequenceEndEvent):
                seq.items.append(self.node(ev, depth + 1))
            return seq
        if isinstance(event, yaml.MappingStartEvent):
            return self.mapping(pos, depth)
        self.fail(event, "unexpected YAML content")  # pragma: no cover
        raise AssertionError

    def mapping(self, pos: Pos, depth: int) -> Map:
        result = Map(pos)
        while not isinstance(ev := self.next(), yaml.MappingEndEvent):
            key = self.node(ev, depth + 1)
            if not isinstance(key, Scalar):
                raise UserError(Diagnostic(key.pos, "", "a key must be plain text, not a list or mapping"))
            if key.text in result.items:
                first = result.items[key.text][0].pos
                message = f"duplicate key '{key.text}' (first defined at line {first.line}); remove one"
                self.diagnostics.append(Diagnostic(key.pos, "", message))
                self.node(self.next(), depth + 1)
                continue
            value = self.node(self.next(), depth + 1)
            result.items[key.text] = (key, value)
        return result


def parse(text: str, file: str) -> tuple[Node, list[Diagnostic]]:
    """Parse one YAML document into a Node tree and its duplicate-key errors.

    Anything that leaves no usable tree (syntax, anchors, tags) raises UserError.
    """
    try:
        # libyaml's parser is ~15x faster; PyYAML's gives the clearer message when the YAML is broken.
        events = iter(list(yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))))
    except yaml.YAMLError:
        events = yaml.parse(text, Loader=yaml.SafeLoader)
    builder = _Builder(file, events, text)
    try:
        first = next(events)  # StreamStart
        doc = next(events)
        if isinstance(doc, yaml.StreamEndEvent):
            raise UserError(Diagnostic(Pos(file, 1, 1), "", "the file is empty; it must be a YAML mapping"))
        root = builder.node(next(events), 0)
        next(events)  # DocumentEnd
        extra = next(events)
        if not isinstance(extra, yaml.StreamEndEvent):
            builder.fail(extra, "only one YAML document per file (remove the extra '---')")
    except yaml.MarkedYAMLError as exc:
        raise UserError(explain(exc, text, file)) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow in a file
        before = text[: exc.position]
        pos = Pos(file, before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1)
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise UserError(
            Diagnostic(pos, "", f"the file contains the control character U+{ord(char):04X}; remove it")
        ) from None
    except yaml.YAMLError as exc:
        summary = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
        raise UserError(Diagnostic(Pos(file, 1, 1), "", f"YAML error: {summary}")) from None
    del first
    return root, builder.diagnostics


def load_file(path: Path, display: str) -> tuple[Map, list[Diagnostic]]:
    """Read and parse a YAML file whose root must be a mapping."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UserError(_too_big(display, size))
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(Diagnostic(Pos(display, 1, 1), "", f"cannot read file: {exc.strerror}")) from None
    return parse_mapping(data, display)


def _too_big(display: str, size: int) -> Diagnostic:
    return Diagnostic(Pos(display, 1, 1), "", f"file is {size} bytes; the limit is {MAX_BYTES} (1 MiB)")


def parse_mapping(data: bytes, display: str) -> tuple[Map, list[Diagnostic]]:
    """The bytes of a YAML file (from disk or a git revision) whose root must be a mapping."""
    if len(data) > MAX_BYTES:
        raise UserError(_too_big(display, len(data)))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        col = len(data[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        raise UserError(
            Diagnostic(Pos(display, line, col), "", "the file is not valid UTF-8; save it as UTF-8")
        ) from None
    root, diagnostics = parse(text.removeprefix("\ufeff"), display)
    if not isinstance(root, Map):
        kind = "a list" if isinstance(root, Seq) else "a single value"
        raise UserError(Diagnostic(root.pos, "", f"the file must be a mapping of keys, not {kind}"))
    return root, diagnostics


# the common slips, in words ---------------------------------------------------------------------


def explain(exc: yaml.MarkedYAMLError, text: str, file: str) -> Diagnostic:
    """A YAML syntax error as a sentence that says what is wrong and what to do, at the place to fix.

    The parser's own words ("found character '\\t' that cannot start any token", "expected
    <block end>, but found '?'") name a token, not the mistake; the commonest slips are a tab,
    a key indented differently from its neighbours, an unquoted ': ' in a value, and an open
    quote or bracket.
    """
    problem = exc.problem or exc.context or "invalid YAML"
    mark = exc.problem_mark or exc.context_mark
    lines = text.split("\n")

    def line_of(m: yaml.Mark | None) -> str:
        return lines[m.line] if m is not None and m.line < len(lines) else ""

    def at(m: yaml.Mark | None, message: str) -> Diagnostic:
        return Diagnostic(_pos(file, m), "", f"YAML syntax error: {message}")

    here = line_of(mark)
    indent = len(here) - len(here.lstrip(" "))

    def at_key(message: str) -> Diagnostic:
        """At the first character of the mis-indented line, where the fix goes."""
        line = mark.line + 1 if mark is not None else 1
        return Diagnostic(Pos(file, line, indent + 1), "", f"YAML syntax error: {message}")

    def neighbour() -> str:
        """How the key line before this one is indented, as advice: "like 'name' on line 3 (4 spaces)"."""
        for n in range((mark.line if mark is not None else 0) - 1, -1, -1):
            stripped = lines[n].strip()
            if stripped and not stripped.startswith("#"):
                width = len(lines[n]) - len(lines[n].lstrip(" ")) + (2 if stripped.startswith("- ") else 0)
                name = stripped.removeprefix("- ").split(":")[0]
                return f"like '{name}' on line {n + 1} ({width} spaces)"
        return "like the other keys of the same entry"

    if "'\\t'" in problem or (mark is not None and "\t" in here[: mark.column + 1]):
        return at(mark, "a tab character; YAML indents with spaces only: replace the tab with spaces")
    if problem.startswith("found character") and "cannot start any token" in problem:
        char = problem.split("'")[1] if "'" in problem else "this character"
        return at(mark, f'a value cannot start with {char!r}; put the value in quotes, e.g. "{char}..."')
    if problem.startswith("expected <block end>") and "'<scalar>'" in problem and "'" in here:
        return at(mark, "text after a closing quote; inside '...' write a ' as '' (it''s), or use \"...\" instead")
    if problem.startswith("expected <block end>") or problem.startswith("expected <block mapping"):
        context = exc.context_mark
        key = here.strip().split(":")[0]
        if context is not None and line_of(context).lstrip().startswith("- ") and indent == context.column:
            expected = context.column
            return at_key(
                f"'{key}' is indented like the list items above ('- ' at line {context.line + 1}); "
                f"indent it by {expected + 2} spaces to belong to the entry above, or start a new entry with '- '"
            )
        return at_key(
            f"'{key}' is indented by {indent} spaces, which fits none of the lines above; indent it {neighbour()}"
        )
    if problem == "mapping values are not allowed here":
        before = here[: mark.column] if mark is not None else ""
        if ": " in before.strip() or before.strip().startswith("- ") and ": " in before:
            key = before.strip().removeprefix("- ").split(":")[0]
            return at(mark, f"a ': ' inside the value of '{key}'; put the whole value in quotes, e.g. {key}: \"...\"")
        key = here.strip().split(":")[0]
        return at_key(
            f"'{key}' is indented more than the key above it, which already has a value; indent it {neighbour()}"
        )
    if problem == "could not find expected ':'":
        where = exc.context_mark or mark
        return at(
            where,
            f"'{line_of(where).strip()[:40]}' is not a 'key: value' line; add ': ' after the key, "
            "or put text that continues a value above in quotes",
        )
    if problem == "found unexpected end of stream" and exc.context == "while scanning a quoted scalar":
        return at(exc.context_mark, "this quote is never closed; close it at the end of the value")
    if problem.startswith("expected ',' or ']'") or problem.startswith("expected ',' or '}'"):
        bracket = "]" if "']'" in problem else "}"
        opened = f" opened at line {exc.context_mark.line + 1}" if exc.context_mark is not None else ""
        return at(
            mark,
            f"the list or mapping{opened} is not closed with '{bracket}' on its line, or an item holds ':', ',' or brackets; "
            "close it, or put such an item in quotes",
        )
    return at(mark, problem)
