"""Every mail Meldpunt sends reaches any standards-following server, or shows up as failed where a person sees it."""
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from portal.mail import outbox
from portal.models import OutboxMessage, OutboxStatus, Report
from tests.conftest import csrf_token_from, free_port

RFC_5321_LINE_LIMIT = 998  # octets, without the CRLF


@dataclass
class StrictServer:
    """Keeps every message as the octets that came over the wire; aiosmtpd refuses lines over 998 octets itself."""

    raw: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        self.raw.append(envelope.original_content)
        return "250 Message accepted for delivery"


@pytest.fixture
def strict_smtp(app):
    handler = StrictServer()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    previous = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = port
    app.extensions["mail"].port = port
    yield handler
    app.config["MAIL_PORT"] = previous
    app.extensions["mail"].port = previous
    controller.stop()


def test_a_mail_with_very_long_lines_is_delivered_with_no_line_over_998_octets(strict_smtp, db, app):
    long_html = "<table>" + "".join(f"<tr><td>MC-{n:04d}-ABCD</td><td>Ik ben niet teruggebeld</td></tr>"
                                    for n in range(200)) + "</table>"
    long_text = "Één regel zonder einde: " + "woord " * 900
    subject = "Meldingen van Burgerzaken die vandaag of morgen aflopen: " + "ééé " * 40
    outbox_row = OutboxMessage(recipient="bz@dronten.example", template="digest", subject=subject,
                               body_text=long_text, body_html=long_html)
    db.session.add(outbox_row)
    db.session.commit()
    result = outbox.send_pending()
    assert (result.sent, result.failed) == (1, 0)
    [raw] = strict_smtp.raw
    lines = raw.split(b"\r\n")
    assert max(len(line) for line in lines) <= RFC_5321_LINE_LIMIT
    assert all(byte < 128 for byte in raw), "8-bit data needs 8BITMIME, which not every server offers"
    message = message_from_bytes(raw, policy=policy.default)
    assert message["Subject"] == subject
    bodies = {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}
    assert bodies["text/plain"].rstrip() == long_text.rstrip()
    assert bodies["text/html"].rstrip("\n") == long_html
    db.session.refresh(outbox_row)
    assert outbox_row.status is OutboxStatus.SENT


def test_a_busy_teams_digest_reaches_a_strict_server(strict_smtp, db, app, make_team, make_report):
    from portal.calendar.clock import local_today, now_utc
    from portal.operations import jobs
    from portal.reports import workflow
    from portal.staff.models import User

    team = make_team("BZ", "Burgerzaken")
    kcc = User(email="k@dronten.example", name="Karin", role="kcc", password_hash="x", session_token="t")
    db.session.add(kcc)
    for _ in range(80):
        report = make_report(received_at=now_utc() - timedelta(days=30), commit=False)
        workflow.assign(report, team=team, by=None)
    db.session.commit()
    today = local_today()
    while not jobs.deadlines.is_working_day(today):
        today += timedelta(days=1)
    assert jobs.send_team_digests(today=today) == 1
    outbox.send_pending()
    digest = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "digest"))
    assert digest.status is OutboxStatus.SENT, digest.last_error
    assert len(strict_smtp.raw) >= 1


def refused_for_good(smtp, make_report, db, email="jan.jansen@example.nl"):
    """A confirmation that the recipient's server refuses for good (550), as a failed outbox row."""
    make_report(email=email)
    smtp.catcher.refuse_with = f"550 5.1.1 <{email}>: Recipient address rejected"
    outbox.send_pending()
    smtp.catcher.refuse_with = None
    message = db.session.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()))
    assert message.status is OutboxStatus.FAILED
    return message


@pytest.fixture
def admin(make_staff, login):
    user = make_staff("admin", name="Anouk Admin")
    login(user)
    return user


def test_the_stored_error_never_holds_the_address(smtp, make_report, db):
    message = refused_for_good(smtp, make_report, db, email="Jan.Jansen@Example.nl")
    assert "550" in message.last_error
    assert "jan.jansen" not in message.last_error.lower()


