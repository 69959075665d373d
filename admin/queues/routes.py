"""The queues: every open report for the KCC, and each team's own reports for its members."""
from flask import redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from admin.auth.routes import home_for
from admin.blueprint import bp
from admin.flashing import flash_text
from admin.guards import role_required
from admin.queues.forms import QueueFilterForm
from portal.extensions import db
from portal.i18n import current_language
from portal.labels import CHANNEL_LABELS, STATUS_LABELS
from portal.reference.models import Category
from portal.reports import queue
from portal.reports.models import OPEN_STATUSES, ReportStatus
from portal.staff.access import READ_ALL, TEAM_QUEUE_ROLES
from portal.staff.models import Team


@bp.get("/")
def home():
    return redirect(home_for(current_user))


def _filter_form():
    form = QueueFilterForm(request.args)
    language = current_language()
    form.status.choices = [SelectChoice("", _l("Open")), SelectChoice("all", _l("All"))] + [
        SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()
    ]
    categories = db.session.scalars(select(Category).order_by(Category.position)).all()
    form.category.choices = [SelectChoice("", _l("All"))] + [SelectChoice(c.code, c.name(language)) for c in categories]
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    form.team.choices = [SelectChoice("", _l("All")), SelectChoice("none", _l("Not yet sent to a team"))] + [
        SelectChoice(t.code, t.name) for t in teams
    ]
    form.channel.choices = [SelectChoice("", _l("All"))] + [
        SelectChoice(channel.value, label) for channel, label in CHANNEL_LABELS.items()
    ]
    form.overdue.choices = [SelectChoice("", _l("All")), SelectChoice("yes", _l("Only overdue"))]
    return form


def _usable(field):
    """The filter's value, or None when it was not understood (then it is left out, and the page says so)."""
    return None if field.errors else field.data


def _filters_from(form, **extra):
    status = _usable(form.status)
    if status == "all":
        statuses = tuple(ReportStatus)
    elif status in {s.value for s in ReportStatus}:
        statuses = (ReportStatus(status),)
    else:
        statuses = OPEN_STATUSES
    return queue.QueueFilters(
        statuses=statuses,
        category=_usable(form.category) or None,
        team=_usable(form.team) or None,
        channel=_usable(form.channel) or None,
        overdue=_usable(form.overdue) == "yes",
        received_from=_usable(form.received_from),
        received_to=_usable(form.received_to),
        text=(_usable(form.q) or "").strip() or None,
        **extra,
    )


def _render_queue(title, endpoint, **extra):
    form = _filter_form()
    understood = form.validate()
    if not understood:
        left_out = ", ".join(str(field.label.text) for field in form if field.errors)
        flash_text(_l("These filters could not be used and were left out: %(filters)s.", filters=left_out), "error")
    filters = _filters_from(form, **extra)
    after = queue.decode_cursor(request.args.get("after"))
    reports, cursor = queue.page(current_user, filters, after=after)
    counts = queue.counts(current_user, filters)
    # The links to other pages carry the filters that were understood, not the ones left out.
    args = {key: value for key, value in request.args.items()
            if key != "after" and value and not (key in form and form[key].errors)}
    next_url = url_for(endpoint, **args, after=queue.encode_cursor(cursor)) if cursor else None
    first_url = url_for(endpoint, **args) if after else None
    return render_template(
        "admin/queue.html", title=title, form=form, reports=reports, counts=counts,
        next_url=next_url, first_url=first_url, endpoint=endpoint,
    ), 200 if understood else 422


@bp.get("/queue", endpoint="queue")
@role_required(READ_ALL)
def all_reports():
    return _render_queue(_l("All reports"), "admin.queue")


@bp.get("/team")
@role_required(TEAM_QUEUE_ROLES)
def team_queue():
    team_ids = tuple(team.id for team in current_user.teams) or (-1,)
    return _render_queue(_l("My team's reports"), "admin.team_queue", team_ids=team_ids)
