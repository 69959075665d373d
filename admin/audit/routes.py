"""The record of staff actions: every action a logged-in staff member completed through the staff pages, and every
log-in and log-out, written after it happened; admins page through all of it, newest first.

Reports keep their own detailed history (portal.reports.history); this record covers everything else too
(accounts, reference data, personal-data requests), so no new route can forget it. What it keeps of each action
is the allow-list in admin.audit.record; the nightly retention job removes entries older than
portal.reports.retention.staff_actions_months().
"""
from urllib.parse import urlsplit

from flask import current_app, g, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from wtforms.fields.choices import SelectChoice

from admin.audit import words
from admin.audit.forms import StaffActionFilterForm
from admin.audit.record import AUDITED, allowed_details, label_of, succeeded
from admin.blueprint import bp
from admin.guards import role_required
from portal.extensions import db
from portal.reports.retention import staff_actions_months
from portal.staff.access import ADMINS
from portal.staff.models import StaffAction, User

PAGE_SIZE = 50


def _who(user):
    return (user.id, user.name, user.has_two_factor) if user is not None else None


def remember_actor():
    """Before a staff POST: who sends it (after a log-out no one is logged in any more, after a log-in someone is)."""
    if request.method == "POST":
        g.audit_before = _who(current_user if current_user.is_authenticated else None)
        g.audit_flashed = ()
    return None


def _actor(before, response):
    """Whom the record names, or None when there is nothing to record."""
    after = _who(current_user if current_user.is_authenticated else None)
    if before is None:
        return after  # a log-in, once the person is in, at whichever step that happened
    if after is None:
        return before if request.endpoint == "admin.logout" or succeeded(response) else None
    if not before[2] and after[2]:
        return after  # two-factor log-in switched on: the page that follows shows the recovery codes
    return after if succeeded(response) else None


def _arguments_of(location):
    """The ids in a staff page's address, e.g. {"report_id": 7} for /admin/reports/7."""
    path = urlsplit(location).path
    if request.script_root and path.startswith(request.script_root):
        path = path[len(request.script_root):]
    try:
        _endpoint, arguments = current_app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        return {}
    return {key: value for key, value in arguments.items() if isinstance(value, int)}


def _target(response):
    target = {key: value for key, value in (request.view_args or {}).items() if isinstance(value, int)}
    audited = AUDITED.get(request.endpoint)
    if not target and audited is not None and audited.creates and response.location:
        target = _arguments_of(response.location)
    return target


def record_staff_action(response):
    """After a staff POST: one insert-only row when a logged-in person completed it, or logged in or out."""
    if request.method != "POST" or response.status_code >= 400 or "audit_before" not in g:
        return response
    actor = _actor(g.pop("audit_before"), response)
    if actor is None:
        return response
    row = StaffAction(
        actor_id=actor[0],
        actor=actor[1][:200],
        action=request.endpoint[:100],
        target=_target(response),
        details=allowed_details(request.endpoint, request.form),
        address=(request.remote_addr or "")[:64] or None,
    )
    db.session.rollback()  # nothing of the view's own unit of work may ride along
    db.session.add(row)
    db.session.commit()
    return response


# The page

def _position(text):
    """The id to continue below, from the address; None for the first page or anything that is no id."""
    text = text or ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _filter_form():
    form = StaffActionFilterForm(request.args)
    people = db.session.scalars(select(User).order_by(User.name, User.id)).all()
    form.person.choices = [SelectChoice("", _l("Everyone"))] + [SelectChoice(str(u.id), u.name) for u in people]
    form.action.choices = [SelectChoice("", _l("All"))] + [
        SelectChoice(code, label_of(code)) for code in sorted(AUDITED, key=label_of)
    ]
    form.validate()
    return form


@bp.get("/manage/staff-actions")
@role_required(ADMINS)
def staff_actions():
    form = _filter_form()
    query = select(StaffAction).order_by(StaffAction.id.desc())
    filters = {}
    if form.person.data and not form.person.errors:
        filters["person"] = form.person.data
        query = query.where(StaffAction.actor_id == int(form.person.data))
    if form.action.data and not form.action.errors:
        filters["action"] = form.action.data
        query = query.where(StaffAction.action == form.action.data)
    before = _position(request.args.get("before"))
    if before is not None:
        query = query.where(StaffAction.id < before)
    actions = db.session.scalars(query.limit(PAGE_SIZE + 1)).all()
    next_url = None
    if len(actions) > PAGE_SIZE:
        actions = actions[:PAGE_SIZE]
        next_url = url_for(".staff_actions", **filters, before=actions[-1].id)
    first_url = url_for(".staff_actions", **filters) if before is not None else None
    return render_template("admin/manage/staff_actions.html", actions=actions, form=form, label_of=label_of,
                           target_links=words.target_links, detail_text=words.detail_text,
                           next_url=next_url, first_url=first_url, filtered=bool(filters),
                           months=staff_actions_months())
