"""The register of letters over HTTP: submitting (pasted and uploaded), versions, the KCC's review, sending,
team isolation, hostile uploads, two reviewers at once, reports matched by prefix, the figures and the word list."""
import csv
import io
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from portal.calendar.clock import local_today
from portal.letters.documents import MAX_UPLOAD_BYTES
from portal.letters.models import Letter, LetterDraft, LetterReview, LetterStatus, OfficialesePair
from portal.letters.register import LetterRefused, mark_sent
from tests.conftest import csrf_token_from
from tests.test_concurrent_actions import Browser, at_once
from tests.test_letter_documents import blank_pdf, docx_file, odt_file, relationships, rezip

LETTERS = Path(__file__).parent / "letters"
PLAIN = (LETTERS / "b1_paspoort.txt").read_text(encoding="utf-8")
OFFICIAL = (LETTERS / "officialese_bezwaar.txt").read_text(encoding="utf-8")
ENGLISH = (LETTERS / "english_waste_collection.txt").read_text(encoding="utf-8")
ATTACHED_TEMPLATE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"


@pytest.fixture
def people(make_team, make_staff):
    team_a, team_b = make_team("A", "Team A"), make_team("B", "Team B")
    return {"team_a": make_staff("team", teams=[team_a], name="Tom Team"),
            "team_b": make_staff("team", teams=[team_b], name="Bea Ander"),
            "kcc": make_staff("kcc", name="Kees KCC"), "kcc2": make_staff("kcc", name="Karin KCC"),
            "manager": make_staff("manager"), "admin": make_staff("admin"), "team": team_a}


def form_data(client, url="/admin/letters/new", **fields):
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    data = {"csrf_token": token, "title": "Uw nieuwe paspoort", "team": "A", "reference_prefix": "BZ/2026/",
            "copies": "500", "planned_send_on": (local_today() + timedelta(days=10)).isoformat(), "text": ""}
    data.update(fields)
    return data


def submit(client, **fields):
    return client.post("/admin/letters/new", data=form_data(client, **fields), content_type="multipart/form-data")


