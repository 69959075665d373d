"""Service-report figures for a month or a quarter, optionally of one team, computed by the database.

One definition of each figure; every page, export, command and e-mail reads them from `period_figures`.

Which reports. A figure counts the reports *received* in the period, by the day of receipt in Europe/Amsterdam
time (a report at 23:30 on 31 March local time belongs to March, one at 00:30 on 1 April to April), as they stand
on `today`, the day the figures are made. Reports dismissed as not a report (spam, a duplicate) are left out of
every figure except `dismissed`. Per team means: the team the report is with now.

- received: reports received in the period; also per category, channel and team ("no team" while the KCC has not
  sent a report on).
- dismissed: reports received in the period that were dismissed as not a report.
- closed: received reports whose status is closed.
- first contact on time, late, measured, share, over the reports of residents who asked for contact (a resident who
  did not has no first-contact term): on time = first contact was recorded on or before the last day of
  its term (the flag portal.followup writes); late = it was recorded after that day, or the report is still open
  without a first contact while the last day of the term is before today. measured = on time + late, the reports
  whose term has been met or missed: reports still within their term, and reports closed without a recorded first
  contact, are not judged. share = on time / measured.
- closing on time, late, measured, share: the same for closing, against the closing term as extended; an open
  report whose closing term ended before today counts as late.
- working days to first contact and to closing: the median and the 90th percentile of the working days each step
  took (portal.followup), over the reports where the step happened; continuous percentiles, interpolated linearly
  between the two nearest reports, as PostgreSQL's percentile_cont.
- open at the end of the period: received reports not closed by the end of the period (for a period not yet over:
  by the start of today); overdue: those of them whose term to meet at that moment (first contact if none had
  been recorded by then, else closing) ended before that day.
- extended: received reports whose closing term was extended (once, Awb 9:11).
- outcomes: closed reports per outcome. causes: closed reports per cause; a report can have more than one cause.
- grades: graded = reports the resident gave a grade; response rate = graded / closed (the question goes out with
  the closing e-mail, so residents without an e-mail address count as not answering); mean grade; the number of
  each grade 1 to 10; share 8 or higher = graded 8, 9 or 10 / graded.
- letters unclear (a watch figure): reports in category `letter` / received.

Rounding: shares to 0.1 percentage point (three decimals as a fraction), working days and the mean grade to one
decimal. Pages, exports and the command show these rounded numbers, and targets are judged on them.

Trends: the same headline figures for the twelve periods before, from the same aggregations: one GROUP BY over a
period bucket (a CASE over the UTC boundaries of the local periods) per figure family, not one run per period.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.calendar.clock import local_today, start_of_local_day
from portal.callbacks.figures import callback_figures, callback_figures_by_period
from portal.extensions import db
from portal.figures import cells, queries, snapshots
from portal.figures.definitions import (  # noqa: F401  (the definitions are part of this module's API)
    COUNT,
    DAYS,
    FIGURE_KIND,
    FIGURE_LABEL,
    FIGURES,
    GRADE,
    SHARE,
    CountRow,
    Figures,
    GradeChannelRow,
    GroupRow,
    Headline,
    Spread,
    format_figure,
    round_figure,
    share,
)
from portal.figures.periods import MONTH, QUARTER, Period  # noqa: F401  (part of this module's API)
from portal.figures.targets import category_targets, check_targets, targets
from portal.i18n import BilingualText
from portal.labels import CHANNEL_LABELS, OUTCOME_LABELS
from portal.reference.models import Category, Cause
from portal.reports.models import Channel, Outcome, ReportStatus
from portal.staff.models import Team

LETTER_CATEGORY = "letter"
TREND_LENGTH = 12  # periods before the one shown


def _headline(period, counts, spreads, callbacks=None):
    counts = dict(counts or {})
    if callbacks is not None:
        counts.update(callbacks=callbacks.requests, callbacks_first_attempt_on_time=callbacks.first_attempt_on_time,
                      callbacks_contact_on_time=callbacks.contact_on_time,
                      callbacks_outside_term=callbacks.outside_term, broken_promises=callbacks.broken_promises,
                      callbacks_first_attempt_days_median=round_figure(callbacks.first_attempt_days_median, 1))
    counts["grade_mean"] = round_figure(counts.get("grade_mean"), 1)
    spread_of = {}
    for measure in ("first_contact", "closing"):
        n, median, p90 = (spreads or {}).get(measure, (0, None, None))
        spread_of[f"{measure}_days"] = Spread(n or 0, round_figure(median, 1), round_figure(p90, 1))
    return Headline(period=period, **counts, **spread_of)


def _letter_category_id():
    return db.session.scalar(select(Category.id).where(Category.code == LETTER_CATEGORY))


NOT_SENT_LABEL = _l("Not yet sent to a team")


def period_figures(period: Period, team_id=None, today=None, *, live=False) -> Figures:
    """The figures of a period and the twelve before it, for every report or for one team's.

    A published period is read as it was published (its latest version; portal.figures.publication); a period not
    yet published is read from its provisional figures while they are fresh (portal.figures.provisional), and
    worked out now otherwise, from the reports as they stand on `today`. `live` works it out now regardless.
    """
    today = today or local_today()
    team = db.session.get(Team, team_id) if team_id is not None else None
    periods = [period.previous(n) for n in range(TREND_LENGTH, -1, -1)]
    stored = snapshots.stored([p.key for p in periods], team_id)
    if not live and period.key in stored:
        publications = snapshots.publications_of(stored[period.key], period)
        trend, _cells = _trend(periods[:-1], stored, team_id, today)
        return snapshots.figures_from(stored[period.key][-1].data, period=period, team=team, trend=trend,
                                      publications=publications, not_sent_label=NOT_SENT_LABEL)
    if not live and (provisional := snapshots.provisional(period, team_id, today)) is not None:
        return snapshots.figures_from(provisional.data, period=period, team=team,
                                      trend=snapshots.trend_from(provisional.data, periods[:-1]), publications=[],
                                      not_sent_label=NOT_SENT_LABEL, today=today,
                                      computed_at=provisional.computed_at)
    # Counted now: the period itself; the periods before it that are published are read as published, so that a
    # trend never shows a published month other than it was published (also when publishing or refreshing).
    before = {key: rows for key, rows in stored.items() if key != period.key}
    trend, period_cells = _trend(periods, before, team_id, today)
    headline = trend[-1]
    scope = queries.Scope(*period.utc_bounds(), team_id)
    by_category, by_channel, by_team = _breakdowns(period, scope, period_cells, today)
    levels = targets(team_id)
    codes = {row.id: row.code for row in db.session.execute(select(Category.id, Category.code))}
    category_levels = {codes[category_id]: by_figure for category_id, by_figure in category_targets().items()}
    grades, grades_by_channel, outcomes = _grades_and_outcomes(scope)
    return Figures(
        period=period,
        team=team,
        today=today,
        headline=headline,
        trend=trend,
        targets=check_targets(headline, levels),
        target_levels=levels,
        grades=grades,
        by_category=by_category,
        by_team=by_team,
        by_channel=by_channel,
        outcomes=outcomes,
        causes=_cause_rows(scope),
        grades_by_channel=grades_by_channel,
        category_checks=snapshots.category_checks(by_category, category_levels),
        category_levels=category_levels,
    )


def period_headline(period: Period, team_id=None, today=None):
    """Only the headline figures of a period: as published, as provisionally worked out, or counted now."""
    today = today or local_today()
    stored = snapshots.stored([period.key], team_id)
    if period.key not in stored and (provisional := snapshots.provisional(period, team_id, today)) is not None:
        return snapshots.headline_from(provisional.data["headline"], period)
    return _trend([period], stored, team_id, today)[0][-1]


def _trend(periods, stored, team_id, today):
    """Headline per period: a published period's as published; each run of consecutive periods not published (the
    latest ones, and those before the first report) from one pass over the run. Also the cells of the last period
    when it was counted (None when it was read), for its breakdowns."""
    headlines, run, last_cells = [], [], None
    for period in [*periods, None]:
        if period is not None and period.key not in stored:
            run.append(period)
            continue
        if run:
            run_headlines, last_cells = _live_trend(run, team_id, today)
            headlines += run_headlines
            run = []
        if period is not None:
            headlines.append(snapshots.headline_from(stored[period.key][-1].data["headline"], period))
            last_cells = None
    return headlines, last_cells


def _live_trend(periods, team_id, today):
    """Headline per period, from one pass over all of them; and the cells of the last one."""
    bounds = [p.utc_bounds()[0] for p in periods] + [periods[-1].utc_bounds()[1]]
    trend_scope = queries.Scope(bounds[0], bounds[-1], team_id)
    # Each period is judged as it stood at its end, or at the start of today while it is not over yet.
    cut_days = [min(p.end, today) for p in periods]
    by_period = cells.grouped(queries.cells(bounds, [start_of_local_day(day) for day in cut_days], cut_days,
                                            trend_scope, today=today, letter_category_id=_letter_category_id()),
                              "grp")
    callbacks = callback_figures_by_period(periods, team_id=team_id, today=today)
    headlines = [_headline(p, *cells.summed(by_period.get(number, ())), callbacks[number])
                 for number, p in enumerate(periods)]
    return headlines, by_period.get(len(periods) - 1, [])


def _breakdowns(period, scope, period_cells, today):
    """The period's figures per category, per channel and per team (only the scope's team when it has one)."""
    categories = db.session.scalars(select(Category).order_by(Category.position, Category.code)).all()
    category_groups = [(c.id, c.code, BilingualText(c.name_nl, c.name_en)) for c in categories]
    by_category = _breakdown(period, period_cells, "category_id", category_groups)
    by_channel = _breakdown(period, period_cells, "channel", [(c, c.value, CHANNEL_LABELS[c]) for c in Channel],
                            callback_figures(period, group_by="channel", team_id=scope.team_id, today=today))
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    team_groups = [(t.id, t.code, t.name) for t in teams if scope.team_id in (None, t.id)]
    # Only the teams that received reports in the period, and the reports not yet sent to a team.
    by_team = _breakdown(period, period_cells, "team_id", [*team_groups, (None, "", NOT_SENT_LABEL)],
                         callback_figures(period, group_by="team", team_id=scope.team_id, today=today),
                         keep_empty=False)
    return by_category, by_channel, by_team


def _breakdown(period, period_cells, key, groups, callbacks=None, *, keep_empty=True):
    """A GroupRow per (key, code, label) in `groups`: the sum of the period's cells with that key (and the callback
    requests per the same key, when given); empty groups on request."""
    per_group = cells.grouped(period_cells, key)
    callbacks = callbacks or {}
    return [GroupRow(code, label, _headline(period, *cells.summed(per_group.get(value, ())), callbacks.get(value)))
            for value, code, label in groups if value in per_group or value in callbacks or keep_empty]


def _grades_and_outcomes(scope):
    """The grades 1 to 10, the grades per channel they came by, and the closed reports per outcome: one pass."""
    distribution, per_channel, per_outcome = {}, {}, {}
    for grade, channel, outcome, status, number in queries.grades_and_outcomes(scope):
        if grade is not None and status is not ReportStatus.DISMISSED:
            distribution[grade] = distribution.get(grade, 0) + number
            if channel is not None:
                graded, total, high = per_channel.get(channel, (0, 0, 0))
                per_channel[channel] = (graded + number, total + grade * number, high + (number if grade >= 8 else 0))
        if outcome is not None and status is ReportStatus.CLOSED:
            per_outcome[outcome] = per_outcome.get(outcome, 0) + number
    grades = [CountRow(str(grade), str(grade), distribution.get(grade, 0)) for grade in range(1, 11)]
    by_channel = [GradeChannelRow(channel.value, CHANNEL_LABELS[channel], graded, round_figure(total / graded, 1),
                                  high)
                  for channel in Channel if channel in per_channel for graded, total, high in [per_channel[channel]]]
    outcomes = [CountRow(o.value, OUTCOME_LABELS[o], per_outcome.get(o, 0)) for o in Outcome]
    return grades, by_channel, outcomes


def _cause_rows(scope):
    """Every active cause, and an inactive one only while reports in the period still name it."""
    cause_counts = queries.causes(scope)
    causes = db.session.scalars(select(Cause).order_by(Cause.position, Cause.code)).all()
    return [CountRow(c.code, BilingualText(c.name_nl, c.name_en), cause_counts.get(c.id, 0))
            for c in causes if c.active or cause_counts.get(c.id)]
