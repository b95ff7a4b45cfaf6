"""The JSON Schema for editors and the checker agree on every example and case (drift test).

Editors read YAML 1.2, so the case files are converted the way an editor sees them
(`90` a number, `true` a boolean, `NO` a string) and validated with jsonschema.
Shape errors must be errors for both; files the checker accepts the schema accepts.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from generator.errors import UserError
from generator.project import format as fmt
from generator.project.schema import INVALID, Ctx
from generator.project.yamlload import Map, Node, Scalar, Seq, load_file

from .conftest import CASES, FIXTURES, ROOT
from .golden import schema_text

_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")


def yaml12(node: Node):
    """The value an editor's YAML 1.2 (core schema) parser gives this node."""
    if isinstance(node, Map):
        return {k: yaml12(v) for k, (_, v) in node.items.items()}
    if isinstance(node, Seq):
        return [yaml12(v) for v in node.items]
    assert isinstance(node, Scalar)
    if not node.plain:
        return node.text
    if node.text in ("", "~", "null", "Null", "NULL"):
        return None
    if node.text in ("true", "True", "TRUE", "false", "False", "FALSE"):
        return node.text.lower() == "true"
    if _INT.match(node.text):
        return int(node.text)
    if _FLOAT.match(node.text):
        return float(node.text)
    return node.text


def _files() -> list[Path]:
    files = sorted(CASES.glob("*/*/project.yml")) + sorted((FIXTURES / "projects").glob("*/project.yml"))
    return files + sorted((FIXTURES / "consultancy" / "projects").glob("*/project.yml"))


VALIDATOR = jsonschema.Draft202012Validator(fmt.json_schema(), format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("file", _files(), ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}")
def test_schema_and_checker_agree_on_shape(file: Path) -> None:
    try:
        root, dup_errors = load_file(file, "x")
    except UserError:
        pytest.skip("refused by the YAML loader before any schema applies")
    if dup_errors:
        pytest.skip("duplicate keys cannot be expressed in JSON")
    ctx = Ctx()
    checker_ok = fmt.PROJECT.check(root, "", ctx) is not INVALID and not ctx.diagnostics
    schema_errors = list(VALIDATOR.iter_errors(yaml12(root)))
    assert checker_ok == (not schema_errors), (ctx.diagnostics, [e.message for e in schema_errors])


def test_schema_is_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(fmt.json_schema())


def test_fixture_project_files_point_editors_at_the_schema() -> None:
    files = sorted(FIXTURES.glob("**/projects/*/project.yml"))
    assert files
    for file in files:
        first = file.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../project.schema.json", file
    assert (ROOT / "projects" / "project.schema.json").read_text(encoding="utf-8") == schema_text()


# --- the schema as editors and check-jsonschema use it: ECMAScript regexes, every key described ---


def _check_jsonschema(*args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("check-jsonschema")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=120)


def test_schema_passes_check_jsonschema_metaschema_in_its_default_dialect() -> None:
    # check-jsonschema's default regex engine is ECMAScript's (the YAML language server's):
    # a pattern Python's re accepts but Unicode-mode JavaScript refuses fails here
    result = _check_jsonschema("--check-metaschema", str(ROOT / "projects" / "project.schema.json"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_good_case_and_fixture_validates_with_check_jsonschema() -> None:
    files = sorted(CASES.glob("good/*/project.yml")) + sorted(FIXTURES.glob("**/projects/*/project.yml"))
    assert len(files) > 10
    schema = str(ROOT / "projects" / "project.schema.json")
    result = _check_jsonschema("--schemafile", schema, *map(str, files))
    assert result.returncode == 0, result.stdout + result.stderr


def _properties(schema: dict, path: str = ""):
    """Every (key path, property schema) of the schema's mappings, however deeply nested."""
    for key, sub in schema.get("properties", {}).items():
        if path.endswith(("de", "en")) and key in ("de", "en"):
            continue
        yield f"{path}.{key}" if path else key, sub
        yield from _properties(sub, f"{path}.{key}" if path else key)
    if "items" in schema:
        yield from _properties(schema["items"], f"{path}[]")
    for option in schema.get("anyOf", []):
        if option.get("type") == "object" and set(option.get("properties", {})) == {"de", "en"}:
            continue
        yield from _properties(option, path)


def test_every_key_has_a_description_and_a_valid_example() -> None:
    found = list(_properties(fmt.json_schema()))
    assert len(found) > 80
    for path, sub in found:
        assert sub.get("description"), f"{path} has no description"
        assert sub.get("examples"), f"{path} has no example"
        for example in sub["examples"]:
            errors = [e.message for e in jsonschema.Draft202012Validator(sub).iter_errors(example)]
            assert not errors, (path, example, errors)
