"""The changelog of the organisation: how roles and people moved, from the git history of project.yml.

Every revision goes through the real check pipeline; only versions without errors are
compared, and the comparison is made on the resolved public model, so ``internal:``
notes can never show up here. History always uses today's role catalog.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from . import format as fmt
from . import i18n
from .check import UsageError, load_catalog, locator, project_file, select
from .diagnostics import Diagnostic, Pos, UserError, has_errors
from .escape import text
from .model import Catalog, Meeting
from .resolve import GROUPS, Resolved, resolve
from .rules import check_rules
from .schema import INVALID, Ctx
from .view import View
from .yamlload import MAX_BYTES, Map, parse

MAX_COMMITS = 200
GIT_TIMEOUT = 60  # seconds for one git call
_FORMAT = "%H%x1f%h%x1f%cI%x1f%s"
_HEX = re.compile(r"[0-9a-f]{4,64}")


# the check pipeline on text ---------------------------------------------------------------


def resolve_text(text: str, display: str, catalog: Catalog) -> Resolved | None:
    """The resolved project of one version of a file, or None when that version has errors."""
    return _check_text(text, display, catalog)[0]


def _check_text(source: str, display: str, catalog: Catalog) -> tuple[Resolved | None, list[Diagnostic]]:
    """check.check_project for text instead of a file: shape -> resolve -> rules."""
    try:
        root, diagnostics = parse(source.removeprefix("\ufeff"), display)
    except UserError as exc:
        return None, exc.diagnostics
    if not isinstance(root, Map):
        return None, [Diagnostic(root.pos, "", "the file must be a mapping of keys")]
    ctx = Ctx(diagnostics=list(diagnostics))
    project = fmt.PROJECT.check(root, "", ctx)
    if project is INVALID or has_errors(ctx.diagnostics):
        return None, ctx.diagnostics
    locate = locator(ctx.locations, root.pos)
    resolved, ref_errors = resolve(project, catalog, locate)
    found = ctx.diagnostics + ref_errors
    if not ref_errors:
        found += check_rules(resolved, locate)
    found.sort(key=Diagnostic.sort_key)
    return (None if has_errors(found) else resolved), found


def _check_bytes(data: bytes, display: str, catalog: Catalog) -> tuple[Resolved | None, list[Diagnostic]]:
    if len(data) > MAX_BYTES:
        return None, [Diagnostic(Pos(display, 1, 1), "", f"file is {len(data)} bytes; the limit is {MAX_BYTES}")]
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, [Diagnostic(Pos(display, 1, 1), "", "the file is not valid UTF-8; save it as UTF-8")]
    return _check_text(source, display, catalog)


# the comparison ------------------------------------------------------------------------------


def semantic_diff(old: Resolved, new: Resolved, lang: str) -> list[str]:
    """What changed between two valid versions, in words, in a fixed order."""
    differ = _Differ(old, new, lang)
    for section in (differ.project, differ.people, differ.roles, differ.workgroups, differ.raci,
                    differ.communication, differ.meetings, differ.milestones, differ.escalation):
        section()
    return differ.out


def _union(old: dict, new: dict) -> list:
    """Keys of ``new`` in order, then the keys only ``old`` has."""
    return [*new, *(k for k in old if k not in new)]


def _keyed(items: list, key) -> dict:
    """Items by key; a repeated key gets a counter so no item is lost."""
    out: dict = {}
    for item in items:
        k, n = key(item), 0
        while (k, n) in out:
            n += 1
        out[(k, n)] = item
    return out


class _Differ:
    def __init__(self, old: Resolved, new: Resolved, lang: str) -> None:
        self.old, self.new, self.lang = old, new, lang
        self.L = i18n.LABELS[lang]
        self.out: list[str] = []

    # words -----------------------------------------------------------------------------
    def say(self, key: str, **values: object) -> None:
        self.out.append(self.L[key].format(**values))

    def q(self, value: str) -> str:
        return self.L["ch_quote"].format(x=value)

    def name(self, r: Resolved, ref: str | None) -> str:
        if not ref:
            return ""
        kind = r.kind(ref)
        if kind == "person":
            return r.people[ref].name
        if kind == "role":
            return r.roles[ref].name.get(self.lang)
        if kind == "workgroup":
            return r.workgroups[ref].name
        if ref == "contractor":
            return r.contractor
        return self.L[ref] if ref in GROUPS else ref

    def names(self, r: Resolved, refs: list[str]) -> str:
        return ", ".join(self.name(r, ref) for ref in refs)

    def when(self, d: date | datetime | None) -> str:
        return i18n.when(self.lang, d) if d else ""

    # the sentence patterns -----------------------------------------------------------------
    def field(self, subject: str, what: str, old: object, new: object) -> None:
        """One value: set, cleared or changed."""
        old, new = str(old or ""), str(new or "")
        if old == new:
            return
        if subject:
            if not old:
                self.say("ch_set_added", subject=subject, what=what, names=new)
            elif not new:
                self.say("ch_set_removed", subject=subject, what=what, names=old)
            else:
                self.say("ch_field", subject=subject, what=what, old=old, new=new)
        elif not old:
            self.say("ch_added", what=what, names=new)
        elif not new:
            self.say("ch_removed", what=what, names=old)
        else:
            self.say("ch_field_top", what=what, old=old, new=new)

    def refs(self, subject: str, what: str, old: list[str], new: list[str]) -> None:
        """A list of references: who joined, who left."""
        added = [ref for ref in new if ref not in old]
        removed = [ref for ref in old if ref not in new]
        if added:
            self.say("ch_set_added", subject=subject, what=what, names=self.names(self.new, added))
        if removed:
            self.say("ch_set_removed", subject=subject, what=what, names=self.names(self.old, removed))

    def ref(self, subject: str, what: str, old: str | None, new: str | None) -> None:
        if old != new:
            self.field(subject, what, self.name(self.old, old), self.name(self.new, new))

    def items(self, old: dict, new: dict, added, removed, changed) -> None:
        for key in _union(old, new):
            if key not in old:
                added(new[key])
            elif key not in new:
                removed(old[key])
            else:
                changed(old[key], new[key])

    # sections ----------------------------------------------------------------------------------
    def project(self) -> None:
        o, n, L = self.old.project, self.new.project, self.L
        self.field("", L["client"], o.client, n.client)
        self.field("", L["ch_title_field"], o.title, n.title)
        self.field("", L["status"], L[f"status_{o.status}"], L[f"status_{n.status}"])
        self.field("", L["period"], self.period(o.period), self.period(n.period))

    def period(self, p) -> str:
        if not p or not (p.start or p.end):
            return ""
        start = i18n.long_date(self.lang, p.start) if p.start else "…"
        return f"{start} – {i18n.long_date(self.lang, p.end) if p.end else '…'}"

    def people(self) -> None:
        def what(p) -> str:
            return self.L["team"] if p.kind == "team" else self.L["person"]

        def changed(o, n) -> None:
            if o.name != n.name:
                self.say("ch_renamed", what=what(n), old=o.name, new=n.name)
            for key in ("side", "department", "position", "email", "phone", "hours"):
                old, new = getattr(o, key), getattr(n, key)
                if key == "side":
                    old, new = self.L[old], self.L[new]
                self.field(n.name, self.L[key], old, new)
            self.ref(n.name, self.L["deputy"], o.deputy, n.deputy)
            self.field(n.name, self.L["represents"], ", ".join(o.represents or []), ", ".join(n.represents or []))

        self.items(self.old.people, self.new.people,
                   lambda p: self.say("ch_added", what=what(p), names=p.name),
                   lambda p: self.say("ch_removed", what=what(p), names=p.name), changed)

    def roles(self) -> None:
        old, new, L = self.old.roles, self.new.roles, self.L
        for rid in _union(old, new):
            role = new.get(rid) or old[rid]
            label = role.name.get(self.lang)
            if rid not in old:
                self.say("ch_added", what=L["role"], names=label)
            elif rid not in new:
                self.say("ch_removed", what=L["role"], names=label)
            elif old[rid].name.get(self.lang) != label:
                self.say("ch_renamed", what=L["role"], old=old[rid].name.get(self.lang), new=label)
            self.holders(rid, label)

    def holders(self, rid: str, label: str) -> None:
        """Holders per role; key users per department they speak for."""
        old, new = _holder_groups(self.old, rid), _holder_groups(self.new, rid)
        for department in _union(old, new):
            was, now = old.get(department, []), new.get(department, [])
            if sorted(was) == sorted(now):
                continue
            role = f"{label} {department}".strip()
            gone = [pid for pid in was if pid not in now]
            came = [pid for pid in now if pid not in was]
            if not gone:
                self.say("ch_holders_added", role=role, names=self.names(self.new, came))
            elif not came:
                self.say("ch_holders_removed", role=role, names=self.names(self.old, gone))
            else:
                self.say("ch_holders", role=role, old=self.names(self.old, was), new=self.names(self.new, now))

    def workgroups(self) -> None:
        what = self.L["ch_workgroup"]

        def changed(o, n) -> None:
            if o.name != n.name:
                self.say("ch_renamed", what=what, old=o.name, new=n.name)
            subject = f"{what} {n.name}"
            self.ref(subject, self.L["lead"], o.lead, n.lead)
            self.refs(subject, self.L["members"], o.members, n.members)
            self.field(subject, self.L["topic"], o.topic, n.topic)

        self.items(self.old.workgroups, self.new.workgroups,
                   lambda w: self.say("ch_added", what=what, names=w.name),
                   lambda w: self.say("ch_removed", what=what, names=w.name), changed)

    def task_name(self, task) -> str:
        return self.q(task.task.get(self.lang) if task.task else task.id or "")

    def raci(self) -> None:
        def key(task) -> str:
            return task.id or f"#{task.task.de if task.task else ''}"

        def changed(o, n) -> None:
            if self.task_name(o) != self.task_name(n):
                self.say("ch_renamed", what=self.L["ch_task"], old=self.task_name(o), new=self.task_name(n))
            subject = f"RACI {self.task_name(n)}"
            self.refs(subject, "R", o.responsible, n.responsible)
            self.ref(subject, "A", o.accountable, n.accountable)
            self.refs(subject, "C", o.consulted, n.consulted)
            self.refs(subject, "I", o.informed, n.informed)
            phase = (o.phase.get(self.lang) if o.phase else None, n.phase.get(self.lang) if n.phase else None)
            self.field(subject, self.L["phase"], *phase)

        self.items(_keyed(self.old.tasks, key), _keyed(self.new.tasks, key),
                   lambda t: self.say("ch_added", what=self.L["ch_task"], names=self.task_name(t)),
                   lambda t: self.say("ch_removed", what=self.L["ch_task"], names=self.task_name(t)), changed)

    def communication(self) -> None:
        what, L = self.L["ch_comm"], self.L

        def line(r: Resolved, c) -> str:
            return L["ch_line_to"].format(topic=self.q(c.topic), sender=self.name(r, c.from_), to=self.names(r, c.to))

        def changed(o, n) -> None:
            subject = f"{what} " + L["ch_line"].format(topic=self.q(n.topic), sender=self.name(self.new, n.from_))
            self.refs(subject, L["to"], o.to, n.to)
            self.field(subject, L["when"], o.when, n.when)
            self.field(subject, L["channel"], o.channel, n.channel)

        def key(c) -> tuple[str, str]:
            return (c.topic, c.from_)

        self.items(_keyed(self.old.project.communication, key), _keyed(self.new.project.communication, key),
                   lambda c: self.say("ch_added", what=what, names=line(self.new, c)),
                   lambda c: self.say("ch_removed", what=what, names=line(self.old, c)), changed)

    def meetings(self) -> None:
        what, L = self.L["ch_meeting"], self.L

        def label(m: Meeting) -> str:
            return f"{self.q(m.name)} ({self.when(m.date)})" if m.date else self.q(m.name)

        def changed(o: Meeting, n: Meeting) -> None:
            if o.name != n.name:
                self.say("ch_renamed", what=what, old=self.q(o.name), new=self.q(n.name))
            subject = f"{what} {self.q(n.name)}"
            if o.date and n.date and o.date != n.date:
                self.say("ch_moved", subject=subject, old=self.when(o.date), new=self.when(n.date))
            else:
                self.field(subject, L["date"], self.when(o.date), self.when(n.date))
            self.field(subject, L["type"], L[f"type_{o.type}"], L[f"type_{n.type}"])
            self.field(subject, L["recurrence"], self.recurrence(o), self.recurrence(n))
            self.field(subject, L["duration"], *(f"{m.duration} {L['minutes']}" if m.duration else "" for m in (o, n)))
            self.ref(subject, L["organiser"], o.organiser, n.organiser)
            self.refs(subject, L["participants"], o.participants, n.participants)
            self.field(subject, L["location"], o.location, n.location)

        def key(m: Meeting) -> str:
            return m.id or f"#{m.name}"

        self.items(_keyed(self.old.project.meetings, key), _keyed(self.new.project.meetings, key),
                   lambda m: self.say("ch_added", what=what, names=label(m)),
                   lambda m: self.say("ch_removed", what=what, names=label(m)), changed)

    def recurrence(self, m: Meeting) -> str:
        return i18n.recurrence(self.lang, m.recurrence, m.until) if m.recurrence else ""

    def milestones(self) -> None:
        what, L = self.L["milestone"], self.L

        def label(m) -> str:
            return f"{self.q(m.name)} ({self.when(m.date)})"

        def changed(o, n) -> None:
            subject = f"{what} {self.q(n.name)}"
            self.field(subject, L["date"], self.when(o.date), self.when(n.date))
            self.ref(subject, L["owner"], o.owner, n.owner)
            if o.done != n.done:
                self.say("ch_done" if n.done else "ch_reopened", subject=subject)

        self.items(_keyed(self.old.project.milestones, lambda m: m.name),
                   _keyed(self.new.project.milestones, lambda m: m.name),
                   lambda m: self.say("ch_added", what=what, names=label(m)),
                   lambda m: self.say("ch_removed", what=what, names=label(m)), changed)

    def escalation(self) -> None:
        L = self.L

        def level(e) -> str:
            return L["ch_level"].format(level=e.level)

        def changed(o, n) -> None:
            self.ref(level(n), L["contact"], o.contact, n.contact)
            self.field(level(n), L["when"], o.when, n.when)
            self.field(level(n), L["channel"], o.channel, n.channel)

        self.items(_keyed(self.old.project.escalation, lambda e: e.level),
                   _keyed(self.new.project.escalation, lambda e: e.level),
                   lambda e: self.say("ch_added", what=level(e), names=self.name(self.new, e.contact)),
                   lambda e: self.say("ch_removed", what=level(e), names=self.name(self.old, e.contact)), changed)


def _holder_groups(r: Resolved, role_id: str) -> dict[str, list[str]]:
    """Holder ids of a role by department; only key users are told apart by department."""
    groups: dict[str, list[str]] = {}
    for person in r.holders(role_id):
        departments = person.departments_represented if role_id == "key_user" else []
        for department in departments or [""]:
            groups.setdefault(department, []).append(person.id)
    return groups


# git ---------------------------------------------------------------------------------------------


@dataclass
class Entry:
    date: datetime  # commit time, in the committer's time zone
    commit: str  # short hash
    subject: str
    changes: list[str]
    valid: bool


@dataclass(frozen=True)
class _Commit:
    hash: str
    short: str
    date: datetime
    subject: str
    path: str  # of project.yml in this commit, relative to the top of the git repository


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    """Output of a git command, or None when git is missing, fails or hangs."""
    try:
        done = subprocess.run(["git", "-c", "log.showSignature=false", *args], cwd=repo, input=stdin,
                              capture_output=True, timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def _log(repo: Path, slug: str) -> list[_Commit]:
    """Commits that touched the project file, newest first, following renames."""
    prefix = _git(repo, "rev-parse", "--show-prefix")
    out = _git(repo, "log", "--follow", f"--max-count={MAX_COMMITS + 1}", "-z", "--name-only",
               f"--format={_FORMAT}", "--", project_file(slug))
    if prefix is None or out is None:
        return []
    path = prefix.decode("utf-8", "replace").strip() + project_file(slug)
    records: list[list[str]] = []
    for token in out.decode("utf-8", "replace").split("\0"):
        if token.startswith("\n") and records:
            records[-1][4] = path = token[1:]
        elif token:
            records.append([*token.split("\x1f", 3), path])  # a merge lists no path: the newer one holds
    return [_Commit(h, short, datetime.fromisoformat(when), subject, p) for h, short, when, subject, p in records]


def _read_blobs(repo: Path, specs: list[str]) -> list[bytes | None]:
    """The contents of REV:PATH objects in one git call; None for each that does not exist."""
    out = _git(repo, "cat-file", "--batch", stdin="".join(f"{spec}\n" for spec in specs).encode())
    blobs: list[bytes | None] = []
    pos = 0
    for _ in specs:
        if out is None or pos >= len(out):
            blobs.append(None)
            continue
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) != 3 or not header[2].isdigit():  # "<spec> missing", "<spec> ambiguous"
            blobs.append(None)
            continue
        size = int(header[2])
        blobs.append(out[pos : pos + size] if header[1] == b"blob" else None)
        pos += size + 1
    return blobs


def history(repo: Path, slug: str, catalog: Catalog, lang: str) -> list[Entry] | None:
    """One entry per commit of the project file, newest first; None without git history."""
    commits = _log(repo, slug)
    if not commits:
        return None
    blobs = _read_blobs(repo, [f"{c.hash}:{c.path}" for c in commits])
    versions = list(zip(commits, blobs, strict=True))[::-1]
    previous = None
    if len(versions) > MAX_COMMITS:  # the oldest one only serves as the base of the comparison
        (base, blob), *versions = versions
        previous = _version(blob, base.path, catalog)
    entries = []
    for commit, blob in versions:
        resolved = _version(blob, commit.path, catalog)
        if resolved is None:
            found = []  # not valid at that time: skipped in the comparison
        elif previous is None:
            found = [i18n.LABELS[lang]["ch_created"]]
        else:
            found = semantic_diff(previous, resolved, lang)
        entries.append(Entry(commit.date, commit.short, commit.subject, found, resolved is not None))
        previous = resolved or previous
    return entries[::-1]


def _version(blob: bytes | None, display: str, catalog: Catalog) -> Resolved | None:
    return None if blob is None else _check_bytes(blob, display, catalog)[0]


def diff_revisions(repo: Path, slug: str, catalog: Catalog, rev1: str | None, rev2: str | None, lang: str) -> list[str]:
    """Changes from REV1 (default HEAD) to REV2 (default: the file in the working tree)."""
    old, new = _pair(repo, slug, catalog, rev1, rev2)
    return semantic_diff(old, new, lang)


def _pair(repo: Path, slug: str, catalog: Catalog, rev1: str | None, rev2: str | None) -> tuple[Resolved, Resolved]:
    if shutil.which("git") is None:
        raise UsageError("git is not installed; handbook diff compares versions from git")
    if _git(repo, "rev-parse", "--show-prefix") is None:
        raise UsageError(f"{repo} is not inside a git repository; handbook diff compares versions from git")
    file = project_file(slug)
    old = _valid(_at_revision(repo, file, rev1 or "HEAD"), f"{rev1 or 'HEAD'}:{file}", catalog)
    if rev2 is not None:
        return old, _valid(_at_revision(repo, file, rev2), f"{rev2}:{file}", catalog)
    try:
        data = (repo / file).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {file}: {exc.strerror}") from None
    return old, _valid(data, file, catalog)


def _at_revision(repo: Path, file: str, rev: str) -> bytes:
    if rev.startswith("-") or _git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}") is None:
        raise UsageError(f"unknown revision '{rev}'; name a commit, branch or tag (see git log)")
    data = _read_blobs(repo, [f"{rev}:./{file}"])[0]
    if data is None:
        raise UsageError(f"{file} does not exist at revision '{rev}'")
    return data


def _valid(data: bytes, display: str, catalog: Catalog) -> Resolved:
    resolved, diagnostics = _check_bytes(data, display, catalog)
    if resolved is None:
        raise UserError(*[d for d in diagnostics if d.severity == "error"])
    return resolved


def cmd_diff(repo: Path, slug: str, rev1: str | None, rev2: str | None) -> int:
    """`handbook diff SLUG [REV1] [REV2]`: print the changes, one per line."""
    from .report import Reporter

    if rev2 is None:
        select(repo, [slug])  # an unknown slug is a usage error with a suggestion
    catalog, problems = load_catalog(repo)
    try:
        if catalog is None:
            raise UserError(*problems)
        old, new = _pair(repo, slug, catalog, rev1, rev2)
    except UserError as exc:
        reporter = Reporter(out=sys.stderr)
        for diagnostic in exc.diagnostics:
            reporter.diagnostic(diagnostic)
        return 1
    changes = semantic_diff(old, new, new.lang)
    print("\n".join(changes) if changes else i18n.LABELS[new.lang]["ch_no_changes"])
    return 0


# the page -------------------------------------------------------------------------------------


def changes_page(view: View, entries: list[Entry] | None) -> str:
    """The Markdown of the changes page: one section per commit, newest first."""
    L = view.L
    lines = [f"# {L['ch_heading']}", ""]
    if not entries:
        return "\n".join([*lines, L["ch_no_history"]]) + "\n"
    lines += [L["ch_intro"], ""]
    for entry in entries:
        heading = i18n.long_date(view.lang, entry.date.date())
        if entry.subject.strip():
            heading += f" – {text(entry.subject.strip())}"
        lines += [f"## {heading}", "", f"{L['ch_version']} <code>{_hash(entry.commit)}</code>", ""]
        if not entry.valid:
            lines += [L["ch_invalid"], ""]
        elif not entry.changes:
            lines += [L["ch_unchanged"], ""]
        else:
            lines += [*(f"- {text(change)}" for change in entry.changes), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _hash(commit: str) -> str:
    """A commit hash as it is; anything else escaped like all text."""
    return commit if _HEX.fullmatch(commit) else text(commit)
