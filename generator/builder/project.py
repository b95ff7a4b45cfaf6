"""A Site written out as a project an engine builds: mkdocs.yml, docs/ (pages, files, assets)
and the theme overrides that engine understands.

Two forms: the build's own temporary copy, which reads the overrides from the installed
package (so every site of a run has the same template folders and the fast paths can share
one compiled environment), and the portable form of `handbook generate`, which carries its
overrides and a copy of the base config, so it builds wherever it is copied.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from markupsafe import escape as html_escape

from generator.builder.engines import Engine

if TYPE_CHECKING:  # types only: `handbook build` with nothing to build imports no renderer
    from generator.render.site import Meta, Site

ASSETS = Path(__file__).parent / "assets"
CSS = ("handbook.css", "diagrams.css", "print.css")
JS = ("handbook.js",)
BASE_COPY = "base.yml"  # the base config, copied beside a portable project's mkdocs.yml


def palette(site: Site) -> list[dict]:
    """Material's light and dark schemes, their toggles named in the site's language."""
    return [
        {
            "media": "(prefers-color-scheme: light)",
            "scheme": "default",
            "primary": "indigo",
            "accent": "indigo",
            "toggle": {"icon": "material/brightness-7", "name": site.labels["toggle_dark"]},
        },
        {
            "media": "(prefers-color-scheme: dark)",
            "scheme": "slate",
            "primary": "indigo",
            "accent": "indigo",
            "toggle": {"icon": "material/brightness-4", "name": site.labels["toggle_light"]},
        },
    ]


def front_matter(meta: Meta | None) -> dict:
    """What Material (and the engines that read its front matter) make of a page's Meta."""
    if meta is None:
        return {}
    out: dict = {}
    if meta.description:
        out["description"] = meta.description  # our site_meta block (overrides/main.html) escapes it
    if meta.wide:
        out["hide"] = ["toc"]
    if not meta.searchable:
        out["search"] = {"exclude": True}
    return out


def with_front_matter(text: str, meta: Meta | None, dumper: type = yaml.SafeDumper) -> str:
    """The page with its front matter; a shared chapter's own front matter wins key by key.
    ``dumper``: how the YAML is written (see ``_dumper``)."""
    ours = front_matter(meta)
    if not ours:
        return text
    body = text
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            try:
                theirs = yaml.safe_load(text[4:end]) or {}
            except yaml.YAMLError:
                return text  # the engine reports it as it is
            if not isinstance(theirs, dict):
                return text
            ours = {**ours, **theirs}
            body = text[end + 5 :]
    head = yaml.dump(ours, Dumper=dumper, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{head}---\n\n{body.lstrip(chr(10))}"


def config(site: Site, base: str, overrides: str | None, engine: Engine, js: bool = True) -> dict:
    """The project's mkdocs.yml: the base config (INHERIT), then this site's own settings."""
    theme: dict = {"name": "material", "language": site.lang}
    if overrides:
        theme["custom_dir"] = overrides
    if site.labels:
        theme["palette"] = palette(site)
    out = {
        "INHERIT": base,
        # Material's templates do not autoescape: the name goes in HTML-escaped.
        "site_name": str(html_escape(site.name)),
        "docs_dir": "docs",
        "theme": theme,
        "plugins": [{"search": {"lang": site.lang}}],
        "extra": {"noindex": site.noindex, "generator": False},
        "extra_css": [f"assets/{css}" for css in (*CSS, *sorted(site.styles))],
        **({"extra_javascript": [f"assets/{script}" for script in JS]} if js else {}),
        "nav": site.nav,
    }
    if site.hidden:
        out["not_in_nav"] = "\n".join(f"/{path}" for path in site.hidden)
    return out


def _dumper(portable: bool) -> type:
    """PyYAML's safe dumper for a portable project (its files stay as they always were); for the
    build's own temporary copy, which only the engine reads, the same dumper with libyaml's
    emitter (the same values, written several times faster), where PyYAML has it."""
    return yaml.SafeDumper if portable else getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def write(site: Site, folder: Path, base_config: Path, engine: Engine, portable: bool = False, js: bool = True) -> Path:
    """Write ``folder`` (new and empty): mkdocs.yml, docs/ and, when ``portable``, the overrides and
    the base config it inherits. Returns the config file."""
    docs = folder / "docs"
    dumper = _dumper(portable)
    for rel, text in sorted(site.pages.items()):
        target = docs / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(with_front_matter(text, site.meta.get(rel), dumper), encoding="utf-8", newline="\n")
    for rel, css in sorted(site.styles.items()):
        target = docs / "assets" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(css, encoding="utf-8", newline="\n")
    for rel, content in sorted(site.files.items()):
        target = docs / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    (docs / "assets").mkdir(parents=True, exist_ok=True)
    for asset in (*CSS, *(JS if js else ())):
        shutil.copyfile(ASSETS / asset, docs / "assets" / asset)
    overrides = ASSETS / "overrides"
    if portable:
        shutil.copyfile(base_config, folder / BASE_COPY)
        base = BASE_COPY
    else:
        base = os.path.relpath(base_config.resolve(), folder.resolve())
    if portable or engine.override_files is not None:  # a copy of what this engine understands
        files = engine.override_files or sorted(
            str(p.relative_to(overrides)) for p in overrides.rglob("*") if p.is_file()
        )
        for name in files:
            (folder / "overrides" / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(overrides / name, folder / "overrides" / name)
        where = "overrides"
    else:  # the installed package's own folder: every site of a run shares its compiled templates
        where = str(overrides)
    settings = config(site, base, where, engine, js)
    if portable and engine.hooks and site.print_page is not None:  # a stock build assembles the print page too
        (folder / "hooks").mkdir()
        shutil.copyfile(Path(__file__).with_name("printpage.py"), folder / "hooks" / "printpage.py")
        settings["hooks"] = ["hooks/printpage.py"]
    final = engine.final_config(settings, folder)
    text = yaml.dump(final, Dumper=dumper, allow_unicode=True, sort_keys=False, width=1000)
    (folder / "mkdocs.yml").write_text(text, encoding="utf-8", newline="\n")
    return folder / "mkdocs.yml"