def test_an_admin_sees_a_failed_mail_in_words_and_sends_it_again_after_a_fix(client, admin, smtp, make_report, db):
    message = refused_for_good(smtp, make_report, db)
    page = client.get("/admin/outbox?status=failed")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "jan.jansen@example.nl" in html
    from flask_babel import force_locale

    from portal.mail import review

    with force_locale("nl"):
        assert str(review.error_in_words(message.last_error)) in html, "the reason is given in words"
    resent = client.post(f"/admin/outbox/{message.id}/resend", data={"csrf_token": csrf_token_from(html)})
    assert resent.status_code == 303
    db.session.refresh(message)
    assert message.status is OutboxStatus.PENDING
    again = client.post(f"/admin/outbox/{message.id}/resend", data={"csrf_token": csrf_token_from(html)})
    assert again.status_code == 303, "a second press changes nothing and says so"
    outbox.send_pending()
    db.session.refresh(message)
    assert message.status is OutboxStatus.SENT
    assert len(smtp.messages) == 1, "sent once, however often the button was pressed"


def test_all_failed_mails_are_sent_again_in_one_action(client, admin, smtp, make_report, db):
    refused_for_good(smtp, make_report, db, email="a@example.nl")
    refused_for_good(smtp, make_report, db, email="b@example.nl")
    html = client.get("/admin/outbox").get_data(as_text=True)
    assert client.post("/admin/outbox/resend-failed", data={"csrf_token": csrf_token_from(html)}).status_code == 303
    assert db.session.scalar(select(func.count()).where(OutboxMessage.status == OutboxStatus.FAILED)) == 0
    assert client.post("/admin/outbox/resend-failed", data={}).status_code == 400, "CSRF is required"


def test_the_kcc_is_told_once_a_day_while_failed_mails_exist(smtp, make_report, db, app):
    from portal.operations import jobs

    today = date(2026, 12, 2)
    assert jobs.notify_failed_mail(today=today) == 0, "no notice without failed mail"
    refused_for_good(smtp, make_report, db)
    assert jobs.notify_failed_mail(today=today) == 1
    assert jobs.notify_failed_mail(today=today) == 0, "once a day"
    notice = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "failed_mail"))
    assert notice.recipient == app.config["KCC_EMAIL"]
    assert "/admin/outbox?status=failed" in notice.body_text
    assert jobs.notify_failed_mail(today=today + timedelta(days=1)) == 1, "and again the next day"


def test_the_team_and_the_person_are_told_when_a_report_is_sent_to_them(make_team, make_staff, make_report, db):
    from portal.calendar.clock import now_utc
    from portal.reports import workflow

    team = make_team("BZ", "Burgerzaken", "bz@dronten.example")
    person = make_staff("team", teams=[team], name="Tom Team", email="tom@dronten.example")
    kcc = make_staff("kcc")
    report = make_report(received_at=now_utc() - timedelta(hours=2))
    workflow.assign(report, team=team, assignee=person, by=kcc)
    db.session.commit()
    mails = {mail.recipient: mail for mail in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "assigned"))}
    assert set(mails) == {"bz@dronten.example", "tom@dronten.example"}
    for mail in mails.values():
        assert report.reference in mail.subject
        for expected in (report.reference, "Ik ben niet teruggebeld", f"/admin/reports/{report.id}",
                         str(report.first_contact_due.day), str(report.closing_due.day)):
            assert expected in mail.body_text, f"{expected!r} missing from the mail to {mail.recipient}"


