"""Figures worked out once: a month past its correction window is published and never shifts; a correction is a new
version beside the first; team and category targets; the KCC's first-line share; grades from every channel."""
import csv
import io
from datetime import date, datetime

import pytest
from sqlalchemy import select

from portal.calendar.clock import LOCAL_ZONE
from portal.figures import publication
from portal.figures import service_report as stats
from portal.models import Cause, Channel, Outcome, Report, TargetChange
from portal.reports import retention, workflow
from tests.conftest import STAFF_PASSWORD, csrf_token_from

MARCH = stats.Period.month(2026, 3)
PUBLISHED_ON = date(2026, 4, 10)  # March's window: 1, 2, 7, 8, 9 April (Good Friday and Easter Monday are off)


def at(month, day, hour=10):
    return datetime(2026, month, day, hour, tzinfo=LOCAL_ZONE)


@pytest.fixture
def march(db, make_report, make_team, make_staff):
    """Five March reports: the KCC resolves two itself (one was with the KCC's own team), sends three on to BZ, of
    which one is closed; a graded phone report and a graded web report."""
    kcc_team = make_team("KCC", "Klant Contact Centrum", "kcc@dronten.example")
    kcc_team.first_line = True
    bz = make_team("BZ", "Burgerzaken", "bz@dronten.example")
    kcc = make_staff("kcc")
    cause = db.session.scalar(select(Cause).where(Cause.active))
    reports = [make_report(received_at=at(3, day), channel=channel, email=f"r{day}@example.nl")
               for day, channel in ((2, Channel.PHONE), (3, Channel.WEB), (4, Channel.WEB), (5, Channel.PHONE),
                                    (6, Channel.WEB))]
    workflow.close(reports[0], outcome=Outcome.RESOLVED, causes=[cause], summary="Opgelost aan de telefoon.", by=kcc)
    workflow.assign(reports[1], team=kcc_team, by=kcc)
    workflow.close(reports[1], outcome=Outcome.RESOLVED, causes=[cause], summary="Opgelost door het KCC.", by=kcc)
    for report in reports[2:]:
        workflow.assign(report, team=bz, by=kcc)
    workflow.close(reports[2], outcome=Outcome.RESOLVED, causes=[cause], summary="Opgelost door het team.", by=kcc)
    reports[0].grade, reports[0].grade_channel = 9, Channel.PHONE
    reports[1].grade, reports[1].grade_channel = 6, Channel.WEB
    db.session.commit()
    return {"reports": reports, "kcc_team": kcc_team, "bz": bz, "kcc": kcc, "cause": cause}


def headline(period=MARCH, team_id=None, **kwargs):
    return stats.period_figures(period, team_id, today=PUBLISHED_ON, **kwargs).headline


def test_the_first_line_share_counts_what_the_kcc_closed_without_sending_it_on(app, march):
    figures = stats.period_figures(MARCH, today=PUBLISHED_ON)
    # Closed: three. By the KCC without sending on: two (one straight from "new", one with the KCC's own team).
    assert (figures.headline.closed, figures.headline.first_line_closed) == (3, 2)
    assert figures.headline.first_line_share == pytest.approx(0.667)
    by_channel = {row.code: row.figures for row in figures.by_channel}
    assert (by_channel["phone"].closed, by_channel["phone"].first_line_share) == (1, 1.0)
    assert (by_channel["web"].closed, by_channel["web"].first_line_share) == (2, 0.5)
    assert figures.target_for("first_line_share").met is False  # 66.7% against at least 90%


def test_only_the_contact_centre_closes_a_report_it_has_not_sent_on(app, db, make_report, make_staff, make_team):
    report = make_report()
    member = make_staff("team", teams=[make_team()])
    assert "close" not in workflow.allowed_actions(report, member)
    assert "close" in workflow.allowed_actions(report, make_staff("kcc"))
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.close(report, outcome=Outcome.RESOLVED, causes=db.session.scalars(select(Cause)).all()[:1],
                       summary="", by=member)


def test_grades_from_every_channel_count_with_their_channel(app, march):
    figures = stats.period_figures(MARCH, today=PUBLISHED_ON)
    assert figures.headline.graded == 2 and figures.headline.grade_mean == 7.5
    by_channel = {row.code: (row.graded, row.grade_mean) for row in figures.grades_by_channel}
    assert by_channel == {"phone": (1, 9.0), "web": (1, 6.0)}


