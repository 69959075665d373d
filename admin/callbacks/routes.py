"""Callback requests: the work lists, registering one during a call, one request's page and its actions, the
coordinator's counts, and the link with a report. Each action: validate, claim, act, commit once, redirect."""
from datetime import datetime

from flask import abort, redirect, render_template, request, url_for
from flask_babel import format_number, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from admin.blueprint import bp
from admin.callbacks.forms import AttemptForm, CloseForm, LetterSentForm, LinkForm, RedistributeForm, RegisterForm
from admin.fields import typed_text
from admin.flashing import flash_text
from admin.guards import role_required
from admin.reports.routes import visible_report
from portal.calendar.clock import LOCAL_ZONE, FutureMoment, as_utc, now_utc
from portal.callbacks import assignment, attempts, handling, links, queue, terms, words
from portal.callbacks.intake import CallbackDetails, CallbackRefused, register_callback
from portal.callbacks.models import CallbackRequest, Urgency
from portal.extensions import db
from portal.i18n import current_language, write_moment
from portal.reports.models import Channel
from portal.staff.access import ACTING_ROLES, TRIAGE_ROLES
from portal.staff.models import Role, Team
from portal.staff.people import staff_member
from portal.staff.teams import members_of, team_by_code

STAFF = tuple(Role)
VIEW_LABELS = {"mine": _l("My callback requests"), "team": _l("My teams' callback requests"),
               "all": _l("All open callback requests"), "closed": _l("Handled callback requests")}


def _render(template, status=200, **context):
    return render_template(template, words=words, terms=terms, write_moment=write_moment,
                           format_number=format_number, **context), status


def visible_callback(request_id):
    """The request if this user may see it; 404 otherwise, so a guessed id tells nothing."""
    callback = db.session.scalar(assignment.callbacks_visible_to(current_user)
                                 .where(CallbackRequest.id == request_id))
    if callback is None:
        abort(404)
    return callback


@bp.get("/callbacks")
@role_required(STAFF)
def callbacks():
    """The work lists, most urgent first."""
    views = queue.views_for(current_user)
    view = request.args.get("view") or ("team" if "team" in views and current_user.role is Role.TEAM else
                                        ("all" if "all" in views else "mine"))
    if view not in views:
        view = views[0]
    late_only = request.args.get("late") == "yes"
    after = queue.decode_cursor(view, request.args.get("after"))
    rows, cursor = queue.page(current_user, view, late_only=late_only, after=after)
    # The links to other pages keep the list (and "late only"); a cursor the page did not understand is dropped.
    args = {"view": view, **({"late": "yes"} if late_only else {})}
    return _render("admin/callbacks/list.html", view=view, views=views, view_labels=VIEW_LABELS,
                   late_only=late_only, rows=rows, total=queue.total(current_user, view, late_only=late_only),
                   next_url=url_for(".callbacks", **args, after=queue.encode_cursor(view, cursor)) if cursor else None,
                   first_url=url_for(".callbacks", **args) if after else None,
                   counts=queue.counts(current_user), letters=queue.letters_to_send(current_user),
                   may_register=current_user.role in TRIAGE_ROLES)


def _team_choices(form):
    teams = db.session.scalars(select(Team).where(Team.active).order_by(Team.name)).all()
    form.team.choices = [SelectChoice("", _l("Choose a team"))] + [SelectChoice(t.code, t.name) for t in teams]
    form.assignee.choices = [SelectChoice("", _l("Nobody in particular"))] + [
        SelectChoice(str(member.id), f"{team.name}: {member.name}") for team, member in members_of(teams)]


@bp.route("/callbacks/new", methods=["GET", "POST"])
@role_required(TRIAGE_ROLES)
def callback_new():
    """Register a callback request during a call: keyboard only, Enter submits."""
    form = RegisterForm(language=current_language())
    _team_choices(form)
    if not form.validate_on_submit():
        return _render("admin/callbacks/new.html", 422 if request.method == "POST" else 200, form=form)
    details = CallbackDetails(
        requested_action=form.requested_action.data, team=team_by_code(form.team.data, active_only=True),
        name=form.name.data, phone=form.phone.data, email=form.email.data,
        assignee=staff_member(form.assignee.data), urgency=Urgency.URGENT if form.urgent.data else Urgency.NORMAL,
        channel=Channel(form.channel.data), language=form.language.data)
    try:
        callback = register_callback(details, by=current_user)
    except CallbackRefused as refusal:
        db.session.rollback()
        form.team.errors = [*form.team.errors, str(refusal)]
        return _render("admin/callbacks/new.html", 422, form=form)
    db.session.commit()
    flash_text(gettext("Callback request %(number)s registered; to be called back no later than %(date)s.",
                       number=callback.number, date=terms.format_due(callback.due)), "success")
    return redirect(url_for(".callback_detail", request_id=callback.id), 303)


def _action_forms(callback, posted=None):
    forms = {"attempt": AttemptForm(formdata=None, prefix="attempt"), "close": CloseForm(formdata=None, prefix="close"),
             "redistribute": RedistributeForm(formdata=None, prefix="redistribute"),
             "letter": LetterSentForm(formdata=None, prefix="letter")}
    if posted:
        forms[posted[0]] = posted[1]
    forms["redistribute"].assignee.choices = [SelectChoice("", _l("The team, nobody in particular"))] + [
        SelectChoice(str(member.id), member.name) for member in assignment.team_members_of(callback.team)]
    if not posted or posted[0] != "attempt":
        forms["attempt"].at.data = now_utc().astimezone(LOCAL_ZONE).replace(second=0, microsecond=0, tzinfo=None)
    if not posted or posted[0] != "redistribute":
        forms["redistribute"].assignee.data = str(callback.assignee_id) if callback.assignee_id else ""
    return forms


