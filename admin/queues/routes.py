"""The queues: every report for the KCC, and each team's own reports for its members.

A page shows one list (a view: new and not yet sent to a team, assigned to me, or all), narrowed by the filters
and the search box, and above it the count boxes: each a link to the list it counts.
"""
from flask import redirect, render_template, request, url_for
from flask_babel import format_number
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
from portal.i18n import current_language, write_moment
from portal.labels import CHANNEL_LABELS
from portal.reference.models import Category
from portal.reports import queue
from portal.reports.models import OPEN_STATUSES, ReportStatus
from portal.staff.access import READ_ALL, TEAM_QUEUE_ROLES
from portal.staff.models import Role, Team

# A report's status in the words of the people who handle it (the resident's words are in portal.labels).
STAFF_STATUS_LABELS = {
    ReportStatus.NEW: _l("New"),
    ReportStatus.ASSIGNED: _l("With a team"),
    ReportStatus.CONTACTED: _l("Resident contacted"),
    ReportStatus.CLOSED: _l("Closed"),
    ReportStatus.DISMISSED: _l("Not a report"),
}
VIEW_LABELS = {
    "new": _l("New, not yet sent to a team"),
    "mine": _l("Assigned to me"),
    "all": _l("All, most urgent first"),
}
# What the page is after (the query arguments that page through it are not part of it).
NOT_FILTERS = {"after", "lang"}


@bp.get("/")
def home():
    return redirect(home_for(current_user))


def _team_choices(own_teams_only):
    """Every team and "not yet sent" for the KCC's page; on a team page only the person's own teams."""
    if own_teams_only:
        return [SelectChoice("", _l("All my teams"))] + [SelectChoice(t.code, t.name) for t in current_user.teams]
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    return [SelectChoice("", _l("All")), SelectChoice("none", _l("Not yet sent to a team"))] + [
        SelectChoice(t.code, t.name) for t in teams
    ]


def _filter_form(views, own_teams_only):
    form = QueueFilterForm(request.args)
    language = current_language()
    form.view.choices = [SelectChoice(view, VIEW_LABELS[view]) for view in views]
    form.status.choices = [SelectChoice("", _l("Open")), SelectChoice("all", _l("All"))] + [
        SelectChoice(s.value, label) for s, label in STAFF_STATUS_LABELS.items()
    ]
    categories = db.session.scalars(select(Category).order_by(Category.position)).all()
    form.category.choices = [SelectChoice("", _l("All"))] + [SelectChoice(c.code, c.name(language)) for c in categories]
    form.team.choices = _team_choices(own_teams_only)
    form.channel.choices = [SelectChoice("", _l("All"))] + [
        SelectChoice(channel.value, label) for channel, label in CHANNEL_LABELS.items()
    ]
    form.overdue.choices = [SelectChoice("", _l("All")), SelectChoice("yes", _l("Only overdue"))]
    return form


def _usable(field):
    """The filter's value, or None when it was not understood (then it is left out, and the page says so)."""
    return None if field.errors else field.data


def _chosen_view(form, default):
    """The list asked for; a search without one looks through all reports, whatever the page opens with."""
    view = _usable(form.view) or ("all" if _usable(form.q) else default)
    form.view.data = view  # the form shows the list that is shown
    return view


def _filters_from(form, view, **extra):
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
        **queue.view_filters(view, current_user),
        **extra,
    )


def _count_boxes(endpoint, counts, views, view):
    """The count boxes, each a link to the list it counts (and marked when that list is the one shown)."""
    boxes = [(VIEW_LABELS[each] if each != "all" else _l("All open"), counts[key], {"view": each}, "")
             for each, key in (("new", "unsent"), ("mine", "mine"), ("all", "open")) if each in views]
    boxes += [(STAFF_STATUS_LABELS[status], counts["by_status"][status], {"view": "all", "status": status.value}, "")
              for status in (ReportStatus.ASSIGNED, ReportStatus.CONTACTED)]
    boxes.append((_l("Overdue"), counts["overdue"], {"view": "all", "overdue": "yes"}, "counts__overdue"))
    shown = {**{key: value for key, value in request.args.items() if key not in NOT_FILTERS and value}, "view": view}
    return [{"label": label, "number": number, "url": url_for(endpoint, **args), "current": args == shown,
             "class": css} for label, number, args, css in boxes]


def _render_queue(title, endpoint, *, views, default_view, own_teams_only=False, **extra):
    form = _filter_form(views, own_teams_only)
    understood = form.validate()
    if not understood:
        left_out = ", ".join(str(field.label.text) for field in form if field.errors)
        flash_text(_l("These filters could not be used and were left out: %(filters)s.", filters=left_out), "error")
    view = _chosen_view(form, default_view)
    filters = _filters_from(form, view, **extra)
    after = queue.decode_cursor(request.args.get("after"))
    reports, cursor = queue.page(current_user, filters, after=after)
    counts = queue.counts(current_user, filters)
    # The links to other pages carry the filters that were understood, not the ones left out.
    args = {key: value for key, value in request.args.items()
            if key != "after" and value and not (key in form and form[key].errors)}
    next_url = url_for(endpoint, **args, after=queue.encode_cursor(cursor)) if cursor else None
    first_url = url_for(endpoint, **args) if after else None
    wider_url = (url_for(endpoint, **{**args, "status": "all"})
                 if filters.text and not _usable(form.status) else None)
    boxes = _count_boxes(endpoint, counts, views, view)
    # The filters stay folded away for a list opened from its count box (the box says which list it is).
    filtered = any(key not in {"q", "view", *NOT_FILTERS} for key in args) and not any(b["current"] for b in boxes)
    return render_template(
        "admin/queue.html", title=title, form=form, reports=reports, boxes=boxes,
        next_url=next_url, first_url=first_url, wider_url=wider_url, endpoint=endpoint, view=view,
        view_label=VIEW_LABELS[view], searched=filters.text,
        filtered=filtered or not understood,
        staff_status=STAFF_STATUS_LABELS.get, next_term=queue.next_term, write_moment=write_moment,
        format_number=format_number,
    ), 200 if understood else 422


@bp.get("/queue", endpoint="queue")
@role_required(READ_ALL)
def all_reports():
    # The KCC's day starts with what is new and not yet sent on; others look at everything.
    default = "new" if current_user.role is Role.KCC else "all"
    return _render_queue(_l("All reports"), "admin.queue", views=queue.VIEWS, default_view=default)


@bp.get("/team")
@role_required(TEAM_QUEUE_ROLES)
def team_queue():
    team_ids = tuple(team.id for team in current_user.teams) or (-1,)
    return _render_queue(_l("My team's reports"), "admin.team_queue", views=("mine", "all"), default_view="all",
                         own_teams_only=True, team_ids=team_ids)