def test_a_busy_run_sends_one_escalation_per_address_listing_the_most_overdue_first(make_team, make_staff,
                                                                                    make_report, db, app):
    import time_machine

    from portal.calendar.clock import LOCAL_ZONE
    from portal.operations import jobs
    from portal.reports import workflow

    team = make_team("BZ", "Burgerzaken", "bz@dronten.example")
    person = make_staff("team", teams=[team], email="tom@dronten.example")
    kcc = make_staff("kcc")
    received = [datetime(2026, 3, day, 9, 0, tzinfo=LOCAL_ZONE) for day in (2, 3, 4)]
    with_person = []
    for moment in received:
        with time_machine.travel(moment):
            for _ in range(5):
                report = make_report(received_at=moment, commit=False, phone="+31612345678")
                workflow.assign(report, team=team, assignee=person if len(with_person) < 3 else None, by=kcc)
                if len(with_person) < 3:
                    with_person.append(report)
            db.session.commit()
    with time_machine.travel(datetime(2026, 4, 20, 9, 0, tzinfo=LOCAL_ZONE)):
        assert jobs.escalate_passed_terms() == 30  # 15 reports, both terms passed
        assert jobs.escalate_passed_terms() == 0
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "escalation")).all()
    by_address = {}
    for mail in mails:
        by_address.setdefault(mail.recipient, []).append(mail)
    assert {address: len(sent) for address, sent in by_address.items()} == {
        "tom@dronten.example": 1, "bz@dronten.example": 1, app.config["KCC_EMAIL"]: 1}
    [to_person] = by_address["tom@dronten.example"]
    assert all(report.reference in to_person.body_text for report in with_person)
    [to_kcc] = by_address[app.config["KCC_EMAIL"]]
    positions = [to_kcc.body_text.index(report.reference) for report in
                 sorted(db.session.scalars(select(Report)).all(), key=lambda report: report.first_contact_due)]
    assert positions[0] < positions[-1], "the most overdue come first"


def test_a_message_with_a_gap_left_to_fill_is_refused_and_the_text_kept(client, make_staff, make_report, login, db):
    report = make_report(email="anna@example.nl", name="Anna")
    login(make_staff("kcc"))
    page = client.get(f"/admin/reports/{report.id}?text=more_information").get_data(as_text=True)
    assert "[schrijf hier uw vraag]" in page, "the standard text is offered with its gap"
    body = "Beste Anna,\n\nWij hebben meer informatie nodig: [schrijf hier uw vraag].\n\nMet vriendelijke groet"
    refused = client.post(f"/admin/reports/{report.id}/message", data={
        "csrf_token": csrf_token_from(page), "message-subject": "Uw melding {reference}", "message-body": body})
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    assert "[schrijf hier uw vraag]" in html and "Wij hebben meer informatie nodig" in html
    assert db.session.scalar(select(func.count()).where(OutboxMessage.template == "message")) == 0
    unknown = client.post(f"/admin/reports/{report.id}/message", data={
        "csrf_token": csrf_token_from(page), "message-subject": "Uw melding", "message-body": "Beste {naam},"})
    assert unknown.status_code == 409 and "{naam}" in unknown.get_data(as_text=True)


def test_the_message_sent_is_readable_by_colleagues_and_a_reply_reaches_the_team(client, make_staff, make_team,
                                                                                 make_report, login, db, smtp):
    from portal.reports import workflow

    team = make_team("BZ", "Burgerzaken", "bz@dronten.example")
    kcc = make_staff("kcc")
    report = make_report(email="anna@example.nl", name="Anna")
    workflow.assign(report, team=team, by=kcc)
    db.session.commit()
    login(kcc)
    page = client.get(f"/admin/reports/{report.id}").get_data(as_text=True)
    sent = client.post(f"/admin/reports/{report.id}/message", data={
        "csrf_token": csrf_token_from(page), "version": str(report.version),
        "message-subject": "Uw melding {reference}",
        "message-body": "Beste {name},\n\nWij bellen u morgen om tien uur."})
    assert sent.status_code == 303
    page = client.get(f"/admin/reports/{report.id}").get_data(as_text=True)
    assert "Wij bellen u morgen om tien uur." in page, "colleagues read the text that was sent"
    assert f"Uw melding {report.reference}" in page
    outbox.send_pending()
    [message] = [m for m in smtp.messages if m["Subject"] == f"Uw melding {report.reference}"]
    assert message["Reply-To"] == "bz@dronten.example"
    assert "Beste Anna" in smtp.catcher.bodies(message)["text/plain"]


