"""A page converted once is not converted again: MkDocs' Markdown step, remembered by what it depends on.

MkDocs converts every page of every site (``Page.render``): a Markdown instance with the
site's extensions and MkDocs' own tree processors, then content, table of contents, title
and anchors from it. The shared chapters (docs/<lang>/) are the same Markdown in every site
of a language, and in `handbook serve` every page but the one just edited is the same as
in the build before. Their conversion gives the same result whenever what it reads is the same:

- the Markdown text, the page's place (``src_uri``, ``url``, inclusion), ``use_directory_urls``,
  the link validation settings, the extensions and their settings, the loggers' levels;
- for every link, the site's answer to ``files.get_file_from_path(target)``: which file, its
  URL and inclusion. Those questions are written down while the page is converted, and a
  remembered result is used only where the new site gives the same answers.

Only extensions of Python-Markdown itself (none reads a file or keeps state between pages)
are remembered; any other extension, a setting that is not plain data, or a conversion that
logs anything (its message must come again) converts as before. The results are kept per
process, the most recently used first, a bounded number of them, and each site's between
runs where the private cache is on (disk.py): a conversion not in memory is looked up there.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass

from mkdocs.structure import pages
from mkdocs.structure.toc import get_toc

from generator.builder.fastpaths import disk
from generator.keep import installed

STOCK = pages.Page.render
LIMIT = 400  # remembered conversions per process (a site has ~35 pages)
VARIANTS = 4  # results per setting (the same page in sites whose links answer differently)
SAFE = frozenset(
    "abbr admonition attr_list def_list extra fenced_code footnotes legacy_attrs legacy_em md_in_html "
    "meta nl2br sane_lists smarty tables toc wikilinks".split()
)
_VERSIONS = tuple(installed(d) for d in ("mkdocs", "markdown"))


@dataclass(frozen=True)
class Converted:
    """What ``Page.render`` leaves on a page, and the answers of the site it was made in."""

    asked: tuple[tuple[str, tuple | None], ...]  # path -> (src_uri, url, inclusion) or None
    content: str
    toc: tuple  # (title, id, level, children) per item
    title: str | None
    anchors: frozenset[str]
    links: tuple[tuple[str | None, tuple[tuple[str, str], ...]], ...] | None  # None: not recorded


class Stats:
    hits = 0
    misses = 0
    read = 0  # conversions read back from the private cache


def _json(entry: Converted) -> list:
    return [
        [list(pair) for pair in entry.asked],
        entry.content,
        entry.toc,
        entry.title,
        sorted(entry.anchors),
        entry.links,
    ]


def _tree(toc) -> tuple:
    return tuple((str(t), str(i), int(lv), _tree(kids)) for t, i, lv, kids in toc)


def _entry(value) -> Converted | None:
    """A conversion read back from the private cache (None: not one this code wrote)."""
    try:
        asked, content, toc, title, anchors, links = value
        return Converted(
            tuple((str(path), None if answer is None else tuple(answer)) for path, answer in asked),
            str(content),
            _tree(toc),
            None if title is None else str(title),
            frozenset(map(str, anchors)),
            None if links is None else tuple((uri, tuple(map(tuple, pairs))) for uri, pairs in links),
        )
    except (TypeError, ValueError):
        return None


def _answer(found) -> tuple | None:
    return None if found is None else (found.src_uri, found.url, found.inclusion.value)


class _Recorder:
    """The site's files as the page's link processor sees them, writing down every question."""

    def __init__(self, files) -> None:
        self.files = files
        self.asked: dict[str, tuple | None] = {}
        self.other = False  # something besides get_file_from_path was used: not remembered

    def get_file_from_path(self, path: str):
        found = self.files.get_file_from_path(path)
        self.asked.setdefault(path, _answer(found))
        return found

    def __getattr__(self, name: str):
        self.other = True
        return getattr(self.files, name)


class _Logged(logging.Handler):
    """Notes whether anything was logged while a page was converted."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


_LOGGERS = ("mkdocs", "MARKDOWN")


