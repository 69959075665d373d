"""The application as an operator meets it: configuration, headers, health, languages and error pages."""
import pytest
from sqlalchemy import func, select

import config
from portal import create_app
from portal.models import OPEN_STATUSES, Report, ReportEvent, ReportStatus, Team


@pytest.mark.parametrize("key", [None, "", "dev", "short-key", "a" * 64])
def test_production_refuses_to_start_without_a_strong_secret_key(key):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": key, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_starts_with_a_strong_secret_key_and_secure_cookies():
    strong_key = "0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a"
    app = create_app({"ENV_NAME": "production", "SECRET_KEY": strong_key, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["PASSWORD_HASH_METHOD"] == "scrypt", "production hashes passwords at full cost"
    assert app.config["TWO_FACTOR_REQUIRED"] is True


def test_flask_prefixed_environment_variables_are_read_last(monkeypatch):
    monkeypatch.setenv("FLASK_RATELIMIT_ENABLED", "false")
    monkeypatch.setenv("FLASK_MAX_CONTENT_LENGTH", "1234")
    app = create_app({"ENV_NAME": "development", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["RATELIMIT_ENABLED"] is False
    assert app.config["MAX_CONTENT_LENGTH"] == 1234


def test_an_unknown_environment_name_is_refused(monkeypatch):
    monkeypatch.setenv("MELDPUNT_ENV", "staging")
    with pytest.raises(RuntimeError, match="MELDPUNT_ENV"):
        create_app()


@pytest.mark.parametrize(
    "given, used",
    [
        ("postgresql://u@h:5432/d", "postgresql+psycopg://u@h:5432/d"),
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:///x.sqlite", "sqlite:///x.sqlite"),
    ],
)
def test_database_urls_use_the_shipped_driver(given, used):
    assert config.normalise_database_url(given) == used


def test_every_page_carries_the_security_headers(client):
    headers = client.get("/melden").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_the_session_cookie_is_http_only_and_same_site(client):
    client.get("/?lang=en")
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_health_check_answers_ok_while_the_database_answers(client):
    response = client.get("/healthz")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok"})


def test_health_check_answers_503_when_the_database_is_gone():
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": "postgresql://nobody@127.0.0.1:1/none"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}


def test_dutch_is_the_default_and_english_sticks_for_the_visit(client):
    assert '<html lang="nl">' in client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in client.get("/?lang=en").get_data(as_text=True)
    page = client.get("/melden").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Make a report" in page
    assert '<html lang="nl">' in client.get("/?lang=nl").get_data(as_text=True)


def test_an_unsupported_language_falls_back_to_dutch(client):
    assert '<html lang="nl">' in client.get("/?lang=xx").get_data(as_text=True)


def test_unknown_pages_and_methods_get_friendly_pages(client):
    missing = client.get("/bestaat-niet")
    assert missing.status_code == 404 and 'href="/"' in missing.get_data(as_text=True)
    wrong_method = client.delete("/melden")
    assert wrong_method.status_code == 405 and 'class="page-main"' in wrong_method.get_data(as_text=True)


def test_municipality_details_come_from_configuration(_migrated, _smtp_session):
    from tests.conftest import app_config

    app = create_app(
        app_config(_migrated, _smtp_session.port, MUNICIPALITY_NAME="Gemeente Lelystad", MUNICIPALITY_PHONE="14 0320",
                   MUNICIPALITY_ADDRESS="Stadhuisplein 2, 8232 ZX Lelystad")
    )
    page = app.test_client().get("/").get_data(as_text=True)
    assert "Gemeente Lelystad" in page and "14 0320" in page and "Dronten" not in page


def test_seed_demo_fills_an_empty_database_with_lively_data(runner, db):
    result = runner.invoke(args=["seed-demo", "--reports", "300", "--seed", "7", "--months", "6"])
    assert result.exit_code == 0, result.output
    assert "Created 300 reports" in result.output
    assert db.session.scalar(select(func.count()).select_from(Report)) == 300
    by_status = dict(db.session.execute(select(Report.status, func.count()).group_by(Report.status)).all())
    # Lively: most of six months' reports are closed, and the recent ones are still being handled.
    assert by_status.get(ReportStatus.CLOSED, 0) >= 150, by_status
    assert sum(by_status.get(status, 0) for status in OPEN_STATUSES) >= 1, by_status
    assert db.session.scalar(select(func.count()).select_from(Team)) == 5
    kinds = dict(db.session.execute(select(ReportEvent.kind, func.count()).group_by(ReportEvent.kind)).all())
    assert kinds["received"] == 300
    assert kinds["closed"] == by_status[ReportStatus.CLOSED], "every closed report has its closing on the history"
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0, again.output
    assert "already holds reports" in again.output
    assert db.session.scalar(select(func.count()).select_from(Report)) == 300


def test_seed_demo_terms_match_the_working_day_rules(runner, db):
    from portal.calendar import deadlines

    result = runner.invoke(args=["seed-demo", "--reports", "200", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "Created 200 reports" in result.output
    reports = db.session.scalars(select(Report)).all()
    assert len(reports) == 200
    assert any(report.original_closing_due for report in reports), "no extended report to check"
    for report in reports:
        original = report.original_closing_due or report.closing_due  # some demo reports were extended
        assert original == deadlines.due_date(report.received_at, report.category.closing_days)
        assert report.first_contact_due == deadlines.due_date(report.received_at, report.category.first_contact_days)


def test_behind_a_proxy_rate_limits_see_the_residents_address(_migrated, _smtp_session):
    from tests.conftest import app_config

    app = create_app(
        app_config(_migrated, _smtp_session.port, PROXY_COUNT=1, RATELIMIT_ENABLED=True,
                   STATUS_RATE_LIMIT="2 per minute")
    )
    client = app.test_client()

    def lookup(address):
        return client.get("/status?code=MC-AAAA-AAAA", headers={"X-Forwarded-For": address}).status_code

    assert [lookup("192.0.2.1") for _ in range(3)] == [404, 404, 429]
    assert lookup("192.0.2.2") == 404, "another resident behind the same proxy must not be limited"
