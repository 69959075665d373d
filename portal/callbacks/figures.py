"""The callback figures per period, team and channel, by the database (no loop over requests in Python).

For the requests registered in a period (Amsterdam time, portal.figures.periods.Period):
- requests: how many;
- first_attempt_on_time_share: the share whose first attempt fell within the term;
- contact_on_time_share: the share whose resident was reached within the term;
- first_attempt_days_median: the median working days from registration to the first attempt (requests with one);
- outside_term_share: the share that is late (portal.callbacks.terms: no attempt by the due day);
- broken_promises: late requests that a resident's report was linked to.
Shares are None when there are no requests. The other engineer puts these into the figures pages and exports.
"""
from dataclasses import dataclass

from sqlalchemy import case, exists, func, literal_column, select

from portal.calendar.clock import local_today
from portal.callbacks.models import CallbackReportLink, CallbackRequest
from portal.callbacks.terms import late_condition
from portal.extensions import db


@dataclass(frozen=True)
class CallbackFigures:
    requests: int
    first_attempt_on_time: int
    contact_on_time: int
    outside_term: int
    broken_promises: int
    first_attempt_days_median: float | None

    def _share(self, part):
        return part / self.requests if self.requests else None

    @property
    def first_attempt_on_time_share(self):
        return self._share(self.first_attempt_on_time)

    @property
    def contact_on_time_share(self):
        return self._share(self.contact_on_time)

    @property
    def outside_term_share(self):
        return self._share(self.outside_term)


def _counted(condition):
    return func.count(case((condition, 1)))


def _median(histogram):
    """The median of values given as {value: how many} (a handful of distinct working-day counts)."""
    total = sum(histogram.values())
    if not total:
        return None
    ordered = sorted(histogram.items())

    def at(position):
        seen = 0
        for value, count in ordered:
            seen += count
            if position < seen:
                return value
        return ordered[-1][0]

    return (at((total - 1) // 2) + at(total // 2)) / 2


def callback_figures(period, *, group_by=None, team_id=None, today=None):
    """The figures for a Period, as {group: CallbackFigures}: one group None without `group_by`, else per value
    of "team" (team id) or "channel" (the Channel)."""
    column = {None: None, "team": CallbackRequest.team_id, "channel": CallbackRequest.channel}[group_by]
    start, end = period.utc_bounds()
    figures = _grouped(column, start, end, team_id, today or local_today())
    if not figures and column is None:
        figures[None] = CallbackFigures(0, 0, 0, 0, 0, None)
    return figures


def callback_figures_by_period(periods, *, team_id=None, today=None):
    """[CallbackFigures] for a run of consecutive periods, from one pass over their requests (the trend)."""
    bounds = [p.utc_bounds()[0] for p in periods] + [periods[-1].utc_bounds()[1]]
    bucket = case(*[(CallbackRequest.registered_at < upper, literal_column(str(number)))
                    for number, upper in enumerate(bounds[1:])])
    figures = _grouped(bucket, bounds[0], bounds[-1], team_id, today or local_today())
    return [figures.get(number, CallbackFigures(0, 0, 0, 0, 0, None)) for number in range(len(periods))]


def _grouped(column, start, end, team_id, today):
    """{group: CallbackFigures} of the requests registered in [start, end), grouped by `column` (None: one group)."""
    scope = [CallbackRequest.registered_at >= start, CallbackRequest.registered_at < end]
    if team_id is not None:
        scope.append(CallbackRequest.team_id == team_id)
    group = [column.label("grp")] if column is not None else []
    late = late_condition(today)
    linked = exists().where(CallbackReportLink.callback_request_id == CallbackRequest.id)
    rows = db.session.execute(select(
        *group, func.count(), _counted(CallbackRequest.first_attempt_on_time.is_(True)),
        _counted(CallbackRequest.contacted_on_time.is_(True)), _counted(late), _counted(late & linked),
    ).where(*scope).group_by(*group)).all()
    histogram = {}
    days = CallbackRequest.first_attempt_working_days
    for row in db.session.execute(select(*group, days, func.count())
                                  .where(*scope, days.isnot(None)).group_by(*group, days)):
        key = row[0] if group else None
        histogram.setdefault(key, {})[row[-2]] = row[-1]
    figures = {}
    for row in rows:
        key, numbers = (row[0], row[1:]) if group else (None, row)
        figures[key] = CallbackFigures(*numbers, first_attempt_days_median=_median(histogram.get(key, {})))
    return figures
