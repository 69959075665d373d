"""Letters in a real browser: a team member submits a draft and reads its analysis, the KCC reviews it; every
letter page passes the axe-core audit, with screenshots in test-output/screenshots/."""
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.calendar.clock import local_today
from portal.letters.models import Letter, LetterStatus
from tests.browser.test_staff_journey import Audits, log_in, unfold_every_disclosure
from tests.test_letter_documents import docx_file

pytestmark = pytest.mark.browser
LETTERS = Path(__file__).parent.parent / "letters"
OFFICIAL = (LETTERS / "officialese_bezwaar.txt").read_text(encoding="utf-8")
PLAIN = (LETTERS / "b1_paspoort.txt").read_text(encoding="utf-8")


def test_a_team_member_submits_a_letter_and_the_kcc_reviews_it(page, axe_audit, make_team, make_staff, db,
                                                               tmp_path, context):
    audit = Audits(axe_audit)
    team = make_team("BZ", "Burgerzaken")
    member = make_staff("team", teams=[team], name="Tom Team")
    kcc = make_staff("kcc", name="Kees KCC")

    log_in(page, member)
    page.goto("/admin/letters/new")
    audit(page, "letter submit form")
    page.fill("#title", "Ontvangst van uw bezwaar")
    page.fill("#reference_prefix", "JZ/2026/")
    page.fill("#copies", "250")
    page.fill("#planned_send_on", (local_today() + timedelta(days=5)).isoformat())
    page.fill("#text", OFFICIAL)
    page.click("main form.narrow-form button[type=submit]")
    assert "/admin/letters/" in page.url and "mark" in page.content(), page.locator("main").inner_text()[:500]
    assert page.locator("mark").count() > 5
    audit(page, "letter analysis")

    page.goto("/admin/letters/new")
    page.fill("#title", "Fout formulier")
    page.fill("#copies", "0")
    page.click("main form.narrow-form button[type=submit]")
    audit(page, "letter submit form with errors")

    letter = db.session.scalar(select(Letter))
    upload = tmp_path / "paspoort.docx"
    upload.write_bytes(docx_file(PLAIN.split("\n")))
    page.goto(f"/admin/letters/{letter.id}")
    unfold_every_disclosure(page)
    page.set_input_files("#resubmit-document", str(upload))
    page.locator("form[action$='/resubmit'] button[type=submit]").click()
    assert page.locator("text=paspoort.docx").count() >= 1
    page.goto(f"/admin/letters/{letter.id}/changes")
    audit(page, "letter changes between versions")

    context.clear_cookies()
    log_in(page, kcc)
    page.goto("/admin/letters/review")
    audit(page, "letters waiting for review")
    page.goto(f"/admin/letters/{letter.id}")
    unfold_every_disclosure(page)
    audit(page, "letter review page")
    page.check("#review-decision-0")
    page.locator("form[action$='/review'] button[type=submit]").click()
    db.session.expire_all()
    assert db.session.get(Letter, letter.id).status is LetterStatus.APPROVED
    audit(page, "letter after approval")
    audit.check()


def test_the_figures_and_word_list_pages_pass_the_audit(page, axe_audit, make_team, make_staff, make_letter):
    audit = Audits(axe_audit)
    team = make_team("BZ", "Burgerzaken")
    make_letter(team, make_staff("team", teams=[team]), title="=Formule", prefix="BZ/2026/")
    log_in(page, make_staff("admin"))
    page.goto("/admin/letters")
    audit(page, "letters list")
    page.goto(f"/admin/letters/figures?month={local_today():%Y-%m}")
    audit(page, "letter figures")
    page.goto("/admin/letters/words")
    audit(page, "officialese list")
    choose = page.locator("table a").first
    choose.click()
    audit(page, "officialese pair edit")
    audit.check()