def count(db, model):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def letter_page(client, letter_id, **query):
    response = client.get(f"/admin/letters/{letter_id}", query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def post_action(client, letter, action, **fields):
    page = letter_page(client, letter.id)
    version = re.search(r'name="version" value="([0-9]+)"', page).group(1)
    return client.post(f"/admin/letters/{letter.id}/{action}", content_type="multipart/form-data",
                       data={"csrf_token": csrf_token_from(page), "version": version, **fields})


# Submitting and the analysis


def test_a_pasted_officialese_letter_is_stored_and_its_analysis_shown(client, login, people, db):
    login(people["team_a"])
    response = submit(client, text=OFFICIAL)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<mark>inzake</mark>" in page and "<mark>derhalve</mark>" in page, "officialese is marked in the text"
    assert "daarom" in page, "with its plainer alternative next to it"
    assert "Flesch-Douma" in page and "LiNT" in page, "the score and the limits of the check are on the page"
    draft = db.session.scalar(select(LetterDraft))
    assert draft.number == 1 and draft.source.value == "pasted" and draft.meets_b1 is False
    assert draft.analysis["verdict"] == "not_b1" and draft.analysis["issues"]


def test_an_uploaded_docx_is_read_and_analysed(client, login, people, db):
    login(people["team_a"])
    data = form_data(client, document=(io.BytesIO(docx_file(PLAIN.split("\n"))), "paspoort.docx"))
    response = client.post("/admin/letters/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    draft = db.session.scalar(select(LetterDraft))
    assert draft.source.value == "docx" and draft.filename == "paspoort.docx" and draft.meets_b1 is True
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "paspoort.docx" in page and "B1" in page


def test_the_letter_text_is_escaped_never_markup(client, login, people):
    login(people["team_a"])
    hostile = PLAIN + "\nKijk op <b onmouseover=alert(1)>de site</b> & bel ons als 5 < 10 is."
    response = submit(client, text=hostile, title="<script>alert(1)</script>")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)" not in page, "markup in the title is stripped, as in every staff field"
    assert "onmouseover=alert" not in page and "5 &lt; 10" in page


@pytest.mark.parametrize("fields, message", [
    ({"text": ""}, "Paste the text of the letter or upload it as a file."),
    ({"reference_prefix": "BZ 2026 <x>"}, "Use 2 to 40 letters, digits, slashes, hyphens or dots"),
    ({"copies": "0"}, "Fill in a number of copies from 1 to 1,000,000."),
    ({"copies": "1000001"}, "Fill in a number of copies from 1 to 1,000,000."),
    ({"planned_send_on": "2020-01-01"}, "The planned sending date cannot be in the past."),
    ({"team": "B"}, "Not a valid choice"),
    ({"text": "a " * 100_001}, "The letter is too long: use at most 200,000 characters."),
])
def test_bad_details_show_their_message_and_store_nothing(client, login, people, db, fields, message):
    login(people["team_a"])
    client.get("/admin/letters?lang=en")
    response = submit(client, **{"text": PLAIN, **fields})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(db, Letter) == 0 and count(db, LetterDraft) == 0


def _bad_uploads():
    zip_bomb = rezip(docx_file(), add={"word/media/padding.bin": b"\0" * (30 * 1024 * 1024)})
    macros = rezip(docx_file(), add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})
    external = rezip(docx_file(), add={"word/_rels/settings.xml.rels": relationships(
        (ATTACHED_TEMPLATE, "https://evil.example/template.dotm"))})
    forty_pages = ("\n\n".join([PLAIN] * 60)).encode()
    return [
        ("bomb.docx", zip_bomb, "unpacks to far more data"),
        ("macro.docx", macros, "contains macros"),
        ("template.docx", external, "links to a template or file elsewhere"),
        ("script.pdf", blank_pdf(javascript="app.alert(1);"), "contains scripts or actions"),
        ("scan.pdf", blank_pdf(), "This PDF has no text; upload the Word file."),
        ("nozip.docx", b"Beste inwoner, dit is geen Word-bestand.", "not a real Word or OpenDocument file"),
        ("leeg.txt", b"   ", "This file has no text."),
        ("english.txt", ENGLISH.encode(), "This text does not look Dutch."),
        ("forty_pages.txt", forty_pages, "longer than a letter"),
        ("big.txt", b"a " * (MAX_UPLOAD_BYTES // 2 + 10), "larger than 2 MB"),
        ("brief.odt", rezip(odt_file(), add={"Basic/Standard/Module1.xml": b"<module/>"}), "contains macros"),
    ]


@pytest.mark.parametrize("filename, data, message", _bad_uploads(), ids=lambda value: str(value)[:20])
def test_every_bad_upload_gives_its_message_and_stores_nothing(client, login, people, db, filename, data, message):
    login(people["team_a"])
    client.get("/admin/letters?lang=en")
    fields = form_data(client, document=(io.BytesIO(data), filename))
    response = client.post("/admin/letters/new", data=fields, content_type="multipart/form-data")
    assert response.status_code == 422, response.status_code
    assert message in response.get_data(as_text=True)
    assert count(db, Letter) == 0 and count(db, LetterDraft) == 0


def test_an_upload_far_over_the_limit_gets_the_form_with_the_message_not_a_bare_413(client, login, people, db):
    login(people["team_a"])
    fields = form_data(client, document=(io.BytesIO(b"a" * (4 * 1024 * 1024)), "groot.txt"))
    response = client.post("/admin/letters/new", data=fields, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "groter dan 2 MB" in page or "larger than 2 MB" in page
    assert 'name="title"' in page, "the form is there to try again"
    assert count(db, Letter) == 0


def test_the_message_speaks_the_staff_language(client, login, people):
    login(people["team_a"])
    client.get("/admin/letters?lang=en")
    fields = form_data(client, document=(io.BytesIO(blank_pdf()), "scan.pdf"))
    page = client.post("/admin/letters/new", data=fields, content_type="multipart/form-data").get_data(as_text=True)
    assert "This PDF has no text; upload the Word file." in page


# Versions, review, sending


def test_a_new_version_is_kept_beside_the_first_each_with_its_analysis(client, login, people, make_letter, db):
    letter = make_letter(people["team"], people["team_a"], text=OFFICIAL, prefix="BZ/2026/")
    login(people["team_a"])
    response = post_action(client, letter, "resubmit", **{"resubmit-text": PLAIN})
    assert response.status_code == 303
    drafts = db.session.scalars(select(LetterDraft).order_by(LetterDraft.number)).all()
    assert [(d.number, d.meets_b1) for d in drafts] == [(1, False), (2, True)]
    assert drafts[0].analysis["verdict"] == "not_b1" and drafts[1].analysis["verdict"] == "b1"
    assert "<mark>inzake</mark>" in letter_page(client, letter.id, version=1)
    changes = client.get(f"/admin/letters/{letter.id}/changes").get_data(as_text=True)
    assert "<del>" in changes and "<ins>" in changes


def test_a_bulk_letter_cannot_be_marked_sent_before_approval(client, login, people, make_letter, db):
    letter = make_letter(people["team"], people["team_a"], copies=20)
    login(people["team_a"])
    response = post_action(client, letter, "sent", **{"sent-sent_on": local_today().isoformat()})
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Letter, letter.id).status is LetterStatus.WAITING
    with pytest.raises(LetterRefused):
        mark_sent(letter, local_today(), by=people["team_a"], seen=letter.version)
    db.session.rollback()


def test_a_small_letter_can_be_sent_without_approval(client, login, people, make_letter, db):
    letter = make_letter(people["team"], people["team_a"], copies=19)
    login(people["team_a"])
    response = post_action(client, letter, "sent", **{"sent-sent_on": local_today().isoformat()})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Letter, letter.id).sent_on == local_today()


def test_the_kcc_approves_and_the_approval_records_who_when_and_which_version(client, login, people, make_letter,
                                                                              db):
    letter = make_letter(people["team"], people["team_a"], copies=5000)
    login(people["kcc"])
    assert post_action(client, letter, "review", **{"review-decision": "approved"}).status_code == 303
    db.session.expire_all()
    stored = db.session.get(Letter, letter.id)
    assert stored.status is LetterStatus.APPROVED and stored.approved_by == "Kees KCC"
    assert stored.approved_draft == 1 and stored.approved_at is not None
    client.post("/admin/logout", data={"csrf_token": csrf_token_from(letter_page(client, letter.id))})
    login(people["team_a"])
    assert post_action(client, letter, "sent", **{"sent-sent_on": local_today().isoformat()}).status_code == 303


def test_returning_needs_comments_and_records_them(client, login, people, make_letter, db):
    letter = make_letter(people["team"], people["team_a"])
    login(people["kcc"])
    assert post_action(client, letter, "review", **{"review-decision": "returned"}).status_code == 422
    assert count(db, LetterReview) == 0
    response = post_action(client, letter, "review", **{"review-decision": "returned",
                                                        "review-comments": "Schrijf 'om' in plaats van 'teneinde'."})
    assert response.status_code == 303
    review = db.session.scalar(select(LetterReview))
    assert review.decided_by == "Kees KCC" and review.decision.value == "returned" and review.draft_number == 1
    assert db.session.get(Letter, letter.id).status is LetterStatus.RETURNED


def test_a_team_member_sees_only_their_teams_letters(client, login, people, make_letter):
    letter = make_letter(people["team"], people["team_a"], title="Brief van team A")
    login(people["team_b"])
    assert client.get(f"/admin/letters/{letter.id}").status_code == 404
    assert client.get(f"/admin/letters/{letter.id}/changes").status_code == 404
    assert "Brief van team A" not in client.get("/admin/letters").get_data(as_text=True)


def test_the_waiting_list_puts_bulk_letters_first_then_by_date(client, login, people, make_letter):
    today = local_today()
    make_letter(people["team"], people["team_a"], title="Klein en vroeg", copies=3, planned=today + timedelta(1))
    make_letter(people["team"], people["team_a"], title="Groot en laat", copies=900, planned=today + timedelta(9))
    make_letter(people["team"], people["team_a"], title="Groot en vroeg", copies=20, planned=today + timedelta(2))
    login(people["kcc"])
    page = client.get("/admin/letters/review").get_data(as_text=True)
    order = [page.index(title) for title in ("Groot en vroeg", "Groot en laat", "Klein en vroeg")]
    assert order == sorted(order)


# Two reviewers at once


@pytest.fixture
def server(app):
    import threading

    from werkzeug.serving import make_server

    live = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=live.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{live.server_port}"
    live.shutdown()
    thread.join(5)


def test_an_approval_and_a_return_at_the_same_moment_one_wins(server, people, make_letter, db):
    letter = make_letter(people["team"], people["team_a"], copies=400)
    browsers = []
    for user in (people["kcc"], people["kcc2"]):
        browser = Browser(server)
        browser.log_in(user)
        browsers.append(browser)
    path = f"/admin/letters/{letter.id}"
    forms = [{**browsers[0].form_fields(path), "review-decision": "approved"},
             {**browsers[1].form_fields(path), "review-decision": "returned", "review-comments": "Te lange zinnen."}]
    answers = at_once(browsers, f"{path}/review", forms)
    assert sorted(status for status, _ in answers) == [303, 409]
    assert count(db, LetterReview) == 1
    refused = next(page for status, page in answers if status == 409)
    assert "Te lange zinnen." in refused or "approved" in refused or "goedgekeurd" in refused.lower()


# Reports matched to letters


def test_reports_are_matched_to_the_longest_prefix_without_regard_to_case(client, login, people, make_letter,
                                                                          make_report, db):
    general = make_letter(people["team"], people["team_a"], title="Algemeen", prefix="GV/2026/")
    woz = make_letter(people["team"], people["team_a"], title="WOZ-brief", prefix="GV/2026/WOZ/")
    for reference in ("gv/2026/woz/17", "  GV/2026/WOZ/18", "Gv/2026/123", "XX/2026/1"):
        make_report(category="letter", description="Ik begrijp de brief niet goed.", letter_reference=reference)
    from portal.letters.matching import reports_per_letter

    assert dict(reports_per_letter()) == {woz.id: 2, general.id: 1}
    login(people["kcc"])
    page = letter_page(client, woz.id)
    assert re.search(r"\b2 (meldingen|reports)\b", page)
    from portal.models import Report

    report = db.session.scalar(select(Report).where(Report.letter_reference == "gv/2026/woz/17"))
    detail = client.get(f"/admin/reports/{report.id}").get_data(as_text=True)
    assert "WOZ-brief" in detail and f"/admin/letters/{woz.id}" in detail


# The figures


def _dated(letter, submitted, approved=None, approved_draft=None):
    letter.submitted_at = submitted
    if approved:
        letter.status, letter.approved_at, letter.approved_draft = LetterStatus.APPROVED, approved, approved_draft


@pytest.fixture
def march(people, make_letter, db, make_report):
    """Four letters first submitted in March 2026 and four approved in it (one submitted in February)."""
    team, by = people["team"], people["team_a"]
    march_day = datetime(2026, 3, 10, 9, tzinfo=timezone.utc)
    first = make_letter(team, by, text=PLAIN, title="=HYPERLINK(\"http://x\")", prefix="AA/1/")
    second = make_letter(team, by, text=OFFICIAL, title="+Tweede", prefix="BB/2/")
    db.session.add(LetterDraft(letter=second, number=2, text=PLAIN, source=first.drafts[0].source, meets_b1=True,
                               verdict="b1", score=80.0, analysis={}, submitted_at=march_day))
    second.draft_count = 2
    third = make_letter(team, by, text=OFFICIAL, title="@Derde", prefix="CC/3/")
    fourth = make_letter(team, by, text=OFFICIAL, title="-Vierde", prefix="DD/4/")
    fifth = make_letter(team, by, text=PLAIN, title="Vijfde", prefix="EE/5/")
    _dated(first, march_day, march_day + timedelta(days=1), 1)
    _dated(second, march_day, march_day + timedelta(days=2), 2)
    _dated(third, march_day, march_day + timedelta(days=3), 1)
    _dated(fourth, march_day)
    _dated(fifth, datetime(2026, 2, 20, tzinfo=timezone.utc), march_day, 1)
    db.session.commit()
    for reference in ("aa/1/9", "AA/1/10", "cc/3/1"):
        make_report(category="letter", description="Ik snap de brief niet.", letter_reference=reference,
                    received_at=march_day)
    return first


def test_the_figures_on_a_hand_computed_set_agree_in_page_csv_and_xlsx(client, login, people, march):
    login(people["manager"])
    page = client.get("/admin/letters/figures?month=2026-03").get_data(as_text=True)
    shares = dict(re.findall(r'data-figure="(share_\w+)">([^<]+)<', page))
    assert re.sub(r"\s", "", shares["share_first"]) in ("25,0%", "25.0%")
    assert re.sub(r"\s", "", shares["share_approved"]) in ("75,0%", "75.0%")
    assert "Target not met" in page or "Doel niet gehaald" in page or "not met" in page.lower() or "niet" in page
    text = client.get("/admin/letters/figures.csv?month=2026-03").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    values = {row["code"]: row for row in rows if row["section"] == "figures"}
    assert values["checked"]["value"] == "4" and values["b1_first"]["value"] == "1"
    assert values["share_first"]["value"] == "0.25" and values["share_approved"]["value"] == "0.75"
    assert values["approved"]["value"] == "4" and values["share_approved"]["target_met"] == "no"
    most = [row for row in rows if row["section"] == "most_reports"]
    assert [(row["code"], row["value"]) for row in most] == [("AA/1/", "2"), ("CC/3/", "1")]
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/admin/letters/figures.xlsx?month=2026-03").data))
    sheet = workbook.worksheets[0]
    cells = {row[2]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert cells["checked"][5] == 4 and cells["share_first"][5] == 0.25 and cells["share_approved"][5] == 0.75
    assert cells["share_approved"][7] == "no"


def test_the_target_admins_set_decides_whether_it_is_met(client, login, people, march, post_form):
    login(people["admin"])
    assert post_form("/admin/letters/figures/target", {"target": "75"}).status_code == 303
    text = client.get("/admin/letters/figures.csv?month=2026-03").get_data(as_text=True)
    row = next(r for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))) if r["code"] == "share_approved")
    assert row["target"] == "0.75" and row["target_met"] == "yes"
    assert post_form("/admin/letters/figures/target", {"target": "abc"}).status_code == 303
    assert "0.75" in client.get("/admin/letters/figures.csv?month=2026-03").get_data(as_text=True)


