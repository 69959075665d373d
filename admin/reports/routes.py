"""One report: its detail and history, and the staff actions on it, each a small POST through the workflow."""
from datetime import datetime

from flask import abort, redirect, render_template, request, url_for
from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from admin.blueprint import bp
from admin.fields import typed_text
from admin.flashing import flash_text
from admin.guards import role_required
from admin.reports.forms import (
    AssignForm,
    CallForm,
    CategoryChangeForm,
    CloseForm,
    ContactDetailsForm,
    DismissForm,
    ExtendForm,
    FirstContactForm,
    MessageForm,
    NoteForm,
    RecordGradeForm,
    ReopenForm,
    StaffReportForm,
)
from portal import versions
from portal.calendar.clock import LOCAL_ZONE, FutureMoment, as_utc, now_utc
from portal.extensions import db
from portal.i18n import current_language, write_moment
from portal.letters import matching
from portal.letters import register as letter_register
from portal.reference import placeholders
from portal.reference.models import Category, Cause, StandardText
from portal.reports import followup, history_words, satisfaction, workflow
from portal.reports.intake import register_on_behalf
from portal.reports.models import Channel, Report
from portal.reports.terms import term_states
from portal.reports.workflow import TransitionNotAllowed
from portal.staff.access import ACTING_ROLES, TRIAGE_ROLES, reports_visible_to
from portal.staff.models import Team
from portal.staff.people import staff_member
from portal.staff.teams import members_of, team_by_code


def visible_report(report_id):
    """The report if this user may see it; 404 otherwise, so a guessed id tells nothing."""
    report = db.session.scalar(reports_visible_to(current_user).where(Report.id == report_id))
    if report is None:
        abort(404)
    return report


def _categories():
    return db.session.scalars(select(Category).where(Category.active).order_by(Category.position)).all()


def _action_forms(report, posted=None):
    """Every action form for the detail page, with its choices; the posted one keeps its input and errors."""
    language = current_language()
    forms = {
        "assign": AssignForm(formdata=None, prefix="assign"),
        "category": CategoryChangeForm(formdata=None, prefix="category"),
        "note": NoteForm(formdata=None, prefix="note"),
        "message": MessageForm(formdata=None, prefix="message"),
        "first_contact": FirstContactForm(formdata=None, prefix="first_contact"),
        "close": CloseForm(formdata=None, prefix="close"),
        "reopen": ReopenForm(formdata=None, prefix="reopen"),
        "extend": ExtendForm(formdata=None, prefix="extend"),
        "dismiss": DismissForm(formdata=None, prefix="dismiss"),
        "grade": RecordGradeForm(formdata=None, prefix="grade"),
        "call": CallForm(formdata=None, prefix="call"),
    }
    if posted:
        forms[posted[0]] = posted[1]
    teams = db.session.scalars(select(Team).where(Team.active).order_by(Team.name)).all()
    forms["assign"].team.choices = [SelectChoice(t.code, t.name) for t in teams]
    # Each team's people under their team's name: only a member of the chosen team can be the person.
    forms["assign"].assignee.choices = [SelectChoice("", _l("Nobody in particular"))] + [
        SelectChoice(str(member.id), f"{team.name}: {member.name}") for team, member in members_of(teams)
    ]
    forms["category"].category.choices = [SelectChoice(c.code, c.name(language)) for c in _categories()]
    texts = db.session.scalars(select(StandardText).where(StandardText.active).order_by(StandardText.title)).all()
    forms["message"].standard_text.choices = [SelectChoice("", _l("No standard text"))] + [
        SelectChoice(t.code, t.title) for t in texts
    ]
    causes = db.session.scalars(select(Cause).where(Cause.active).order_by(Cause.position)).all()
    forms["close"].causes.choices = [SelectChoice(str(c.id), c.name(language)) for c in causes]
    if not posted or posted[0] != "assign":
        default_team = report.team or report.category.default_team
        forms["assign"].team.data = default_team.code if default_team else None
    if not posted or posted[0] != "category":
        forms["category"].category.data = report.category.code
    if not posted or posted[0] != "message":
        _prefill_message(forms["message"], report, request.args.get("text"), texts)
    if not posted or posted[0] != "first_contact":
        forms["first_contact"].at.data = now_utc().astimezone(LOCAL_ZONE).replace(second=0, microsecond=0, tzinfo=None)
    return forms


