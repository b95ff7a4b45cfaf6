"""Whether the role distribution changed since the client agreed it (format 1.1 ``agreement:``).

The agreed version is the project file at ``agreement.revision``, or else at its last commit on
or before ``agreement.date``; it is compared with the version being built, on the resolved
public model (history/differ.py ``distribution_diff``), so nothing internal and no commit
message can show up. Without git, or without such a version, it cannot be told: ``changes``
is None and the start page only says when and by whom the distribution was agreed.
"""

from __future__ import annotations

from pathlib import Path

from generator.history import git
from generator.history.changes import MAX_COMMITS, own_versions, resolve_blob
from generator.history.differ import distribution_diff
from generator.layout import project_file
from generator.project.resolve import Resolved
from generator.render.site import Agreed


def since_agreement(repo: Path, slug: str, current: Resolved, lang: str, kept: dict | None = None) -> Agreed | None:
    """None when the project records no agreement; else what changed since the agreed version.
    ``kept`` (the preview's): agreed versions by HEAD and agreement, read from git once."""
    agreement = current.project.agreement
    if agreement is None:
        return None
    key = (git.head(repo), agreement.revision, agreement.date)
    if kept is not None and key[0] is not None and key in kept:
        found = kept[key]
    else:
        found = agreed_version(repo, slug, current, agreement.revision, agreement.date)
        if kept is not None:
            kept[key] = found
    if found is None:
        return Agreed(None, None)
    revision, agreed = found
    return Agreed(revision, distribution_diff(agreed, current, lang))


def agreed_version(repo: Path, slug: str, current: Resolved, revision: str | None, day) -> tuple[str, Resolved] | None:
    """(commit, the resolved project at it): the named revision, or the last commit of the file
    on or before ``day`` (in the committer's time zone); None when git has no such valid version."""
    commits = [commit for commit, _ in own_versions(repo, slug, current.catalog, MAX_COMMITS)]
    if revision is not None:
        if not git.is_commit(repo, revision):
            return None
        named = next((c for c in commits if c.hash.startswith(revision.lower())), None)
        spec = f"{named.hash}:{named.path}" if named else f"{revision}:./{project_file(slug)}"
        commit = named.hash if named else revision
    else:
        on_or_before = next((c for c in commits if c.date.date() <= day), None)
        if on_or_before is None:
            return None
        spec, commit = f"{on_or_before.hash}:{on_or_before.path}", on_or_before.hash
    blob = git.blobs(repo, [spec])[0]
    resolved = resolve_blob(blob, spec, current.catalog)
    return None if resolved is None else (commit[:12], resolved)