def test_titles_that_look_like_formulas_stay_text_in_csv_and_xlsx(client, login, people, march):
    login(people["manager"])
    text = client.get("/admin/letters/figures.csv?month=2026-03").get_data(as_text=True)
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/admin/letters/figures.xlsx?month=2026-03").data))
    titles = [cell for row in workbook.worksheets[1].iter_rows(min_row=2) for cell in row if cell.column == 4]
    assert titles and all(cell.data_type == "s" for cell in titles)
    assert titles[0].value.startswith("=HYPERLINK") and titles[0].quotePrefix


def test_a_quarter_and_a_bad_period(client, login, people, march):
    login(people["manager"])
    assert client.get("/admin/letters/figures?quarter=2026-Q1").status_code == 200
    assert client.get("/admin/letters/figures?month=2026-13").status_code == 404
    assert client.get("/admin/letters/figures.csv?month=nope").status_code == 404


# The word list


def test_an_admin_edits_the_word_list_and_the_analysis_follows(client, login, people, make_letter, db, post_form):
    login(people["admin"])
    text = PLAIN + "\nWij sturen u de pas spoedshalve toe."
    response = post_form("/admin/letters/words", {"phrase": "  Spoedshalve ", "plain": "snel"},
                         token_page="/admin/letters/words")
    assert response.status_code == 303
    letter = make_letter(people["team"], people["team_a"], text=text)
    issues = letter.drafts[0].analysis["issues"]
    assert any(issue["text"].lower() == "spoedshalve" and issue["suggestion"] == "snel" for issue in issues)
    pair = db.session.scalar(select(OfficialesePair).where(OfficialesePair.phrase == "spoedshalve"))
    response = post_form(f"/admin/letters/words/{pair.id}", {"phrase": "spoedshalve", "plain": "snel"},
                         token_page="/admin/letters/words")  # "active" left out: switched off
    assert response.status_code == 303
    again = make_letter(people["team"], people["team_a"], text=text, title="Opnieuw")
    assert not any(issue["text"].lower() == "spoedshalve" for issue in again.drafts[0].analysis["issues"])
    duplicate = post_form("/admin/letters/words", {"phrase": "spoedshalve", "plain": "vlug"},
                          token_page="/admin/letters/words")
    assert duplicate.status_code == 422


def test_the_cli_reads_the_admins_list(runner, db):
    from portal.letters.cli import seed_or_database_list

    assert len(seed_or_database_list()) == count(db, OfficialesePair) >= 150
