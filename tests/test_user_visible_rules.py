"""Rules whose breaking a resident, a staff member or an operator would notice, each checked where they would see it.

Every test here was written against a small, plausible bug that the rest of the suite let through: a manager offered
action forms, a report closed that was never sent to a team, a reopened report still counted as closed on time,
retry waits off by a factor of two, a clash of references answered with a server error, what a resident typed
changed on the way in, a report shown as overdue on the last day of its term, retention erasing open reports or
keeping an extension's reason, an older TOTP code accepted after a newer one, and the shipped rate limits and CSRF
time limit that every other test replaces.
"""
import re
import time
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser

import limits
import pyotp
import pytest
import time_machine
from sqlalchemy import func, select

from portal import create_app
from portal.calendar.clock import LOCAL_ZONE, now_utc
from portal.models import Cause, OutboxMessage, Report, ReportEvent, ReportStatus
from portal.operations import jobs
from portal.staff import accounts
from tests.conftest import STAFF_PASSWORD, csrf_token_from

STRONG_KEY = "0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a"


def local(*args):
    return datetime(*args, tzinfo=LOCAL_ZONE)


def staff_client(app, user):
    """A browser of its own, logged in as this staff member through the log-in form (at the current, maybe
    travelled, time: a session left for a day would have ended for inactivity)."""
    client = app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    response = client.post("/admin/login", data={"csrf_token": csrf_token_from(page), "email": user.email,
                                                 "password": STAFF_PASSWORD})
    assert response.status_code == 303, "log-in failed"
    client.get("/?lang=en")  # English for the rest of the visit: the tests read the source messages
    return client


class _HiddenFields(HTMLParser):
    """The hidden inputs (CSRF token, version, …) of the form that posts to `action`."""

    def __init__(self, action):
        super().__init__()
        self.action, self.inside, self.fields = action, False, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("method") == "post" and attrs.get("action") == self.action
        elif tag == "input" and self.inside and attrs.get("type") == "hidden" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def act(client, report_id, action, **data):
    """Post one action form of the report page as a browser would: with the hidden fields of that form, or, for a
    form the page does not offer, with the page's CSRF token only."""
    url = f"/admin/reports/{report_id}/{action}"
    page = client.get(f"/admin/reports/{report_id}").get_data(as_text=True)
    parser = _HiddenFields(url)
    parser.feed(page)
    hidden = parser.fields or {"csrf_token": csrf_token_from(page)}
    return client.post(url, data={**hidden, **data})


def fresh(db, report_id):
    db.session.expire_all()
    return db.session.get(Report, report_id)


def action_forms(page, report_id):
    """The actions the report page offers as forms, e.g. {"assign", "note"}."""
    return set(re.findall(rf'<form method="post" action="/admin/reports/{report_id}/([a-z-]+)"', page))


def any_cause_id(db):
    return str(db.session.scalar(select(Cause.id).order_by(Cause.position).limit(1)))


def assign(client, report_id, team_code="BZ"):
    response = act(client, report_id, "assign", **{"assign-team": team_code})
    assert response.status_code == 303, response.get_data(as_text=True)


def record_first_contact(client, report_id, at):
    response = act(client, report_id, "first-contact", **{
        "first_contact-channel": "phone", "first_contact-at": at.strftime("%Y-%m-%dT%H:%M"),
        "first_contact-summary": "Mevrouw gebeld en excuses gemaakt."})
    assert response.status_code == 303, response.get_data(as_text=True)


def close(client, db, report_id):
    response = act(client, report_id, "close", **{
        "close-outcome": "resolved", "close-causes": [any_cause_id(db)],
        "close-summary": "Wij hebben u gebeld en uw vraag beantwoord."})
    assert response.status_code == 303, response.get_data(as_text=True)


@pytest.fixture
def team(make_team):
    return make_team("BZ", "Burgerzaken", "bz@dronten.example")


@pytest.fixture
def kcc(make_staff):
    return make_staff("kcc", name="Karin KCC")


# ---------------------------------------------------------------------------------------------------------------
# Who may do what on a report