def test_staff_note_a_grade_given_by_phone_once_and_it_counts_like_one_through_the_link(
        client, make_staff, make_team, make_report, login, db):
    from portal.models import Cause, Channel, Outcome
    from portal.reports import satisfaction, workflow

    team = make_team("BZ", "Burgerzaken")
    kcc = make_staff("kcc")
    report = make_report(phone="+31612345678", name="Piet")
    workflow.assign(report, team=team, by=kcc)
    workflow.close(report, outcome=Outcome.RESOLVED, causes=[db.session.scalar(select(Cause).limit(1))],
                   summary="Teruggebeld en uitgelegd.", by=kcc)
    db.session.commit()
    login(kcc)
    page = client.get(f"/admin/reports/{report.id}").get_data(as_text=True)
    assert f"/admin/reports/{report.id}/grade" in page
    noted = client.post(f"/admin/reports/{report.id}/grade", data={
        "csrf_token": csrf_token_from(page), "version": str(report.version), "grade-grade": "7",
        "grade-channel": "phone", "grade-comment": "Tevreden, maar het duurde lang."})
    assert noted.status_code == 303
    db.session.refresh(report)
    assert (report.grade, report.grade_channel, report.grade_comment) == (7, Channel.PHONE,
                                                                          "Tevreden, maar het duurde lang.")
    assert report.events[-1].kind == "graded" and report.events[-1].details["channel"] == "phone"
    page = client.get(f"/admin/reports/{report.id}").get_data(as_text=True)
    assert f"/admin/reports/{report.id}/grade" not in page, "one grade per report"
    again = client.post(f"/admin/reports/{report.id}/grade", data={
        "csrf_token": csrf_token_from(page), "version": str(report.version), "grade-grade": "3",
        "grade-channel": "desk"})
    assert again.status_code == 409
    db.session.refresh(report)
    assert report.grade == 7
    assert satisfaction.record_grade(report, 9, "", channel=Channel.WEB) is False, "the link cannot add a second"


def test_the_history_speaks_the_staffs_words_not_code_names(client, make_staff, make_team, make_report, login, db):
    from portal.reports import workflow

    team = make_team("BZ", "Burgerzaken")
    kcc = make_staff("kcc", name="Karin KCC")
    report = make_report()
    workflow.assign(report, team=team, by=kcc)
    db.session.commit()
    login(kcc)
    html = client.get(f"/admin/reports/{report.id}").get_data(as_text=True)
    history = html[html.index('id="history-title"'):]
    assert "Burgerzaken" in history
    for code_name in ("status:", "closing_due", "first_contact_due", "assigned →", "team:"):
        assert code_name not in history, f"{code_name!r} is a code name"
    # (It looked for ":07", which a history written at seven past the hour shows rightly, as HH:MM.)
    assert not re.search(r"\d:\d\d:\d\d", history), "no seconds"
    assert not re.search(r"\bCES?T\b|\bUTC\b", history), "no zone abbreviations"


def test_a_mail_in_one_language_leaves_the_pages_and_the_other_languages_mails_in_theirs(client, db, make_report):
    from portal.mail.outbox import render_mail

    english = make_report(email="anna@example.nl", language="en")
    dutch = make_report(email="piet@example.nl", language="nl")
    for _ in range(2):  # the second round reads each language's environment as the first made it
        assert "We have received your report" in render_mail("confirmation", "en", report=english, status_url="x")[
            "subject"]
        assert "Wij hebben uw melding" in render_mail("confirmation", "nl", report=dutch, status_url="x")["subject"]
        assert "Melding doen" in client.get("/melden").get_data(as_text=True)
        assert "Make a report" in client.get("/melden?lang=en").get_data(as_text=True)
        client.get("/melden?lang=nl")
    # And the confirmations the two residents got, each in their own language.
    subjects = {mail.recipient: mail.subject for mail in db.session.scalars(select(OutboxMessage))}
    assert subjects["anna@example.nl"].startswith("We have received your report")
    assert subjects["piet@example.nl"].startswith("Wij hebben uw melding")
