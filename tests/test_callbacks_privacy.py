"""Callback requests and personal data (AVG art. 15 and 17): a resident's requests are found however their
address or number is written, exported, erased everywhere (the outbox too) without changing the figures, and
anonymised after the retention term; and every request in a list can be reached, page by page."""
import json
import re
from datetime import date, datetime
from html import unescape

import pytest
import time_machine
from sqlalchemy import select

from portal.calendar.clock import LOCAL_ZONE
from portal.callbacks import attempts, handling, links, retention
from portal.callbacks.figures import callback_figures
from portal.callbacks.models import CallbackRequest, CallbackStatus
from portal.extensions import db as _db
from portal.figures.periods import Period
from portal.models import OutboxMessage
from portal.operations import jobs
from portal.reports.models import Channel
from tests.conftest import csrf_token_from

NAME, EMAIL, PHONE = "Anna de Vries", "Anna.de.Vries@Example.NL", "06-12345678"
QUESTION = "Vraag over de aanslag van de hondenbelasting"
NOTE = "Anna zei dat haar buurman Piet ook belt"
AGREEMENT = "Afgesproken dat Anna de brief van Piet opstuurt"
# What must be gone after an erasure, in any table: the name, the number in any form, the address, the texts.
SECRETS = ("anna", "de vries", "612345678", "12345678", "hondenbelasting", "piet")


def local(year, month, day, hour=10, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_ZONE)


@pytest.fixture
def team(make_team):
    return make_team("BZ", "Burgerzaken", "bz@dronten.example")


@pytest.fixture
def member(make_staff, team):
    return make_staff("team", teams=[team], name="Tom Teamlid")


@pytest.fixture
def anna(db, team, member, make_callback, make_report):
    """Two requests of Anna (one handled after attempts with notes, linked to a report; one open, by phone only),
    and one of someone else."""
    with time_machine.travel(local(2026, 3, 2, 9, 0)):
        first = make_callback(team, requested_action=QUESTION, name=NAME, email=EMAIL, phone=PHONE,
                              explanation="Piet weet ervan", registered_at=local(2026, 3, 2, 9, 0))
    with time_machine.travel(local(2026, 3, 3, 11, 0)):
        for reached in (False, True):
            attempts.record_callback_attempt(first, at=local(2026, 3, 3, 10, 0 + reached), channel=Channel.PHONE,
                                             reached=reached, note=NOTE, by=member)
        handling.close(first, agreement=AGREEMENT, by=member)
        report = make_report(email="iemand@example.nl", description="Niemand belde terug.")
        links.link(report, first, by=member)
        db.session.commit()
    second = make_callback(team, requested_action="Wanneer komt de hondenbelasting?", name="A. de Vries",
                           phone="+31 6 1234 5678", registered_at=local(2026, 3, 4, 9, 0))
    other = make_callback(team, requested_action="Vraag over paspoort", name="Bram Bakker",
                          email="bram@example.nl", phone="0687654321", registered_at=local(2026, 3, 5, 9, 0))
    return first, second, other


def everything_stored(db):
    """Every row of every table, as lower-case text."""
    db.session.expire_all()
    rows = []
    for table in db.metadata.sorted_tables:
        rows += [(table.name, json.dumps([str(v) for v in row], ensure_ascii=False).lower())
                 for row in db.session.execute(select(table)).all()]
    return rows


def figures(db):
    db.session.expire_all()
    return callback_figures(Period.month(2026, 3), today=date(2026, 4, 1)), \
        callback_figures(Period.month(2026, 3), group_by="channel", today=date(2026, 4, 1))


