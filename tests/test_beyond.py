"""Beyond the anchors (format 1.1): the kickoff agreement, the project review, who covers whom.

- The start page says when and by whom the role distribution was agreed and, from git, whether
  roles, people, RACI or communication changed since the agreed version (in words, with a link
  to the changes page); the portfolio lists agreements and the ones that are due again.
- A review sheet per person; ``feedback:`` only in the portfolio, per client and role, with the
  roles that got none after the last review.
- Absences: dates only (never the reason) on person pages, contact tables and the cover page,
  whose script marks who is away today (a fixed "today" in Chromium); readable without script.
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pytest

from generator.pipeline import build_all, build_internal
from generator.project.check import check_all

from . import test_browser
from .conftest import OUTPUT, make_repo
from .test_browser import open_page, serve
from .test_changes import FILE, SLUG, commit, git, project

browser = test_browser.browser  # a fixture, used by name

AGREEMENT = "agreement: {date: 2027-01-12, client: lea, contractor: katrin}\n"
FEEDBACK_CANARY = "FEEDBACK-CANARY-5d1e"
REASON_CANARY = "ABSENCE-REASON-CANARY-93b7"
COMMIT_CANARY = "COMMIT-MESSAGE-CANARY-2c44"
SHOTS = OUTPUT / "screenshots" / "beyond"


def agreed_history(tmp: Path, lang: str = "de") -> Path:
    """v1 (day 11) before the agreement, v2 (day 12) the agreed version, then changes on day 20."""
    repo = make_repo(tmp)
    git(repo, "init", "-q")
    commit(repo, project(lang, extra=AGREEMENT), "Projekt angelegt", 11, "v1")
    commit(repo, project(lang, accountable="jan", extra=AGREEMENT), "abgestimmt", 12, "v2")
    return repo


def text_of(html_text: str) -> str:
    """What a reader sees of some HTML: tags gone, character references read, spaces collapsed."""
    words = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", html_text)))
    return re.sub(r" ([),;])", r"\1", words)  # no space where a tag ended before a bracket


def start_page(repo: Path, slug: str = SLUG) -> str:
    run = build_all(repo, [slug], repo / "site")
    assert [o.state for o in run.outcomes] == ["built"], run.outcomes
    return (repo / "site" / slug / "index.html").read_text(encoding="utf-8")


def notice(page: str) -> str:
    """The agreement admonition's text, tags removed."""
    found = re.search(r'<div class="admonition (?:info|warning)">(.*?)</div>', page, re.S)
    assert found, "no agreement notice on the start page"
    return text_of(found.group(1))


def test_agreed_and_unchanged(tmp_path: Path) -> None:
    repo = agreed_history(tmp_path)
    text = notice(start_page(repo))
    assert "Die Rollenverteilung wurde am 12. Januar 2027 abgestimmt" in text
    assert "für Beispiel GmbH von Lea Lang" in text and "von Katrin Müller" in text
    assert "seitdem unverändert" in text


def test_changes_since_the_agreement_are_listed_in_words(tmp_path: Path) -> None:
    repo = agreed_history(tmp_path)
    # a change of the distribution (the accountable of a task, a key user) ...
    commit(repo, project("de", key_user="anna", accountable="katrin", extra=AGREEMENT), COMMIT_CANARY, 20, "v3")
    page = start_page(repo)
    text = notice(page)
    assert "Seit der Abstimmung hat sich" in text and "Projektbudget einhalten" in text
    assert "Key-User" in text and "Anna Becker" in text
    assert COMMIT_CANARY not in page  # the semantic diff, never a commit message
    assert re.search(r'<a href="aenderungen/">Alle Änderungen</a>', page)


def test_the_working_tree_counts_and_contact_details_do_not(tmp_path: Path) -> None:
    repo = agreed_history(tmp_path)
    # a new phone number and an absence change no agreed distribution (not committed: the build
    # compares the file it builds)
    changed = project("de", accountable="jan", extra=AGREEMENT).replace(
        "department: IT}", "department: IT, phone: +49 30 1234567, absences: [{from: 2027-03-01, to: 2027-03-05}]}"
    )
    (repo / FILE).write_text(changed, encoding="utf-8")
    assert "seitdem unverändert" in notice(start_page(repo))


