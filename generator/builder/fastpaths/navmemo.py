"""Material's navigation, rendered once per item and page position instead of once per page.

Every page of a Material site carries the whole navigation, and Material's
``partials/nav-item.html`` renders it item by item (the macro ``render``): for a handbook of
47 pages about a quarter of the theme's time (~40 ms a site). An item that is not on the
current page's way (not ``active``) comes out the same on every page, except for the links
in it, which the ``url`` filter makes relative to the page. So its HTML is kept for the
build, under the item, the macro's other arguments and those relative links (and whether its
parent is active, which ``navigation.tabs`` with ``navigation.sections`` asks): a page whose
links to that item come out the same gets the same HTML without the macro running again.

An item that holds the page being rendered (also a page the nav lists twice) is always
rendered. The memo is only used for Material's own ``nav-item.html`` (the very source it was
tested with: an override of it is rendered as written), with MkDocs' own ``url`` filter, and
is emptied whenever another navigation (another build) comes along.
"""

from __future__ import annotations

import hashlib
import os

import jinja2
from jinja2.runtime import Context, Macro

_TEMPLATE = "partials/nav-item.html"
_tested: str = ""  # the sha256 of Material's nav-item.html, read at install
_known: dict[int, tuple[object, bool]] = {}  # id of a macro's code -> (the code, Material's own `render`?)


class _Memo:
    """The current navigation and what was rendered for it."""

    def __init__(self) -> None:
        self.nav: object = None
        self.html: dict[tuple, tuple[object, object]] = {}  # key -> (the item, its HTML: Markup or str)
        self.subtrees: dict[int, tuple[object, tuple[str, ...], frozenset[int]]] = {}
        self.urls: dict[tuple, str] = {}

    def reset(self, nav: object) -> None:
        self.nav = nav
        self.html.clear()
        self.subtrees.clear()
        self.urls.clear()

    def subtree(self, item) -> tuple[tuple[str, ...], frozenset[int]]:
        """The links under ``item`` (itself included) and the ids of the pages there."""
        found = self.subtrees.get(id(item))
        if found is not None and found[0] is item:
            return found[1], found[2]
        urls: list[str] = []
        pages: set[int] = set()
        todo = [item]
        while todo:
            node = todo.pop()
            pages.add(id(node))
            url = getattr(node, "url", None)
            if url is not None:
                urls.append(str(url))
            todo.extend(reversed(getattr(node, "children", None) or ()))
        self.subtrees[id(item)] = (item, tuple(urls), frozenset(pages))
        return tuple(urls), frozenset(pages)


MEMO = _Memo()


class NavContext(Context):
    """Jinja's Context; a call of Material's nav-item ``render`` macro goes through the memo."""

    def call(__self, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own spelling: no clash with kwargs)
        if type(__obj) is Macro and __obj.name == "render" and _is_materials(__self, __obj):
            return _render(__self, __obj, args, kwargs)
        return Context.call(__self, __obj, *args, **kwargs)


def _is_materials(context: Context, macro: Macro) -> bool:
    code = macro._func.__code__
    seen = _known.get(id(code))  # by id: hashing a code object hashes all of it, on every call
    if seen is not None and seen[0] is code:
        return seen[1]
    known = False
    if code.co_filename.replace(os.sep, "/").endswith(_TEMPLATE):
        try:
            source = context.environment.loader.get_source(context.environment, _TEMPLATE)[0]  # type: ignore[union-attr]
            known = hashlib.sha256(source.encode()).hexdigest() == _tested
        except (jinja2.TemplateNotFound, AttributeError):
            known = False
    _known[id(code)] = (code, known)
    return known


def _render(context: Context, macro: Macro, args: tuple, kwargs: dict):
    from mkdocs.utils import normalize_url
    from mkdocs.utils.templates import url_filter

    plain = {k: v for k, v in kwargs.items() if k not in ("_loop_vars", "_block_vars")}
    if plain or not 3 <= len(args) <= 4 or context.environment.filters.get("url") is not url_filter:
        return Context.call(context, macro, *args, **kwargs)
    item, path, level = args[:3]
    nav, page, base = context.get("nav"), context.get("page"), context.get("base_url", "")
    if nav is None or getattr(item, "active", None) is not False:
        return Context.call(context, macro, *args, **kwargs)
    if MEMO.nav is not nav:
        MEMO.reset(nav)
    urls, pages = MEMO.subtree(item)
    if page is not None and id(page) in pages:
        return Context.call(context, macro, *args, **kwargs)
    here = None if page is None else page.url
    relative = []
    for url in urls:
        known = MEMO.urls.get((url, here, base))
        if known is None:
            known = MEMO.urls[(url, here, base)] = normalize_url(url, page=page, base=base)
        relative.append(known)
    parent = getattr(args[3], "active", None) if len(args) == 4 else ()
    key = (id(item), path, level, parent, tuple(relative))
    kept = MEMO.html.get(key)
    if kept is not None and kept[0] is item:
        return kept[1]
    html = Context.call(context, macro, *args, **kwargs)
    MEMO.html[key] = (item, html)
    return html


def install() -> None:
    """Every theme environment MkDocs makes uses NavContext."""
    global _tested
    import material
    from mkdocs.theme import Theme

    with open(os.path.join(os.path.dirname(material.__file__), "templates", _TEMPLATE), "rb") as file:
        _tested = hashlib.sha256(file.read()).hexdigest()
    original_get_env = Theme.get_env

    def get_env(self: Theme) -> jinja2.Environment:
        env = original_get_env(self)
        if env.context_class is Context:
            env.context_class = NavContext
        return env

    Theme.get_env = get_env  # type: ignore[method-assign]
