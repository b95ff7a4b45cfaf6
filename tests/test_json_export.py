"""The handbook as data (downloads/handbook.json) and its JSON Schema: valid for every fixture
project, the same letters, people and times the pages show, nothing private in any file of the
site whichever engine builds it, and readable by a browser, by the README's Python and by jq."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from generator.builder import engines
from generator.exports import jsondata
from generator.exports.downloads import client_downloads, link_texts
from generator.pipeline import build_all
from generator.project.check import check_all
from generator.project.resolve import Resolved
from generator.render.view import LETTERS, View

from .conftest import FIXTURES, ROOT, make_repo
from .test_browser import GERMAN, browser, sites  # noqa: F401  (browser and sites are fixtures)

STAMP = datetime(2027, 1, 1, 12, 0, tzinfo=UTC)
EPOCH = str(int(STAMP.timestamp()))
VALIDATOR = jsonschema.Draft202012Validator(jsondata.SCHEMA, format_checker=jsonschema.FormatChecker())

CANARY = "kanarien"
PRIVATE = (
    "INTERNAL-NOTE-CANARY-51aa",
    "INTERNAL-DEEP-CANARY-e07f",
    "FEEDBACK-TEXT-CANARY-8d2c",
    "ABSENCE-REASON-CANARY-3b9e",
    "ABSENCE-REASON-CANARY-c41d",
)
CANARY_PROJECT = f"""\
version: 1.1
client: Kanarien GmbH
title: CRM-Einführung
timezone: Europe/Berlin
period: {{start: 2027-01-04, end: 2027-12-17}}
people:
  - id: petra_lang
    name: Petra Lang
    side: client
    roles: [project_lead, key_user]
    department: Vertrieb
    phone: 030 1234567
    deputy: karl_ulm
    absences:
      - {{from: 2027-05-03, to: 2027-05-07, reason: {PRIVATE[3]}}}
  - {{id: karl_ulm, name: Karl Ulm, side: client, roles: [key_user], department: Vertrieb}}
  - id: jan_weber
    name: Jan Weber
    side: contractor
    roles: [account_manager]
    email: jan.weber@nordwind-crm.example
    absences:
      - {{from: 2027-08-16, to: 2027-08-27, reason: {PRIVATE[4]}}}
  - {{id: hotline, name: Nordwind Support, side: contractor, kind: team, roles: [support, backoffice]}}
communication:
  - {{topic: Projektstatus, from: project_lead, to: [account_manager], when: wöchentlich, channel: Teams}}
meetings:
  - {{id: kickoff, name: Kickoff, type: kickoff, date: 2027-03-01 09:00, participants: [project_team, jan_weber]}}
milestones:
  - {{name: Go-live, date: 2027-07-01, owner: petra_lang}}
escalation:
  - {{level: 1, contact: account_manager, when: nach 2 Arbeitstagen}}
agreement: {{date: 2027-03-01, client: petra_lang, contractor: jan_weber}}
feedback:
  - {{person: petra_lang, role: project_lead, date: 2027-10-01, text: {PRIVATE[2]}}}
internal:
  notes: {PRIVATE[0]}
  nested: {{deep: [{PRIVATE[1]}]}}
"""


def consultancy_repo(tmp: Path) -> Path:
    """The consultancy's own catalog and clients (no git: checking needs none)."""
    repo = tmp / "consultancy"
    shutil.copytree(FIXTURES / "consultancy", repo)
    shutil.copyfile(ROOT / "mkdocs.yml", repo / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", repo / "docs")
    return repo


@pytest.fixture(scope="module")
def resolved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Resolved]:
    """slug -> checked model of every fixture project: the examples', the consultancy's, ours."""
    tmp = tmp_path_factory.mktemp("fixtures")
    repos = [make_repo(tmp / "repo", {CANARY: CANARY_PROJECT}, fixtures=True), consultancy_repo(tmp)]
    out = {}
    for repo in repos:
        for result in check_all(repo).results:
            assert result.resolved is not None, result.slug
            out[result.slug] = result.resolved
    assert len(out) == 6, sorted(out)
    return out


def data_of(r: Resolved) -> dict:
    return json.loads(jsondata.export_file(View(r), STAMP))


def strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):  # values only: a key such as "email" may be a word of the export too
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def private_texts(r: Resolved) -> set[str]:
    """Every text of the file that no client may read: internal notes, feedback, absence reasons."""
    p = r.project
    found = set(strings(p.internal or {})) | {f.text for f in p.feedback}
    found |= {a.reason for person in p.people for a in person.absences if a.reason}
    return found


# the schema ---------------------------------------------------------------------------------
def test_the_schema_is_a_valid_draft_2020_12_schema_and_is_published_as_written() -> None:
    jsonschema.Draft202012Validator.check_schema(jsondata.SCHEMA)
    assert jsondata.SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert json.loads(jsondata.schema_file()) == jsondata.SCHEMA
    assert jsondata.SCHEMA["$id"] == "handbook.schema.json"  # relative: it lies beside the export


def _properties(schema: object, path: str = "") -> Iterator[tuple[str, dict]]:
    if isinstance(schema, dict):
        for key, sub in schema.get("properties", {}).items():
            yield f"{path}.{key}", sub
        for key, sub in schema.items():
            yield from _properties(sub, f"{path}/{key}")
    elif isinstance(schema, list):
        for sub in schema:
            yield from _properties(sub, path)


def test_every_key_of_the_schema_is_described_and_always_present() -> None:
    props = list(_properties(jsondata.SCHEMA))
    assert len(props) > 80
    assert [path for path, sub in props if not sub.get("description", "").strip()] == []
    for schema in [jsondata.SCHEMA, *jsondata.SCHEMA["$defs"].values()]:
        assert schema["required"] == list(schema["properties"]) and schema["additionalProperties"] is False


# every fixture project ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "slug",
    [
        "muster-maschinenbau",
        "harbour-logistics",
        "kanzlei-sommer",
        "nordlicht-energie",
        "thames-freight",
        CANARY,
    ],
)
def test_the_export_of_every_fixture_project_is_valid_and_holds_nothing_private(resolved, slug: str) -> None:
    r = resolved[slug]
    raw = jsondata.export_file(View(r), STAMP)
    data = json.loads(raw)
    assert [e.message for e in VALIDATOR.iter_errors(data)] == []
    assert data["$schema"] == "handbook.schema.json" and data["format"] == "handbook-export/1"
    text = raw.decode()
    private = private_texts(r)
    assert private or slug == "harbour-logistics"  # the projects have private text to hide
    assert [secret for secret in private if secret in text] == []
    assert "revision" not in text  # nothing of git


def test_the_schema_refuses_what_it_does_not_describe(resolved) -> None:
    data = data_of(resolved["muster-maschinenbau"])
    assert VALIDATOR.is_valid(data)
    bad = json.loads(json.dumps(data))
    bad["internal"] = {"margin": "knapp"}
    del bad["people"][0]["phone_e164"]
    bad["people"][1]["absences"][0]["reason"] = "Urlaub"
    bad["meetings"][0]["start"] = "2027-02-03 09:30"  # no offset
    bad["raci"][0]["accountable"]["kind"] = "team"
    errors = sorted(e.message for e in VALIDATOR.iter_errors(bad))
    assert len(errors) == 5, errors


def test_the_same_view_gives_the_same_bytes_and_only_the_stamp_moves_generated(resolved) -> None:
    view = View(resolved["muster-maschinenbau"])
    one = jsondata.export_file(view, STAMP)
    assert one == jsondata.export_file(View(resolved["muster-maschinenbau"]), STAMP)
    assert one.endswith(b"}\n") and b"\r" not in one and "Katrin Müller".encode() in one  # UTF-8, not \u00fc
    assert one.startswith(b'{\n  "$schema": "handbook.schema.json",\n  "format": "handbook-export/1",\n')
    later = json.loads(jsondata.export_file(view, datetime(2027, 2, 1, tzinfo=UTC)))
    assert later.pop("generated") == "2027-02-01T00:00:00Z"
    first = json.loads(one)
    assert first.pop("generated") == "2027-01-01T12:00:00Z"
    assert later == first


# the same as the pages ------------------------------------------------------------------------
KEYS = dict(zip(LETTERS, ("responsible", "accountable", "consulted", "informed"), strict=True))


def letters_in(task: dict, person_id: str) -> str:
    """The RACI letters a task of the export gives the person, through any reference."""
    refs = {letter: task[key] if isinstance(task[key], list) else [task[key]] for letter, key in KEYS.items()}
    return "".join(letter for letter, found in refs.items() if any(r and person_id in r["people"] for r in found))