def test_a_manager_reads_a_report_but_is_offered_no_action_and_no_contact_details(
        app, db, make_report, make_staff, team, kcc):
    report = make_report(name="Anna", email="anna@example.nl", description="Niemand belde mij terug over de pas.")
    as_kcc = staff_client(app, kcc)
    assert {"assign", "note", "dismiss"} <= action_forms(
        as_kcc.get(f"/admin/reports/{report.id}").get_data(as_text=True), report.id), \
        "the KCC must be offered the actions (else this test proves nothing)"

    as_manager = staff_client(app, make_staff("manager"))
    for state in ("new", "assigned"):
        if state == "assigned":
            assign(as_kcc, report.id)
        page = as_manager.get(f"/admin/reports/{report.id}")
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "Niemand belde mij terug over de pas." in html, "a manager reads the report"
        assert action_forms(html, report.id) == set(), f"a manager was offered action forms on a {state} report"
        assert 'id="actions-title"' not in html
        assert f"/admin/reports/{report.id}/contact" not in html, "a manager was offered the contact details"
        assert "anna@example.nl" not in html
    refused = as_manager.post(f"/admin/reports/{report.id}/note", data={
        "csrf_token": csrf_token_from(html), "note-text": "Even kijken."})
    assert refused.status_code == 403
    assert [e.kind for e in fresh(db, report.id).events] == ["received", "assigned"]


def test_the_contact_centre_resolves_a_new_report_itself_and_it_counts_at_the_first_line(
        app, db, make_report, kcc, smtp):
    report = make_report(email="anna@example.nl", name="Anna")
    as_kcc = staff_client(app, kcc)
    page = as_kcc.get(f"/admin/reports/{report.id}?lang=en").get_data(as_text=True)
    offered = action_forms(page, report.id)
    assert "assign" in offered and "close" in offered
    assert "Resolve it ourselves and close" in page and "resolved at the first line" in page

    response = act(as_kcc, report.id, "close", **{
        "close-outcome": "resolved", "close-causes": [any_cause_id(db)],
        "close-summary": "Uitgelegd aan de telefoon: uw pas ligt klaar bij de balie."})
    assert response.status_code == 303
    stored = fresh(db, report.id)
    assert stored.status is ReportStatus.CLOSED and stored.team is None
    assert stored.closed_at_first_line is True and stored.triaged_at is not None
    assert [e.kind for e in stored.events] == ["received", "closed"]
    templates = db.session.scalars(select(OutboxMessage.template).where(OutboxMessage.report_id == report.id)).all()
    assert sorted(templates) == ["closed", "confirmation"], "the resident hears that it is closed, and how"


# ---------------------------------------------------------------------------------------------------------------
# Terms: reopened reports and the last day of a term


def test_a_reopened_report_no_longer_counts_as_closed_on_time_in_the_figures(
        app, db, make_report, make_staff, team, kcc):
    with time_machine.travel(local(2026, 3, 2, 9, 0)):
        report = make_report(received_at=local(2026, 3, 2, 9, 0), email="anna@example.nl")
    manager = make_staff("manager")

    def month_figure(code):
        html = staff_client(app, manager).get("/admin/stats/month/2026-03").get_data(as_text=True)
        match = re.search(rf'data-figure="headline:{code}"[^>]*>(.*?)</td>', html, re.S)
        assert match, f"the figures page shows no {code}"
        return re.sub(r"<[^>]+>", "", match.group(1)).strip()

    with time_machine.travel(local(2026, 3, 3, 10, 0)):  # closed the next day, well within its term
        as_kcc = staff_client(app, kcc)
        assign(as_kcc, report.id)
        record_first_contact(as_kcc, report.id, local(2026, 3, 3, 9, 30))
        close(as_kcc, db, report.id)
        assert (month_figure("closed"), month_figure("closing_on_time")) == ("1", "1")
    with time_machine.travel(local(2026, 3, 4, 10, 0)):
        response = act(staff_client(app, kcc), report.id, "reopen",
                       **{"reopen-reason": "Mevrouw belde: het probleem is er nog."})
        assert response.status_code == 303
        assert fresh(db, report.id).status.is_open
        assert (month_figure("closed"), month_figure("closing_on_time")) == ("0", "0"), \
            "a reopened report still counts as closed on time"
        assert fresh(db, report.id).closed_on_time is None


