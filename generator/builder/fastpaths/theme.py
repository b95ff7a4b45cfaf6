"""Theme-level reuse: one Jinja environment per language, templates compiled once, the theme's
file list read once.

Per site, MkDocs (1) creates a fresh Jinja environment and compiles the Material
theme's templates again (about 0.2 s; the print page makes a second environment),
(2) lists and pattern-matches the theme's 14,000 files (mostly icons) to find the
~160 static files to copy (about 0.1 s), and (3) parses mkdocs.yml with PyYAML's
pure-Python parser (libyaml does it 15x faster). All of it depends only on the
template folders, which do not change while a build runs, so this process keeps it:
environments keyed by folders and language, a bytecode cache keyed by template name
and source (also kept on disk for the next run), and a per-folder file listing for
folders of installed packages (matched against MkDocs' exclusion patterns as one expression).

Material's templates ask for many attributes that are not there (``nav_item.typeset``,
``nav_item.meta.icon``: about 12,000 a site), and Jinja answers each with two exceptions
raised and caught: the attribute, then the item. ``lookup`` gives the same answers without
them (``attribute_lookup``, on each shared environment).

Our own templates (render/) are compiled once the same way (``keep_compiled``): their code is
kept beside the theme's, keyed also by the settings of the environment that compiled it.
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import json
import os
import re
import sysconfig
from pathlib import Path

import jinja2

from generator import keep


class SharedBytecodeCache(jinja2.BytecodeCache):
    """Bytecode keyed by (name, source checksum): safe across environments and folders.

    Kept in memory, and in ``folder`` when one is set, so the next run of `handbook build`,
    often for one changed client, loads the Material templates instead of compiling them
    again (~0.3 s). Compiled templates are code: whoever can write a cache file can run code
    in the next build. So the folder is this user's own (generator/keep.py: mode 0700, owned by
    the user, never inside an output folder that is published), and every file carries an
    HMAC of its content with a key only this user can read; a file without a valid one is
    ignored and compiled again. Each file is written under a temporary name and renamed;
    Jinja refuses bytecode of another Jinja or Python version and compiles again.
    """

    def __init__(self, namespace: str = "") -> None:
        self._store: dict[str, bytes] = {}
        self.folder: Path | None = None
        self.key: bytes = b""
        self.namespace = namespace  # part of every key: what else shapes the code (keep_compiled)

    def get_bucket(self, environment, name, filename, source):
        key = hashlib.sha1(f"{self.namespace}{name}\0{source}".encode()).hexdigest()
        bucket = jinja2.bccache.Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self._store.get(bucket.key)
        if data is None and self.folder is not None:
            data = self._read_signed(self.folder / f"{bucket.key}.jinja")
            if data is not None:
                self._store[bucket.key] = data
        if data is not None:
            bucket.bytecode_from_string(data)

    def _read_signed(self, file: Path) -> bytes | None:
        try:
            return keep.verified(self.key, file.read_bytes())
        except OSError:
            return None

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self._store[bucket.key] = bucket.bytecode_to_string()
        if self.folder is None:
            return
        keep.write_atomic(self.folder / f"{bucket.key}.jinja", keep.sign(self.key, data))

    def use_private_folder(self) -> None:
        """Keep compiled templates between runs in this user's private cache (if it is safe)."""
        found = keep.private_folder("templates")
        if found is not None:
            self.folder, self.key = found


CACHE = SharedBytecodeCache()


def keep_compiled(env: jinja2.Environment) -> None:
    """Compile ``env``'s templates once: kept in this process and, when safe, beside the theme's
    in the private cache, signed the same way. Their keys hold everything that shapes the code
    Jinja makes of a template besides its name and source (syntax and whitespace settings,
    autoescape, finalize, extensions, the filters and tests it knows, Jinja's release), so no
    two environments that would compile a template differently share its code."""
    if env.bytecode_cache is not None:
        return
    cache = SharedBytecodeCache(_settings(env))
    cache.use_private_folder()
    env.bytecode_cache = cache


def _settings(env: jinja2.Environment) -> str:
    def named(x) -> object:
        if x is None or isinstance(x, bool | str | int):
            return x
        return f"{getattr(x, '__module__', '')}.{getattr(x, '__qualname__', type(x).__qualname__)}"

    settings = (
        jinja2.__version__,
        env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
        env.comment_start_string, env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
        env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
        env.optimized, env.is_async, named(env.autoescape), named(env.finalize), named(env.undefined),
        named(env.code_generator_class), named(env.context_class), sorted(env.extensions),
        sorted((k, named(v)) for k, v in env.filters.items()), sorted((k, named(v)) for k, v in env.tests.items()),
    )  # fmt: skip
    return hashlib.sha256(repr(settings).encode()).hexdigest() + "\0"


def install() -> None:
    """Share compiled templates (and, when safe, whole environments) among this process's builds."""
    import mkdocs.commands.build
    from mkdocs.theme import Theme

    original_get_env = Theme.get_env
    original_build = mkdocs.commands.build.build

    def get_env(self: Theme) -> jinja2.Environment:
        key = _env_key(self) if _sharing else None
        if key is not None and key in _envs:
            return _envs[key]
        env = original_get_env(self)
        env.bytecode_cache = CACHE
        attribute_lookup(env)
        if key is not None:
            _envs[key] = env
        return env

    def build(config, *args, **kwargs):
        """mkdocs.commands.build.build; environments are shared only when no plugin changes them."""
        global _sharing
        _sharing = not config.plugins.events.get("env")
        try:
            return original_build(config, *args, **kwargs)
        finally:
            _sharing = False

    Theme.get_env = get_env  # type: ignore[method-assign]
    mkdocs.commands.build.build = build
    _install_theme_listing()
    _install_c_yaml()


