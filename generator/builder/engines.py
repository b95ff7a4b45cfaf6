"""The site engines handbook can build with, behind one small interface.

- mkdocs: MkDocs 1.6 with Material for MkDocs (the default), through its Python API.
- properdocs: ProperDocs, the drop-in fork of MkDocs 1.6, through the same API under its name.
- zensical: Zensical, Material's successor, which reads mkdocs.yml but runs no MkDocs plugins
  or hooks and has templates of its own (so none of our Material overrides).

An engine's warnings are errors for handbook: MkDocs' strict mode misses some (broken links
are only logged), so the log is collected and any warning fails the client.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from generator.builder.warm import FirstPage
from generator.errors import BuildError, UsageError

NAMES = ("mkdocs", "properdocs", "zensical")
DEFAULT = "mkdocs"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _epoch(epoch: int) -> Iterator[None]:
    """SOURCE_DATE_EPOCH for the engine's sitemap, search index and dates, restored afterwards."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


@dataclass(frozen=True)
class Engine:
    """One engine: the theme overrides it understands, how it wants the config, how it builds."""

    name: str
    # of assets/overrides/ (written for Material 9's templates): the files this engine
    # understands, or None for all of them
    override_files: tuple[str, ...] | None = None
    hooks: bool = True  # runs MkDocs hooks (a portable project assembles its print page with one)

    def final_config(self, config: dict, folder: Path) -> dict:
        """The config as this engine wants it written into ``folder``."""
        return config

    def build(self, config_file: Path, site_dir: Path, epoch: int) -> None:
        raise NotImplementedError


def api_build(
    package: str,
    config_file: Path,
    site_dir: Path,
    epoch: int,
    prepare: Callable[[object, list[str]], None] | None = None,
) -> list[str]:
    """Build with MkDocs' API (``package``: mkdocs, or its fork properdocs); the warnings.

    Material and its plugins log on ``mkdocs.*`` also under ProperDocs, whose own strict
    counting misses them: both loggers are collected. ``Abort`` is a SystemExit, caught too.
    ``prepare`` gets the loaded config before the build and the list the warnings go to (the
    preview's first-page hook, which writes nothing early once there is one).
    """
    import importlib

    build = importlib.import_module(f"{package}.commands.build").build
    load_config = importlib.import_module(f"{package}.config").load_config
    failures = importlib.import_module(f"{package}.exceptions")
    handler = _Collect()
    loggers = [logging.getLogger(name) for name in dict.fromkeys((package, "mkdocs"))]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        with _epoch(epoch):
            config = load_config(str(config_file.resolve()), site_dir=str(site_dir.resolve()), strict=False)
            if prepare is not None:
                prepare(config, handler.messages)
            build(config)
    except (failures.MkDocsException, failures.Abort) as exc:
        handler.messages.append(str(exc))
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    return handler.messages


class MkDocs(Engine):
    """MkDocs 1.6 in this process (where the fast paths make many builds cheap)."""

    def build(self, config_file: Path, site_dir: Path, epoch: int, first: FirstPage | None = None) -> None:
        """``first``: a page to write as soon as it is made (where the fast path for it is on)."""
        prepare = None
        if first is not None:
            from generator.builder import fastpaths

            if fastpaths.gate("firstpage") == "on":
                from generator.builder.fastpaths.firstpage import prepare as hook

                prepare = hook(first)
        fail_on(api_build("mkdocs", config_file, site_dir, epoch, prepare))


def fail_on(messages: list[str]) -> None:
    """MkDocs' warnings (api_build) fail the site."""
    if messages:
        raise BuildError("mkdocs: " + "; ".join(messages))


class ProperDocs(Engine):
    """ProperDocs in a process of its own: its import of ``properdocs.replacement`` turns every
    later ``import mkdocs`` into ProperDocs, so it cannot share a process with MkDocs."""

    def build(self, config_file: Path, site_dir: Path, epoch: int) -> None:
        command = [sys.executable, "-m", "generator.builder.properdocs", str(config_file), str(site_dir), str(epoch)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
        except subprocess.TimeoutExpired:
            raise BuildError("properdocs: the build did not finish within 600 s") from None
        if done.returncode != 0:
            messages = done.stdout.strip().splitlines() or [done.stderr.strip()[-500:]]
            raise BuildError("properdocs: " + "; ".join(messages))


def get(name: str) -> Engine:
    if name == "mkdocs":
        return MkDocs("mkdocs")
    if name == "properdocs":
        return ProperDocs("properdocs")
    if name == "zensical":
        from generator.builder.zensical import Zensical

        return Zensical("zensical")
    raise UsageError(f"unknown engine '{name}'; choose one of {', '.join(NAMES)}")
