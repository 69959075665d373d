"""The catch-all error handler logs what went wrong, with its traceback, but never what the visitor typed."""
import logging

import pytest

from portal.extensions import csrf
from portal.web.errors import handle_unexpected_error

EMAIL = "jan.jansen@example.nl"
PHONE = "+31612345678"


class DeliberateFailure(RuntimeError):
    pass


@pytest.fixture
def app_overrides():
    # As in production: with TESTING on, init_app leaves the catch-all out and the exception reaches the test.
    return {"TESTING": False}


@pytest.fixture
def failing_client(app):
    @csrf.exempt
    def broken_view():
        raise DeliberateFailure("the view broke")

    app.add_url_rule("/test-only/broken", "broken_view", broken_view, methods=["GET", "POST"])
    return app.test_client()


def test_the_catch_all_handler_is_registered_outside_testing(app):
    assert not app.testing
    assert app.error_handler_spec[None][None][Exception] is handle_unexpected_error


def test_an_unexpected_error_is_logged_with_traceback_but_without_personal_data(failing_client, caplog):
    caplog.set_level(logging.ERROR, logger="meldpunt.errors")

    response = failing_client.post(f"/test-only/broken?email={EMAIL}", data={"email": EMAIL, "phone": PHONE})

    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Er ging bij ons iets mis" in page  # the friendly page, in the default language
    assert "Traceback" not in page and "DeliberateFailure" not in page

    records = [r for r in caplog.records if r.name == "meldpunt.errors"]
    assert len(records) == 1
    record = records[0]
    assert record.levelno == logging.ERROR
    request_id = response.headers["X-Request-ID"]
    assert record.getMessage() == f"Unexpected error on POST /test-only/broken (request {request_id})"
    assert request_id in page, "the page shows the id a resident can quote"
    assert record.exc_info is not None and record.exc_info[0] is DeliberateFailure
    assert "DeliberateFailure: the view broke" in caplog.text  # the formatted traceback is in the output
    assert "Traceback (most recent call last)" in caplog.text
    for secret in (EMAIL, PHONE, "jan.jansen", "email="):
        assert secret not in caplog.text
