"""The one place that prints diagnostics and summaries."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from typing import TextIO

from generator.project.clients import CheckRun
from generator.project.diagnostics import Diagnostic

_COLOURS = {
    "error": "\033[31m",
    "warning": "\033[33m",
    "ok": "\033[32m",
    "dim": "\033[2m",
    "note": "\033[36m",
    "accepted": "\033[2m",
}
_RESET = "\033[0m"


class Reporter:
    def __init__(self, fmt: str = "human", out: TextIO | None = None, strict: bool = False) -> None:
        self.fmt = fmt
        self.out = out or sys.stdout
        self.strict = strict
        self.colour = fmt == "human" and self.out.isatty() and "NO_COLOR" not in os.environ

    def paint(self, text: str, colour: str) -> str:
        return f"{_COLOURS[colour]}{text}{_RESET}" if self.colour else text

    def diagnostic(self, d: Diagnostic) -> None:
        if self.fmt == "github":
            print(d.github(), file=self.out)
            return
        print(f"{d.pos}: {self.paint(d.kind + ':', d.kind)} {d.text()}", file=self.out)

    def line(self, text: str, colour: str | None = None) -> None:
        if self.fmt == "github" and colour is None:
            return
        print(self.paint(text, colour) if colour else text, file=self.out)

    def check_run(self, run: CheckRun) -> int:
        """Print every diagnostic and a summary; return the exit code."""
        if self.fmt == "gitlab":
            return self._gitlab(run)
        found = sorted(run.all_diagnostics(), key=Diagnostic.sort_key)
        for d in found:
            self.diagnostic(d)
        errors = sum(d.severity == "error" for d in found)
        warnings = sum(d.counts_as_warning for d in found)
        accepted = sum(d.accepted is not None for d in found)
        notes = sum(d.severity == "note" for d in found)
        failed = sum(1 for r in run.results if not r.ok)
        if run.catalog is None and run.results:
            self.line("the catalog projects/roles.yml has errors: no project could be checked", "error")
        summary = (
            f"{len(run.results)} project(s) checked: {len(run.results) - failed} ok, "
            f"{failed} with errors; {errors} error(s), {warnings} warning(s)"
        )
        summary += "".join(f", {n} {what}" for n, what in ((accepted, "accepted"), (notes, "note(s)")) if n)
        strict_fail = self.strict and warnings > 0
        bad = errors > 0 or strict_fail
        if self.fmt == "github":
            print(summary, file=self.out)
        else:
            self.line(summary, "error" if bad else ("warning" if warnings else "ok"))
        if strict_fail:
            self.line(
                f"--strict: the {warnings} warning(s) fail the check; fix each one, or accept it in the project "
                "file (accept: - rule: RULE-ID, at: KEY-PATH, reason: why)",
                "error",
            )
        return 1 if bad else 0

    def progress(self, i: int, n: int, outcome) -> None:
        if outcome.state == "built":
            self.line(f"[{i}/{n}] {outcome.slug}: built in {outcome.seconds:.1f} s", "ok")
        else:
            self.line(f"[{i}/{n}] {outcome.slug}: {outcome.state}: {outcome.reason}", "error")

    def build_summary(self, run: CheckRun, outcomes: list, out) -> int:
        """Errors and warnings first (notes and accepted warnings are `check`'s), then one line:
        built, skipped, failed; exit 1 when any failed."""
        for d in sorted(run.all_diagnostics(), key=Diagnostic.sort_key):
            if d.severity == "error" or d.counts_as_warning:
                self.diagnostic(d)
        counts = {state: sum(o.state == state for o in outcomes) for state in ("built", "skipped", "failed")}
        failed = counts["failed"] + sum(d.severity == "error" for d in run.diagnostics)
        text = (
            f"{counts['built']} built, {counts['skipped']} skipped, {counts['failed']} failed "
            f"({len(outcomes)} client(s)) -> {out}/"
        )
        self.line(text, "error" if failed else "ok")
        if self.fmt == "github":
            print(text, file=self.out)
        return 1 if failed else 0

    def _gitlab(self, run: CheckRun) -> int:
        """GitLab Code Quality report (a JSON list) on stdout; exit code as for the other formats."""
        issues = []
        failing = False
        for d in sorted(run.all_diagnostics(), key=Diagnostic.sort_key):
            if d.accepted is not None:
                continue  # looked at and accepted: nothing for the merge request to show
            text = d.text()
            fingerprint = hashlib.sha256(f"{d.pos}|{text}".encode()).hexdigest()
            severity = {"error": "major", "warning": "minor"}.get(d.severity, "info")
            failing = failing or d.severity == "error" or (self.strict and d.severity == "warning")
            issues.append(
                {
                    "description": text,
                    "check_name": d.rule or "handbook",
                    "fingerprint": fingerprint,
                    "severity": severity,
                    "location": {"path": d.pos.file, "lines": {"begin": d.pos.line}},
                }
            )
        print(json.dumps(issues, indent=2, ensure_ascii=False), file=self.out)
        return 1 if failing else 0
