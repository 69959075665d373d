"""The managers' figures: month and quarter views, for everyone's reports or one team's, and the targets (admins).

The exports are in admin/stats_export.py. Every view reads its numbers from portal.stats.period_figures.
"""

from flask import abort, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from admin.blueprint import bp
from admin.figures.forms import CorrectionForm, targets_form
from admin.flashing import flash_text
from admin.guards import role_required
from portal.extensions import db
from portal.figures import charts, publication
from portal.figures import service_report as stats
from portal.figures import targets as figure_targets
from portal.figures.models import TargetDirection
from portal.figures.overview import MIN_MEASURED, overview
from portal.i18n import current_language
from portal.reference.models import Category
from portal.staff.access import ADMINS, FIGURE_READERS, leads_team
from portal.staff.models import Role, Team
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
        period_url=period_url, window_end=publication.window_end(period),
        may_correct=current_user.role is Role.ADMIN, correction_form=CorrectionForm(),
    )


@bp.get("/stats", endpoint="stats_home")
@role_required(FIGURE_READERS)
def stats_home():
    """The one-screen overview: this month and last against the targets, the trend, the worst teams and
    categories."""
    team = team_from_request()
    summary = overview(team_id=team.id if team else None)
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    return render_template("admin/stats/overview.html", overview=summary, figures=summary.last_month, teams=teams,
                           charts=charts, team=team, min_measured=MIN_MEASURED)


@bp.get("/stats/month/<month>", endpoint="stats_month")
@role_required(FIGURE_READERS)
def stats_month(month):
    return _period_page(stats.MONTH, month)


@bp.get("/stats/quarter/<quarter>", endpoint="stats_quarter")
@role_required(FIGURE_READERS)
def stats_quarter(quarter):
    return _period_page(stats.QUARTER, quarter)


@bp.post("/stats/<period>/correction", endpoint="stats_correction")
@role_required(ADMINS)
def stats_correction(period):
    """Work a published period's figures out again and publish them as a new version, with the reason."""
    try:
        parsed = stats.Period.parse(period)
    except ValueError:
        flash_text(_bad_period_message(stats.MONTH, period), "error")
        return redirect(url_for("admin.stats_home"), 303)
    endpoint = PERIOD_ENDPOINTS[parsed.kind]
    form = CorrectionForm()
    if not publication.is_published(parsed):
        flash_text(_l("These figures are not published yet, so there is nothing to correct: they are worked out "
                      "anew on every visit until they are published."), "error")
    elif not form.validate_on_submit():
        flash_text(_l("Say why the figures are corrected."), "error")
    else:
        version = publication.publish(parsed, by=current_user, reason=form.reason.data)
        db.session.commit()
        flash_text(_l("The correction is published as version %(version)s. The first version stays beside it.",
                      version=version), "success")
    return redirect(url_for(endpoint, **{parsed.kind: parsed.key}), 303)


# Targets

def _target_scope():
    """The team or category of `?team=` / `?category=` whose targets are set here (None, None: the
    municipality's); 404 for an unknown code, 403 for a team lead asking for another team or for the municipality."""
    team, category = team_from_request(), None
    code = (request.args.get("category") or "").strip()
    if code:
        category = db.session.scalar(select(Category).where(Category.code == code))
        if category is None or team is not None:
            abort(404)
    if current_user.role is not Role.ADMIN and not (team is not None and leads_team(current_user, team)):
        abort(403)
    return team, category


@bp.route("/stats/targets", methods=["GET", "POST"], endpoint="stats_targets")
@role_required((Role.ADMIN, Role.TEAM))
def stats_targets():
    team, category = _target_scope()
    levels = figure_targets.targets()
    own = None
    if team is not None or category is not None:
        own = figure_targets.own_targets(team=team, category=category)
    municipal = team is None and category is None
    form = targets_form(levels, own, correction_days=publication.correction_working_days() if municipal else None)
    page = {"form": form, "levels": levels, "own": own, "team": team, "category": category,
            "at_least": TargetDirection.AT_LEAST, "teams": _target_teams(), "categories": _categories(),
            "history": figure_targets.target_history(team_id=team.id if team else None,
                                                     category_id=category.id if category else None),
            "language": current_language(), "figure_labels": stats.FIGURE_LABEL, "target_text": _target_text}
    if request.method == "GET":
        return render_template("admin/stats/targets.html", **page)
    if not form.validate_on_submit():
        return render_template("admin/stats/targets.html", **page), 422
    for code in levels:
        if code in form:
            figure_targets.set_target(code, form[code].number, team=team, category=category, by=current_user)
    if municipal:
        publication.set_correction_working_days(form.correction_working_days.number)
    db.session.commit()
    flash_text(_l("The targets are saved. Every page and export judges the figures against them from now on; "
                  "published months keep the targets they were judged against."), "success")
    return redirect(url_for("admin.stats_targets", **team_args(team),
                            **({"category": category.code} if category else {})), 303)


def _target_text(code, value):
    """A level as people read it (85,0%, 8,0), or "none" when a scope had no level of its own."""
    return stats.format_figure(value, stats.FIGURE_KIND.get(code)) if value is not None else gettext("none")


def _target_teams():
    """The teams whose targets this person may set: all for an admin, the teams they lead for a team lead."""
    teams = db.session.scalars(select(Team).where(Team.active).order_by(Team.name)).all()
    return teams if current_user.role is Role.ADMIN else [t for t in teams if leads_team(current_user, t)]


def _categories():
    return db.session.scalars(select(Category).where(Category.active).order_by(Category.position)).all()
