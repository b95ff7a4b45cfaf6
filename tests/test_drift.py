"""Knowledge written in two places must agree: the format's keys and the model's fields, the
German and English labels, the format's sections and what the changes page tells."""

from __future__ import annotations

import dataclasses

import pytest

from generator import i18n
from generator.history import differ
from generator.project import format as fmt
from generator.project import reference
from generator.project.schema import Obj
from generator.render.pages import TEMPLATES


def objects() -> list[Obj]:
    every = reference.objects(fmt.PROJECT) + reference.objects(fmt.CATALOG)
    unique = [o for i, o in enumerate(every) if not any(o is p for p in every[:i])]
    return [o for o in unique if o.make is not dict]


@pytest.mark.parametrize("obj", objects(), ids=lambda o: o.title)
def test_format_keys_equal_model_fields(obj: Obj) -> None:
    model = {f.name for f in dataclasses.fields(obj.make)} - {"path", "from_catalog"}
    keys = {obj.rename.get(k, k) for k in obj.fields}
    assert keys == model, f"{obj.title}: only in the format {keys - model}, only in the model {model - keys}"


def test_german_and_english_labels_are_the_same_set() -> None:
    assert set(i18n.LABELS["de"]) == set(i18n.LABELS["en"])
    assert set(i18n.PATHS["de"]) == set(i18n.PATHS["en"])
    assert all(value.strip() or key == "clock" for lang in i18n.LABELS.values() for key, value in lang.items())


def test_every_label_a_template_uses_exists() -> None:
    import re

    used = set()
    for template in TEMPLATES.glob("*.j2"):
        used |= set(re.findall(r"\bL\.([a-z_]+)", template.read_text(encoding="utf-8")))
    assert used - set(i18n.LABELS["de"]) == set()


def test_every_format_section_is_told_by_the_semantic_diff_or_says_why_not() -> None:
    keys = set(fmt.PROJECT.fields)
    assert keys == set(differ.SECTIONS) | set(differ.UNTOLD), (
        f"not covered: {keys - set(differ.SECTIONS) - set(differ.UNTOLD)}; "
        f"unknown: {(set(differ.SECTIONS) | set(differ.UNTOLD)) - keys}"
    )
    assert not set(differ.SECTIONS) & set(differ.UNTOLD)
    assert all(hasattr(differ._Differ, section) for section in differ.SECTIONS.values())
    person = set(fmt.PERSON.fields) - {"id", "roles", "kind"}
    assert person == set(differ.PERSON_KEYS)