def test_a_report_is_overdue_the_day_after_its_term_ends_not_on_its_last_day(app, db, make_report, kcc, smtp):
    # Monday 2 March 2026: first contact within two working days, so Wednesday 4 March is its last day.
    with time_machine.travel(local(2026, 3, 2, 9, 0)):
        report = make_report(received_at=local(2026, 3, 2, 9, 0), phone="+31612345678")  # asked to be called
    assert report.first_contact_due == local(2026, 3, 4, 0, 0).date()

    def queue_as_seen(client, query=""):
        html = client.get(f"/admin/queue{query}").get_data(as_text=True)
        count = re.search(r'counts__overdue"><span class="counts__label">[^<]*</span> '
                          r'<span class="counts__number">(\d+)</span>', html)
        assert count, "the queue shows no overdue count"
        return html, int(count.group(1))

    def escalations():
        return db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.template == "escalation"))

    with time_machine.travel(local(2026, 3, 4, 16, 0)):  # the last day of the term, late in the afternoon
        client = staff_client(app, kcc)
        html, overdue = queue_as_seen(client)
        assert report.reference in html
        assert overdue == 0 and "is-overdue" not in html and "badge--overdue" not in html, \
            "a report is shown as overdue on the last day of its term"
        only_overdue, _ = queue_as_seen(client, "?overdue=yes")
        assert report.reference not in only_overdue
        detail = client.get(f"/admin/reports/{report.id}").get_data(as_text=True)
        assert re.search(r"\b0 working days? left", detail) and "badge--overdue" not in detail
        assert jobs.escalate_passed_terms() == 0 and escalations() == 0, "escalated on the last day of the term"

    with time_machine.travel(local(2026, 3, 5, 8, 0)):  # the next morning the term has passed
        client = staff_client(app, kcc)
        html, overdue = queue_as_seen(client)
        assert overdue == 1 and 'class="is-overdue"' in html
        only_overdue, _ = queue_as_seen(client, "?overdue=yes")
        assert report.reference in only_overdue
        detail = client.get(f"/admin/reports/{report.id}").get_data(as_text=True)
        assert re.search(r'badge--overdue">1 working days? overdue', detail)
        assert jobs.escalate_passed_terms() == 1 and escalations() == 1


# ---------------------------------------------------------------------------------------------------------------
# The outbox: waiting after a failed try


def test_mail_to_a_mail_server_that_is_down_waits_1_2_4_minutes_up_to_six_hours_between_tries(
        make_report, runner, smtp, db):
    start = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    waits = []
    with time_machine.travel(start, tick=False) as clock:
        report = make_report(email="anna@example.nl")
        smtp.stop()
        for _ in range(11):
            result = runner.invoke(args=["outbox", "send", "--due-only"])
            assert result.exit_code == 0, result.output
            assert "sent: 0, failed: 1" in result.output
            db.session.expire_all()
            message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.report_id == report.id))
            assert message.status.value == "pending" and "onnection" in message.last_error
            waits.append(message.next_attempt_at - now_utc())
            clock.move_to(message.next_attempt_at - timedelta(seconds=1))
            early = runner.invoke(args=["outbox", "send", "--due-only"])
            assert "sent: 0, failed: 0" in early.output, "tried again before its waiting time was over"
            clock.move_to(message.next_attempt_at)
        minutes = [round(wait.total_seconds() / 60, 3) for wait in waits]
        assert minutes == [1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360]
        assert message.attempts == 11

        smtp.start()
        assert "sent: 1, failed: 0" in runner.invoke(args=["outbox", "send", "--due-only"]).output
    assert [m["To"] for m in smtp.messages] == ["anna@example.nl"]


# ---------------------------------------------------------------------------------------------------------------
# What a resident sends


def test_a_new_reference_that_is_already_taken_is_drawn_again_and_the_resident_gets_a_fresh_one(
        client, db, make_report, report_form_data, monkeypatch):
    from portal.reports import intake

    taken = make_report().reference
    drawn = iter([taken, "MC-7KQ2-X9ZD"])
    monkeypatch.setattr(intake, "new_reference", lambda: next(drawn))
    response = client.post("/melden", data=report_form_data(
        email="anna@example.nl", contact_preference="email", consent="y"))
    assert response.status_code == 303, "a clash of references must not become an error page"
    assert response.headers["Location"].endswith("/melden/ontvangen/MC-7KQ2-X9ZD")
    assert "MC-7KQ2-X9ZD" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert sorted(db.session.scalars(select(Report.reference))) == sorted([taken, "MC-7KQ2-X9ZD"])
    fresh = db.session.scalar(select(Report).where(Report.reference == "MC-7KQ2-X9ZD"))
    confirmations = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "confirmation")).all()
    assert [(mail.report_id, mail.recipient) for mail in confirmations] == [(fresh.id, "anna@example.nl")]
    assert "MC-7KQ2-X9ZD" in confirmations[0].body_text