def _prefill_message(form, report, code, texts):
    chosen = next((t for t in texts if t.code == code), None)
    if chosen is None:
        return
    form.standard_text.data = chosen.code
    form.subject.data = placeholders.fill(chosen.subject(report.language), report, report.language)
    form.body.data = placeholders.fill(chosen.body(report.language), report, report.language)


def _letter_about(report):
    """The register's letter the report is about, if this person may see it (portal.letters.matching)."""
    if not report.letter_reference:
        return None
    return matching.letter_about(report, letter_register.letters_visible_to(current_user))


def render_detail(report, *, posted=None, status=200, show_contact=False, unsaved=None):
    return render_template(
        "admin/report.html",
        unsaved=unsaved,
        report=report,
        forms=_action_forms(report, posted),
        allowed=workflow.allowed_actions(report, current_user),
        show_contact=show_contact,
        contact_form=ContactDetailsForm(),
        follow_up=followup.summary(report),
        terms=term_states(report),
        describe_event=history_words.describe,
        calls=workflow.call_attempts(report),
        about_letter=_letter_about(report),
        write_moment=write_moment,
    ), status


@bp.get("/reports/<int:report_id>")
def detail(report_id):
    return render_detail(visible_report(report_id))


@bp.post("/reports/<int:report_id>/contact")
@role_required(ACTING_ROLES)
def contact_details(report_id):
    """Show the contact details, and record who looked: a POST with a CSRF token, so that a link from elsewhere
    can neither open them nor add viewings to the history."""
    report = visible_report(report_id)
    if not ContactDetailsForm().validate_on_submit():
        abort(400)
    workflow.record_contact_details_viewed(report, by=current_user)
    db.session.commit()
    return render_detail(report, show_contact=True)


def _act(report, name, form, action):
    """Validate the posted form, claim the report, run one workflow action, commit once, go back to the report.

    The claim (portal.versions) makes actions on one report one at a time: the second of two people
    acting at once, or someone acting on a page a colleague has changed since, gets the fresh page, a message,
    and what they typed back.
    """
    _action_forms(report, (name, form))  # gives the posted form its choices before it is validated
    if not form.validate_on_submit():
        return render_detail(report, posted=(name, form), status=422)
    try:
        versions.take(report, versions.seen_version(request.form.get("version"), report))
        message = action(form)
    except versions.ChangedMeanwhile:
        db.session.rollback()
        db.session.refresh(report)
        return render_detail(report, posted=(name, form), status=409, unsaved=typed_text(form))
    except TransitionNotAllowed as refusal:
        db.session.rollback()
        flash_text(refusal, "error")
        return render_detail(report, posted=(name, form), status=409)
    db.session.commit()
    flash_text(message, "success")
    return redirect(url_for(".detail", report_id=report.id), 303)


def report_action(path, name, form_class, roles):
    """One action on a report: `POST /reports/<id>/<path>` for these roles, its form prefixed with `name`, answered
    through `_act`. The decorated function makes the one workflow call for (report, form) and returns the message for
    the person; the endpoint keeps the function's name (`admin.close`)."""

    def register(run):
        @role_required(roles)
        def view(report_id):
            report = visible_report(report_id)
            return _act(report, name, form_class(prefix=name), lambda form: run(report, form))

        view.__name__, view.__doc__ = run.__name__, run.__doc__
        bp.post(f"/reports/<int:report_id>/{path}", endpoint=run.__name__)(view)
        return run

    return register


def _as_utc_local(moment: datetime):
    return as_utc(moment.replace(tzinfo=LOCAL_ZONE))


@report_action("assign", "assign", AssignForm, ACTING_ROLES)
def assign(report, form):
    team = team_by_code(form.team.data, active_only=True)
    workflow.assign(report, team=team, assignee=staff_member(form.assignee.data), by=current_user)
    return gettext("Report %(ref)s sent to %(team)s.", ref=report.reference, team=team.name)