def test_a_month_is_published_after_its_window_and_never_shifts(app, db, march, client, make_staff, login):
    assert not publication.is_due(MARCH, date(2026, 4, 9))
    assert publication.is_due(MARCH, PUBLISHED_ON)
    assert MARCH in publication.due_periods(PUBLISHED_ON)
    publication.publish(MARCH, today=PUBLISHED_ON)
    db.session.commit()
    before = headline()
    login(make_staff("manager"))
    csv_before = client.get("/admin/stats/monthly.csv?month=2026-03").data

    # Afterwards: a report sent on is closed, another moves team, and every report is erased or anonymised.
    reports, kcc = march["reports"], march["kcc"]
    workflow.close(reports[3], outcome=Outcome.RESOLVED, causes=[march["cause"]], summary="Later.", by=kcc)
    workflow.assign(reports[4], team=march["kcc_team"], by=kcc)
    db.session.commit()
    live = headline(live=True)
    assert live.closed == 4, "the change shows in figures worked out now"
    for report in db.session.scalars(select(Report)):
        retention.anonymise(report)  # what retention and an erasure request do
    db.session.commit()

    assert headline() == before, "published figures do not move"
    assert client.get("/admin/stats/monthly.csv?month=2026-03").data == csv_before
    page = client.get("/admin/stats/month/2026-03?lang=en").get_data(as_text=True)
    assert "no longer change" in page


def test_a_correction_is_a_new_version_shown_beside_the_first(app, db, march, client, make_staff, login):
    publication.publish(MARCH, today=PUBLISHED_ON)
    db.session.commit()
    workflow.close(march["reports"][3], outcome=Outcome.RESOLVED, causes=[march["cause"]], summary="Laat.",
                   by=march["kcc"])
    db.session.commit()
    admin = make_staff("admin")
    login(admin)
    page = client.get("/admin/stats/month/2026-03?lang=en").get_data(as_text=True)
    token = csrf_token_from(page)
    refused = client.post("/admin/stats/2026-03/correction", data={"csrf_token": token, "reason": " "})
    assert refused.status_code == 303
    assert stats.period_figures(MARCH).published.version == 1, "no correction without a reason"
    response = client.post("/admin/stats/2026-03/correction",
                           data={"csrf_token": token, "reason": "Een sluiting te laat geregistreerd."})
    assert response.status_code == 303
    figures = stats.period_figures(MARCH)
    assert [p.version for p in figures.publications] == [1, 2]
    assert (figures.publications[0].headline.closed, figures.headline.closed) == (3, 4)
    assert figures.published.reason == "Een sluiting te laat geregistreerd."
    assert figures.published.published_by == admin.name
    page = client.get("/admin/stats/month/2026-03?lang=en").get_data(as_text=True)
    assert 'data-figure="version:1:closed">3<' in page and 'data-figure="version:2:closed">4<' in page
    assert "Een sluiting te laat geregistreerd." in page


def test_a_period_not_published_cannot_be_corrected(app, db, march, client, make_staff, login):
    login(make_staff("admin"))
    token = csrf_token_from(client.get("/admin/stats/targets").get_data(as_text=True))
    client.post("/admin/stats/2026-03/correction", data={"csrf_token": token, "reason": "Waarom niet"})
    assert stats.period_figures(MARCH, today=PUBLISHED_ON).publications == []


def test_a_team_lead_sets_the_teams_own_targets_and_its_pages_judge_by_them(
        app, db, march, client, make_staff, login):
    bz = march["bz"]
    lead = make_staff("team", teams=[bz])
    bz.callback_coordinator_id = lead.id
    db.session.commit()
    login(lead)
    assert client.get("/admin/stats/targets").status_code == 403, "not the municipality's"
    other = make_staff("team", teams=[bz])
    form = client.get("/admin/stats/targets?team=BZ&lang=en")
    assert form.status_code == 200
    token = csrf_token_from(form.get_data(as_text=True))
    saved = client.post("/admin/stats/targets?team=BZ", data={
        "csrf_token": token, "closing_on_time_share": "60", "first_contact_on_time_share": "",
        "grade_mean": "", "letters_share": "", "first_line_share": ""})
    assert saved.status_code == 303
    change = db.session.scalar(select(TargetChange))
    assert (change.code, change.team_id, change.old_value, change.new_value, change.changed_by) == (
        "closing_on_time_share", bz.id, None, 0.6, lead.name)
    team_figures = stats.period_figures(MARCH, bz.id, today=PUBLISHED_ON)
    assert team_figures.target_for("closing_on_time_share").target == 0.6
    assert stats.period_figures(MARCH, today=PUBLISHED_ON).target_for("closing_on_time_share").target == 0.85
    assert "60.0%" in client.get("/admin/stats/targets?team=BZ&lang=en").get_data(as_text=True)  # the history

    other_client = app.test_client()
    token = csrf_token_from(other_client.get("/admin/login").get_data(as_text=True))
    other_client.post("/admin/login", data={"csrf_token": token, "email": other.email, "password": STAFF_PASSWORD})
    assert other_client.get("/admin/stats/targets?team=BZ").status_code == 403, "only the team's lead"


