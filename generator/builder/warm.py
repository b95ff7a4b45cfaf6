"""A site built again and again in one process (`handbook serve`): the page being looked at first.

What makes a rebuild cheap lives where the work is: converted pages and search sections are
kept by the fast paths (fastpaths/pagecache.py, fastpaths/search.py), the theme's compiled
templates by fastpaths/theme.py, diagrams and git history by the pipeline. This module holds
what the preview hands the builder for one build: the page to write before the rest of the
site (``FirstPage``), and the clock that says where a build's time went (``Laps``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Laps:
    """Named steps of one build and their seconds, in the order they ended."""

    start: float = field(default_factory=time.perf_counter)
    steps: dict[str, float] = field(default_factory=dict)
    _last: float = 0.0

    def __post_init__(self) -> None:
        self._last = self.start

    def lap(self, name: str) -> float:
        """End the step ``name`` now; returns the seconds since the build started."""
        now = time.perf_counter()
        self.steps[name] = self.steps.get(name, 0.0) + now - self._last
        self._last = now
        return now - self.start

    def total(self) -> float:
        return self._last - self.start

    def line(self) -> str:
        return ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in self.steps.items())


@dataclass
class FirstPage:
    """The page to write before the rest of the site, as soon as every page is converted.

    ``dest``: the page's file under the site ('index.html', 'personen/anna/index.html'); ``publish``
    gets that path and the page's bytes, which are exactly what the finished site
    holds there (tests/test_serve.py). ``written`` is that path once published; it stays None
    when the engine cannot write a page early (another engine or release, no such page, the
    print page, which is assembled after the engine) and the site comes whole as before.
    """

    dest: str
    publish: Callable[[str, bytes], None]
    laps: Laps = field(default_factory=Laps)
    written: str | None = None
    ready: float | None = None  # seconds after the build started at which the page was published
