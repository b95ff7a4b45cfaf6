"""builder: the only package that knows a site engine (MkDocs, ProperDocs, Zensical).

It takes a Site (render/site.py), writes it as a project the chosen engine builds, builds it
into a staging folder, checks the result (nothing from a third party), and swaps it in
whole. Also here: the output folder's safety (output.py), the incremental build's record
(incremental.py), the room in memory the project is written to (scratch.py), the helper
that readies MkDocs on the spare core for a one-client build (ahead.py), the fast paths
that make many builds in one process cheap (fastpaths/) and the CSS, JavaScript and theme
overrides every site gets (assets/).
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from generator.builder import ahead, engines, scratch
from generator.builder.output import claim, locked, recover, staged, swap_in
from generator.builder.warm import FirstPage, Laps
from generator.errors import BuildError

# What only building needs is imported in build() and generate(): `handbook build` with nothing
# to build, and the command line (which names the engines), import none of it, nor the renderer.
if TYPE_CHECKING:
    from generator.render.site import Site

__all__ = [
    "FirstPage",
    "Laps",
    "ahead",
    "build",
    "claim",
    "engines",
    "generate",
    "locked",
    "recover",
    "staged",
    "swap_in",
]


def build(
    site: Site,
    stage: Path,
    base_config: Path,
    engine: str,
    epoch: int,
    first: FirstPage | None = None,
    name: str | None = None,
) -> Path:
    """Build ``site`` with ``engine`` in the staging folder; return the checked HTML folder.

    ``first`` (`handbook serve`): the page to publish as soon as it is made, before the rest.
    ``name``: what the site is called from one run to the next (repository and client), under
    which MkDocs' fast paths keep its converted pages for the next build (fastpaths/disk.py)."""
    from generator.builder import printpage, project
    from generator.builder.fastpaths import disk
    from generator.builder.verify import verify_site

    chosen = engines.get(engine)
    laps = first.laps if first is not None else Laps()
    html = stage / "html"
    with scratch.project_folder(stage, _size(site)) as src:  # in memory where there is room
        config_file = project.write(site, src, base_config, chosen, js=site.scripts)
        laps.lap("write project")
        if isinstance(chosen, engines.MkDocs):
            readied = ahead.build(name, config_file, html, epoch) if first is None else None
            if readied is not None:  # a helper process readied MkDocs meanwhile (ahead.py) and built it
                engines.fail_on(readied)
            else:
                with disk.site(name) if name else nullcontext():
                    chosen.build(config_file, html, epoch, first)
        else:
            chosen.build(config_file, html, epoch)
    laps.lap("engine, other pages")
    if site.print_page is not None:
        try:
            printpage.assemble(html, site.print_page)
        except (ValueError, OSError) as exc:
            raise BuildError(f"print page: {exc}") from None
        laps.lap("print page")
    verify_site(html)
    laps.lap("third-party check")
    return html


def _size(site: Site) -> int:
    """About the bytes of the project written for ``site``."""
    return sum(len(text) * 2 for text in site.pages.values()) + sum(len(data) for data in site.files.values())


def generate(site: Site, folder: Path, base_config: Path, engine: str) -> Path:
    """The portable project of ``site`` in ``folder`` (new): builds wherever it is copied."""
    from generator.builder import project

    return project.write(site, folder, base_config, engines.get(engine), portable=True)