_MISSING = object()


def lookup(env: jinja2.Environment, obj, attribute: str):
    """jinja2.Environment.getattr (``obj.attribute`` in a template) with the same answers: the
    attribute; else the item, for an object that has items; else ``env.undefined``. Python's
    three-argument getattr and an ``in`` test find out what is missing without an exception,
    and an object whose type has no ``__getitem__`` (nor is a type: ``list["x"]`` is
    subscription) would only raise TypeError when asked for an item."""
    value = getattr(obj, attribute, _MISSING)
    if value is not _MISSING:
        return value
    kind = type(obj)
    if kind is dict:
        return obj[attribute] if attribute in obj else env.undefined(obj=obj, name=attribute)
    if getattr(kind, "__getitem__", None) is None and not isinstance(obj, type):
        return env.undefined(obj=obj, name=attribute)
    try:
        return obj[attribute]
    except (TypeError, LookupError, AttributeError):
        return env.undefined(obj=obj, name=attribute)


def attribute_lookup(env: jinja2.Environment) -> None:
    """Templates compiled for ``env`` call ``environment.getattr``: this instance's is ``lookup``
    (only for Jinja's own Environment class, whose getattr ``lookup`` was compared with)."""
    if type(env) is jinja2.Environment:
        env.getattr = functools.partial(lookup, env)  # type: ignore[method-assign]


# An environment holds nothing of a site: MkDocs gives it the template folders, the
# language's translations and two filters, and passes everything else to each render.
# So sites with the same folders and language can use one environment, and Jinja loads
# each template once per process instead of twice per site (the print page makes its
# own). The folders must not change meanwhile: installed packages, or this package's
# own overrides, whose files' times and sizes are part of the key.
_envs: dict[tuple, jinja2.Environment] = {}
_sharing = False
_PACKAGE = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))  # generator/


def _env_key(theme) -> tuple | None:
    key: list = [str(theme.locale)]
    for folder in theme.dirs:
        real = os.path.realpath(folder)
        if real.startswith(_INSTALLED):
            key.append(real)
        elif real.startswith(_PACKAGE + os.sep):
            key.append((real, _signature(real)))
        else:
            return None
    return tuple(key)


def _signature(folder: str) -> tuple:
    out = []
    for dirpath, _, filenames in sorted(os.walk(folder)):
        for filename in sorted(filenames):
            stat = os.stat(os.path.join(dirpath, filename))
            out.append((dirpath, filename, stat.st_mtime_ns, stat.st_size))
    return tuple(out)


_INSTALLED = tuple(os.path.realpath(p) for p in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
_listings: dict[tuple[str, tuple[str, ...]], frozenset[str]] = {}
_LISTINGS = keep.Store("listings", limit=100)  # kept between runs: the walk of 14,000 files took 35 ms


def _kept(folder: str, static: tuple[str, ...], patterns: list[str]) -> frozenset[str]:
    """The names jinja2.FileSystemLoader.list_templates finds under ``folder`` that no pattern excludes."""
    key = (folder, static)
    if key in _listings:
        return _listings[key]
    installed = os.path.realpath(folder).startswith(_INSTALLED)  # a package's: fixed while it is installed
    name = _listing_name(folder, static, patterns) if installed else None
    kept = _LISTINGS.get(name) if name else None
    if kept is not None:
        result = frozenset(json.loads(kept))
    else:
        found = set()
        for dirpath, _, filenames in os.walk(folder):
            for filename in filenames:
                path = os.path.join(dirpath, filename)[len(folder) :].strip(os.path.sep).replace(os.path.sep, "/")
                found.add(path[2:] if path[:2] == "./" else path)
        excluded = _any_of(tuple(patterns))
        result = frozenset(n for n in found if not excluded(os.path.normcase(n.lower())))
        if name:
            _LISTINGS.put(name, json.dumps(sorted(result)).encode())
    if installed:
        _listings[key] = result
    return result


def _listing_name(folder: str, static: tuple[str, ...], patterns: list[str]) -> str | None:
    """What an installed theme folder's listing is kept under: the folder (its inode and time,
    which a reinstall changes), the releases, the filter."""
    try:
        info = os.stat(folder)
    except OSError:
        return None
    what = [os.path.realpath(folder), info.st_ino, info.st_mtime_ns, static, patterns]
    what += [keep.installed(d) for d in ("mkdocs", "mkdocs-material")]
    return hashlib.sha256(json.dumps(what).encode()).hexdigest()


@functools.cache
def _any_of(patterns: tuple[str, ...]):
    """``any(fnmatch.fnmatch(name, p) for p in patterns)`` as one expression: fnmatch's own
    translation of each pattern, one alternative each (14,000 names, a dozen patterns)."""
    joined = "|".join(f"(?:{fnmatch.translate(os.path.normcase(p))})" for p in patterns)
    return re.compile(joined).match


def _install_theme_listing() -> None:
    from mkdocs import utils
    from mkdocs.structure.files import File, Files

    def add_files_from_theme(self: Files, env: jinja2.Environment, config) -> None:
        """Files.add_files_from_theme of MkDocs 1.6: the same files, the same order, the same filter."""
        static = tuple(config.theme.static_templates)
        patterns = [".*", "*/.*", "*.py", "*.pyc", "*.html", "*readme*", "mkdocs_theme.yml", "locales/*"]
        patterns += [f"*{x}" for x in utils.markdown_extensions] + list(static)
        dirs = list(config.theme.dirs)
        kept = [_kept(d, static, patterns) for d in dirs]
        for path in sorted(frozenset().union(*kept)):
            if self.get_file_from_path(path) is not None:
                continue
            for folder in dirs:
                if os.path.isfile(os.path.join(folder, path)):
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
