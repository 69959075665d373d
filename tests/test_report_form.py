"""The resident's report over HTTP: a valid report is stored and confirmed, anything invalid changes nothing."""
import io
import re

import pytest
from sqlalchemy import func, select

from portal.models import OutboxMessage, Report, ReportEvent, ReportStatus
from portal.reports.references import PATTERN
from portal.text import UnreadableText, clean_plain_text

STORY = "Ik zou teruggebeld worden over mijn paspoort, maar niemand belde."


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def assert_nothing_stored(db):
    assert count(db, Report) == 0, "an invalid report was stored"
    assert count(db, ReportEvent) == 0
    assert count(db, OutboxMessage) == 0, "an invalid report queued an e-mail"


def test_start_page_leads_to_the_form_in_one_click(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/melden"' in page


def test_form_has_exactly_the_contract_fields(client):
    page = client.get("/melden").get_data(as_text=True)
    form = page[page.index('<form class="report-form"'):page.index("</form>", page.index('class="report-form"'))]
    names = set(re.findall(r'name="([a-z_]+)"', form))
    assert names == {
        "csrf_token", "category", "description", "contact_date", "letter_reference", "name", "email",
        "phone", "contact_preference", "consent", "website",
    }


def test_a_valid_anonymous_report_is_stored_and_redirects_to_its_reference(client, db, report_form_data):
    response = client.post("/melden", data=report_form_data())
    assert response.status_code == 303
    reference = response.headers["Location"].rsplit("/", 1)[1]
    assert PATTERN.match(reference)
    report = db.session.scalar(select(Report))
    assert report.reference == reference
    assert report.description == STORY
    assert report.status is ReportStatus.NEW
    assert report.is_anonymous
    assert [event.kind for event in report.events] == ["received"]
    assert count(db, OutboxMessage) == 0, "an anonymous report has nobody to confirm to"

    received = client.get(response.headers["Location"])
    assert received.status_code == 200
    assert reference in received.get_data(as_text=True)


def test_the_received_page_says_by_when_we_contact_and_close(client, db, report_form_data, app):
    response = client.post(
        "/melden",
        data=report_form_data(email="Anna@Example.NL", contact_preference="email", consent="y", name="Anna"),
    )
    report = db.session.scalar(select(Report))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    with app.test_request_context():
        from portal.web.template_helpers import local_day

        assert local_day(report.first_contact_due) in page
        assert local_day(report.closing_due) in page
    assert "Anna@" not in page and "anna@" not in page, "the received page must not show the e-mail address"


def test_contact_details_are_normalised_and_a_confirmation_is_queued(client, db, report_form_data):
    client.post(
        "/melden",
        data=report_form_data(
            name="  Anna   de Vries ",
            email="anna@EXAMPLE.nl",
            phone="06 1234 5678",
            contact_preference="phone",
            consent="y",
            contact_date="2026-01-15",
            letter_reference="BEL-2026-001",
            category="letter",
        ),
    )
    report = db.session.scalar(select(Report))
    assert (report.name, report.email, report.phone) == ("Anna de Vries", "anna@example.nl", "+31612345678")
    assert report.letter_reference == "BEL-2026-001"
    assert report.category.code == "letter"
    outbox = db.session.scalars(select(OutboxMessage)).all()
    assert [(m.recipient, m.template) for m in outbox] == [("anna@example.nl", "confirmation")]
    assert report.reference in outbox[0].subject


def test_report_in_english_is_confirmed_in_english(client, db, report_form_data):
    client.get("/?lang=en")
    client.post("/melden", data=report_form_data(email="a@example.nl", contact_preference="email", consent="y"))
    report = db.session.scalar(select(Report))
    assert report.language == "en"
    message = db.session.scalar(select(OutboxMessage))
    assert "We have received your report" in message.subject


def test_markup_is_stripped_and_kept_as_plain_text(client, db, report_form_data):
    client.post("/melden", data=report_form_data(description="<b>Niemand</b> belde & 5 < 10 <script>x()</script>"))
    report = db.session.scalar(select(Report))
    assert report.description == "Niemand belde & 5 < 10 x()"
    page = client.get(f"/melden/ontvangen/{report.reference}").get_data(as_text=True)
    assert "<script>" not in page


def test_sql_in_the_description_is_stored_as_text(client, db, report_form_data):
    text = "Robert'); DROP TABLE reports;-- belde niet terug"
    client.post("/melden", data=report_form_data(description=text))
    assert db.session.scalar(select(Report.description)) == text


def test_references_are_random_and_unique(make_report):
    references = [make_report().reference for _ in range(30)]
    assert len(set(references)) == 30
    assert all(PATTERN.match(reference) for reference in references)
    assert references != sorted(references), "references must not be sequential"


INVALID = [
    ({"category": ""}, "category"),
    ({"category": "parking"}, "category"),
    ({"description": ""}, "description"),
    ({"description": "te kort"}, "description"),
    ({"description": "x" * 5001}, "description"),
    ({"description": "a" * 20000}, "description"),
    ({"description": "<p></p><script>alert(1)</script>"}, "description"),
    ({"description": "Niemand belde\x00 terug, echt niet."}, "description"),
    ({"description": "Niemand belde \u202eterug, echt niet."}, "description"),
    ({"description": "Niemand belde \u200fterug, echt niet."}, "description"),
    ({"description": "Niemand belde \x07terug, echt niet."}, "description"),
    ({"contact_date": "31-03-2026"}, "contact_date"),
    ({"contact_date": "2026-02-30"}, "contact_date"),
    ({"contact_date": "2999-01-01"}, "contact_date"),
    ({"contact_date": "1999-12-31"}, "contact_date"),
    ({"letter_reference": "K" * 101}, "letter_reference"),
    ({"name": "N" * 201, "consent": "y"}, "name"),
    ({"email": "not-an-address", "consent": "y"}, "email"),
    ({"email": "a@b", "consent": "y"}, "email"),
    ({"email": "x" * 250 + "@example.nl", "consent": "y"}, "email"),
    ({"phone": "12345", "consent": "y"}, "phone"),
    ({"phone": "06 1234 567a", "consent": "y"}, "phone"),
    ({"contact_preference": "pigeon"}, "contact_preference"),
    ({"contact_preference": "email"}, "email"),
    ({"contact_preference": "phone"}, "phone"),
    ({"email": "anna@example.nl"}, "consent"),
    ({"name": "Anna"}, "consent"),
]


@pytest.mark.parametrize("fields, field_in_error", INVALID, ids=[f"{f}:{list(d)[0]}" for d, f in INVALID])
def test_invalid_input_is_explained_at_its_field_and_stores_nothing(client, db, report_form_data, fields,
                                                                     field_in_error):
    response = client.post("/melden", data=report_form_data(**fields))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page
    anchor = f"{field_in_error}-0" if field_in_error in ("category", "contact_preference") else field_in_error
    assert f'href="#{anchor}"' in page, f"the error summary does not link to {field_in_error}"
    assert f'id="{field_in_error}-error"' in page, f"no message is shown at {field_in_error}"
    assert_nothing_stored(db)


def test_values_are_kept_when_the_form_comes_back_with_errors(client, db, report_form_data):
    page = client.post(
        "/melden", data=report_form_data(description="kort", email="anna@example.nl", letter_reference="BEL-7")
    ).get_data(as_text=True)
    assert 'value="anna@example.nl"' in page
    assert 'value="BEL-7"' in page
    assert re.search(r'<input[^>]*checked[^>]*value="callback"|<input[^>]*value="callback"[^>]*checked', page)
    assert re.search(r">\s*kort</textarea>", page)


def test_undecodable_bytes_and_lone_surrogates_are_refused(client, db, report_form_data):
    # Raw UTF-8 for a lone surrogate (ED A0 80) in a multipart body; werkzeug decodes it as U+FFFD.
    data = report_form_data()
    data["description"] = (io.BytesIO(b"Niemand belde terug " + b"\xed\xa0\x80 echt"), "")
    boundary = "meldpunt"
    parts = []
    for key, value in data.items():
        content = value[0].read() if isinstance(value, tuple) else value.encode()
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'.encode() + content)
    body = b"\r\n".join(parts) + f"\r\n--{boundary}--\r\n".encode()
    response = client.post("/melden", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 422
    assert_nothing_stored(db)


def test_a_lone_surrogate_code_point_is_unreadable_text():
    with pytest.raises(UnreadableText):
        clean_plain_text("Niemand belde \ud800 terug")


def test_a_huge_body_gets_a_friendly_413_and_stores_nothing(client, db, report_form_data):
    response = client.post("/melden", data=report_form_data(description="a" * 2_000_000))
    assert response.status_code == 413
    assert 'class="page-main"' in response.get_data(as_text=True), "the 413 answer is not the friendly page"
    assert_nothing_stored(db)


def test_hostile_text_never_reaches_the_page_as_markup(client, db, report_form_data):
    response = client.post(
        "/melden", data=report_form_data(description="<img src=x onerror=alert(1)>", letter_reference="<svg onload=x>")
    )
    page = response.get_data(as_text=True)
    assert "<img src=x" not in page and "<svg onload" not in page
    assert_nothing_stored(db)


def test_honeypot_is_answered_as_a_success_and_stores_nothing(client, db, report_form_data):
    response = client.post("/melden", data=report_form_data(website="http://spam.example"))
    assert response.status_code == 303, "a robot gets the same answer as a resident"
    reference = response.headers["Location"].rsplit("/", 1)[1]
    assert PATTERN.match(reference)
    received = client.get(response.headers["Location"])
    assert received.status_code == 200
    assert reference in received.get_data(as_text=True)
    assert_nothing_stored(db)


def test_a_missing_csrf_token_stores_nothing_and_keeps_the_values(client, db, report_form_data):
    data = report_form_data(email="anna@example.nl")
    del data["csrf_token"]
    response = client.post("/melden", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'value="anna@example.nl"' in page
    assert_nothing_stored(db)


def test_a_forged_csrf_token_stores_nothing(client, db, report_form_data):
    response = client.post("/melden", data=report_form_data(csrf_token="forged"))
    assert response.status_code == 400
    assert_nothing_stored(db)


@pytest.mark.parametrize("app_overrides", [{"RATELIMIT_ENABLED": True, "REPORT_RATE_LIMIT": "3 per minute"}])
def test_reports_from_one_address_are_rate_limited(client, db, report_form_data, app_overrides):
    statuses = [client.post("/melden", data=report_form_data()).status_code for _ in range(4)]
    assert statuses == [303, 303, 303, 429]
    assert count(db, Report) == 3
