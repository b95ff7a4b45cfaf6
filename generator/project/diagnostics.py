"""Diagnostics: what went wrong, where, and how it is reported."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "note"]


@dataclass(frozen=True, order=True)
class Pos:
    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Diagnostic:
    """One finding. A warning names its ``rule`` (the id an ``accept:`` entry uses); an accepted
    warning keeps its text and carries the consultant's reason in ``accepted``. A note (such as a
    catalog task adapted to the project) is neither a warning nor an error."""

    pos: Pos
    path: str  # key path such as people[3].email; "" for the whole file
    message: str
    severity: Severity = "error"
    rule: str = ""
    accepted: str | None = None  # the reason of the matching accept entry

    def sort_key(self) -> tuple:
        return (self.pos, self.path, self.message)

    @property
    def kind(self) -> str:
        """What the reporter calls it: error, warning, note, or accepted."""
        return "accepted" if self.accepted is not None else self.severity

    @property
    def counts_as_warning(self) -> bool:
        return self.severity == "warning" and self.accepted is None

    def text(self) -> str:
        """The message with its key path, rule id and, when accepted, the reason."""
        where = f"{self.path}: " if self.path else ""
        rule = f" [{self.rule}]" if self.rule else ""
        reason = f" (accepted: {self.accepted})" if self.accepted is not None else ""
        return f"{where}{self.message}{rule}{reason}"

    def human(self) -> str:
        return f"{self.pos}: {self.kind}: {self.text()}"

    def github(self) -> str:
        kind = {"error": "error", "warning": "warning"}.get(self.kind, "notice")
        file = _gh_escape(self.pos.file, prop=True)
        return f"::{kind} file={file},line={self.pos.line},col={self.pos.col}::{_gh_escape(self.text())}"


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def did_you_mean(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str:
    """A ' (did you mean 'x'?)' suffix when a close candidate exists (case ignored), else ''."""
    by_lower: dict[str, str] = {}
    for candidate in sorted(set(candidates)):
        by_lower.setdefault(candidate.lower(), candidate)
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=cutoff)
    return f" (did you mean '{by_lower[close[0]]}'?)" if close else ""


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in diagnostics)