def test_every_persons_raci_letters_are_those_of_the_view(resolved) -> None:
    for slug, r in resolved.items():
        view, data = View(r), data_of(r)
        for person in view.people:
            from_json = [(t["task"], letters_in(t, person.id)) for t in data["raci"] if letters_in(t, person.id)]
            expected = [
                (view.task_text(i.task), "".join(x for x, _ in i.letters)) for i in view.involvements(person.id)
            ]
            assert from_json == expected, (slug, person.id)
    assert letters_in(data_of(resolved["muster-maschinenbau"])["raci"][0], "katrin_mueller")  # not vacuous


def test_references_keep_what_was_written_and_name_the_people(resolved) -> None:
    data = data_of(resolved["muster-maschinenbau"])
    kickoff = next(m for m in data["meetings"] if m["id"] == "kickoff")
    team = next(ref for ref in kickoff["participants"] if ref["ref"] == "project_team")
    assert team["kind"] == "group" and team["name"] == "Projektteam"
    assert team["people"][:2] == ["thomas_schmidt", "anna_becker"]
    organiser = kickoff["organiser"]
    assert organiser == {
        "ref": "account_manager",
        "kind": "role",
        "name": "Account Manager (Projektleitung Nordwind)",
        "people": ["katrin_mueller"],
    }
    assert kickoff["start"] == "2027-02-03T09:30:00+01:00" and kickoff["all_day"] is False


def test_people_roles_and_contacts_are_the_views(resolved) -> None:
    for r in resolved.values():
        view, data = View(r), data_of(r)
        assert [p["id"] for p in data["people"]] == [p.id for p in view.people]
        assert [role["id"] for role in data["roles"]] == [role.id for role in view.roles]
        for role in data["roles"]:
            assert role["holders"] == [p.id for p in view.holders(role["id"])]
        assert [p["phone_e164"] for p in data["people"]] == [view.dial(p) for p in view.people]
    thomas = data_of(resolved["muster-maschinenbau"])["people"][0]
    assert (thomas["phone"], thomas["phone_e164"]) == ("0301234567", "+49301234567")  # as typed, and dialable


def test_times_are_local_to_the_projects_zone_with_that_days_offset(resolved) -> None:
    data = data_of(resolved["thames-freight"])
    assert data["timezone"] == "Europe/London"
    kickoff = next(m for m in data["meetings"] if m["name"] == "Kickoff")
    assert kickoff["start"].startswith("2027-04-06T09:00:00+01:00")  # British Summer Time
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", m["date"]) for m in data["milestones"])


def test_absences_are_dates_and_the_deputy_from_the_edition_day_on(resolved) -> None:
    view = View(resolved[CANARY])
    data = json.loads(jsondata.export_file(view, STAMP))
    petra = data["people"][0]
    assert petra["absences"] == [{"from": "2027-05-03", "to": "2027-05-07", "deputy": "karl_ulm"}]
    assert data["people"][2]["absences"] == [{"from": "2027-08-16", "to": "2027-08-27", "deputy": None}]
    after_may = json.loads(jsondata.export_file(view, datetime(2027, 6, 1, tzinfo=UTC)))
    assert after_may["people"][0]["absences"] == []  # over before the edition: as on the pages
    assert data["agreement"]["client"]["people"] == ["petra_lang"]
    assert data["agreement"]["contractor"]["ref"] == "jan_weber"


# downloads, in both languages ------------------------------------------------------------------------
def test_both_files_are_downloads_with_link_texts_in_both_languages(resolved) -> None:
    for slug in ("muster-maschinenbau", "harbour-logistics"):
        view = View(resolved[slug])
        files = client_downloads(view, slug, STAMP)
        assert list(files)[-2:] == ["handbook.json", "handbook.schema.json"]
        assert files["handbook.json"] == jsondata.export_file(view, STAMP)
        assert files["handbook.schema.json"] == jsondata.schema_file()
    assert link_texts(View(resolved["muster-maschinenbau"]))["handbook.json"].endswith("(JSON)")
    assert link_texts(View(resolved["harbour-logistics"]))["handbook.schema.json"] == (
        "Description of that data (JSON Schema)"
    )