def test_a_named_revision_is_the_agreed_version(tmp_path: Path) -> None:
    repo = agreed_history(tmp_path)
    first = git(repo, "rev-parse", "v1")
    text = AGREEMENT.replace("}", f", revision: {first[:10]}}}")
    (repo / FILE).write_text(project("de", accountable="jan", extra=text), encoding="utf-8")
    notes = notice(start_page(repo))
    assert "Seit der Abstimmung" in notes and "Projektbudget einhalten" in notes  # v1 had katrin as A


def test_without_git_only_the_agreement_is_told(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {SLUG: project("en", extra=AGREEMENT)})
    text = notice(start_page(repo))
    assert "The role distribution was agreed on 12 January 2027" in text
    assert "unchanged" not in text and "Since the agreement" not in text


def test_the_portfolio_lists_agreements_and_those_due(tmp_path: Path) -> None:
    repo = agreed_history(tmp_path)
    commit(repo, project("de", key_user="anna", accountable="jan", extra=AGREEMENT), "x", 20, "v3")
    build_internal(repo, repo / "site", today=date(2027, 2, 1))
    page = (repo / "site" / "_internal" / "abstimmungen" / "index.html").read_text(encoding="utf-8")
    words = text_of(page)
    assert "Neue Abstimmung fällig: 1 Projekt(e)" in words
    assert "12. Januar 2027" in words and "Lea Lang / Katrin Müller" in words
    assert "neue Abstimmung fällig:" in words and "Anna Becker" in words


# the project review ------------------------------------------------------------------------------


def reviewed(lang: str = "de") -> str:
    """A project with a review on 2027-01-20, feedback on two roles and absences with reasons."""
    text = project(lang, extra=AGREEMENT)
    text = text.replace(
        "meetings:\n",
        "meetings:\n  - {id: review, name: Review Phase 1, type: review, date: 2027-01-20 10:00, participants: [lea, katrin]}\n",
    )
    text = text.replace(
        "roles: [account_manager_deputy]}",
        "roles: [account_manager_deputy], deputy: katrin,"
        f" absences: [{{from: 2027-03-01, to: 2027-03-05, reason: {REASON_CANARY} Kur}}]}}",
    )
    text = text.replace(
        "roles: [account_manager, resource_coordinator]}",
        "roles: [account_manager, resource_coordinator], deputy: jan,"
        f" absences: [{{from: 2027-02-22, to: 2027-02-26, reason: {REASON_CANARY} Urlaub}}]}}",
    )
    return text + (
        "feedback:\n"
        f"  - {{person: thomas, role: key_user, date: 2027-01-20, text: {FEEDBACK_CANARY} Schulung zu spät}}\n"
        f"  - {{person: lea, role: project_lead, date: 2027-01-21, text: {FEEDBACK_CANARY} Rollen klar}}\n"
    )


@pytest.fixture(scope="module")
def reviewed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = make_repo(tmp_path_factory.mktemp("reviewed") / "repo", {SLUG: reviewed(), "example": reviewed("en")})
    run = build_all(repo, [], repo / "site")
    assert [o.state for o in run.outcomes] == ["built", "built"], run.outcomes
    build_internal(repo, repo / "site", today=date(2027, 2, 1))
    return repo / "site"


def words_of(page: Path) -> str:
    return text_of(page.read_text(encoding="utf-8"))


