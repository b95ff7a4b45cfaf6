"""Python-Markdown, the same output with less work: the inline pass, block-level lookups.

1. The inline pass without the calls that cannot match.

Python-Markdown tries each of its ~16 inline patterns on every piece of text, one
Python call per pattern, even when the text holds none of the characters a pattern
starts with. A handbook page is mostly table cells of plain words ("Projektbudget
einhalten"), so about half of Markdown's time went into calls that return "no match".

``InlineProcessor.__applyPattern(pattern, data, index, start)`` with a new-style
pattern returns ``(data, False, 0)`` exactly when
``pattern.getCompiledRegExp().finditer(data, start)`` yields nothing (or when an
ancestor excludes the pattern, which gives the same result). So asking the compiled
expression ``search(data, start)`` first, in C, and moving on to the next pattern
when it finds nothing, is the same computation with fewer steps. Everything that can
match still goes through Markdown's own code. Old-style patterns are left alone.

2. ``Markdown.is_block_level(tag)`` asks ``tag in md.block_level_elements``, a list of
~50 names, about 400 times per page. Every Markdown instance copies that list from
``markdown.core.BLOCK_LEVEL_ELEMENTS`` in its constructor, before any extension changes
it; giving the copy a set alongside, updated by every list operation, turns each
lookup into a hash probe and leaves the list itself as it was.

tests/test_engine.py compares the output with stock Markdown on the examples and on
generated text; `make bench` compares whole sites byte for byte.
"""

from __future__ import annotations

from markdown import core, inlinepatterns, treeprocessors, util

_Processor = treeprocessors.InlineProcessor
STOCK = (_Processor.run, _Processor._InlineProcessor__handleInline)
_apply_pattern = _Processor._InlineProcessor__applyPattern


def run(self, tree, ancestors=None):
    """InlineProcessor.run, with the patterns and their expressions looked up once per page."""
    self._hb_patterns = [
        (p, p.getCompiledRegExp().search if isinstance(p, inlinepatterns.InlineProcessor) else None)
        for p in self.inlinePatterns
    ]
    try:
        return STOCK[0](self, tree, ancestors)
    finally:
        del self._hb_patterns


def handle_inline(self, data: str, patternIndex: int = 0) -> str:
    """InlineProcessor.__handleInline (Markdown 3.x), skipping patterns whose expression finds nothing."""
    if not isinstance(data, util.AtomicString):
        startIndex = 0
        patterns = self._hb_patterns
        count = len(patterns)
        while patternIndex < count:
            pattern, search = patterns[patternIndex]
            if search is not None and search(data, startIndex) is None:
                startIndex = 0
                patternIndex += 1
                continue
            data, matched, startIndex = _apply_pattern(self, pattern, data, patternIndex, startIndex)
            if not matched:
                patternIndex += 1
    return data


class TagList(list):
    """A list of tag names that also answers ``in`` from a set (kept in step with every change)."""

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self._set: frozenset | None = None

    def __contains__(self, item) -> bool:
        if self._set is None:
            try:
                self._set = frozenset(self)
            except TypeError:  # something unhashable in the list: ask the list
                return list.__contains__(self, item)
        try:
            return item in self._set
        except TypeError:
            return list.__contains__(self, item)

    def copy(self) -> TagList:
        return TagList(self)


def _changing(name: str):
    method = getattr(list, name)

    def change(self, *args, **kwargs):
        self._set = None
        return method(self, *args, **kwargs)

    change.__name__ = name
    return change


_MUTATORS = ("append", "extend", "insert", "remove", "pop", "clear", "sort", "reverse")
for _name in (*_MUTATORS, "__setitem__", "__delitem__", "__iadd__", "__imul__"):
    setattr(TagList, _name, _changing(_name))

STOCK_BLOCK_LEVEL = core.BLOCK_LEVEL_ELEMENTS


def install(on: bool = True) -> None:
    """Use the fast paths in this process (``on=False``: Markdown's own, for comparisons)."""
    _Processor.run, _Processor._InlineProcessor__handleInline = (run, handle_inline) if on else STOCK
    core.BLOCK_LEVEL_ELEMENTS = TagList(STOCK_BLOCK_LEVEL) if on else STOCK_BLOCK_LEVEL
