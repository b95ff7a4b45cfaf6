"""The internal portfolio site: every client, people across projects, dates, reviews, notes; never in a client site."""

from __future__ import annotations

import gzip
import html
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import yaml

from generator.builder import engines
from generator.builder import project as builder_project
from generator.layout import INTERNAL
from generator.pipeline import build_all, build_internal
from generator.portfolio.data import notes_markdown, occurrences, overdue_reviews, people, upcoming
from generator.portfolio.site import internal_site, workload_diagnostics
from generator.project.check import check_all
from generator.project.model import Meeting

from .conftest import make_repo
from .linkcheck import check_site

TODAY = date(2027, 3, 1)  # a Monday
EPOCH = str(int(datetime(2027, 3, 1, 6, tzinfo=UTC).timestamp()))
ACTIVE = [f"aktiv-{i}" for i in range(1, 10)]  # nine active projects, one account manager
EXAMPLE_MARKERS = ("INTERNAL-MARKER-MUSTER-7f3a", "INTERNAL-MARKER-HARBOUR-0b7e")


def project(
    i: int,
    status: str = "active",
    am: str = "{id: am, name: Jan Weber, email: jan.weber@nordwind-crm.example",
    am_roles: str = "account_manager",
    deputy: str = "{id: dep, name: Eva Roth",
    extra_meetings: str = "",
    milestones: str = "",
) -> str:
    """A small valid project; the contractor's people are the ones the tests count."""
    return f"""\
client: Synthetik {i} GmbH
title: CRM {i}
status: {status}
period: {{start: 2027-01-04, end: 2027-12-17}}
summary: Synthetisches Projekt {i}.
people:
  - {{id: pl, name: Petra Lang {i}, side: client, roles: [project_lead, key_user], email: pl@kunde{i}.example}}
  - {am}, side: contractor, roles: [{am_roles}]}}
  - {deputy}, side: contractor, roles: [account_manager_deputy]}}
  - {{id: hotline, name: Nordwind Support, side: contractor, kind: team, roles: [support, backoffice, resource_coordinator]}}
communication:
  - {{topic: Status, from: pl, to: [am], when: wöchentlich, channel: Teams}}
meetings:
  - {{id: kickoff, name: Kickoff {i}, type: kickoff, date: 2027-03-0{1 + i % 5} 09:00}}
{extra_meetings}milestones:
  - {{name: Go-live {i}, date: 2027-06-{10 + i % 15}}}
{milestones}internal:
  marker: INTERNAL-MARKER-SYN-{i}
  risiken: ["<script>alert({i})</script>", "| a | b |", "!!! danger"]
"""