def test_a_review_sheet_per_person_with_roles_tasks_and_questions(reviewed_site: Path) -> None:
    sheets = sorted(p.parent.name for p in (reviewed_site / SLUG / "projektreview").glob("*/index.html"))
    assert sheets == ["anna", "hotline", "jan", "katrin", "lea", "thomas"]
    sheet = words_of(reviewed_site / SLUG / "projektreview" / "katrin" / "index.html")
    for words in (
        "Projektreview: Katrin Müller",
        "Ihre Rollen",
        "Account Manager",  # a role, with its description from the catalog
        "Ihre Aufgaben (RACI)",
        "Projektbudget einhalten",
        "Ihre Termine",
        "Review Phase 1",
        "Fragen zu Ihren Rollen",
        "Was hat in dieser Rolle gut funktioniert?",
        "Was war an dieser Rolle unklar?",
        "Was sollte sich an dieser Rolle ändern?",
    ):
        assert words in sheet, words
    english = words_of(reviewed_site / "example" / "project-review" / "katrin" / "index.html")
    assert "Project review: Katrin Müller" in english and "What should change about this role?" in english
    index = words_of(reviewed_site / SLUG / "projektreview" / "index.html")
    assert "Projektreview: 20. Januar 2027, 10:00 Uhr." in index and "Projektreview: Katrin Müller" in index
    # printed on its own, not in the handbook's print page
    assert "Was war an dieser Rolle unklar?" not in words_of(reviewed_site / SLUG / "print_page" / "index.html")


def test_feedback_only_in_the_portfolio_with_roles_that_got_none(reviewed_site: Path) -> None:
    for client in (SLUG, "example"):
        for file in (reviewed_site / client).rglob("*"):
            if file.is_file():
                assert FEEDBACK_CANARY.encode() not in file.read_bytes(), file
    page = words_of(reviewed_site / "_internal" / "feedback" / "index.html")
    assert page.count(FEEDBACK_CANARY) == 4  # two entries in each of the two projects
    assert "Schulung zu spät" in page and "Letztes Projektreview: 20. Januar 2027" in page
    assert "Rollen ohne Feedback seit dem letzten Projektreview" in page
    missing = page.split("Rollen ohne Feedback seit dem letzten Projektreview", 1)[1].split("Rolle Name", 1)[0]
    assert "Account Manager" in missing and "Key-User" not in missing


# absences and cover ---------------------------------------------------------------------------


def test_absence_reasons_never_reach_a_client_site(reviewed_site: Path) -> None:
    for client in (SLUG, "example"):
        for file in (reviewed_site / client).rglob("*"):
            if file.is_file():
                assert REASON_CANARY.encode() not in file.read_bytes(), file


def test_person_pages_and_contacts_show_the_dates_and_the_deputy(reviewed_site: Path) -> None:
    person = words_of(reviewed_site / SLUG / "personen" / "katrin" / "index.html")
    assert "Abwesenheiten 22. Februar 2027 – 26. Februar 2027 (Vertretung: Jan Schulze)" in person
    start = words_of(reviewed_site / SLUG / "index.html")  # the key contacts
    assert "abwesend 22. Februar 2027 – 26. Februar 2027 · Vertretung: Jan Schulze" in start
    english = words_of(reviewed_site / "example" / "people" / "katrin" / "index.html")
    assert "Absences 22 February 2027 – 26 February 2027 (Deputy: Jan Schulze)" in english


def test_the_checker_names_the_dates(tmp_path: Path) -> None:
    text = reviewed().replace("from: 2027-03-01, to: 2027-03-05", "from: 2027-02-25, to: 2027-03-05")
    repo = make_repo(tmp_path / "repo", {SLUG: text})
    warnings = [d for d in check_all(repo).results[0].diagnostics if d.rule == "absence-deputy"]
    assert len(warnings) == 1 and "2027-02-25 – 2027-02-26" in warnings[0].message, warnings


