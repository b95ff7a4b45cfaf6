"""The CI publishing templates are valid for their systems and run what the README says."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT, make_repo
from .test_cli import MINIMAL, handbook


def validate(schema: str, file: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(file)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_github_workflow_is_valid_and_checks_then_builds() -> None:
    file = ROOT / ".github" / "workflows" / "handbook.yml"
    validate("vendor.github-workflows", file)
    jobs = yaml.safe_load(file.read_text(encoding="utf-8"))["jobs"]
    runs = lambda job: " ".join(step.get("run", "") for step in jobs[job]["steps"])  # noqa: E731
    assert "handbook check --format github" in runs("check")
    assert 'handbook build --shard "${{ matrix.shard }}"' in runs("build")
    uses = [step.get("uses", "") for step in jobs["pages"]["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact") for u in uses)
    assert jobs["pages"]["needs"] == ["build", "engines"]  # nothing is published before the engine tests pass
    assert "pytest -q tests/test_engine.py tests/test_engines.py" in runs("engines")
    for job in ("check", "build", "engines"):
        assert "pip install -c .ci/constraints.txt" in runs(job), job  # the tested releases, exactly


def test_gitlab_ci_is_valid_and_has_a_pages_job() -> None:
    file = ROOT / ".gitlab-ci.yml"
    validate("vendor.gitlab-ci", file)
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    assert "handbook check --format gitlab > gl-code-quality-report.json || true" in data["check"]["script"]
    assert any("handbook build --shard" in line for line in data["build"]["script"])
    assert data["pages"]["artifacts"]["paths"] == ["public"]
    assert data["pages"]["needs"] == ["build", "engines"]
    assert any("pytest -q tests/test_engine.py tests/test_engines.py" in line for line in data["engines"]["script"])
    for job in ("check", "build", "engines"):
        assert any("-c .ci/constraints.txt" in line for line in data[job]["script"]), job


def test_the_constraints_pin_what_the_fast_paths_were_tested_on() -> None:
    from generator.builder.fastpaths import TESTED

    pins = {}
    for line in (ROOT / ".ci" / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version.strip()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for needs in TESTED.values():
        for dist, version in needs.items():
            if dist == "python":  # the Python the publishing templates run (their html.parser)
                assert f'python-version: "{version}"' in readme and f"image: python:{version}-slim" in readme
                continue
            assert pins.get(dist.lower()) == version, (dist, version, pins.get(dist.lower()))


def test_shards_split_the_clients_without_overlap(tmp_path: Path) -> None:
    from generator.pipeline import shard

    slugs = [f"client-{i}" for i in range(50)]
    parts = [shard(slugs, f"{k}/3") for k in (1, 2, 3)]
    assert sorted(sum(parts, [])) == sorted(slugs)
    assert set(shard(slugs + ["zz-new"], "1/3")) - {"zz-new"} == set(parts[0])


def test_gitlab_format_is_a_code_quality_report(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"beispiel": MINIMAL.replace("type: kickoff", "type: kickof")})
    result = handbook(repo, "check", "--format", "gitlab")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report == [
        {
            "description": "meetings[0].type: 'kickof' is not one of kickoff, regular, review, workshop, other "
            "(did you mean 'kickoff'?)",
            "check_name": "handbook",
            "fingerprint": report[0]["fingerprint"],
            "severity": "major",
            "location": {"path": "projects/beispiel/project.yml", "lines": {"begin": 9}},
        }
    ]


def _readme_snippets() -> list[str]:
    """The YAML blocks of the README that run `handbook build --shard` (the 1,000-client matrix)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```yaml\n(.*?)^```$", text, re.M | re.S)
    return [block for block in blocks if "handbook build --shard" in block]


def _every_slice_once(specs: list[str]) -> None:
    """Each spec is one `--shard` accepts, and together they hold every client exactly once."""
    from generator.pipeline import shard

    slugs = [f"client-{i:04d}" for i in range(1000)]
    parts = [shard(slugs, spec) for spec in specs]
    assert sorted(sum(parts, [])) == slugs
    assert all(25 <= len(part) <= 80 for part in parts), [len(p) for p in parts]  # about 50 each


def test_readme_shows_a_1000_client_matrix_for_github_and_gitlab(tmp_path: Path) -> None:
    from generator.errors import UsageError
    from generator.pipeline import shard

    github, gitlab = _readme_snippets()
    (tmp_path / "github.yml").write_text(github, encoding="utf-8")
    validate("vendor.github-workflows", tmp_path / "github.yml")
    build = yaml.safe_load(github)["jobs"]["build"]
    command = " ".join(step.get("run", "") for step in build["steps"])
    assert 'handbook build --shard "${{ matrix.shard }}/20"' in command
    values = build["strategy"]["matrix"]["shard"]
    assert values == list(range(1, 21))
    _every_slice_once([f"{k}/20" for k in values])

    (tmp_path / ".gitlab-ci.yml").write_text(gitlab, encoding="utf-8")
    validate("vendor.gitlab-ci", tmp_path / ".gitlab-ci.yml")
    job = yaml.safe_load(gitlab)["build"]
    assert job["parallel"] == 20
    assert any('handbook build --shard "$CI_NODE_INDEX/$CI_NODE_TOTAL"' in line for line in job["script"])
    _every_slice_once([f"{k}/{job['parallel']}" for k in range(1, job["parallel"] + 1)])  # CI_NODE_INDEX: 1..N
    for wrong in ("0/20", "21/20", "1-20", "20"):  # a zero-based index or another form is refused
        with pytest.raises(UsageError):
            shard(["a"], wrong)