def synthetic_projects() -> dict[str, str]:
    projects = {slug: project(i) for i, slug in enumerate(ACTIVE, 1)}
    # the same person by e-mail, whatever its case
    projects["aktiv-3"] = project(3, am="{id: am, name: Jan Weber, email: JAN.Weber@Nordwind-CRM.example")
    projects["aktiv-1"] = project(
        1,
        extra_meetings="  - {id: jf, name: Jour fixe 1, type: regular, date: 2027-02-02 10:00, recurrence: weekly, "
        "until: 2027-03-23}\n",
        milestones="  - {name: Gestern, date: 2027-02-28}\n  - {name: Letzter Tag, date: 2027-04-25}\n"
        "  - {name: Zu spät, date: 2027-04-26}\n",
    )
    projects["altkunde"] = project(20, status="completed")  # completed, no review meeting
    projects["neukunde"] = project(
        21,
        status="planned",
        am="{id: am, name: Klara Berg, email: klara.berg@nordwind-crm.example",
        deputy="{id: dep, name: Jan Weber, email: jan.weber@nordwind-crm.example",
    )
    projects["kaputt"] = "client: Kaputt AG\ntitle: X\nstatuss: active\npeople: []\n"
    return projects


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Client sites and the internal site, built into the same folder."""
    repo = make_repo(tmp_path_factory.mktemp("internal") / "repo", synthetic_projects(), fixtures=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        clients = build_all(repo, [], repo / "site", jobs=4).outcomes
        run, outcome = build_internal(repo, repo / "site")
    assert {o.slug: o.state for o in clients if o.state != "built"} == {"kaputt": "failed"}
    assert outcome.state == "built", outcome.reason
    assert [r.slug for r in run.results if not r.ok] == ["kaputt"]
    return repo / "site"


@pytest.fixture(scope="module")
def run(site: Path):
    return check_all(site.parent)


def read(path: Path) -> str:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8", "replace")


def text_of(page: Path) -> str:
    raw = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", read(page), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


def client_files(site: Path) -> list[Path]:
    return [
        p for p in site.rglob("*") if p.is_file() and p.relative_to(site).parts[0] not in (INTERNAL, ".handbook-cache")
    ]


# the site --------------------------------------------------------------------------------------
def test_clients_page_lists_every_client_with_its_check_result(site: Path) -> None:
    page = site / INTERNAL / "index.html"
    seen = text_of(page)
    for slug in [*ACTIVE, "altkunde", "neukunde", "muster-maschinenbau", "harbour-logistics"]:
        assert slug in seen
        assert f'href="../{slug}/"' in html.unescape(read(page))
        assert (site / slug / "index.html").is_file()  # the link leads to the client's handbook
    for name in ("Muster Maschinenbau GmbH", "Harbour Logistics Ltd", "Synthetik 3 GmbH", "Katrin Müller"):
        assert name in seen
    assert "– kaputt – – – – Fehler: 2" in seen  # a broken file: slug and error count, nothing else
    assert "Kaputt AG" not in "".join(read(p) for p in (site / INTERNAL).rglob("*") if p.is_file())
    assert 'href="../kaputt/"' not in read(page)


def test_every_link_resolves_and_only_client_links_leave_the_site(site: Path) -> None:
    report = check_site(site / INTERNAL)
    assert report.pages >= 6 and report.links > 50
    built = sorted(p.name for p in site.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    # the clients' handbooks, linked from the clients and the agreements pages
    assert sorted({p.link.split("/")[-2] for p in report.problems}) == built
    assert {p.what for p in report.problems} == {"points above the site root"}


def test_internal_site_is_german_noindex_search_only(site: Path, run) -> None:
    page = read(site / INTERNAL / "index.html")
    assert '<html lang="de"' in page and '<meta name="robots" content="noindex">' in page
    assert "<title>Portfolio (intern)</title>" in page
    assert (site / INTERNAL / "search" / "search_index.json").is_file()
    assert not (site / INTERNAL / "print_page").exists()
    internal = internal_site(run, TODAY, datetime(2027, 1, 1, tzinfo=UTC))
    config = builder_project.config(internal, "../../mkdocs.yml", None, engines.get("mkdocs"), js=False)
    assert config["INHERIT"] == "../../mkdocs.yml" and config["plugins"] == [{"search": {"lang": "de"}}]
    assert config["extra"] == {"noindex": True, "generator": False} and "extra_javascript" not in config


def test_internal_markers_are_in_the_internal_site_and_nowhere_else(site: Path) -> None:
    notes = read(site / INTERNAL / "notizen" / "index.html")
    index = read(site / INTERNAL / "search" / "search_index.json")
    markers = [*EXAMPLE_MARKERS, *(f"INTERNAL-MARKER-SYN-{i}" for i in [*range(1, 10), 20, 21])]
    for marker in markers:
        assert marker in notes and marker in index
    files = client_files(site)
    assert {p.name for p in files} >= {"search_index.json", "sitemap.xml", "sitemap.xml.gz", "404.html"}
    seen = ""
    for file in files:
        data = read(file)
        for forbidden in [*markers, "_internal", "Portfolio (intern)"]:
            assert forbidden not in data, f"{forbidden} in {file}"
        seen += data if file.name == "search_index.json" else ""
    assert "CLIENT-MARKER-MUSTER-91c2" in seen and "CLIENT-MARKER-HARBOUR-44d1" in seen  # the scan reads content


def test_notes_are_nested_lists_with_every_key_and_value_escaped(site: Path) -> None:
    notes = read(site / INTERNAL / "notizen" / "index.html")
    assert "<script>alert" not in notes and 'class="admonition' not in notes
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in notes or "&#60;script&#62;alert(4)" in notes
    lines = notes_markdown({"a_b": {"x": ["1 | 2", ""], "y": {}}, "<c>": "- d"})
    assert lines == [
        "- **a&#95;b:**",
        "    - **x:**",
        "        - &#49; &#124; 2",
        "        - –",
        "    - **y:** –",
        "- **&#60;c&#62;:** &#45; d",
    ]


# people -----------------------------------------------------------------------------------------
def test_people_are_matched_across_projects_by_email_then_name(run) -> None:
    rows = {row.name: row for row in people(run)}
    jan = rows["Jan Weber"]
    assert sorted(h.slug for h in jan.holdings) == sorted([*ACTIVE, "altkunde", "neukunde"])
    assert dict(jan.workload()) == {
        "Account Manager (Projektleitung Nordwind)": {"active": 9, "planned": 0, "completed": 1},
        "Stellvertretung Account Manager": {"active": 0, "planned": 1, "completed": 0},
    }
    assert jan.summary() == (
        "Account Manager (Projektleitung Nordwind): 9 laufend, 1 abgeschlossen; Stellvertretung Account Manager: 1 geplant"
    )
    eva = rows["Eva Roth"]  # no e-mail: matched by name
    assert eva.email is None and len(eva.holdings) == 10
    assert "Nordwind Support" not in rows and "Petra Lang 1" not in rows  # teams and client side left out


def test_people_page_shows_the_shared_account_manager_with_counts(site: Path) -> None:
    seen = text_of(site / INTERNAL / "personen" / "index.html")
    assert "Jan Weber Account Manager (Projektleitung Nordwind) 9 0 1" in seen
    assert "Jan Weber Stellvertretung Account Manager 0 1 0" in seen
    assert "Account Manager (Projektleitung Nordwind): 9 laufend, 1 abgeschlossen" in seen


# dates --------------------------------------------------------------------------------------------
def test_upcoming_dates_are_in_order_and_within_eight_weeks(run) -> None:
    items = upcoming(run, TODAY)
    stamps = [(i.when, i.client, i.slug, i.kind, i.name) for i in items]
    assert stamps == sorted(stamps)
    assert all(TODAY <= i.when.date() < TODAY + timedelta(weeks=8) for i in items)
    names = [i.name for i in items]
    assert "Letzter Tag" in names and "Zu spät" not in names and "Gestern" not in names
    assert len({i.slug for i in items}) >= 10
    # weekly from 2 Feb until 23 Mar: the four Tuesdays of March up to the 23rd
    assert [i.when for i in items if i.name == "Jour fixe 1"] == [datetime(2027, 3, d, 10) for d in (2, 9, 16, 23)]
    assert [i.when.date() for i in items if i.name == "Lenkungskreis"] == [date(2027, 3, 1), date(2027, 4, 1)]
    assert sum(i.name == "Jour fixe" for i in items) == 8


def test_dates_page_is_a_table_in_date_order_with_the_calendar_link(site: Path) -> None:
    page = read(site / INTERNAL / "termine" / "index.html")
    assert 'href="../termine.ics"' in page
    days = re.findall(r"<td>(\d\d\.\d\d\.\d{4})</td>", html.unescape(page))
    assert len(days) > 30
    parsed = [datetime.strptime(d, "%d.%m.%Y").date() for d in days]
    assert parsed == sorted(parsed) and parsed[0] == TODAY and parsed[-1] <= date(2027, 4, 25)


def test_monthly_recurrence_skips_missing_days_and_stops_at_until() -> None:
    m = Meeting("meetings[0]", "Monatlich", date=datetime(2027, 1, 31, 9), recurrence="monthly", until=date(2027, 8, 1))
    assert [d.date() for d in occurrences(m, date(2027, 1, 1), date(2027, 12, 31))] == [
        date(2027, 1, 31), date(2027, 3, 31), date(2027, 5, 31), date(2027, 7, 31),
    ]  # fmt: skip
    biweekly = Meeting("meetings[1]", "B", date=date(2026, 1, 5), recurrence="biweekly")
    assert list(occurrences(biweekly, date(2027, 3, 1), date(2027, 3, 31))) == [date(2027, 3, d) for d in (1, 15, 29)]


def test_combined_calendar_parses_and_holds_every_clients_events(site: Path) -> None:
    cal = icalendar.Calendar.from_ical((site / INTERNAL / "termine.ics").read_bytes())
    events = list(cal.walk("VEVENT"))
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids))
    slugs = {uid.rsplit("@", 1)[1].removesuffix(".handbook") for uid in uids}
    assert slugs == {*ACTIVE, "altkunde", "neukunde", "muster-maschinenbau", "harbour-logistics"}
    kickoffs = {uid for uid in uids if uid.startswith("meeting-kickoff@")}
    assert len(kickoffs) == len(slugs)  # the same meeting id, a different UID per client
    summaries = {str(e["SUMMARY"]) for e in events}
    assert "Muster Maschinenbau GmbH: Jour fixe" in summaries
    assert "Harbour Logistics Ltd: Milestone: Go-live" in summaries
    jour_fixe = next(e for e in events if str(e["UID"]) == "meeting-jour_fixe@muster-maschinenbau.handbook")
    assert "RRULE" in jour_fixe


# reviews ----------------------------------------------------------------------------------------
def test_overdue_reviews_follow_the_stated_rule(run, site: Path) -> None:
    assert [(r.slug, r.reason) for r in overdue_reviews(run, TODAY)] == [("altkunde", "kein Projektreview-Termin")]
    later = overdue_reviews(run, date(2027, 6, 1))
    assert ("harbour-logistics", "letzter Projektreview-Termin am 26. Mai 2027") in [(r.slug, r.reason) for r in later]
    seen = text_of(site / INTERNAL / "reviews" / "index.html")
    assert "Regel: Ein Projekt steht hier, wenn sein Status „abgeschlossen“ ist" in seen
    assert "Synthetik 20 GmbH altkunde kein Projektreview-Termin" in seen


# workload warning ---------------------------------------------------------------------------------
def test_workload_warning_above_the_limit(run, site: Path) -> None:
    warnings = workload_diagnostics(run, limit=8, repo=site.parent)
    assert len(warnings) == 1
    w = warnings[0]
    assert w.severity == "warning" and w.path == "people[1]"
    assert str(w.pos) == "projects/aktiv-1/project.yml:8:5"
    assert w.message == (
        "Jan Weber is account manager in 9 active projects, more than 8: "
        + ", ".join(ACTIVE)
        + "; hand a project over to another account manager"
    )
    assert workload_diagnostics(run, limit=9, repo=site.parent) == []


# reproducible --------------------------------------------------------------------------------------
def test_two_builds_with_the_same_epoch_are_identical(site: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    outs = []
    for name in ("a", "b"):
        _, outcome = build_internal(site.parent, tmp_path / name)
        assert outcome.state == "built", outcome.reason
        folder = tmp_path / name / INTERNAL
        outs.append({p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()})
    assert outs[0] == outs[1]
    assert outs[0] == {
        p.relative_to(site / INTERNAL): p.read_bytes() for p in (site / INTERNAL).rglob("*") if p.is_file()
    }
    leftovers = [p.name for p in (tmp_path / "a").iterdir() if p.name != INTERNAL]
    assert sorted(leftovers) == [".handbook-lock", ".handbook-output"]  # no temporary folder left


def test_config_is_plain_yaml_with_german_nav(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", fixtures=True)
    internal = internal_site(check_all(repo), TODAY, datetime.fromtimestamp(int(EPOCH), UTC))
    builder_project.write(
        internal, tmp_path / "src", repo / "mkdocs.yml", engines.get("mkdocs"), portable=True, js=False
    )
    config = yaml.safe_load((tmp_path / "src" / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == "Portfolio (intern)" and config["theme"]["language"] == "de"
    assert [next(iter(item)) for item in config["nav"]] == [
        "Kunden", "Personen", "Termine", "Überfällige Reviews", "Abstimmungen", "Feedback", "Interne Notizen",
    ]  # fmt: skip
    assert (tmp_path / "src" / "overrides" / "main.html").is_file()
