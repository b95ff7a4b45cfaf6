"""Material's search parser with its "inside a skipped element?" question answered by counting.

Material's ``search.Parser`` splits each page into sections for the search index. For
every tag and every piece of text it asks ``self.skip.intersection(self.context)``:
a set of skipped elements against the list of open ones. Its ``Element`` compares and
hashes by tag name only, so that question means "is a tag name that is being skipped
open right now?", and ``x in self.context`` means "is an element with x's tag name
open?". Each asked that way costs a Python ``__hash__``/``__eq__`` call per open
element; on a handbook page that was a sixth of the index's time.

This parser keeps a count of open elements per tag name, the set of skipped tag names and
how many open elements bear one of them next to Material's own ``context`` and ``skip``,
and answers from those. The rest of each method is Material's code (mkdocs-material 9,
MIT licence) line for line.
tests/test_engine.py compares the sections of both parsers on real and generated HTML.

``add_entry_from_context`` is Material's, with the page's sections kept by content: a page
whose HTML was indexed before in this process (a shared chapter in every site of a language,
every unchanged page in `handbook serve`) is not parsed again, nor one a run before indexed
where the private cache is on (disk.py). The sections depend on the HTML alone; the entries
made from them (URL, title, tags) are made for each page as before.

``feed`` hands the parser the calls html.parser would make for a page (``handle_data`` with
the text between two tags, unescaped; ``handle_starttag`` with the attributes, names in lower
case, values unquoted and unescaped; ``handle_startendtag``; ``handle_endtag``), read with
the strict tag grammar of tags.py instead of html.parser's tokenizer, which spent most of its
time counting lines nobody asks for. A page with anything else (comments, declarations, a
script or style, a tag outside the grammar) is fed to html.parser as before.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from html import parser as _stdlib
from typing import cast

from material.plugins.search import plugin

from generator.builder.fastpaths import disk, tags

Element, Section = plugin.Element, plugin.Section
STOCK = plugin.Parser
HEADINGS = frozenset(f"h{x}" for x in range(1, 7))


class Parser(STOCK):  # type: ignore[valid-type,misc]  # Material's own class, taken at run time
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.open: dict[str, int] = {}  # tag name -> how many elements of that name are in self.context
        self.skip_tags = {getattr(x, "tag", x) for x in self.skip}
        self.skipped = 0  # how many open elements have a skipped tag name: the sum of open[t], t in skip_tags

    def _opened(self, tag: str) -> bool:
        return self.open.get(tag, 0) > 0

    def _skipping(self) -> bool:
        return self.skipped > 0

    def _skip(self, el: Element) -> None:  # type: ignore[valid-type]
        self.skip.add(el)
        tag = cast(str, getattr(el, "tag", el))
        if tag not in self.skip_tags:
            self.skip_tags.add(tag)
            self.skipped += self.open.get(tag, 0)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)

        el = Element(tag, attrs)
        if tag not in plugin.void:
            self.context.append(el)
            self.open[tag] = self.open.get(tag, 0) + 1
            if tag in self.skip_tags:
                self.skipped += 1
        else:
            return

        if tag in HEADINGS:
            depth = len(self.context)
            if "id" in attrs:
                if tag != "h1" and not self.data:
                    self.section = Section(Element("hx"), depth)
                    self.data.append(self.section)

                self.section = Section(el, depth)
                if self.data:
                    self.section.id = attrs["id"]

                self.data.append(self.section)

        if not self.section:
            self.section = Section(Element("hx"))
            self.data.append(self.section)

        for key, value in attrs.items():
            if key == "data-search-exclude":
                self._skip(el)
                return

            if key == "class" and value == "linenodiv":
                self._skip(el)
                return

        if not self._skipping() and tag in self.keep:
            data = self.section.text
            if self._opened(self.section.el.tag):
                data = self.section.title

            data.append(f"<{tag}>")

    def handle_endtag(self, tag):
        if not self.context or self.context[-1].tag != tag:
            return

        if self.section.depth > len(self.context):
            for section in reversed(self.data):
                if section.depth <= len(self.context):
                    self.section.depth = float("inf")
                    self.section = section
                    break

        el = self.context.pop()
        self.open[el.tag] -= 1
        if el.tag in self.skip_tags:
            self.skipped -= 1
            if el.tag not in ["script", "style", "object"]:
                self.skip.remove(el)
                self.skip_tags.discard(el.tag)
                self.skipped -= self.open[el.tag]
            return

        if not self._skipping() and tag in self.keep:
            data = self.section.text
            if self._opened(self.section.el.tag):
                data = self.section.title

            index = data.index(f"<{tag}>")
            for i in range(index + 1, len(data)):
                if not data[i].isspace():
                    index = len(data)
                    break

            if len(data) > index:
                while len(data) > index:
                    data.pop()

            else:
                data.append(f"</{tag}>")

    def handle_data(self, data):
        if self._skipping():
            return

        if not self._opened("pre"):
            if not data.isspace():
                data = data.replace("\n", " ")
            else:
                data = " "

        if not self.section:
            self.section = Section(Element("hx"))
            self.data.append(self.section)

        if self._opened(self.section.el.tag):
            permalink = False
            for el in self.context:
                if el.tag == "a" and el.attrs.get("class") == "headerlink":
                    permalink = True

            if not permalink:
                self.section.title.append(plugin.escape(data, quote=False))

        elif data.isspace():
            if not self.section.text or not self.section.text[-1].isspace():
                self.section.text.append(data)
            elif self._opened("pre"):
                self.section.text.append(data)

        else:
            self.section.text.append(plugin.escape(data, quote=False))


STOCK_ADD = plugin.SearchIndex.add_entry_from_context
LIMIT = 400  # pages' sections kept per process
_sections: OrderedDict[str, tuple] = OrderedDict()


def feed(parser, text: str) -> None:
    """``parser.feed(text); parser.close()``, by tags.tokens where they can be read."""
    read = tags.tokens(text, _stdlib)
    if read is None:
        parser.feed(text)
        parser.close()
        return
    data, start, startend, end = (
        parser.handle_data,
        parser.handle_starttag,
        parser.handle_startendtag,
        parser.handle_endtag,
    )
    for token in read:
        kind = token[0]
        if kind == tags.DATA:
            data(token[1])
        elif kind == tags.START:
            start(token[1], token[2])
        elif kind == tags.END:
            end(token[1])
        else:
            startend(token[1], token[2])


def _read(value) -> tuple | None:
    """A page's sections as a run before split them (read back as JSON: disk.py), or None."""
    try:
        return tuple(
            (str(tag), {str(k): None if v is None else str(v) for k, v in attrs.items()}, int(depth),
             None if ident is None else str(ident), tuple(map(str, title)), tuple(map(str, text)))
            for tag, attrs, depth, ident, title, text in value
        ) if value is not None else None  # fmt: skip
    except (TypeError, ValueError, AttributeError):
        return None


