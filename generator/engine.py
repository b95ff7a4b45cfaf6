"""Make many MkDocs builds in one process cheap, without changing a byte of their output.

Per site, MkDocs (1) creates a fresh Jinja environment and compiles the Material
theme's templates again (about 0.2 s), (2) lists and pattern-matches the theme's
14,000 files (mostly icons) to find the ~160 static files to copy (about 0.1 s), and
(3) parses mkdocs.yml with PyYAML's pure-Python parser (libyaml does it 15x faster).
Both results depend only on files inside the installed theme, which do not change
while a build runs, so this process keeps them: a bytecode cache keyed by template
name and source, and a per-folder file listing for folders of installed packages.
`make bench` proves the output stays byte-identical to plain `mkdocs build`.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import sysconfig

import jinja2

_installed = False


class SharedBytecodeCache(jinja2.BytecodeCache):
    """In-memory bytecode keyed by (name, source checksum): safe across environments and folders."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def get_bucket(self, environment, name, filename, source):  # type: ignore[override]
        key = hashlib.sha1(f"{name}\0{source}".encode()).hexdigest()
        bucket = jinja2.bccache.Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


CACHE = SharedBytecodeCache()


def install() -> None:
    """Give every MkDocs theme environment of this process the shared cache (idempotent)."""
    global _installed
    if _installed:
        return
    from mkdocs.theme import Theme

    original = Theme.get_env

    def get_env(self: Theme) -> jinja2.Environment:
        env = original(self)
        env.bytecode_cache = CACHE
        return env

    Theme.get_env = get_env  # type: ignore[method-assign]
    _install_theme_listing()
    _install_c_yaml()
    _installed = True


_INSTALLED = tuple(os.path.realpath(p) for p in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
_listings: dict[str, frozenset[str]] = {}
_keep: dict[tuple[str, tuple[str, ...]], bool] = {}


def _listing(folder: str) -> frozenset[str]:
    """Template names under ``folder`` exactly as jinja2.FileSystemLoader.list_templates finds them."""
    if folder in _listings:
        return _listings[folder]
    found = set()
    for dirpath, _, filenames in os.walk(folder):
        for filename in filenames:
            name = os.path.join(dirpath, filename)[len(folder) :].strip(os.path.sep).replace(os.path.sep, "/")
            found.add(name[2:] if name[:2] == "./" else name)
    result = frozenset(found)
    if os.path.realpath(folder).startswith(_INSTALLED):  # an installed package: fixed during the run
        _listings[folder] = result
    return result


def _install_theme_listing() -> None:
    from mkdocs import utils
    from mkdocs.structure.files import File, Files

    def keep(name: str, static: tuple[str, ...]) -> bool:
        """The same patterns as Files.add_files_from_theme's filter in MkDocs 1.6."""
        key = (name, static)
        if key not in _keep:
            patterns = [".*", "*/.*", "*.py", "*.pyc", "*.html", "*readme*", "mkdocs_theme.yml", "locales/*"]
            patterns += [f"*{x}" for x in utils.markdown_extensions] + list(static)
            _keep[key] = not any(fnmatch.fnmatch(name.lower(), p) for p in patterns)
        return _keep[key]

    def add_files_from_theme(self: Files, env: jinja2.Environment, config) -> None:
        dirs = list(config.theme.dirs)
        listings = [_listing(d) for d in dirs]
        static = tuple(config.theme.static_templates)
        for path in sorted(frozenset().union(*listings)):
            if not keep(path, static) or self.get_file_from_path(path) is not None:
                continue
            for folder, names in zip(dirs, listings, strict=True):
                if path in names and os.path.isfile(os.path.join(folder, path)):
                    self.append(File(path, folder, config.site_dir, config.use_directory_urls))
                    break

    Files.add_files_from_theme = add_files_from_theme  # type: ignore[method-assign]


def _install_c_yaml() -> None:
    """MkDocs reads mkdocs.yml with PyYAML's pure-Python full Loader; libyaml's CLoader is the same
    loader (same resolver and constructors) with a C parser, about 15 times faster."""
    import yaml
    from mkdocs.utils import yaml as mkdocs_yaml

    if getattr(yaml, "CLoader", None) is not None and mkdocs_yaml.get_yaml_loader.__defaults__:
        defaults = mkdocs_yaml.get_yaml_loader.__defaults__
        mkdocs_yaml.get_yaml_loader.__defaults__ = (yaml.CLoader, *defaults[1:])
