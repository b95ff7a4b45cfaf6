"""Is the repository a git work tree? Asked once per process, so a repository without git
(or a machine without it) costs one failed call, not several per client."""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path


@cache
def inside_work_tree(repo: Path) -> bool:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--is-inside-work-tree"], cwd=repo, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return out.returncode == 0 and out.stdout.strip() == "true"