def test_entities_typed_by_a_resident_are_stored_and_shown_exactly_as_typed(
        app, client, db, report_form_data, kcc):
    typed = "Ik typte letterlijk &lt;b&gt; en &amp; in het vak, want zo staat het in uw brief."
    response = client.post("/melden", data=report_form_data(
        description=typed, letter_reference="&lt;b&gt;-7", name="Anna &amp; Piet", email="anna@example.nl",
        contact_preference="email", consent="y"))
    assert response.status_code == 303
    report = db.session.scalar(select(Report))
    assert report.description == typed
    assert report.letter_reference == "&lt;b&gt;-7"
    assert report.name == "Anna &amp; Piet"
    page = staff_client(app, kcc).get(f"/admin/reports/{report.id}").get_data(as_text=True)
    # Escaped once on output: the browser shows "&lt;b&gt;", the characters the resident typed.
    assert "Ik typte letterlijk &amp;lt;b&amp;gt; en &amp;amp; in het vak" in page
    assert "<b>" not in page


# ---------------------------------------------------------------------------------------------------------------
# Retention


def test_retention_keeps_open_reports_however_old_and_erases_only_long_closed_ones(
        app, db, make_report, team, kcc):
    with time_machine.travel(local(2024, 11, 4, 9, 0)):
        untouched = make_report(received_at=local(2024, 11, 4, 9, 0), name="Anna", email="anna@example.nl",
                                description="Niemand belde mij terug over de kapvergunning.")
        in_hand = make_report(received_at=local(2024, 11, 4, 9, 5), name="Bram", phone="0612345678",
                              description="Mijn e-mail over de afvalpas is nooit beantwoord.")
        done = make_report(received_at=local(2024, 11, 4, 9, 10), name="Carla", email="carla@example.nl",
                           description="De brief over de WOZ-waarde begrijp ik niet.")
    with time_machine.travel(local(2024, 11, 5, 10, 0)):
        as_kcc = staff_client(app, kcc)
        assign(as_kcc, in_hand.id)
        record_first_contact(as_kcc, in_hand.id, local(2024, 11, 5, 9, 30))
        assign(as_kcc, done.id)
        record_first_contact(as_kcc, done.id, local(2024, 11, 5, 9, 30))
        close(as_kcc, db, done.id)

    with time_machine.travel(local(2026, 3, 2, 2, 30)):  # 16 months later, the nightly run
        assert jobs.apply_retention() == 1
        as_kcc = staff_client(app, kcc)
        for report, words, name in (
            (untouched, "Niemand belde mij terug over de kapvergunning.", "Anna"),
            (in_hand, "Mijn e-mail over de afvalpas is nooit beantwoord.", "Bram"),
        ):
            stored = fresh(db, report.id)
            assert stored.anonymised_at is None, "retention erased a report that is still open"
            assert (stored.description, stored.name) == (words, name)
            assert stored.email or stored.phone
            token = csrf_token_from(as_kcc.get(f"/admin/reports/{report.id}").get_data(as_text=True))
            page = as_kcc.post(f"/admin/reports/{report.id}/contact",
                               data={"csrf_token": token}).get_data(as_text=True)
            assert words in page and f"<dd>{name}</dd>" in page
        erased = fresh(db, done.id)
        assert erased.anonymised_at is not None and erased.description == "" and erased.email is None
        assert "WOZ-waarde" not in as_kcc.get(f"/admin/reports/{done.id}").get_data(as_text=True)


def test_retention_erases_the_reason_given_for_an_extension(app, db, make_report, team, kcc, smtp):
    reason = "Overleg nodig met Belastingen over de aanslag van mevrouw Jansen aan de Wisselweg."
    with time_machine.travel(local(2025, 1, 6, 9, 0)):
        report = make_report(received_at=local(2025, 1, 6, 9, 0), name="Anna Jansen", email="anna@example.nl")
    with time_machine.travel(local(2025, 1, 7, 10, 0)):
        as_kcc = staff_client(app, kcc)
        assign(as_kcc, report.id)
        record_first_contact(as_kcc, report.id, local(2025, 1, 7, 9, 30))
        new_due = fresh(db, report.id).closing_due + timedelta(days=14)
        response = act(as_kcc, report.id, "extend",
                       **{"extend-new_closing_due": new_due.isoformat(), "extend-reason": reason})
        assert response.status_code == 303
        assert "mevrouw Jansen" in as_kcc.get(f"/admin/reports/{report.id}").get_data(as_text=True)
    with time_machine.travel(local(2025, 1, 20, 10, 0)):
        close(staff_client(app, kcc), db, report.id)

    with time_machine.travel(local(2026, 3, 2, 2, 30)):  # more than twelve months after closing
        assert jobs.apply_retention() == 1
        page = staff_client(app, kcc).get(f"/admin/reports/{report.id}").get_data(as_text=True)
    stored = fresh(db, report.id)
    assert stored.anonymised_at is not None
    assert stored.extension_reason is None, "retention kept the reason for the extension"
    assert stored.extended_at is not None and stored.original_closing_due is not None  # the facts stay
    assert "Jansen" not in page and "Wisselweg" not in page
    for event in db.session.scalars(select(ReportEvent).where(ReportEvent.report_id == report.id)):
        assert "Jansen" not in str(event.details), f"the {event.kind} event still holds personal data"
    for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.report_id == report.id)):
        assert "Jansen" not in f"{message.subject} {message.body_text} {message.body_html or ''}"