def sections(content: str) -> list:
    """The sections of a page as the installed parser splits them, new objects each time."""
    kept = _sections.get(content)
    name = disk.digest(content) if disk.active() else None
    if kept is None:
        kept = _read(disk.find("sections", name)) if name else None
        if kept is None:
            parser = plugin.Parser()
            feed(parser, content)
            kept = tuple(
                (s.el.tag, dict(s.el.attrs), s.depth, s.id, tuple(s.title), tuple(s.text)) for s in parser.data
            )
        _sections[content] = kept
        while len(_sections) > LIMIT:
            _sections.popitem(last=False)
    else:
        _sections.move_to_end(content)
    if name:
        disk.record("sections", name, kept)
    out = []
    for tag, attrs, depth, ident, title, text in kept:
        section = Section(Element(tag, dict(attrs)), depth)
        section.id, section.title, section.text = ident, list(title), list(text)
        out.append(section)
    return out


def add_entry_from_context(self, page) -> None:
    """SearchIndex.add_entry_from_context of Material 9.8, the sections parsed once per content."""
    search = page.meta.get("search") or {}
    if search.get("exclude"):
        return
    for section in sections(page.content):
        if not section.is_excluded():
            self.create_entry_for_section(section, page.toc, page.url, page)


STOCK_CONTEXT = plugin.SearchPlugin.on_page_context
_DATA_SEARCH = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")  # Material's, word for word


def on_page_context(self, context, *, page, config, nav):
    """SearchPlugin.on_page_context of Material 9.8, its expression (which starts with an optional space,
    so Python's re tries it at every position of the page) run only on a page that holds
    its text: none of a handbook's do."""
    if not self.config.enabled:
        return
    self.search_index.add_entry_from_context(page)
    if "data-search-" in page.content:
        page.content = _DATA_SEARCH.sub("", page.content)


def install(on: bool = True) -> None:
    """Index pages with this parser in this process (``on=False``: Material's own, for comparisons)."""
    plugin.Parser = Parser if on else STOCK
    plugin.SearchIndex.add_entry_from_context = add_entry_from_context if on else STOCK_ADD
    plugin.SearchPlugin.on_page_context = on_page_context if on else STOCK_CONTEXT
    _sections.clear()
