"""Every way handbook can fail, and the exit code each one gives: one hierarchy, one table.

- UserError: the user's input has problems (a project file, an extra page); the diagnostics
  say where and what to do. Exit 1.
- BuildError: a client could not be built (the engine, dot, Chromium, a full disk); that
  client fails with the message, the others go on. Exit 1 when any client failed.
- UsageError: the command line or the folder is wrong (an unknown slug, an output folder
  that is not ours). Exit 2.
- MissingTool: a program handbook needs is not installed (Graphviz, Chromium, git). Exit 3.

Anything else is a bug in handbook and shows its traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .project.diagnostics import Diagnostic

OK = 0
FAILED = 1  # problems in the input, or a client that failed to build
USAGE = 2
MISSING_TOOL = 3
INTERRUPTED = 130


class HandbookError(Exception):
    """A failure handbook reports as a message, never as a traceback."""

    exit_code = FAILED


class UserError(HandbookError):
    """Problems in the user's input, each a diagnostic with its position."""

    def __init__(self, *diagnostics: Diagnostic) -> None:
        super().__init__("; ".join(d.human() for d in diagnostics))
        self.diagnostics = list(diagnostics)


class BuildError(HandbookError):
    """One client (or the internal site) could not be built; the message says why."""


class UsageError(HandbookError):
    """Wrong use of the command line or of a folder."""

    exit_code = USAGE


class MissingTool(HandbookError):
    """A program handbook runs (dot, chromium, git) is not installed."""

    exit_code = MISSING_TOOL

    def __init__(self, tool: str, package: str, purpose: str) -> None:
        super().__init__(f"{tool} was not found; it is needed {purpose}; install it: apt-get install {package}")
        self.tool = tool


def exit_code(errors: Iterable[HandbookError]) -> int:
    """The exit code of a run that met these failures: the highest wins."""
    return max((e.exit_code for e in errors), default=OK)