def setting(page, config) -> str | None:
    """The key of everything besides the site's files that the conversion of ``page`` reads;
    None when something it reads cannot be compared (an extension of another package, say)."""
    extensions = config["markdown_extensions"]
    names = [e.removeprefix("markdown.extensions.") if isinstance(e, str) else None for e in extensions]
    if page.markdown is None or not all(name in SAFE for name in names):
        return None
    try:
        key = json.dumps(
            [
                _VERSIONS,
                page.markdown,
                page.file.src_uri,
                page.file.url,
                page.file.inclusion.value,
                bool(config["use_directory_urls"]),
                extensions,
                config["mdx_configs"],
                repr(config["validation"]),
                [logging.getLogger(name).getEffectiveLevel() for name in (pages.log.name, *_LOGGERS)],
            ],
            sort_keys=True,
        )
    except (TypeError, ValueError):  # a setting that is not plain data (a function, say)
        return None
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class Cache:
    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self._kept: OrderedDict[str, list[Converted]] = OrderedDict()

    def find(self, key: str, files) -> Converted | None:
        kept = self._kept.get(key)
        if kept is None and (offered := disk.find("page", key)):
            read = [e for e in map(_entry, offered) if e is not None]
            if read:
                Stats.read += 1
                self._kept[key] = kept = read
        if not kept:
            return None
        self._kept.move_to_end(key)
        for entry in kept:
            if all(_answer(files.get_file_from_path(path)) == answer for path, answer in entry.asked):
                if disk.active():
                    disk.record("page", key, [_json(entry)])
                return entry
        return None

    def keep(self, key: str, entry: Converted) -> None:
        kept = self._kept.setdefault(key, [])
        kept.insert(0, entry)
        del kept[VARIANTS:]
        self._kept.move_to_end(key)
        if disk.active():
            disk.record("page", key, [_json(entry)])
        while len(self._kept) > self.limit:
            self._kept.popitem(last=False)

    def clear(self) -> None:
        self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)


CACHE = Cache()


def _toc_of(items) -> tuple:
    return tuple((item.title, item.id, item.level, _toc_of(item.children)) for item in items)


def _tokens(toc: tuple) -> list[dict]:
    return [{"name": t, "id": i, "level": lv, "children": _tokens(kids)} for t, i, lv, kids in toc]


def _links(page) -> tuple | None:
    if page.links_to_anchors is None:
        return None
    return tuple(
        (None if target is page.file else target.src_uri, tuple(anchors.items()))
        for target, anchors in page.links_to_anchors.items()
    )


def render(self, config, files) -> None:
    """Page.render of MkDocs 1.6: a remembered result where the page and its links are the same."""
    key = setting(self, config)
    if key is None:
        return STOCK(self, config, files)
    entry = CACHE.find(key, files)
    if entry is not None:
        Stats.hits += 1
        return _apply(self, entry, files)
    Stats.misses += 1
    recorder, logged = _Recorder(files), _Logged()
    before = self.links_to_anchors
    loggers = [logging.getLogger(name) for name in _LOGGERS]
    for logger in loggers:
        logger.addHandler(logged)
    try:
        STOCK(self, config, recorder)  # type: ignore[arg-type]  # answers like Files, writing down
    finally:
        for logger in loggers:
            logger.removeHandler(logged)
    if logged.count or recorder.other or self.content is None:
        return None
    recorded = _links(self) if self.links_to_anchors is not before else None
    CACHE.keep(
        key,
        Converted(
            tuple(recorder.asked.items()),
            self.content,
            _toc_of(self.toc),
            self._title_from_render,
            frozenset(self.present_anchor_ids or ()),
            recorded,
        ),
    )
    return None


def _apply(page, entry: Converted, files) -> None:
    """What the conversion would have left on ``page`` (fresh objects where MkDocs makes new ones)."""
    page.content = entry.content
    page.toc = get_toc(_tokens(entry.toc))  # type: ignore[arg-type]  # the token dicts get_toc reads
    page._title_from_render = entry.title
    page.present_anchor_ids = set(entry.anchors)
    if entry.links is not None:  # Page.render sets links_to_anchors only above the DEBUG level
        page.links_to_anchors = {
            (page.file if uri is None else files.get_file_from_path(uri)): dict(anchors) for uri, anchors in entry.links
        }


def install(on: bool = True) -> None:
    """Remember conversions in this process (``on=False``: MkDocs' own, for comparisons)."""
    pages.Page.render = render if on else STOCK  # type: ignore[method-assign]