@report_action("category", "category", CategoryChangeForm, ACTING_ROLES)
def change_category(report, form):
    category = db.session.scalar(select(Category).where(Category.code == form.category.data))
    workflow.change_category(report, category=category, by=current_user)
    return _l("Category changed; the terms were recalculated.")


@report_action("note", "note", NoteForm, ACTING_ROLES)
def add_note(report, form):
    workflow.add_note(report, text=form.text.data, by=current_user)
    return _l("Note added.")


@report_action("message", "message", MessageForm, ACTING_ROLES)
def send_message(report, form):
    workflow.send_message(report, subject=form.subject.data, body=form.body.data, by=current_user)
    return _l("Message queued for sending to the resident.")


@report_action("first-contact", "first_contact", FirstContactForm, ACTING_ROLES)
def first_contact(report, form):
    workflow.record_first_contact(
        report, channel=Channel(form.channel.data), at=_as_utc_local(form.at.data), summary=form.summary.data,
        by=current_user,
    )
    return _l("First contact recorded.")


@report_action("close", "close", CloseForm, ACTING_ROLES)
def close(report, form):
    ids = [int(value) for value in form.causes.data if value.isdigit()]
    causes = db.session.scalars(select(Cause).where(Cause.id.in_(ids))).all()
    workflow.close(report, outcome=form.outcome_value(), causes=causes, summary=form.summary.data,
                   by=current_user)
    return _l("Report %(ref)s closed.", ref=report.reference)


@report_action("extend", "extend", ExtendForm, ACTING_ROLES)
def extend(report, form):
    workflow.extend(report, new_closing_due=form.new_closing_due.data, reason=form.reason.data, by=current_user)
    return gettext("The closing term is now %(date)s.", date=format_date(form.new_closing_due.data, "long"))


@report_action("grade", "grade", RecordGradeForm, ACTING_ROLES)
def record_grade(report, form):
    """A grade the resident gave by phone, at the desk or by e-mail: it counts like one given through the link."""
    if not satisfaction.record_grade(report, int(form.grade.data), form.comment.data,
                                     channel=Channel(form.channel.data), by=current_user):
        raise TransitionNotAllowed(_l("This report already has a grade."))
    return _l("The grade is recorded.")


@report_action("call", "call", CallForm, ACTING_ROLES)
def record_call(report, form):
    reached = form.reached.data == "yes"
    workflow.record_call(report, reached=reached, note=form.note.data, by=current_user)
    return _l("The call is recorded as the first contact.") if reached else _l("The attempt is recorded.")


@report_action("reopen", "reopen", ReopenForm, ACTING_ROLES)
def reopen(report, form):
    workflow.reopen(report, reason=form.reason.data, by=current_user)
    return _l("Report %(ref)s reopened.", ref=report.reference)


@report_action("dismiss", "dismiss", DismissForm, TRIAGE_ROLES)
def dismiss(report, form):
    workflow.dismiss(report, reason=form.reason.data, explanation=form.explanation.data,
                     duplicate_reference=form.duplicate_of.data, by=current_user)
    return _l("Report %(ref)s marked as not a report.", ref=report.reference)


@bp.route("/reports/new", methods=["GET", "POST"])
@role_required(TRIAGE_ROLES)
def register():
    """A report a resident made by phone, at the desk or by e-mail, registered by the KCC."""
    categories = _categories()
    form = StaffReportForm(categories=categories, language=current_language())
    if request.method == "GET":
        form.received_at.data = now_utc().astimezone(LOCAL_ZONE).replace(second=0, microsecond=0, tzinfo=None)
        return render_template("admin/register.html", form=form, categories=categories)
    if not form.validate_on_submit():
        return render_template("admin/register.html", form=form, categories=categories), 422
    try:
        report = register_on_behalf(
            form.details(categories), language=current_language(), channel=Channel(form.channel.data),
            received_at=_as_utc_local(form.received_at.data), by=current_user,
        )
    except FutureMoment:
        form.received_at.errors.append(_l("The contact cannot be in the future."))
        return render_template("admin/register.html", form=form, categories=categories), 422
    db.session.commit()
    flash_text(_l("Report %(ref)s registered.", ref=report.reference), "success")
    return redirect(url_for(".detail", report_id=report.id), 303)
