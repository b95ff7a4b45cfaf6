"""DOT -> inline SVG: run Graphviz once per client, make the output safe to put in a page.

Inline (not <img>) so the site's CSS can recolour the diagram in dark mode. Every
id gets a per-diagram prefix so several diagrams can share one page; the root
gets role="img" and a <title> for screen readers; nothing that could load or run
anything (<image>, <script>, external links) survives. After the </svg> comes the diagram's
text version (a <details> list, diagrams/text.py), which its DOT text carries.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

from generator.diagrams.text import from_dot
from generator.errors import BuildError, MissingTool

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_CLUSTER = re.compile(r"\bsubgraph\s+\"?cluster", re.I)
_BATCH_ID = re.compile(r'id="page\d+,\d+_graph0"')
_URL_REF = re.compile(r"url\(\s*#([^)\s]+)\s*\)")
_EXTERNAL_URL = re.compile(r"url\(\s*['\"]?\s*[^#\s'\"]")
_FORBIDDEN = {"image", "script", "foreignObject", "iframe", "use", "a"}  # we never ask dot for any of these
_HREFS = ("href", f"{{{XLINK_NS}}}href")
TIMEOUT = 30  # seconds for one dot process; a client's diagrams normally take a few tens of ms
# dot processes per client at once when the caller does not say; the build's worker
# processes set it to 1: they already keep every core busy, and fewer dot processes at
# once keep the memory of the whole build flat however many clients there are.
DEFAULT_JOBS: int | None = None


class DotFailed(BuildError):
    """dot refused a diagram; the message holds its stderr."""

    def __init__(self, message: str) -> None:
        super().__init__(f"Graphviz: {message}")


class DotTimeout(DotFailed):
    """dot did not finish in time."""


def render_all(dots: dict[str, str], titles: dict[str, str] | None = None, jobs: int | None = None) -> dict[str, str]:
    """name -> inline SVG for every diagram of one client; ``titles`` maps name -> its text alternative.
    Where the DOT text carries a text version (diagrams/text.py), its HTML follows the </svg>.

    Starting dot costs more than laying out a small graph: for the 18 diagrams of the
    Muster example on 2 CPUs, one process each took ~250 ms in a row and ~140 ms in
    parallel, one process for all ~30 ms. But Graphviz 2.43 writes the clusters of
    any graph after the first of a process in an order that changes from run to run.
    So the graphs share ``jobs`` processes (default: CPU count), and a graph with
    clusters (the org chart) goes first in the first one; a second graph with clusters
    would get a process of its own. tests/test_svg.py checks that the shared runs give
    exactly the bytes of one process per graph, and that repeated runs give the same bytes.
    """
    for name in dots:
        if not _NAME.match(name):
            raise ValueError(f"diagram name {name!r} must match {_NAME.pattern}")
    dot_command()  # fail early and once when Graphviz is missing
    titles = titles or {}
    names = sorted(dots)
    clustered = [n for n in names if _CLUSTER.search(dots[n])]
    plain = [n for n in names if n not in clustered]
    limit = jobs or DEFAULT_JOBS or os.cpu_count() or 1  # dot processes at once
    workers = max(1, min(limit, len(plain)))
    batches = [plain[i::workers] for i in range(workers)]  # one empty batch when there is no plain graph
    if clustered:
        batches[0].insert(0, clustered[0])
    batches = [b for b in batches if b] + [[n] for n in clustered[1:]]
    raw: dict[str, str] = {}
    with ThreadPoolExecutor(max_workers=max(1, min(len(batches), limit))) as pool:
        for result in pool.map(lambda batch: _run_batch({n: dots[n] for n in batch}), batches):
            raw.update(result)
    return {name: _inline_checked(raw[name], name, titles.get(name, name)) + from_dot(dots[name]) for name in names}


def split(drawing: str) -> tuple[str, str]:
    """A drawing of render_all -> (its <svg> element, its text version's HTML or "")."""
    svg, end, text = drawing.partition("</svg>")
    return svg + end + "\n", text.strip()


def _inline_checked(svg: str, name: str, title: str) -> str:
    try:
        return inline(svg, name, title)
    except ET.ParseError as exc:
        raise DotFailed(f"dot gave no valid SVG for diagram {name!r} ({exc}); reinstall Graphviz") from None


def _run_batch(dots: dict[str, str]) -> dict[str, str]:
    """Several cluster-free graphs through one dot process; on failure, find the culprit one by one."""
    if len(dots) == 1:
        return {name: run_dot(dot, name) for name, dot in dots.items()}
    try:
        svgs = _split(run_dot("".join(dots.values()), "batch"))
    except DotTimeout:
        raise  # a hanging dot hangs again graph by graph: one timeout per client is enough
    except DotFailed:
        svgs = []
    if len(svgs) != len(dots):
        return {name: run_dot(dot, name) for name, dot in dots.items()}
    return dict(zip(dots, svgs, strict=True))


def _split(output: str) -> list[str]:
    """dot's output for several graphs: one XML document after another."""
    docs = ["<?xml" + part for part in output.split("<?xml")[1:]]
    return [_BATCH_ID.sub('id="graph0"', doc) for doc in docs]  # later graphs get id="page0,1_graph0"


def dot_command() -> str:
    path = shutil.which("dot")
    if path is None:
        raise MissingTool("Graphviz 'dot'", "graphviz", "to draw the diagrams")
    return path


def _env() -> dict[str, str]:
    """A fixed environment: same fonts and locale every run, so the output is stable."""
    env = {"PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    if "HOME" in os.environ:  # fontconfig keeps its cache there; does not change the output
        env["HOME"] = os.environ["HOME"]
    return env


def run_dot(dot: str, name: str = "diagram") -> str:
    """One `dot -Tsvg` process: DOT text of one graph in, raw SVG text out."""
    try:
        proc = subprocess.run(
            [dot_command(), "-Tsvg"],
            input=dot.encode("utf-8"),
            capture_output=True,
            env=_env(),
            timeout=TIMEOUT,
            check=False,
        )
    except FileNotFoundError as exc:
        raise MissingTool("Graphviz 'dot'", "graphviz", "to draw the diagrams") from exc
    except subprocess.TimeoutExpired as exc:
        raise DotTimeout(f"dot took longer than {TIMEOUT} s on diagram {name!r}; is Graphviz working?") from exc
    except OSError as exc:
        raise DotFailed(f"dot could not be started: {exc.strerror}") from exc
    stderr = proc.stderr.decode("utf-8", "replace").strip()
    if proc.returncode != 0 or not proc.stdout.strip():
        raise DotFailed(f"dot failed on diagram {name!r} (exit {proc.returncode}): {stderr}")
    return proc.stdout.decode("utf-8")


def inline(svg: str, name: str, title: str) -> str:
    """Raw dot SVG -> an <svg> element to paste into a page (no prolog, doctype or comments)."""
    root = ET.fromstring(svg)  # the parser drops the prolog, doctype and comments
    prefix = f"hb-{name}-"
    _strip(root)
    _prefix_ids(root, prefix)
    _make_accessible(root, prefix, title)
    text = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return "\n".join(line for line in text.splitlines() if line.strip()) + "\n"


def _strip(root: ET.Element) -> None:
    """Drop node/edge tooltips (dot's <title>s are our n0, n1 ids) and anything that could load content."""
    for parent in list(root.iter()):
        for child in list(parent):
            tag = child.tag.rsplit("}", 1)[-1]
            if tag in _FORBIDDEN or tag == "title":
                parent.remove(child)
        for attr in _HREFS:
            if attr in parent.attrib and not parent.attrib[attr].startswith("#"):
                del parent.attrib[attr]


def _prefix_ids(root: ET.Element, prefix: str) -> None:
    for el in root.iter():
        for key, value in list(el.attrib.items()):
            if key == "id":
                el.attrib[key] = prefix + value
            elif key in _HREFS:
                el.attrib[key] = "#" + prefix + value[1:]
            elif _EXTERNAL_URL.search(value):
                del el.attrib[key]  # url(http://...) would make the browser fetch something
            elif "url(" in value:
                el.attrib[key] = _URL_REF.sub(lambda m: f"url(#{prefix}{m.group(1)})", value)


def _make_accessible(root: ET.Element, prefix: str, title: str) -> None:
    width = root.attrib.pop("width", "").removesuffix("pt")
    root.attrib.pop("height", None)
    width_pt = float(width) if width else float(root.get("viewBox", "0 0 0 0").split()[2])
    px = round(width_pt * 4 / 3)  # dot's points at 96 dpi
    root.attrib.update(
        {
            "role": "img",
            "aria-labelledby": f"{prefix}title",
            "class": "hb-svg",
            "style": f"width: {px}px",  # its natural size; the page scales it down to its width
        }
    )
    element = ET.Element(f"{{{SVG_NS}}}title", {"id": f"{prefix}title"})
    element.text = title
    root.insert(0, element)