# the built site, by every engine ----------------------------------------------------------------------
@pytest.fixture(scope="module", params=engines.NAMES)
def canary_site(request, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Resolved]]:
    repo = make_repo(tmp_path_factory.mktemp(f"canary-{request.param}") / "repo", {CANARY: CANARY_PROJECT})
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", EPOCH)
        run = build_all(repo, [], repo / "site", engine=request.param, jobs=1)
    assert [o.state for o in run.outcomes] == ["built"], run.outcomes
    (result,) = check_all(repo).results
    assert result.resolved is not None
    yield repo / "site" / CANARY, result.resolved


def _site_texts(site: Path) -> Iterator[tuple[Path, str]]:
    for file in sorted(p for p in site.rglob("*") if p.is_file()):
        data = file.read_bytes()
        yield file, (gzip.decompress(data) if file.suffix == ".gz" else data).decode("utf-8", "replace")


def test_no_file_of_the_site_holds_anything_private_and_the_json_holds_the_dates(canary_site) -> None:
    site, r = canary_site
    files = dict(_site_texts(site))
    names = {f.relative_to(site).as_posix() for f in files}
    assert {"index.html", "sitemap.xml", "downloads/handbook.json", "downloads/handbook.schema.json"} <= names
    assert any(name.endswith(("search_index.json", "search.json")) for name in names)  # Zensical: search.json
    for file, text in files.items():
        for canary in PRIVATE:
            assert canary not in text, f"{canary} leaked into {file}"
    exported = (site / "downloads" / "handbook.json").read_bytes()
    assert exported == jsondata.export_file(View(r), STAMP)  # the builder passed SOURCE_DATE_EPOCH
    assert '"from": "2027-05-03"' in exported.decode() and '"to": "2027-08-27"' in exported.decode()
    assert (site / "downloads" / "handbook.schema.json").read_bytes() == jsondata.schema_file()
    start = files[site / "index.html"]
    assert 'href="downloads/handbook.json"' in start and "Das Handbuch als Daten" in start


# a browser, Python and jq read it ---------------------------------------------------------------------
def test_a_browser_fetches_the_json_from_the_start_pages_link(sites: dict[str, str], browser) -> None:  # noqa: F811
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(sites[GERMAN], wait_until="domcontentloaded")
        link = page.get_by_role("link", name="Das Handbuch als Daten, z. B. für Ihr CRM (JSON)")
        href = link.get_attribute("href")
        assert href == "downloads/handbook.json"
        found = page.evaluate(
            """async (href) => {
                const response = await fetch(href);
                const data = await response.json();
                const anna = data.people.find((p) => p.name === "Anna Becker");
                return {type: response.headers.get("content-type"), format: data.format, anna};
            }""",
            href,
        )
    finally:
        context.close()
    assert found["type"].startswith("application/json") and found["format"] == "handbook-export/1"
    anna = found["anna"]
    assert anna["id"] == "anna_becker" and anna["roles"] == ["key_user"] and anna["deputy"] == "stefan_wagner"
    assert [(a["from"], a["to"]) for a in anna["absences"]] == [("2027-04-19", "2027-04-30")]
    assert "reason" not in anna["absences"][0]


def _readme_block(language: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Machine-readable handbook", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(rf"```{language}\n(.*?)```", section, re.S)
    assert blocks, f"no {language} example in the README's section"
    return blocks[0]


def test_the_readmes_python_example_reads_the_served_json(sites: dict[str, str], capsys) -> None:  # noqa: F811
    code = _readme_block("python")
    url = re.search(r'"(https://[^"]+/downloads/handbook\.json)"', code)
    assert url, code
    exec(code.replace(url.group(1), sites[GERMAN] + "downloads/handbook.json"), {})
    printed = capsys.readouterr().out
    assert "Katrin Müller" in printed and "Anna Becker" in printed


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")
def test_the_readmes_jq_example_reads_the_file(resolved, tmp_path: Path) -> None:
    (tmp_path / "handbook.json").write_bytes(jsondata.export_file(View(resolved["muster-maschinenbau"]), STAMP))
    for line in _readme_block("sh").splitlines():
        if line.startswith("jq "):
            done = subprocess.run(line, shell=True, cwd=tmp_path, capture_output=True, text=True, timeout=30)
            assert done.returncode == 0 and done.stdout.strip(), (line, done.stderr)