@pytest.fixture(scope="module")
def cover_url(reviewed_site: Path):
    server = serve(reviewed_site)
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("today", "away"),
    [
        ("2027-02-23T09:00:00", "Katrin Müller (Vertretung: Jan Schulze)"),
        ("2027-03-05T23:30:00", "Jan Schulze (Vertretung: Katrin Müller)"),
        ("2027-02-27T12:00:00", "Heute ist niemand abwesend."),
    ],
)
def test_the_cover_page_marks_who_is_away_today(browser, cover_url: str, today: str, away: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.clock.set_fixed_time(today)  # the reader's calendar
    try:
        open_page(page, cover_url + f"{SLUG}/vertretung/")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"cover-{today[:10]}-390.png"), full_page=True)
        box = page.locator("[data-hb-today]")
        assert box.is_visible() and away in box.inner_text()
        marked = page.locator("tr.hb-away--today")
        if "niemand" in away:
            assert marked.count() == 0
        else:
            assert marked.count() == 1 and away.split(" (")[0] in marked.inner_text()
        # on the start page the key contact's absence of today stands out, those over are hidden
        open_page(page, cover_url + f"{SLUG}/")
        katrin = page.locator("span.hb-away", has_text="Jan Schulze")
        if today.startswith("2027-02-23"):
            assert katrin.evaluate("e => e.classList.contains('hb-away--today')")
        if today.startswith("2027-02-27"):
            assert not katrin.is_visible()  # over
    finally:
        context.close()


def test_the_cover_page_reads_without_script(browser, cover_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(cover_url + "example/cover/")
        assert not page.locator("[data-hb-today]").is_visible()  # nothing the script would fill
        rows = page.locator("table tbody tr").all_inner_texts()
        assert len(rows) == 2
        assert "22 February 2027 – 26 February 2027" in rows[0] and "Katrin Müller" in rows[0]
        assert "Jan Schulze" in rows[0] and "1 March 2027 – 5 March 2027" in rows[1]
    finally:
        context.close()


# what a reader sees, in Chromium ---------------------------------------------------------------


@pytest.fixture(scope="module")
def changed_site(tmp_path_factory: pytest.TempPathFactory):
    """A client whose distribution changed after the agreement, served as its host would."""
    repo = agreed_history(tmp_path_factory.mktemp("changed") / "repo")
    commit(repo, project("de", key_user="anna", accountable="katrin", extra=AGREEMENT), COMMIT_CANARY, 20, "v3")
    run = build_all(repo, [SLUG], repo / "site")
    assert [o.state for o in run.outcomes] == ["built"], run.outcomes
    server = serve(repo / "site" / SLUG)
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def test_a_reader_sees_the_changes_since_the_agreement_and_follows_the_link(browser, changed_site: str) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        open_page(page, changed_site)
        box = page.locator(".admonition", has_text="Abgestimmte Rollenverteilung")
        text = box.inner_text()
        assert "am 12. Januar 2027 abgestimmt: für Beispiel GmbH von Lea Lang" in text
        assert "Seit der Abstimmung hat sich" in text and "Projektbudget einhalten" in text
        assert COMMIT_CANARY not in page.content()
        box.get_by_role("link", name="Alle Änderungen").click()
        page.wait_for_url(changed_site + "aenderungen/")
        assert "Projektbudget einhalten" in page.locator("article").inner_text()
    finally:
        context.close()


def test_a_reader_opens_their_review_sheet(browser, cover_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        open_page(page, cover_url + f"{SLUG}/projektreview/")
        page.locator("article").get_by_role("link", name="Projektreview: Thomas Schmidt").click()
        page.wait_for_url("**/projektreview/thomas/")
        article = page.locator("article")
        headings = article.locator("h2").all_inner_texts()
        assert [h.strip("¶ ") for h in headings] == [
            "Ihre Rollen",
            "Ihre Aufgaben (RACI)",
            "Ihre Kommunikationsaufgaben",
            "Ihre Termine",
            "Fragen zu Ihren Rollen",
        ]
        questions = article.locator(".hb-questions li").all_inner_texts()
        assert [q.strip() for q in questions] == [
            "Was hat in dieser Rolle gut funktioniert?",
            "Was war an dieser Rolle unklar?",
            "Was sollte sich an dieser Rolle ändern?",
        ]  # Thomas holds one role: key user
        assert "Key-User" in article.locator("h3").first.inner_text()
        assert not article.locator(".hb-answer").first.is_visible()  # space to write: on paper only
    finally:
        context.close()
