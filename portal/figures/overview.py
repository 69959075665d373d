"""The managers' one screen: this month and last against the targets, the trend, and the teams and categories that
score worst last month, each a link to its detail. Read from the same figures as the month pages (published months
as published); the long tables stay on the month and quarter pages."""
from dataclasses import dataclass

from portal.calendar.clock import local_today
from portal.figures import service_report
from portal.figures.periods import MONTH, Period
from portal.figures.targets import check_targets, targets

# How a team or category is ranked: the share closed on time (the figure behind the 58% → 15% goal), among those
# with at least this many reports judged, so that one late report in a small group does not top the list.
RANKED_BY = "closing_on_time_share"
MIN_MEASURED = 5
WORST = 3


@dataclass(frozen=True)
class Overview:
    this_month: object  # Headline, worked out now (its .period is the month)
    last_month: object  # Figures of the last complete month (its trend, targets and breakdowns)
    checks: list  # (TargetCheck this month, TargetCheck last month) per target
    worst_teams: list  # GroupRow
    worst_categories: list  # GroupRow


def worst(rows, n=WORST):
    """The n groups with the lowest share closed on time (enough reports judged), the lowest first."""
    judged = [row for row in rows if row.code and row.figures.closing_measured >= MIN_MEASURED
              and row.figures.value(RANKED_BY) is not None]
    return sorted(judged, key=lambda row: (row.figures.value(RANKED_BY), row.code))[:n]


def overview(today=None, team_id=None):
    today = today or local_today()
    last = service_report.period_figures(Period.last_complete(MONTH, today), team_id, today)
    current = service_report.period_headline(Period.containing(MONTH, today), team_id, today)
    current_checks = {check.code: check for check in check_targets(current, targets(team_id))}
    return Overview(
        this_month=current,
        last_month=last,
        checks=[(current_checks.get(check.code), check) for check in last.targets],
        worst_teams=worst(last.by_team) if team_id is None else [],
        worst_categories=worst(last.by_category),
    )
