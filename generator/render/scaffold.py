"""`handbook new`: a commented project file that checks clean but for its TODO warnings."""

from __future__ import annotations

import json
import os
import shutil
import unicodedata
from pathlib import Path

from generator.errors import UsageError
from generator.layout import SLUG
from generator.render.pages import plain_environment


def new_project(repo: Path, slug: str, client: str, language: str = "de") -> Path:
    if not SLUG.fullmatch(slug):
        raise UsageError(
            f"'{slug}' is not a valid slug: lower-case letters, digits and '-', starting with a "
            "letter or digit, at most 63 characters"
        )
    if not client.strip() or any(unicodedata.category(c) == "Cc" for c in client) or len(client) > 200:
        raise UsageError("--client needs the client's name: one line, at most 200 characters")
    folder = repo / "projects" / slug
    if folder.exists():
        raise UsageError(f"projects/{slug} exists already; choose another slug or edit its project.yml")
    env = plain_environment()  # YAML, not Markdown: values are quoted by the caller
    text = env.get_template("new_project.yml.j2").render(
        slug=slug,
        client=json.dumps(client, ensure_ascii=False),
        client_comment=client.replace("\n", " "),
        language=language,
        de=language == "de",
    )
    target = folder / "project.yml"
    try:
        folder.mkdir(parents=True)
    except OSError as exc:
        raise UsageError(f"cannot create projects/{slug}: {exc.strerror}") from None
    tmp = folder / f".project.yml.{os.getpid()}.tmp"
    try:  # all or nothing: a full disk leaves no empty project.yml that blocks a retry
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        shutil.rmtree(folder, ignore_errors=True)
        raise UsageError(f"cannot write projects/{slug}/project.yml: {exc.strerror}; nothing was created") from None
    return target
