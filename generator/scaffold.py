"""`handbook new`: a commented project file that checks clean but for its TODO warnings."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from .check import SLUG, UsageError
from .pages import plain_environment


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
    folder.mkdir(parents=True)
    target = folder / "project.yml"
    target.write_text(text, encoding="utf-8", newline="\n")
    return target
