"""The managers' figures: month and quarter views, for everyone's reports or one team's, and the targets (admins).

The exports are in admin/stats_export.py. Every view reads its numbers from portal.stats.period_figures.
"""

from flask import abort, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from admin.blueprint import bp
from admin.figures.forms import targets_form
from admin.flashing import flash_text
from admin.guards import role_required
from portal.extensions import db
from portal.figures import charts
from portal.figures import service_report as stats
from portal.figures import targets as figure_targets
from portal.figures.models import TargetDirection
from portal.staff.access import ADMINS, FIGURE_READERS
from portal.staff.models import Team
from portal.staff.teams import team_by_code

PERIOD_ENDPOINTS = {stats.MONTH: "admin.stats_month", stats.QUARTER: "admin.stats_quarter"}


def not_found(message):
    """A 404 page that says what was wrong and where the figures are."""
    page = render_template(
        "admin/stats/not_found.html", message=message,
        month=stats.Period.last_complete(stats.MONTH), quarter=stats.Period.last_complete(stats.QUARTER),
    )
    return make_response(page, 404)


def team_from_request():
    """The team of `?team=CODE`, None without one; an unknown code answers 404."""
    code = (request.args.get("team") or "").strip()
    if not code:
        return None
    team = team_by_code(code)
    if team is None:
        # gettext, not lazy_gettext: a LazyString counts as markup in Jinja and would not escape the code typed.
        abort(not_found(gettext("There is no team with the code %(code)s.", code=code)))
    return team


def team_args(team):
    return {"team": team.code} if team else {}


def period_from_query(kind, name):
    """The period of `?month=` or `?quarter=`: the last complete one when missing, 404 when it cannot be read."""
    text = (request.args.get(name) or "").strip()
    if not text:
        return stats.Period.last_complete(kind)
    try:
        period = stats.Period.parse(text)
    except ValueError:
        period = None
    if period is None or period.kind != kind:
        abort(not_found(_bad_period_message(kind, text)))
    return period


def _bad_period_message(kind, text):
    if kind == stats.MONTH:
        return gettext("“%(text)s” is not a month. Give the month as year and month, for example 2026-03.", text=text)
    return gettext("“%(text)s” is not a quarter. Give the quarter as year and quarter, for example 2026-Q1.",
                   text=text)


def _period_page(kind, text):
    """The view of a month or quarter in the address; another period kind goes to its own view.

    A text that is no period at all goes back to the latest figures with a message (a redirect, not a 404:
    the address names a page of figures that exists, only its period is unreadable).
    """
    team = team_from_request()
    try:
        period = stats.Period.parse(text)
    except ValueError:
        flash_text(_bad_period_message(kind, text), "error")
        return redirect(url_for("admin.stats_home", **team_args(team)))
    if period.kind != kind:
        return redirect(url_for(PERIOD_ENDPOINTS[period.kind], **{period.kind: period.key}, **team_args(team)))
    figures = stats.period_figures(period, team_id=team.id if team else None)
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()

    def period_url(other, extension=None):
        """The page (or with an extension, the export) of another period, for the same team."""
        if extension:
            endpoint = f"admin.stats_{'monthly' if other.kind == stats.MONTH else 'quarterly'}_{extension}"
        else:
            endpoint = PERIOD_ENDPOINTS[other.kind]
        return url_for(endpoint, **{other.kind: other.key}, **team_args(team))

    return render_template(
        "admin/stats/period.html", figures=figures, teams=teams, charts=charts, figure_list=stats.FIGURES,
        period_url=period_url,
    )


@bp.get("/stats", endpoint="stats_home")
@role_required(FIGURE_READERS)
def stats_home():
    team = team_from_request()
    month = stats.Period.last_complete(stats.MONTH)
    return redirect(url_for("admin.stats_month", month=month.key, **team_args(team)))


@bp.get("/stats/month/<month>", endpoint="stats_month")
@role_required(FIGURE_READERS)
def stats_month(month):
    return _period_page(stats.MONTH, month)


@bp.get("/stats/quarter/<quarter>", endpoint="stats_quarter")
@role_required(FIGURE_READERS)
def stats_quarter(quarter):
    return _period_page(stats.QUARTER, quarter)


# Targets

@bp.route("/stats/targets", methods=["GET", "POST"], endpoint="stats_targets")
@role_required(ADMINS)
def stats_targets():
    levels = figure_targets.targets()
    form = targets_form(levels)
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("admin/stats/targets.html", form=form, levels=levels,
                                   at_least=TargetDirection.AT_LEAST), 422
        for code in levels:
            if code in form:
                figure_targets.set_target(code, form[code].number)
        db.session.commit()
        flash_text(_l("The targets are saved. Every page and export judges the figures against them from now on."),
              "success")
        return redirect(url_for("admin.stats_targets"), 303)
    return render_template("admin/stats/targets.html", form=form, levels=levels, at_least=TargetDirection.AT_LEAST)