def test_an_admin_sets_a_category_target_judged_on_that_categorys_figures(app, db, march, client, make_staff,
                                                                          login):
    login(make_staff("admin"))
    token = csrf_token_from(client.get("/admin/stats/targets?category=callback").get_data(as_text=True))
    client.post("/admin/stats/targets?category=callback", data={
        "csrf_token": token, "closing_on_time_share": "99"})
    figures = stats.period_figures(MARCH, today=PUBLISHED_ON)
    [(label, check)] = figures.category_checks
    assert (check.code, check.target) == ("closing_on_time_share", 0.99)
    html = client.get("/admin/stats/month/2026-03?lang=en").get_data(as_text=True)
    assert "Targets per category" in html


def test_the_overview_shows_both_months_against_the_targets(app, db, march, client, make_staff, login, monkeypatch):
    from portal.figures import overview

    monkeypatch.setattr(overview, "local_today", lambda: date(2026, 4, 14))
    login(make_staff("manager"))
    page = client.get("/admin/stats?lang=en").get_data(as_text=True)
    assert 'data-figure="last:first_line_share">66.7%<' in page
    assert 'href="/admin/stats/month/2026-03"' in page and 'href="/admin/stats/month/2026-04"' in page
    rows = list(csv.reader(io.StringIO(client.get("/admin/stats/monthly.csv?month=2026-03").data.decode("utf-8-sig"))))
    assert ["headline", "2026-03", "", "", "first_line_share"] == rows[[r[4] for r in rows].index(
        "first_line_share")][:5]


def test_provisional_figures_are_read_until_the_next_refresh_and_say_when_they_were_worked_out(
        app, db, march, client, make_staff, login, monkeypatch):
    from portal.figures import provisional
    from portal.figures.models import ProvisionalFigures

    today = date(2026, 3, 20)  # March is the current month: not published
    # This month and quarter, and the ones before while they are not published; for everyone, KCC and BZ.
    assert [p.key for p in provisional.periods_to_refresh(today)] == ["2026-02", "2026-03", "2025-Q4", "2026-Q1"]
    assert provisional.refresh(today) == 4 * 3
    rows = db.session.scalars(select(ProvisionalFigures).where(ProvisionalFigures.period == "2026-03")).all()
    assert {row.team_id for row in rows} == {None, march["kcc_team"].id, march["bz"].id}

    workflow.close(march["reports"][3], outcome=Outcome.RESOLVED, causes=[march["cause"]], summary="Later.",
                   by=march["kcc"])
    db.session.commit()
    read = stats.period_figures(MARCH, today=today)
    assert read.computed_at is not None and read.headline.closed == 3, "read as worked out, before the change"
    assert stats.period_figures(MARCH, today=today, live=True).headline.closed == 4
    assert stats.period_figures(MARCH, today=date(2026, 3, 21)).computed_at is None, "of another day: counted"
    provisional.refresh(today)
    assert stats.period_figures(MARCH, today=today).headline.closed == 4, "the next refresh shows it"

    monkeypatch.setitem(app.config, "FIGURES_PROVISIONAL_MINUTES", 0)
    assert stats.period_figures(MARCH, today=today).computed_at is None, "too old: counted now"


def test_published_periods_get_no_provisional_figures(app, db, march):
    from portal.figures import provisional
    from portal.figures.models import ProvisionalFigures

    provisional.refresh(date(2026, 4, 2))  # March not yet published: refreshed
    assert db.session.scalar(select(ProvisionalFigures).where(ProvisionalFigures.period == "2026-03")) is not None
    publication.publish(MARCH, today=PUBLISHED_ON)
    db.session.commit()
    assert MARCH not in provisional.periods_to_refresh(PUBLISHED_ON)
    provisional.refresh(PUBLISHED_ON)
    assert db.session.scalar(select(ProvisionalFigures).where(ProvisionalFigures.period == "2026-03")) is None
    assert stats.period_figures(MARCH).published.version == 1


def test_a_trend_shows_a_published_month_as_published_also_in_figures_worked_out_later(app, db, march):
    from portal.figures import provisional

    publication.publish(MARCH, today=PUBLISHED_ON)
    db.session.commit()
    workflow.close(march["reports"][3], outcome=Outcome.RESOLVED, causes=[march["cause"]], summary="Later.",
                   by=march["kcc"])
    db.session.commit()
    april = stats.Period.month(2026, 4)
    for figures in (stats.period_figures(april, today=date(2026, 4, 20), live=True),
                    stats.period_figures(april, today=date(2026, 4, 20))):
        assert figures.trend[-2].period == MARCH and figures.trend[-2].closed == 3, "March as published"
    provisional.refresh(date(2026, 4, 20))
    read = stats.period_figures(april, today=date(2026, 4, 20))
    assert read.computed_at is not None and read.trend[-2].closed == 3
