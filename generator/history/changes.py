"""The changelog of the organisation: how roles and people moved, from the git history of project.yml.

Every revision goes through the real check pipeline; only versions without errors are
compared, and the comparison is made on the resolved public model, so ``internal:``,
``feedback:`` and absence reasons can never show up here. Of git, only the content of the
file and the day of each commit are read: no commit message, author or e-mail reaches a
client's site. A day whose commits changed nothing public (only ``internal:``, say) gives
no entry. History always uses today's role catalog.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from functools import cache
from pathlib import Path

from generator import i18n, keep
from generator.errors import MissingTool, UsageError, UserError
from generator.history import git
from generator.history.differ import semantic_diff
from generator.layout import project_file
from generator.project.check import check_source, load_catalog, select
from generator.project.model import Catalog
from generator.project.resolve import Resolved
from generator.render.site import Entry

MAX_COMMITS = 200


def resolve_text(text: str, display: str, catalog: Catalog) -> Resolved | None:
    """The resolved project of one version of a file, or None when that version has errors."""
    return check_source(text.encode("utf-8"), display, catalog)[0]


def history(repo: Path, slug: str, catalog: Catalog, lang: str) -> list[Entry] | None:
    """One entry per day whose commits changed the public view, newest first; None without git history.

    Each day is the last valid version of that day compared with the version shown before it,
    so a change undone the same day, a version with errors, or a commit that touched only
    what a client never sees (``internal:``, ``feedback:``, absence reasons) gives no entry.
    The entries are kept (KEPT) by everything they are made of: the versions' commit times,
    paths and blob ids, the catalog, the language and the code.
    """
    versions = own_versions(repo, slug, catalog, MAX_COMMITS + 1)[::-1]
    if not versions:
        return None
    key = _key(versions, catalog, lang)
    entries = _read_kept(key)
    if entries is None:
        entries = _entries(versions, catalog, lang)
        KEPT.put(key, json.dumps([[e.day.isoformat(), e.changes] for e in entries], ensure_ascii=False).encode())
    return entries


Version = tuple[git.Commit, tuple[str, bytes] | None]  # a commit and its (blob id, contents)


def own_versions(repo: Path, slug: str, catalog: Catalog, limit: int) -> list[Version]:
    """The client's project file at each commit that touched it, newest first, as far back as it
    was this client's: git follows a renamed file, and a file renamed from another client's
    (one client's folder deleted and a new one made of its file, in one commit) would carry
    that client's history. So a rename is followed only where the versions on both sides
    name the same client (``client:``); a copy is never followed (git.log)."""
    commits = git.log(repo, project_file(slug), limit)
    versions = list(zip(commits, git.objects(repo, [f"{c.hash}:{c.path}" for c in commits]), strict=True))
    for at in range(1, len(versions)):
        newer, older = versions[at - 1], versions[at]
        if newer[0].path == older[0].path:
            continue
        client = _client(newer, catalog)
        if client is None or client != _client(older, catalog):
            return versions[:at]
    return versions


def _client(version: Version, catalog: Catalog) -> str | None:
    """The client a version names; None where it cannot be told (missing, or with errors)."""
    commit, found = version
    resolved = None if found is None else resolve_blob(found[1], commit.path, catalog)
    return None if resolved is None else resolved.project.client


def _entries(versions: list[Version], catalog: Catalog, lang: str) -> list[Entry]:
    """The entries from the versions, oldest first. Only the versions that decide are checked:
    a day's, newest first, until one is valid; a blob seen before is not checked again."""
    checked: dict[tuple[str, str], Resolved | None] = {}

    def resolved(version: Version) -> Resolved | None:
        commit, found = version
        if found is None:
            return None
        key = (found[0], commit.path)
        if key not in checked:
            checked[key] = resolve_blob(found[1], commit.path, catalog)
        return checked[key]

    shown = None
    if len(versions) > MAX_COMMITS:  # the oldest one only serves as the base of the comparison
        base, *versions = versions
        shown = resolved(base)
    days: dict[date, list[Version]] = {}
    for version in versions:  # oldest first, in git's order
        days.setdefault(version[0].date.date(), []).append(version)
    entries = []
    for day in sorted(days):
        last = next((r for r in map(resolved, reversed(days[day])) if r is not None), None)
        if last is None:
            continue
        changes = [i18n.LABELS[lang]["ch_created"]] if shown is None else semantic_diff(shown, last, lang)
        if changes:
            entries.append(Entry(day, changes))
        shown = last
    return entries[::-1]


KEPT = keep.Store("history", limit=5_000)  # a client's entries, by _key


def _key(versions: list[Version], catalog: Catalog, lang: str) -> str:
    h = hashlib.sha256(_made_by() + lang.encode() + b"\0" + repr(catalog).encode("utf-8", "surrogatepass"))
    for commit, found in versions:
        h.update(
            f"\0{commit.date.isoformat()}\0{commit.path}\0{found[0] if found else '-'}".encode("utf-8", "surrogatepass")
        )
    return h.hexdigest()


def _read_kept(key: str) -> list[Entry] | None:
    data = KEPT.get(key)
    if data is None:
        return None
    try:
        return [Entry(date.fromisoformat(day), [str(c) for c in changes]) for day, changes in json.loads(data)]
    except (ValueError, TypeError):  # not what this code writes
        return None


@cache
def _made_by() -> bytes:
    """What shapes a client's entries besides its versions: handbook's code (checking, resolving,
    comparing, the labels), Python (unicodedata) and the releases of what reads a version."""
    package = Path(__file__).resolve().parent.parent
    return keep.code_digest(("pyyaml", "phonenumbers", "markdown", "nh3", "tzdata"), package, "**/*.py")


def resolve_blob(blob: bytes | None, display: str, catalog: Catalog) -> Resolved | None:
    """The resolved project of one stored version; None when it is missing or has errors."""
    return None if blob is None else check_source(blob, display, catalog)[0]


def diff_revisions(repo: Path, slug: str, catalog: Catalog, rev1: str | None, rev2: str | None, lang: str) -> list[str]:
    """Changes from REV1 (default HEAD) to REV2 (default: the file in the working tree)."""
    old, new = _pair(repo, slug, catalog, rev1, rev2)
    return _changes(old, new, lang)


def _changes(old: Resolved | None, new: Resolved, lang: str) -> list[str]:
    """The semantic diff; from nothing (before the project's first commit) it is "created"."""
    return [i18n.LABELS[lang]["ch_created"]] if old is None else semantic_diff(old, new, lang)


def _pair(
    repo: Path, slug: str, catalog: Catalog, rev1: str | None, rev2: str | None
) -> tuple[Resolved | None, Resolved]:
    """The older version (None before the file existed) and the newer one."""
    if not git.available():
        raise MissingTool("git", "git", "to compare versions from git (handbook diff)")
    if not git.is_repository(repo):
        raise UsageError(f"{repo} is not inside a git repository; handbook diff compares versions from git")
    file = project_file(slug)
    before = _at_revision(repo, file, rev1 or "HEAD", missing_ok=True)
    old = None if before is None else _valid(before, f"{rev1 or 'HEAD'}:{file}", catalog)
    if rev2 is not None:
        after = _at_revision(repo, file, rev2)
        assert after is not None
        return old, _valid(after, f"{rev2}:{file}", catalog)
    try:
        data = (repo / file).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {file}: {exc.strerror}") from None
    return old, _valid(data, file, catalog)


_PARENT_OF = re.compile(r"^(.+?)(~\d*|\^\d*)$")


def _at_revision(repo: Path, file: str, rev: str, missing_ok: bool = False) -> bytes | None:
    """The file at ``rev``. With ``missing_ok``, None where it did not exist yet: at a commit
    before the file was added, or one before the repository's first commit (``ROOT~1``)."""
    if not git.is_commit(repo, rev):
        if missing_ok and _before_first_commit(repo, rev):
            return None
        raise UsageError(f"unknown revision '{rev}'; name a commit, branch or tag (see git log)")
    data = git.blobs(repo, [f"{rev}:./{file}"])[0]
    if data is None and not missing_ok:
        raise UsageError(f"{file} does not exist at revision '{rev}'")
    return data


def _before_first_commit(repo: Path, rev: str) -> bool:
    """``rev`` names the parent of a commit that has none (``HEAD~1`` on the first commit)."""
    match = _PARENT_OF.match(rev)
    return match is not None and git.is_root_commit(repo, match.group(1))


def _valid(data: bytes, display: str, catalog: Catalog) -> Resolved:
    resolved, diagnostics = check_source(data, display, catalog)
    if resolved is None:
        raise UserError(*[d for d in diagnostics if d.severity == "error"])
    return resolved


def diff(repo: Path, slug: str, rev1: str | None, rev2: str | None) -> list[str]:
    """`handbook diff SLUG [REV1] [REV2]`: the changes in words (or that there are none).

    A version with errors, or a broken catalog, raises UserError with its diagnostics."""
    if rev2 is None:
        select(repo, [slug])  # an unknown slug is a usage error with a suggestion
    catalog, problems = load_catalog(repo)
    if catalog is None:
        raise UserError(*problems)
    old, new = _pair(repo, slug, catalog, rev1, rev2)
    return _changes(old, new, new.lang) or [i18n.LABELS[new.lang]["ch_no_changes"]]