@pytest.mark.parametrize(("email", "phone"), [
    ("anna.de.vries@example.nl", None), ("  ANNA.DE.VRIES@EXAMPLE.NL ", None), (None, "0612345678"),
    (None, "+31 6 12 34 56 78"), (None, "06-12345678"), ("nobody@example.nl", "06 1234 5678"),
])
def test_a_residents_requests_are_found_by_any_spelling_of_their_address_or_number(anna, email, phone):
    first, second, _other = anna
    found = retention.requests_of_person(email=email, phone=phone)
    assert [c.id for c in found] == [first.id, second.id] if phone else [first.id], (
        f"searching {email!r} / {phone!r} found {[c.number for c in found]}")


def test_nothing_is_found_without_an_address_or_number(anna):
    assert retention.requests_of_person() == []


def test_the_export_holds_what_we_keep_with_the_attempts_notes(anna):
    first, _second, _other = anna
    data = retention.export_request(first)
    assert (data["name"], data["email"], data["phone"]) == (NAME, "anna.de.vries@example.nl", "+31612345678")
    assert data["question"] == QUESTION and data["agreement"] == AGREEMENT and data["explanation"] == "Piet weet ervan"
    assert [a["note"] for a in data["contact_attempts"]] == [NOTE, NOTE]
    assert [a["reached"] for a in data["contact_attempts"]] == [False, True]
    assert data["status"] == "verwerkt" and data["team"] == "Burgerzaken" and len(data["reports"]) == 1
    json.dumps(data)  # plain data


def test_the_confirmation_mail_is_in_the_outbox_before_erasure(anna, db):
    first, _second, _other = anna
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "callback_confirmation")).all()
    assert {m.recipient for m in mails} == {"anna.de.vries@example.nl", "bram@example.nl"}
    assert any(first.number in m.subject and QUESTION in m.body_text for m in mails)


def test_an_admin_finds_exports_and_erases_a_resident_and_nothing_of_them_is_left_in_any_table(
    anna, client, db, make_staff, login
):
    first, second, other = anna
    before = figures(db)
    login(make_staff("admin", name="Anouk Admin"))
    page = client.get("/admin/privacy?lang=en").get_data(as_text=True)
    result = client.post("/admin/privacy", data={"csrf_token": csrf_token_from(page), "email": "",
                                                 "phone": "06 12 34 56 78"})
    html = result.get_data(as_text=True)
    assert result.status_code == 200 and "Callback requests found: 2" in html
    assert first.number in html and second.number in html and other.number not in html

    token = csrf_token_from(html)
    confirmed = {"csrf_token": token, "email": "", "phone": "06 12 34 56 78", "confirm": "y"}
    export = client.post("/admin/privacy/export", data=confirmed)
    exported = export.get_json()
    assert exported["reports"] == []
    assert [c["number"] for c in exported["callback_requests"]] == [first.number, second.number]
    assert exported["callback_requests"][0]["contact_attempts"][0]["note"] == NOTE

    erased = client.post("/admin/privacy/erase", data=confirmed, follow_redirects=True)
    assert "The personal data in 0 reports and 2 callback requests was erased." in erased.get_data(as_text=True)

    leftovers = [(table, row) for table, row in everything_stored(db) if any(s in row for s in SECRETS)]
    assert leftovers == [], f"the resident's data is still stored: {leftovers}"
    first, other = db.session.get(CallbackRequest, first.id), db.session.get(CallbackRequest, other.id)
    assert first.anonymised_at is not None and first.status is CallbackStatus.DONE and len(first.reports) == 1
    assert [e.kind for e in first.events][-2:] == ["exported_on_request", "erased_on_request"]
    assert first.events[-1].actor == "Anouk Admin"
    assert (other.name, other.email) == ("Bram Bakker", "bram@example.nl"), "someone else's request is untouched"
    bram_mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "bram@example.nl"))
    assert "Vraag over paspoort" in bram_mail.body_text
    assert figures(db) == before, "erasure does not change the figures"
    assert retention.requests_of_person(phone=PHONE) == []


