"""One page of a MkDocs build rendered and written as soon as every page is converted.

MkDocs converts all pages first, then renders them one by one through the theme
(``_build_page``). The preview wants the page the consultant has open before the other 30.
When every page is converted (MkDocs' ``env`` event) this renders that page the way
``_build_page`` will a moment later (same context, same plugin events, same encoding) and
hands its bytes on; then it undoes what rendering left behind (Material's search plugin adds
the page's entries to its index and strips ``data-search-*`` attributes from its content), so
the build goes on exactly as if nothing had happened and writes the same bytes again.

Written for MkDocs 1.6.1 with Material 9.8.2's search as the only plugin (fastpaths.TESTED);
with anything else the hook does nothing and the site comes whole, as before.
"""

from __future__ import annotations

from mkdocs.commands.build import get_context
from mkdocs.structure.files import InclusionLevel
from mkdocs.structure.pages import Page

from generator.builder import verify
from generator.builder.warm import FirstPage


def _search_plugin(config):
    """Material's search plugin when it is the only plugin; None otherwise."""
    from material.plugins.search.plugin import SearchPlugin

    plugins = list(config.plugins.values())
    if len(plugins) == 1 and isinstance(plugins[0], SearchPlugin):
        return plugins[0]
    return None


def prepare(first: FirstPage):
    """A function for engines.api_build: called with the loaded config, it sets the hook."""

    def write(env, config, files, nav, search) -> None:
        first.laps.lap("convert pages")
        if nav is not None:
            _write(first, env, config, files, nav, search)

    return lambda config, warnings: when_converted(config, warnings, write)


def when_converted(config, warnings: list[str], then) -> None:
    """Call ``then(env, config, files, nav, search)`` once every page is converted (MkDocs' ``env``
    event), with ``nav`` None when the build has a warning already (it fails: nothing of it is
    shown or hurried); nothing is called unless Material's search is the only plugin."""
    search = _search_plugin(config)
    if search is None:
        return
    plugins, seen = config.plugins, {}
    on_nav, on_env = plugins.on_nav, plugins.on_env

    def nav_event(nav, **kwargs):
        seen["nav"] = nav = on_nav(nav, **kwargs)
        return nav

    def env_event(env, *, config, files):
        env = on_env(env, config=config, files=files)
        then(env, config, files, None if warnings else seen.get("nav"), search)
        return env

    plugins.on_nav, plugins.on_env = nav_event, env_event


def _write(first: FirstPage, env, config, files, nav, search) -> None:
    page = next((f.page for f in files.documentation_pages() if f.dest_uri == first.dest and f.page is not None), None)
    if not isinstance(page, Page) or 'class="hb-print-chapters"' in (page.content or ""):
        return  # no such page, or the print page (its chapters are put in after the engine)
    data = render(page, env, config, files, nav, search)
    text = data.decode("utf-8")
    if verify.page_problems(page.file.dest_uri, text):
        return  # the build will refuse the site with its message
    first.publish(page.file.dest_uri, data)
    first.written = page.file.dest_uri
    first.ready = first.laps.lap("first page")


def render(page: Page, env, config, files, nav, search) -> bytes:
    """The bytes ``_build_page`` of MkDocs 1.6.1 writes for ``page``; nothing of it stays behind."""
    content, entries = page.content, len(search.search_index.entries)
    config._current_page = page
    page.active = True
    try:
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        context = get_context(nav, doc_files, config, page)
        template = env.get_template(page.meta.get("template", "main.html"))
        context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
        output = template.render(context)
        output = config.plugins.on_post_page(output, page=page, config=config)
        return output.encode("utf-8", errors="xmlcharrefreplace")
    finally:
        page.active = False
        config._current_page = None
        page.content = content
        del search.search_index.entries[entries:]


def install() -> None:
    """Nothing to replace: the hook is set per build (``prepare``); the gate is what counts."""
