"""The import rules of generator/: which package may import which, and who may touch an engine.

Read from the source (every import statement, also those inside functions), so a new import
that breaks the layering fails here, with the line that made it.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

GENERATOR = Path(__file__).resolve().parent.parent / "generator"
ENGINES = {"mkdocs", "material", "properdocs", "zensical", "mkdocs_print_site_plugin"}
FOUNDATION = {"errors", "layout", "i18n", "keep"}
# package (or top-level module) -> what it may import from generator; a "pkg.module" entry allows
# only that module of the package
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "layout": set(),
    "i18n": set(),
    "keep": set(),
    "project": FOUNDATION,
    "render": FOUNDATION | {"project"},
    "diagrams": FOUNDATION | {"project", "render"},
    "exports": FOUNDATION | {"project", "render"},
    "history": FOUNDATION | {"project", "render"},
    "builder": FOUNDATION | {"render.site", "history.git"},
    "portfolio": FOUNDATION | {"project", "render", "exports"},
    "report": FOUNDATION | {"project"},
    "pipeline": FOUNDATION | {"project", "render", "diagrams", "exports", "history", "builder", "portfolio"},
    "preview": FOUNDATION | {"project", "pipeline", "builder", "render"},
    "cli": {"*"},
    "__main__": {"cli"},
    "__init__": set(),
}
THIRD_PARTY_LIMITS = {  # libraries a package must not use
    "project": {"jinja2", "subprocess", "mkdocs", "material"},
    "render": {"subprocess"},
    "diagrams": {"jinja2"},
}


def unit(path: Path) -> str:
    rel = path.relative_to(GENERATOR).with_suffix("")
    return rel.parts[0]


def _runtime_nodes(tree: ast.AST):
    """Every node but those under `if TYPE_CHECKING:` (imports for type hints only)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            continue
        yield node
        yield from _runtime_nodes(node)


def imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: inside the package
                base = ".".join(("generator", *path.relative_to(GENERATOR).with_suffix("").parts[: -node.level]))
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            for alias in node.names:  # `from generator.history import git`: the module git
                yield node.lineno, f"{module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name


def modules() -> list[Path]:
    return sorted(p for p in GENERATOR.rglob("*.py") if "__pycache__" not in p.parts)


def target_of(name: str) -> str | None:
    """generator.render.site.Site -> 'render.site' (package.module) or 'errors' (a top module);
    None for anything outside generator/."""
    if not name.startswith("generator."):
        return None
    parts = name.split(".")[1:]
    first = parts[0]
    package = GENERATOR / first
    if package.is_dir() and len(parts) > 1 and (package / f"{parts[1]}.py").exists():
        return f"{first}.{parts[1]}"
    return first


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(GENERATOR)))
def test_each_module_imports_only_what_its_package_may(path: Path) -> None:
    me = unit(path)
    allowed = ALLOWED[me]
    wrong = []
    for line, name in imports(path):
        target = target_of(name)
        if target is None:
            top = name.split(".")[0]
            if isinstance(top, str) and top == "generator":
                continue
            if top in ENGINES and me != "builder":
                wrong.append(f"line {line}: {name} (only builder/ may import a site engine)")
            if top in THIRD_PARTY_LIMITS.get(me, set()):
                wrong.append(f"line {line}: {name} ({me}/ must not use {top})")
            continue
        package = target.split(".")[0]
        if package == me or "*" in allowed:
            continue
        if package not in allowed and target not in allowed:
            wrong.append(f"line {line}: {name} ({me} may import {sorted(allowed)})")
    assert wrong == [], f"{path.relative_to(GENERATOR)}:\n" + "\n".join(wrong)


OPTIONAL_ENGINES = {"properdocs", "zensical"}  # imported only when asked for with --engine


def _declared(extra: str | None = None) -> set[str]:
    import re
    import tomllib

    project = tomllib.loads((GENERATOR.parent / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    return {re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].lower().replace("_", "-") for spec in specs}


def test_every_library_generator_imports_is_a_declared_dependency() -> None:
    """A fresh clone installs only what pyproject.toml names: a library that arrives only as
    some other package's dependency (or only in the test extra) breaks `make site` there."""
    import sys
    from importlib.metadata import packages_distributions

    dists = packages_distributions()
    required, test_extra = _declared(), _declared("test")
    missing = []
    for path in modules():
        for line, name in imports(path):
            top = name.split(".")[0]
            if top in sys.stdlib_module_names or top in {"generator", "__future__"}:
                continue
            names = {d.lower().replace("_", "-") for d in dists.get(top, [top])}
            allowed = required | (test_extra if top in OPTIONAL_ENGINES else set())
            if not names & allowed:
                missing.append(f"{path.relative_to(GENERATOR)}:{line}: {name} ({'/'.join(sorted(names))})")
    assert missing == [], "imported but not declared in pyproject.toml:\n" + "\n".join(missing)


def test_every_library_the_tests_import_is_in_the_test_extra() -> None:
    import sys
    from importlib.metadata import packages_distributions

    dists = packages_distributions()
    allowed = _declared() | _declared("test")
    missing = []
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in {"generator", "tests", "__future__"}:
                    continue
                if not {d.lower().replace("_", "-") for d in dists.get(top, [top])} & allowed:
                    missing.append(f"{path.name}:{node.lineno}: {name}")
    assert missing == [], "imported by tests but not in pyproject.toml:\n" + "\n".join(missing)


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for path in modules():
        me = unit(path)
        for _, name in imports(path):
            target = target_of(name)
            if target and target.split(".")[0] != me:
                edges[me].add(target.split(".")[0])
    return edges


def depth(edges: dict[str, set[str]]) -> dict[str, int]:
    memo: dict[str, int] = {}

    def walk(node: str, seen: tuple[str, ...] = ()) -> int:
        assert node not in seen, f"import cycle: {' -> '.join((*seen, node))}"
        if node not in memo:
            memo[node] = 1 + max((walk(n, (*seen, node)) for n in edges.get(node, ())), default=0)
        return memo[node]

    for node in list(edges):
        walk(node)
    return memo


def test_packages_form_no_cycle_and_stay_shallow() -> None:
    levels = depth(graph())
    assert max(levels.values()) <= 9, levels  # __main__ -> cli -> preview -> pipeline -> builder -> ... -> errors


def test_generator_itself_keeps_to_a_handful_of_modules() -> None:
    top = sorted(p.name for p in GENERATOR.glob("*.py"))
    assert top == [
        "__init__.py", "__main__.py", "cli.py", "errors.py", "i18n.py", "keep.py", "layout.py", "pipeline.py", "report.py",
    ]  # fmt: skip


if __name__ == "__main__":  # print the package graph: python -m tests.test_architecture
    edges = graph()
    levels = depth(edges)
    for node in sorted(edges, key=lambda n: (-levels[n], n)):
        print(f"{node:10} depth {levels[node]}  fan-out {len(edges[node])}: {', '.join(sorted(edges[node]))}")
