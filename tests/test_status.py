"""The status page tells where a report stands and nothing about who sent it."""
from datetime import datetime, timezone

import pytest

from portal.models import ReportStatus


def test_status_shows_the_state_and_dates_but_no_personal_data(client, make_report, db):
    report = make_report(
        description="Mijn buurman Piet belde niet terug over de brief.",
        name="Anna de Vries",
        email="anna@example.nl",
        phone="+31612345678",
        letter_reference="BEL-2026-001",
        received_at=datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc),
    )
    page = client.get(f"/status?code={report.reference}").get_data(as_text=True)
    assert report.reference in page
    for secret in ("Anna", "anna@example.nl", "612345678", "Piet", "buurman", "BEL-2026-001"):
        assert secret not in page, f"the status page shows {secret!r}"
    assert "2 maart 2026" in page or "March 2, 2026" in page or "2 March 2026" in page


def test_status_shows_first_contact_and_closing_once_they_happened(client, make_report, db):
    report = make_report(phone="+31612345678")  # asked to be called back
    report.status = ReportStatus.CLOSED
    report.first_contact_at = datetime(2026, 3, 3, 10, 0, tzinfo=timezone.utc)
    report.closed_at = datetime(2026, 3, 4, 15, 30, tzinfo=timezone.utc)
    db.session.commit()
    page = client.get(f"/status?code={report.reference}&lang=en").get_data(as_text=True)
    assert "Closed" in page
    assert "March 3, 2026" in page and "March 4, 2026" in page


@pytest.mark.parametrize("typed", ["{ref}", "{ref_lower}", " {ref} ", "{compact}"])
def test_a_reference_is_found_however_it_is_typed(client, make_report, typed):
    reference = make_report().reference
    code = typed.format(ref=reference, ref_lower=reference.lower(), compact=reference.replace("-", ""))
    assert client.get("/status", query_string={"code": code}).status_code == 200


def test_the_letter_o_is_read_as_the_digit_zero(client, make_report, db):
    report = make_report()
    report.reference = "MC-0000-1111"
    db.session.commit()
    assert client.get("/status?code=MC-OOOO-IIII").status_code == 200


@pytest.mark.parametrize(
    "code", ["MC-ZZZZ-ZZZZ", "nonsense", "'; DROP TABLE reports;--", "<script>x</script>", "M" * 500]
)
def test_an_unknown_code_gets_a_helpful_404(client, make_report, code):
    make_report()
    response = client.get("/status", query_string={"code": code})
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert 'id="code-error"' in page
    assert "<script>x" not in page


def test_the_lookup_form_is_shown_without_a_code(client):
    response = client.get("/status")
    assert response.status_code == 200
    assert 'name="code"' in response.get_data(as_text=True)


@pytest.mark.parametrize("app_overrides", [{"RATELIMIT_ENABLED": True, "STATUS_RATE_LIMIT": "5 per minute"}])
def test_guessing_references_is_rate_limited(client, app_overrides):
    statuses = [client.get(f"/status?code=MC-AAAA-AAA{n}").status_code for n in range(6)]
    assert statuses == [404] * 5 + [429]
