"""The changelog of the organisation: how roles and people moved, from the git history of project.yml.

Every revision goes through the real check pipeline; only versions without errors are
compared, and the comparison is made on the resolved public model, so ``internal:``,
``feedback:`` and absence reasons can never show up here. Of git, only the content of the
file and the day of each commit are read: no commit message, author or e-mail reaches a
client's site. A day whose commits changed nothing public (only ``internal:``, say) gives
no entry. History always uses today's role catalog.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from generator import i18n
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
    """
    commits = git.log(repo, project_file(slug), MAX_COMMITS + 1)
    if not commits:
        return None
    contents = git.blobs(repo, [f"{c.hash}:{c.path}" for c in commits])
    versions = list(zip(commits, contents, strict=True))[::-1]
    shown = None
    if len(versions) > MAX_COMMITS:  # the oldest one only serves as the base of the comparison
        (base, blob), *versions = versions
        shown = resolve_blob(blob, base.path, catalog)
    last_of_day: dict[date, Resolved] = {}
    for commit, blob in versions:
        resolved = resolve_blob(blob, commit.path, catalog)
        if resolved is not None:
            last_of_day[commit.date.date()] = resolved  # commits come oldest first
    entries = []
    for day, resolved in sorted(last_of_day.items()):
        changes = [i18n.LABELS[lang]["ch_created"]] if shown is None else semantic_diff(shown, resolved, lang)
        if changes:
            entries.append(Entry(day, changes))
        shown = resolved
    return entries[::-1]


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