# ---------------------------------------------------------------------------------------------------------------
# Two-factor log-in


def _log_in_with_code(app, user, code):
    client = app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    started = client.post("/admin/login", data={"csrf_token": csrf_token_from(page), "email": user.email,
                                                "password": STAFF_PASSWORD})
    assert started.headers["Location"].endswith("/admin/login/code")
    page = client.get("/admin/login/code").get_data(as_text=True)
    return client.post("/admin/login/code", data={"csrf_token": csrf_token_from(page), "code": code}).status_code


def test_a_code_from_the_previous_step_is_refused_once_a_newer_code_was_used(app, db, make_staff):
    # 10 seconds into a 30-second step: the previous step's code is still accepted for a phone whose clock lags.
    moment = (int(time.time()) // 30) * 30 + 10
    lagging, fresh_user = make_staff("kcc", two_factor=True), make_staff("kcc", two_factor=True)
    with time_machine.travel(moment, tick=False):
        previous_code = pyotp.TOTP(lagging.totp_secret).at(moment - 30)
        assert _log_in_with_code(app, lagging, previous_code) == 303, "clock drift of one step must be allowed"

        newer, older = (pyotp.TOTP(fresh_user.totp_secret).at(moment + offset) for offset in (0, -30))
        assert _log_in_with_code(app, fresh_user, newer) == 303
        assert _log_in_with_code(app, fresh_user, older) == 422, "an older code was accepted after a newer one"
        assert _log_in_with_code(app, fresh_user, newer) == 422, "a used code was accepted again"


def test_verify_totp_remembers_the_newest_step_used(db, make_staff):
    user = make_staff("kcc", two_factor=True)
    totp = pyotp.TOTP(user.totp_secret)
    moment = 1_780_000_000 - 1_780_000_000 % 30 + 10
    assert accounts.verify_totp(user, totp.at(moment), at=moment)
    assert not accounts.verify_totp(user, totp.at(moment - 30), at=moment), "previous step accepted after a newer"
    assert not accounts.verify_totp(user, totp.at(moment), at=moment), "the same step accepted twice"
    assert not accounts.verify_totp(user, totp.at(moment - 30), at=moment + 30)
    assert accounts.verify_totp(user, totp.at(moment + 30), at=moment + 30)
    assert not accounts.verify_totp(user, totp.at(moment), at=moment + 30)


# ---------------------------------------------------------------------------------------------------------------
# The shipped configuration: rate limits and the CSRF time limit (other tests replace them)


def _shipped(env_name):
    """The configuration an environment ships with; only where the limits are counted is given (production wants
    a store that every worker shares), never the limits themselves."""
    return create_app({"ENV_NAME": env_name, "SECRET_KEY": STRONG_KEY, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                       "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}).config


def _per_window(text, seconds):
    """The fewest requests any of the limits in `text` allows within a window of `seconds`."""
    items = limits.parse_many(text)
    assert items, f"no limits in {text!r}"
    return min(item.amount * max(1, seconds // item.get_expiry()) for item in items if item.get_expiry() <= seconds)


@pytest.mark.parametrize("env_name", ["production", "development"])
def test_the_shipped_configuration_limits_reports_log_ins_and_form_age(env_name):
    config = _shipped(env_name)
    assert config["RATELIMIT_ENABLED"] is True
    assert config.get("WTF_CSRF_ENABLED", True) is True
    # The report form: a resident files a few reports, a script cannot file hundreds.
    assert 3 <= _per_window(config["REPORT_RATE_LIMIT"], 60) <= 10
    assert 5 <= _per_window(config["REPORT_RATE_LIMIT"], 86400) <= 50
    assert _per_window(config["STATUS_RATE_LIMIT"], 60) <= 60
    # Log-in: a few tries per account, somewhat more per address (colleagues behind one address).
    account = _per_window(config["LOGIN_RATE_LIMIT_ACCOUNT"], 15 * 60)
    address = _per_window(config["LOGIN_RATE_LIMIT_ADDRESS"], 15 * 60)
    assert 3 <= account <= 10
    assert account <= address <= 50
    # A form stays usable while a resident writes, but a token does not live for days.
    assert config["WTF_CSRF_TIME_LIMIT"] is not None
    assert 3600 <= config["WTF_CSRF_TIME_LIMIT"] <= 24 * 3600


def test_the_tests_rate_limits_are_the_shipped_ones():
    """The HTTP tests below run the testing configuration with the limiter on: its limits are production's."""
    testing, production = _shipped("testing"), _shipped("production")
    for key in ("REPORT_RATE_LIMIT", "STATUS_RATE_LIMIT", "LOGIN_RATE_LIMIT_ACCOUNT", "LOGIN_RATE_LIMIT_ADDRESS",
                "WTF_CSRF_TIME_LIMIT"):
        assert testing[key] == production[key], key


@pytest.mark.parametrize("app_overrides", [{"RATELIMIT_ENABLED": True}])
def test_the_shipped_report_limit_turns_away_one_address_after_its_minute_and_day_allowance(
        app, client, db, report_form_data, app_overrides):
    per_minute = _per_window(app.config["REPORT_RATE_LIMIT"], 60)
    per_day = _per_window(app.config["REPORT_RATE_LIMIT"], 86400)
    assert per_day <= 50, "the report form has no daily allowance"
    with time_machine.travel(local(2026, 3, 2, 9, 0), tick=False) as clock:
        statuses = [client.post("/melden", data=report_form_data()).status_code for _ in range(per_minute + 1)]
        assert statuses == [303] * per_minute + [429]
        assert client.get("/melden").status_code == 200, "reading the form is not limited"
        while db.session.scalar(select(func.count()).select_from(Report)) < per_day:
            clock.shift(61)
            batch = min(per_minute, per_day - db.session.scalar(select(func.count()).select_from(Report)))
            assert [client.post("/melden", data=report_form_data()).status_code for _ in range(batch)] == [303] * batch
        clock.shift(61)
        assert client.post("/melden", data=report_form_data()).status_code == 429, "the daily allowance is not kept"
    assert db.session.scalar(select(func.count()).select_from(Report)) == per_day


@pytest.mark.parametrize("app_overrides", [{"RATELIMIT_ENABLED": True}])
def test_the_shipped_log_in_limits_stop_guessing_per_account_and_per_address(app, make_staff, app_overrides):
    def attempt(email, password="Wrong-password-123", address="192.0.2.10"):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        page = client.get("/admin/login").get_data(as_text=True)
        return client.post("/admin/login", data={"csrf_token": csrf_token_from(page), "email": email,
                                                 "password": password}).status_code

    per_account = _per_window(app.config["LOGIN_RATE_LIMIT_ACCOUNT"], 15 * 60)
    per_address = _per_window(app.config["LOGIN_RATE_LIMIT_ADDRESS"], 15 * 60)
    user = make_staff("kcc")
    assert [attempt(user.email) for _ in range(per_account + 1)] == [422] * per_account + [429]
    assert attempt(user.email, STAFF_PASSWORD) == 429, "the right password waits too once the account is throttled"
    # From another address, one wrong password for each of many accounts.
    guesses = [attempt(f"guess{n}@dronten.example", address="192.0.2.20") for n in range(per_address + 1)]
    assert guesses == [422] * per_address + [429], "one address may not try account after account"
    assert attempt(f"guess{per_address}@dronten.example", address="192.0.2.30") == 422, \
        "another address is not held back by the first one's guesses"


def test_a_form_left_open_for_the_shipped_time_limit_is_refused_but_a_slow_resident_is_not(
        client, db, report_form_data, app):
    limit = app.config["WTF_CSRF_TIME_LIMIT"]
    assert limit is not None
    with time_machine.travel(local(2026, 3, 2, 9, 0), tick=False) as clock:
        slow = report_form_data()
        clock.shift(limit - 60)
        assert client.post("/melden", data=slow).status_code == 303
        too_late = report_form_data()
        clock.shift(limit + 60)
        assert client.post("/melden", data=too_late).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Report)) == 1

