"""The print-site plugin's heading-id rewrite, with the same matches found in linear time.

mkdocs-print-site-plugin's ``urls.update_anchor_ids`` runs
``<([^\\s]+).*?id="([^"]*?)".*?>`` over every page. At each ``<`` the expression takes
the longest run of non-blanks, then looks for ``id="`` up to the end of the line, and
gives back one character at a time: on a page of tables and an inline SVG that is a
quadratic scan, about a third of a site's print-page time here.

Neither ``[^\\s]`` nor ``.`` crosses a line break, so a match starts on a line that
holds ``id="`` itself (in any case, as the plugin matches). Only the id's value
``[^"]*?`` could run on to the next line; when no id value in the page holds a line
break, every match lies inside one such line, and searching those lines alone finds
exactly the matches, in order, that the plugin's ``finditer`` finds. Pages with an id
value across lines go to the plugin's own function. What happens to the matches is
the plugin's code, unchanged. tests/test_engine.py checks both on generated HTML.
"""

from __future__ import annotations

import re

from mkdocs_print_site_plugin import urls

STOCK = urls.update_anchor_ids
_ID = re.compile(r'id="', re.IGNORECASE)
_ID_ACROSS_LINES = re.compile(r'id="[^"]*\n', re.IGNORECASE)
CHANGE_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "sup", "li")
TAG_WITH_ID = re.compile(r"<([^\s]+).*?id=\"([^\"]*?)\".*?>", flags=re.IGNORECASE)  # the plugin's expression


def matches(regex: re.Pattern[str], html: str) -> list[re.Match[str]]:
    """``list(regex.finditer(html))`` for the plugin's expression, when no id value spans lines."""
    found: list[re.Match[str]] = []
    pos = 0
    for hit in _ID.finditer(html):
        start = html.rfind("\n", 0, hit.start()) + 1
        end = html.find("\n", hit.end())
        end = len(html) if end == -1 else end
        pos = max(pos, start)
        while pos < end and (m := regex.search(html, pos, end)):
            found.append(m)
            pos = m.end()
        pos = max(pos, end)
    return found


def update_anchor_ids(page_html: str, page_key: str) -> str:
    """mkdocs_print_site_plugin.urls.update_anchor_ids, same result."""
    if _ID_ACROSS_LINES.search(page_html):
        return STOCK(page_html, page_key)
    for m in matches(TAG_WITH_ID, page_html):
        if m.group(1) not in CHANGE_TAGS:
            continue
        match_text = m.group()
        page_html = page_html.replace(match_text, match_text.replace(m.group(2), page_key + "-" + m.group(2)))
    return page_html


def install(on: bool = True) -> None:
    """Use the linear rewrite in this process (``on=False``: the plugin's own, for comparisons)."""
    urls.update_anchor_ids = update_anchor_ids if on else STOCK
