"""Zensical (0.0.x), the successor of Material for MkDocs, as an engine.

What it does differently, and how this adapter meets it (measured; see the README):
- It builds into ``site/`` beside the config and nowhere else, so the site is moved from there.
- Its report goes straight to the process's file descriptors 1 and 2, not to Python logging:
  both are captured around the call, and each "Warning:" in it fails the client.
- INHERIT appends lists instead of replacing them (the palette would appear twice), so the
  base config is merged here the way MkDocs merges it and one config file is written.
- It has its own templates: of our overrides it gets main.html only (noindex, escaped titles),
  not Material 9's search partial, which would break its search.
- Its parsed config lives in a module global: one build at a time per process (handbook's
  workers are processes, never threads).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.builder.engines import Engine, _epoch
from generator.errors import BuildError

ANSI = re.compile(r"\x1b\[[0-9;]*m")
ISSUE = re.compile(r"^(Warning|Error): (.*)\n\s*╭─\[ ?([^\]]+?) ?\]", re.M)


def merged(base: dict, child: dict) -> dict:
    """MkDocs' INHERIT: mappings merged key by key, everything else (lists too) replaced."""
    out = dict(base)
    for key, value in child.items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


@dataclass(frozen=True)
class Zensical(Engine):
    override_files: tuple[str, ...] | None = ("main.html",)
    hooks: bool = False

    def final_config(self, config: dict, folder: Path) -> dict:
        """Resolve INHERIT here (Zensical would append the base's lists to ours)."""
        config = dict(config)
        base_file = config.pop("INHERIT", None)
        if base_file is None:
            return config
        try:
            base = yaml.safe_load((folder / base_file).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise BuildError(f"zensical: cannot read the base config {base_file}: {exc}") from None
        return merged(base, config)

    def build(self, config_file: Path, site_dir: Path, epoch: int) -> None:
        import zensical

        config_file = config_file.resolve()
        sys.stdout.flush()
        sys.stderr.flush()
        saved = os.dup(1), os.dup(2)
        failure: BaseException | None = None
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            os.dup2(out.fileno(), 1)
            os.dup2(err.fileno(), 2)
            try:
                with _epoch(epoch):
                    zensical.build(str(config_file), {"clean": False, "strict": False})
            except Exception as exc:  # RuntimeError (strict abort, templates), ConfigurationError, OSError
                failure = exc
            finally:
                os.dup2(saved[0], 1)
                os.dup2(saved[1], 2)
                os.close(saved[0])
                os.close(saved[1])
            err.seek(0)
            report = ANSI.sub("", err.read().decode("utf-8", "replace"))
        issues = [f"{where}: {message}" for _, message, where in ISSUE.findall(report)]
        if failure is not None or issues:
            detail = "; ".join(issues) or str(failure)
            raise BuildError(f"zensical: {detail}")
        built = config_file.parent / "site"
        if not (built / "index.html").is_file():
            raise BuildError("zensical: the build wrote no site")
        shutil.move(built, site_dir)
