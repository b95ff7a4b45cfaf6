"""Shape and type checking: a small schema language over the YAML node tree.

One description serves two purposes: ``check`` turns nodes into model objects
(collecting every problem with its position), ``json`` emits the JSON Schema that
editors use. The drift test keeps the committed schema equal to ``json()``.
"""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from generator.project.diagnostics import Diagnostic, Pos, did_you_mean
from generator.project.model import Localized
from generator.project.yamlload import Map, Node, Scalar, Seq

INVALID: Any = object()
ID_PATTERN = r"^[a-z][a-z0-9_-]*$"
ID_MAX = 64
_INT = re.compile(r"^[-+]?[0-9]+$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$")
_EMAIL = re.compile(r'^[^@\s<>()\[\],;:"]+@[^@\s<>()\[\],;:"]+\.[^@\s<>()\[\],;:"]+$')  # ECMAScript-safe: no \"
YEARS = (1900, 2199)  # calendars, time zone rules and date arithmetic all hold these
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


@dataclass
class Ctx:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    locations: dict[str, Pos] = field(default_factory=dict)

    def error(self, node: Node, path: str, message: str) -> Any:
        return self.error_at(node.pos, path, message)

    def error_at(self, pos: Pos, path: str, message: str) -> Any:
        self.diagnostics.append(Diagnostic(pos, path, message))
        return INVALID


