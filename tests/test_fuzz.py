"""Robustness: random valid projects build; random corruptions give positioned errors; no tracebacks."""

from __future__ import annotations

import re

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.pipeline import build_all
from generator.project.check import check_all
from generator.project.schema import INVISIBLE
from generator.render.pages import render_pages
from generator.render.view import View

from .conftest import make_repo
from .synthetic import project_yaml

# What a consultant may type in a one-line text field: no control characters, and none of the
# invisible ones check refuses (schema.INVISIBLE, tested on their own).
TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="".join(sorted(INVISIBLE))),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip())
IDS = st.from_regex(r"[a-z][a-z0-9_-]{0,10}", fullmatch=True)
POSITION = re.compile(r"^projects/p/project\.yml:\d+:\d+: (error|warning|note|accepted): ")


@st.composite
def projects(draw) -> dict:
    n_people = draw(st.integers(2, 25))
    ids = draw(
        st.lists(
            IDS.filter(lambda i: i not in {"client", "contractor", "project_team"}),
            min_size=n_people,
            max_size=n_people,
            unique=True,
        )
    )
    ids = [f"x{i}" for i in ids]  # never a catalog role id
    departments = draw(st.lists(TEXT, min_size=1, max_size=4))
    people = []
    for i, pid in enumerate(ids):
        side = "client" if i % 2 == 0 else "contractor"
        people.append(
            {"id": pid, "name": draw(TEXT), "side": side, "department": draw(st.sampled_from(departments)), "roles": []}
        )
    people[0]["roles"] = ["project_lead", "key_user"]
    people[1]["roles"] = ["account_manager", "support", "backoffice", "resource_coordinator"]
    tasks = [
        {
            "task": draw(TEXT),
            "responsible": [draw(st.sampled_from(ids))],
            "accountable": draw(st.sampled_from(ids)),
            "consulted": draw(st.lists(st.sampled_from(ids + ["key_user", "project_team"]), max_size=3)),
            "phase": draw(TEXT),
        }
        for _ in range(draw(st.integers(0, 12)))
    ]
    return {
        "client": draw(TEXT),
        "title": draw(TEXT),
        "language": draw(st.sampled_from(["de", "en"])),
        "people": people,
        "raci": tasks,
        "communication": [
            {
                "topic": draw(TEXT),
                "from": ids[0],
                "to": [draw(st.sampled_from(ids))],
                "when": draw(TEXT),
                "channel": draw(TEXT),
            }
        ],
        "meetings": [{"name": draw(TEXT), "type": "kickoff"}],
    }


def limits(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@limits(40)
@given(projects())
def test_random_valid_projects_check_and_render(tmp_path_factory, data: dict) -> None:
    repo = make_repo(tmp_path_factory.mktemp("v"), {"p": yaml.safe_dump(data, allow_unicode=True)})
    run = check_all(repo)
    assert [d for d in run.all_diagnostics() if d.severity == "error"] == []
    pages = render_pages(View(run.results[0].resolved))
    person = pages[next(k for k in pages if k.endswith(f"/{data['people'][0]['id']}.md"))]
    assert person.startswith("# ") and "\n# " not in person


@limits(3)
@given(projects())
def test_random_valid_projects_build(tmp_path_factory, data: dict) -> None:
    repo = make_repo(tmp_path_factory.mktemp("b"), {"p": yaml.safe_dump(data, allow_unicode=True)})
    outcomes = build_all(repo, [], repo / "site", jobs=1).outcomes
    assert [o.state for o in outcomes] == ["built"], outcomes


def _mutate(text: str, draw) -> str:
    lines = text.split("\n")
    kind = draw(st.sampled_from(["delete", "duplicate", "insert", "truncate", "indent", "replace"]))
    i = draw(st.integers(0, len(lines) - 1))
    if kind == "delete":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    elif kind == "indent":
        lines[i] = draw(st.sampled_from(["", " ", "   ", "\t"])) + lines[i].lstrip()
    elif kind == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    else:
        junk = draw(st.text(min_size=1, max_size=8))
        pos = draw(st.integers(0, len(lines[i])))
        lines[i] = lines[i][:pos] + junk + lines[i][pos + (kind == "replace") :]
    return "\n".join(lines)


@limits(150)
@given(st.data())
def test_corrupted_files_give_positioned_errors(tmp_path_factory, data) -> None:
    original = project_yaml(data.draw(st.integers(0, 5)), people=10)
    text = _mutate(original, data.draw)
    repo = make_repo(tmp_path_factory.mktemp("c"), {"p": text.encode("utf-8", "surrogatepass")})
    run = check_all(repo)  # must not raise
    for d in run.all_diagnostics():
        assert POSITION.match(d.human()), d.human()
        assert d.pos.line >= 1 and d.pos.col >= 1