def test_erasure_by_address_also_clears_the_mail_the_server_refused(anna, db):
    first, _second, _other = anna
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == first.email))
    mail.last_error = "550 <anna.de.vries@example.nl>: no such user"
    db.session.commit()
    retention.anonymise_request(first, kind="erased_on_request")
    db.session.commit()
    db.session.refresh(mail)
    assert (mail.recipient, mail.body_text, mail.body_html, mail.last_error) == ("[removed]", "", None, "[removed]")


def test_requests_are_anonymised_after_the_retention_term_and_the_figures_stay(anna, db):
    first, second, other = anna
    with time_machine.travel(local(2026, 3, 6, 12, 0)):
        handling.close(other, agreement="Bram gebeld", by=None)
        db.session.commit()
    before = figures(db)
    with time_machine.travel(local(2027, 3, 3, 2, 30)):  # a year after the first closed, not yet the other
        assert retention.anonymise_expired() == 0
    with time_machine.travel(local(2027, 3, 4, 2, 30)):
        assert jobs.apply_retention() == 1
        assert jobs.apply_retention() == 0, "the job runs once a night"
    db.session.expire_all()
    assert db.session.get(CallbackRequest, first.id).anonymised_at is not None
    assert db.session.get(CallbackRequest, first.id).events[-1].kind == "anonymised"
    assert db.session.get(CallbackRequest, second.id).name == "A. de Vries", "an open request is still needed"
    assert db.session.get(CallbackRequest, other.id).name == "Bram Bakker"
    assert figures(db) == before
    with time_machine.travel(local(2027, 3, 8, 2, 30)):
        assert retention.anonymise_expired() == 1
    assert db.session.get(CallbackRequest, other.id).name is None


def test_paging_reaches_the_201st_request(client, db, team, make_staff, login):
    kcc = make_staff("kcc")
    with time_machine.travel(local(2026, 3, 2, 9, 0)):
        from portal.callbacks.intake import CallbackDetails, register_callback
        for number in range(201):
            register_callback(CallbackDetails(requested_action=f"Vraag {number}", team=team, phone="0612345678"),
                              by=kcc)
        _db.session.commit()
    last = db.session.scalar(select(CallbackRequest).order_by(CallbackRequest.id.desc()).limit(1))
    login(kcc)
    first_page = client.get("/admin/callbacks?view=all&lang=en").get_data(as_text=True)
    assert "201 callback requests in this list." in first_page
    assert first_page.count("/admin/callbacks/") - first_page.count("/admin/callbacks/new") >= 200
    assert last.number not in first_page
    next_url = unescape(re.search(r'href="([^"]+)" rel="next"', first_page).group(1))
    second_page = client.get(next_url).get_data(as_text=True)
    assert last.number in second_page and 'rel="next"' not in second_page and "First page" in second_page


@pytest.mark.parametrize("cursor", ["", "x", "urgent.2026-13-01.5", "normal.2026-03-02.99999999999", "1.2.3.4"])
def test_a_cursor_the_page_does_not_understand_shows_the_first_page(client, make_staff, login, cursor):
    login(make_staff("kcc"))
    assert client.get("/admin/callbacks", query_string={"view": "all", "after": cursor}).status_code == 200
    assert client.get("/admin/callbacks", query_string={"view": "closed", "after": cursor}).status_code == 200


def test_the_handled_list_pages_newest_first(db, team, member, make_callback):
    from portal.callbacks import queue
    callbacks = [make_callback(team, registered_at=local(2026, 3, 2, 9, n)) for n in range(5)]
    for n, callback in enumerate(callbacks):
        with time_machine.travel(local(2026, 3, 3, 9, n)):
            handling.close(callback, agreement="Gebeld", by=member)
            db.session.commit()
    seen, cursor = [], None
    while True:
        rows, cursor = queue.page(member, "closed", after=cursor, size=2)
        seen += [row.id for row in rows]
        if cursor is None:
            break
        cursor = queue.decode_cursor("closed", queue.encode_cursor("closed", cursor))
    assert seen == [c.id for c in reversed(callbacks)]
    assert queue.total(member, "closed") == 5