def child(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def describe(node: Node) -> str:
    if isinstance(node, Map):
        return "a mapping"
    if isinstance(node, Seq):
        return "a list"
    assert isinstance(node, Scalar)
    return "an empty value" if node.is_null else f"'{_clip(node.text)}'"


def _clip(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


class Type:
    """A schema node: checks a YAML node, describes itself as JSON Schema."""

    def check(self, node: Node, path: str, ctx: Ctx) -> Any:
        raise NotImplementedError

    def json(self) -> dict:
        raise NotImplementedError

    def human(self) -> str:
        """What a value of this type looks like, for the format reference."""
        raise NotImplementedError


# Bidirectional controls (Trojan Source) and zero-width characters: invisible, yet they change
# what a reader sees (a name that reads backwards, two names that look alike). Refused everywhere.
INVISIBLE = frozenset(
    "\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)


_INVISIBLE_CLASS = r"\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"


def _at(node: Node, text: str, index: int) -> Pos:
    """Where character ``index`` of a scalar's text stands in the file (exact for text on one line)."""
    before = text[:index]
    if "\n" in before or not isinstance(node, Scalar):
        return node.pos
    return Pos(node.pos.file, node.pos.line, node.pos.col + index + (0 if node.plain else 1))


def _scalar(node: Node, path: str, ctx: Ctx, what: str) -> str | Any:
    if not isinstance(node, Scalar):
        return ctx.error(node, path, f"expected {what}, found {describe(node)}")
    if node.is_null:
        return ctx.error(node, path, f"empty value; expected {what} (or remove the key)")
    return node.text


@dataclass
class Text(Type):
    """Plain text: rendered literally. Control characters are refused."""

    max_len: int = 300
    multiline: bool = False
    what: str = "text"

    def check(self, node: Node, path: str, ctx: Ctx) -> Any:
        text = _scalar(node, path, ctx, self.what)
        if text is INVALID:
            return text
        if not text.strip():
            return ctx.error(node, path, f"must not be blank; expected {self.what}")
        if len(text) > self.max_len:
            return ctx.error(node, path, f"too long ({len(text)} characters; at most {self.max_len})")
        allowed = "\n\t" if self.multiline else ""
        refused = ("Cc", "Cs") if self.multiline else ("Cc", "Cs", "Zl", "Zp")
        for i, ch in enumerate(text):
            if ch in INVISIBLE:
                name = unicodedata.name(ch, "an invisible character")
                return ctx.error_at(
                    _at(node, text, i),
                    path,
                    f"contains the invisible character U+{ord(ch):04X} ({name}), which can make text read "
                    "differently than it is (in names, files and calendars alike); remove it",
                )
            if ch not in allowed and unicodedata.category(ch) in refused:
                kind = "line separator" if unicodedata.category(ch) in ("Zl", "Zp") else "control character"
                where = "a line break" if ch == "\n" else f"the {kind} U+{ord(ch):04X}"
                return ctx.error(node, path, f"contains {where}; write it on one line without it")
        return text

    def json(self) -> dict:
        # Editors read YAML 1.2: `0301234567` is a number there, `NO` a string; both are text to us.
        # Pattern and length apply to strings only: not blank, no control characters.
        if self.multiline:
            pattern = r"^(?=[\s\S]*\S)[^\u0000-\u0008\u000b-\u001f\u007f-\u009f" + _INVISIBLE_CLASS + "]*$"
        else:
            pattern = r"^(?=.*\S)[^\u0000-\u001f\u007f-\u009f\u2028\u2029" + _INVISIBLE_CLASS + "]*$"
        return {"type": ["string", "number", "boolean"], "maxLength": self.max_len, "pattern": pattern}

    def human(self) -> str:
        return f"{self.what} (at most {self.max_len} characters)"


@dataclass
class Pattern(Text):
    regex: str = ""
    hint: str = ""

    def check(self, node: Node, path: str, ctx: Ctx) -> Any:
        text = super().check(node, path, ctx)
        if text is INVALID:
            return text
        if not re.match(self.regex, text):
            return ctx.error(node, path, f"'{_clip(text)}' is not {self.what}; {self.hint}")
        return text

    def json(self) -> dict:
        return {"type": "string", "pattern": self.regex, "maxLength": self.max_len}

    def human(self) -> str:
        return self.what


def Ident() -> Pattern:  # noqa: N802 - reads like a type
    return Pattern(
        ID_MAX,
        what="a valid id",
        regex=ID_PATTERN,
        hint="use lower-case letters, digits, '_' or '-', starting with a letter",
    )


def Ref() -> Pattern:  # noqa: N802
    return Pattern(
        ID_MAX, what="a reference", regex=ID_PATTERN, hint="name a person, role, workgroup or group by its id"
    )


def Email() -> Pattern:  # noqa: N802
    return Pattern(254, what="an e-mail address", regex=_EMAIL.pattern, hint="write it like name@example.com")


@dataclass
class Enum(Type):
    values: tuple[str, ...]

    def check(self, node: Node, path: str, ctx: Ctx) -> Any:
        options = ", ".join(self.values)
        text = _scalar(node, path, ctx, f"one of {options}")
        if text is INVALID or text in self.values:
            return text
        return ctx.error(node, path, f"'{_clip(text)}' is not one of {options}{did_you_mean(text, self.values)}")

    def json(self) -> dict:
        return {"enum": list(self.values)}

    def human(self) -> str:
        return "one of " + ", ".join(f"`{v}`" for v in self.values)


@dataclass
class Int(Type):
    minimum: int | None = None
    maximum: int | None = None

    def check(self, node: Node, path: str, ctx: Ctx) -> Any:
        text = _scalar(node, path, ctx, "a whole number")
        if text is INVALID:
            return text
        assert isinstance(node, Scalar)  # _scalar gave its text
        if not (node.plain and _INT.match(text)) or len(text) > 12:
            return ctx.error(node, path, f"expected a whole number without quotes, found {describe(node)}")
        value = int(text)
        if self.minimum is not None and value < self.minimum:
            return ctx.error(node, path, f"must be at least {self.minimum}, found {value}")
        if self.maximum is not None and value > self.maximum:
            return ctx.error(node, path, f"must be at most {self.maximum}, found {value}")
        return value

    def json(self) -> dict:
        out: dict = {"type": "integer"}
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        return out

    def human(self) -> str:
        return f"whole number from {self.minimum} to {self.maximum}"


class Bool(Type):
    def check(self, node: Node, path: str, ctx: Ctx) -> Any:
        text = _scalar(node, path, ctx, "true or false")
        if text is INVALID:
            return text
        assert isinstance(node, Scalar)  # _scalar gave its text
        if node.plain and text in _BOOLS:
            return _BOOLS[text]
        return ctx.error(node, path, f"expected true or false without quotes, found {describe(node)}")

    def json(self) -> dict:
        return {"type": "boolean"}

    def human(self) -> str:
        return "`true` or `false`"


@dataclass
class Date(Type):
    with_time: bool = False

    def check(self, node: Node, path: str, ctx: Ctx) -> Any:
        what = "a date (YYYY-MM-DD) or date and time (YYYY-MM-DD HH:MM)" if self.with_time else "a date (YYYY-MM-DD)"
        text = _scalar(node, path, ctx, what)
        if text is INVALID:
            return text
        match = _DATE.match(text) or (self.with_time and _DATETIME.match(text))
        if not match:
            return ctx.error(node, path, f"'{_clip(text)}' is not {what}")
        try:
            parts = [int(p) for p in match.groups()]
            y, mo, d = parts[:3]
            value: date = date(y, mo, d) if len(parts) == 3 else datetime(y, mo, d, parts[3], parts[4])
        except ValueError as exc:
            return ctx.error(node, path, f"'{text}' is not a valid date: {exc}")
        if not YEARS[0] <= value.year <= YEARS[1]:
            return ctx.error(
                node,
                path,
                f"'{text}' lies outside the years {YEARS[0]}–{YEARS[1]} that calendars handle; check the year",
            )
        return value

    def json(self) -> dict:
        if self.with_time:
            return {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}( ([01]\d|2[0-3]):[0-5]\d)?$"}
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}

    def human(self) -> str:
        return "date `YYYY-MM-DD` or date and time `YYYY-MM-DD HH:MM`" if self.with_time else "date `YYYY-MM-DD`"


@dataclass
class Version(Type):
    """The format version a file declares: every listed version reads the same way."""

    values: tuple[str, ...]

    def check(self, node: Node, path: str, ctx: Ctx) -> Any:
        text = _scalar(node, path, ctx, "a format version")
        if text is INVALID or text in self.values:
            return text
        supported = " or ".join(self.values)
        return ctx.error(node, path, f"unsupported format version {text}; this generator reads version {supported}")

    def json(self) -> dict:
        return {"enum": [float(v) if "." in v else int(v) for v in self.values]}

    def human(self) -> str:
        return " or ".join(f"`{v}`" for v in self.values)


@dataclass
class Zone(Type):
    """An IANA time zone name such as Europe/London, checked against the time zone database."""

    def check(self, node: Node, path: str, ctx: Ctx) -> Any:
        text = _scalar(node, path, ctx, "a time zone name such as Europe/Berlin")
        if text is INVALID:
            return text
        zones = _zones()
        if text in zones:
            return text
        close = did_you_mean(text, zones, 0.5) or did_you_mean(text.replace(" ", "_"), zones, 0.5)
        return ctx.error(
            node, path, f"unknown time zone '{_clip(text)}'{close}; write an IANA name such as Europe/Berlin"
        )

    def json(self) -> dict:
        return {"type": "string", "pattern": r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$"}

    def human(self) -> str:
        return "IANA time zone name"


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@dataclass
class ListOf(Type):
    item: Type
    min_items: int = 0

    def check(self, node: Node, path: str, ctx: Ctx) -> Any:
        if not isinstance(node, Seq):
            hint = f"; write [{node.text}]" if isinstance(node, Scalar) and not node.is_null else ""
            return ctx.error(node, path, f"expected a list, found {describe(node)}{hint}")
        if len(node.items) < self.min_items:
            return ctx.error(node, path, f"needs at least {self.min_items} entr{'y' if self.min_items == 1 else 'ies'}")
        values = []
        for i, item in enumerate(node.items):
            ctx.locations[child(path, i)] = item.pos
            values.append(self.item.check(item, child(path, i), ctx))
        return INVALID if any(v is INVALID for v in values) else values

    def json(self) -> dict:
        out: dict[str, Any] = {"type": "array", "items": self.item.json()}
        if self.min_items:
            out["minItems"] = self.min_items
        return out

    def human(self) -> str:
        least = f" (at least {self.min_items})" if self.min_items else ""
        return f"list{least}, each {self.item.human()}"


@dataclass
class LocalizedOf(Type):
    """A value for both languages, or a mapping with one value for `de` and one for `en`."""

    inner: Type

    def check(self, node: Node, path: str, ctx: Ctx) -> Any:
        if not isinstance(node, Map):
            value = self.inner.check(node, path, ctx)
            return value if value is INVALID else Localized(value, value)
        by_lang = Obj(dict, {"de": Key(self.inner, True), "en": Key(self.inner, True)}).check(node, path, ctx)
        return by_lang if by_lang is INVALID else Localized(by_lang["de"], by_lang["en"])

    def json(self) -> dict:
        inner = self.inner.json()
        per_lang = {
            "type": "object",
            "additionalProperties": False,
            "required": ["de", "en"],
            "properties": {"de": inner, "en": inner},
        }
        return {"anyOf": [inner, per_lang]}

    def human(self) -> str:
        return f"{self.inner.human()}, or one per language: `{{de: …, en: …}}`"


class AnyMap(Type):
    """Free-form mapping (``internal``): kept as nested plain strings, never checked further."""

    def check(self, node: Node, path: str, ctx: Ctx) -> Any:
        if not isinstance(node, Map):
            return ctx.error(node, path, f"expected a mapping, found {describe(node)}")
        return _plain(node)

    def json(self) -> dict:
        return {"type": "object"}

    def human(self) -> str:
        return "any mapping"


def _plain(node: Node) -> Any:
    if isinstance(node, Map):
        return {k: _plain(v) for k, (_, v) in node.items.items()}
    if isinstance(node, Seq):
        return [_plain(v) for v in node.items]
    assert isinstance(node, Scalar)
    return node.text


@dataclass(frozen=True)
class Key:
    """One key of a mapping: its type, whether it is required, and what it means.

    ``doc`` and ``example`` go into the JSON Schema (description, examples) and the format
    reference for consultants (projects/FORMAT.md), so both say the same thing.
    ``example`` is the value as an editor's YAML 1.2 parser sees it.
    """

    type: Type
    required: bool = False
    doc: str = ""
    example: Any = None


Fields = dict[str, Key]


@dataclass
class Obj(Type):
    """A mapping with known keys, built into ``make(path=..., **values)``."""

    make: Callable[..., Any]
    fields: Fields
    rename: dict[str, str] = field(default_factory=dict)
    # (flag key, keys required instead) when the flag is true, e.g. raci `remove: true`
    unless: tuple[str, tuple[str, ...]] | None = None
    description: str = ""
    title: str = "mapping"  # what one entry is called in the format reference, e.g. "person"

    def check(self, node: Node, path: str, ctx: Ctx) -> Any:
        if not isinstance(node, Map):
            return ctx.error(node, path, f"expected a mapping of keys, found {describe(node)}")
        values: dict[str, Any] = {}
        ok = True
        for key, (key_node, value_node) in node.items.items():
            sub = child(path, key)
            if key not in self.fields:
                allowed = ", ".join(self.fields)
                ctx.error(
                    key_node, sub, f"unknown key '{key}'{did_you_mean(key, self.fields)}; allowed here: {allowed}"
                )
                ok = False
                continue
            ctx.locations[sub] = value_node.pos
            value = self.fields[key].type.check(value_node, sub, ctx)
            ok = ok and value is not INVALID
            values[self.rename.get(key, key)] = value
        for key in self._required(node):
            if key not in node.items:
                ctx.error(node, path, f"missing required key '{key}'")
                ok = False
        if not ok:
            return INVALID
        if self.make is dict:
            return values
        return self.make(path=path, **values)

    def _required(self, node: Map) -> list[str]:
        if self.unless:
            flag, instead = self.unless
            flag_node = node.items.get(flag, (None, None))[1]
            if isinstance(flag_node, Scalar) and flag_node.plain and _BOOLS.get(flag_node.text) is True:
                return list(instead)
        return [k for k, f in self.fields.items() if f.required]

    def json(self) -> dict:
        out: dict = {"type": "object", "additionalProperties": False}
        if self.description:
            out["description"] = self.description
        out["properties"] = {k: _property(f) for k, f in self.fields.items()}
        required = [k for k, f in self.fields.items() if f.required]
        if self.unless:
            flag, instead = self.unless
            out["if"] = {"properties": {flag: {"const": True}}, "required": [flag]}
            out["then"] = {"required": list(instead)}
            out["else"] = {"required": required}
        elif required:
            out["required"] = required
        return out

    def human(self) -> str:
        return f"{'an' if self.title[0] in 'aeiou' else 'a'} {self.title}"


def _property(key: Key) -> dict:
    out = key.type.json()
    if key.doc:
        out = {"description": key.doc, **out}
    if key.example is not None:
        out["examples"] = [key.example]
    return out