def render_callback(callback, *, posted=None, status=200, unsaved=None):
    may_redistribute = assignment.may_redistribute(current_user, callback.team)
    return _render("admin/callbacks/detail.html", status, callback=callback, forms=_action_forms(callback, posted),
                   may_act=assignment.may_act(current_user), may_redistribute=may_redistribute,
                   workload=assignment.workload(callback.team) if may_redistribute else None,
                   late=terms.is_late(callback), days_left=terms.days_left(callback), unsaved=unsaved)


@bp.get("/callbacks/<int:request_id>")
@role_required(STAFF)
def callback_detail(request_id):
    return render_callback(visible_callback(request_id))


def _act(callback, name, form, action):
    """Validate, claim the request (one action at a time), act, commit once, back to the request's page."""
    _action_forms(callback, (name, form))
    if not form.validate_on_submit():
        return render_callback(callback, posted=(name, form), status=422)
    try:
        handling.take(callback, handling.seen_version(request.form.get("version"), callback))
        message = action(form)
    except handling.ChangedMeanwhile:
        db.session.rollback()
        db.session.refresh(callback)
        return render_callback(callback, posted=(name, form), status=409, unsaved=typed_text(form))
    except CallbackRefused as refusal:
        db.session.rollback()
        flash_text(refusal, "error")
        return render_callback(callback, posted=(name, form), status=409)
    db.session.commit()
    flash_text(message, "success")
    return redirect(url_for(".callback_detail", request_id=callback.id), 303)


def _local(moment: datetime):
    return as_utc(moment.replace(tzinfo=LOCAL_ZONE))


@bp.post("/callbacks/<int:request_id>/attempt")
@role_required(ACTING_ROLES)
def callback_attempt(request_id):
    """Record one attempt to reach the resident."""
    callback = visible_callback(request_id)

    def run(form):
        reached = form.reached.data == "yes"
        try:
            attempts.record_callback_attempt(callback, at=_local(form.at.data), channel=Channel(form.channel.data),
                                             reached=reached, note=form.note.data, by=current_user)
        except FutureMoment:
            raise CallbackRefused(_l("The attempt cannot be in the future.")) from None
        return _l("The attempt is recorded: the resident was reached.") if reached else \
            _l("The attempt is recorded: not reached.")

    return _act(callback, "attempt", AttemptForm(prefix="attempt"), run)


@bp.post("/callbacks/<int:request_id>/close")
@role_required(ACTING_ROLES)
def callback_close(request_id):
    """Close the request with what was agreed."""
    callback = visible_callback(request_id)

    def run(form):
        handling.close(callback, agreement=form.agreement.data, by=current_user)
        return gettext("Callback request %(number)s is handled.", number=callback.number)

    return _act(callback, "close", CloseForm(prefix="close"), run)


@bp.post("/callbacks/<int:request_id>/redistribute")
@role_required(ACTING_ROLES)
def callback_redistribute(request_id):
    """Give the request to another member of its team (the team's coordinator and admins)."""
    callback = visible_callback(request_id)
    if not assignment.may_redistribute(current_user, callback.team):
        abort(403)

    def run(form):
        assignee = staff_member(form.assignee.data)
        assignment.redistribute(callback, assignee=assignee, by=current_user)
        return gettext("The request is now with %(name)s.", name=assignee.name if assignee else callback.team.name)

    return _act(callback, "redistribute", RedistributeForm(prefix="redistribute"), run)


@bp.post("/callbacks/<int:request_id>/letter-sent")
@role_required(ACTING_ROLES)
def callback_letter_sent(request_id):
    """The letter to a resident we could not reach went out."""
    callback = visible_callback(request_id)

    def run(form):
        handling.mark_letter_sent(callback, by=current_user)
        return _l("The letter is marked as sent.")

    return _act(callback, "letter", LetterSentForm(prefix="letter"), run)


@bp.get("/callbacks/workload")
@role_required((Role.TEAM, Role.ADMIN))
def callback_workload():
    """Per colleague, how many open requests they have: for the teams this person coordinates."""
    teams = assignment.coordinated_teams(current_user)
    if not teams:
        abort(403)
    return _render("admin/callbacks/workload.html", overview=[(team, *assignment.workload(team)) for team in teams])


@bp.get("/reports/<int:report_id>/link-callback")
@role_required(ACTING_ROLES)
def report_callbacks(report_id):
    """The callback requests this report may be about: proposed by its phone number or e-mail address."""
    report = visible_report(report_id)
    return _render("admin/callbacks/link.html", report=report, form=LinkForm(),
                   candidates=links.candidates(report, assignment.callbacks_visible_to(current_user)))


@bp.post("/reports/<int:report_id>/link-callback")
@role_required(ACTING_ROLES)
def report_callback_link(report_id):
    """Link the report to a callback request, by its number (typed, or a proposal's button)."""
    report = visible_report(report_id)
    form = LinkForm()
    visible = assignment.callbacks_visible_to(current_user)
    if form.validate_on_submit():
        callback = queue.by_number(current_user, form.number.data)
        if callback is None:
            form.number.errors = [*form.number.errors, _l("No callback request has this number.")]
        else:
            try:
                links.link(report, callback, by=current_user)
            except CallbackRefused as refusal:
                db.session.rollback()
                form.number.errors = [*form.number.errors, str(refusal)]
            else:
                db.session.commit()
                flash_text(gettext("Report %(ref)s is linked to callback request %(number)s.",
                                   ref=report.reference, number=callback.number), "success")
                return redirect(url_for(".detail", report_id=report.id), 303)
    return _render("admin/callbacks/link.html", 422, report=report, form=form,
                   candidates=links.candidates(report, visible))
