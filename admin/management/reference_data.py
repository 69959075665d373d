"""Management (admins): the reference data: teams, categories, closing days, causes and standard texts.

Staff accounts are in admin/management/staff_accounts.py. Every change is a validated POST, one call
into portal.management, one commit, and a redirect; a refused change re-renders its form with 422 (or 409).
A message that carries a name or code someone typed is made with gettext, now: a lazy string would count as
safe markup and carry the name into the page unescaped.
"""
from flask import abort, redirect, render_template, request, url_for
from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from admin.blueprint import bp
from admin.flashing import flash_text
from admin.guards import role_required
from admin.management.common import done, fields_of, get_or_back, posted_set_active, refuse, render
from admin.management.forms import (
    ButtonForm,
    CategoryForm,
    CauseCreateForm,
    CauseEditForm,
    ClosingDayForm,
    StandardTextCreateForm,
    StandardTextEditForm,
    TeamCreateForm,
    TeamEditForm,
)
from portal.calendar import closing_days
from portal.calendar.clock import local_today
from portal.calendar.models import ClosingDay
from portal.callbacks.assignment import team_members_of
from portal.callbacks.team_settings import set_callback_settings
from portal.extensions import db
from portal.i18n import current_language
from portal.reference import management, placeholders
from portal.reference.models import Category, Cause, StandardText
from portal.refusals import ManagementError
from portal.staff.access import ADMINS
from portal.staff.models import Team
from portal.staff.people import staff_member
from portal.staff.teams import assignable_teams, create_team, set_team_active, team_by_code, update_team


@bp.get("/manage")
@role_required(ADMINS)
def manage_home():
    return render_template("admin/manage/home.html")


# Teams

def _teams_page(status=200):
    teams = db.session.scalars(select(Team).order_by(Team.active.desc(), Team.name)).all()
    return render("admin/manage/teams.html", status, teams=teams)


@bp.get("/manage/teams")
@role_required(ADMINS)
def manage_teams():
    return _teams_page()


@bp.route("/manage/teams/new", methods=["GET", "POST"])
@role_required(ADMINS)
def manage_team_new():
    form = TeamCreateForm()
    if not form.validate_on_submit():
        return render("admin/manage/team_form.html", form=form, team=None)
    try:
        team = create_team(**fields_of(form, "code", "name", "email"))
    except ManagementError as error:
        return render("admin/manage/team_form.html", refuse(form, error), form=form, team=None)
    return done(gettext("Team %(code)s created.", code=team.code), ".manage_teams")


@bp.route("/manage/teams/<int:team_id>", methods=["GET", "POST"])
@role_required(ADMINS)
def manage_team_edit(team_id):
    team = get_or_back(Team, team_id)
    form = TeamEditForm(obj=team) if request.method == "GET" else TeamEditForm()
    _callback_coordinator_choices(form, team)
    if not form.validate_on_submit():
        return render("admin/manage/team_form.html", form=form, team=team)
    update_team(team, **fields_of(form, "name", "email"))
    try:
        # Left empty (or not sent), the term stays as it is.
        term_days = form.callback_term_days.data
        set_callback_settings(team, term_days=team.callback_term_days if term_days is None else term_days,
                              coordinator=staff_member(form.callback_coordinator.data))
    except ManagementError as error:
        return render("admin/manage/team_form.html", refuse(form, error), form=form, team=team)
    return done(gettext("Team %(code)s saved.", code=team.code), ".manage_teams")


def _callback_coordinator_choices(form, team):
    """The team's active members, who can coordinate its callback requests."""
    form.callback_coordinator.choices = [SelectChoice("", _l("Nobody: only administrators redistribute"))] + [
        SelectChoice(str(member.id), member.name) for member in team_members_of(team)]
    if request.method == "GET":
        form.callback_coordinator.data = str(team.callback_coordinator_id or "")


@bp.post("/manage/teams/<int:team_id>/active")
@role_required(ADMINS)
def manage_team_active(team_id):
    team = get_or_back(Team, team_id)
    form = posted_set_active(_teams_page)
    try:
        set_team_active(team, active=form.wanted)
    except ManagementError as error:
        return _teams_page(refuse(form, error))
    if form.wanted:
        message = gettext("Team %(code)s is active again.", code=team.code)
    else:
        message = gettext("Team %(code)s is deactivated: it is no longer offered when reports or staff are assigned.",
                     code=team.code)
    return done(message, ".manage_teams")


# Categories

def _default_team_choices(category):
    teams = assignable_teams([category.default_team] if category.default_team else [])
    return [SelectChoice("", _l("No default team"))] + [SelectChoice(t.code, t.name) for t in teams]


@bp.get("/manage/categories")
@role_required(ADMINS)
def manage_categories():
    categories = db.session.scalars(select(Category).order_by(Category.position, Category.code)).all()
    return render_template("admin/manage/categories.html", categories=categories)


@bp.route("/manage/categories/<int:category_id>", methods=["GET", "POST"])
@role_required(ADMINS)
def manage_category_edit(category_id):
    category = get_or_back(Category, category_id)
    form = CategoryForm(obj=category) if request.method == "GET" else CategoryForm()
    form.default_team.choices = _default_team_choices(category)
    if request.method == "GET":
        form.default_team.data = category.default_team.code if category.default_team else ""
    if not form.validate_on_submit():
        return render("admin/manage/category_form.html", form=form, category=category)
    default_team = team_by_code(form.default_team.data)
    try:
        management.update_category(
            category, default_team=default_team,
            **fields_of(form, "name_nl", "name_en", "help_nl", "help_en", "first_contact_days", "closing_days",
                        "active", "position"),
        )
    except ManagementError as error:
        return render("admin/manage/category_form.html", refuse(form, error), form=form, category=category)
    return done(gettext("Category %(name)s saved.", name=category.name(current_language())), ".manage_categories")


# Closing days

def _closing_days_page(form, status=None):
    today = local_today()
    upcoming = db.session.scalars(select(ClosingDay).where(ClosingDay.day >= today).order_by(ClosingDay.day)).all()
    past = db.session.scalars(select(ClosingDay).where(ClosingDay.day < today).order_by(ClosingDay.day.desc())).all()
    return render("admin/manage/closing_days.html", status, form=form, upcoming=upcoming, past=past)


@bp.route("/manage/closing-days", methods=["GET", "POST"])
@role_required(ADMINS)
def manage_closing_days():
    form = ClosingDayForm()
    if not form.validate_on_submit():
        return _closing_days_page(form)
    try:
        closing_day = closing_days.add_closing_day(**fields_of(form, "day", "description"))
    except ManagementError as error:
        return _closing_days_page(form, refuse(form, error))
    return done(gettext("%(date)s added as a closing day.", date=format_date(closing_day.day, "long")),
                ".manage_closing_days")


@bp.post("/manage/closing-days/<int:closing_day_id>/remove")
@role_required(ADMINS)
def manage_closing_day_remove(closing_day_id):
    if not ButtonForm().validate_on_submit():
        abort(400)
    closing_day = db.session.get(ClosingDay, closing_day_id)
    if closing_day is None:
        # Removing is idempotent: a second click, or another admin, got there first.
        flash_text(_l("This closing day was already removed."), "info")
        return redirect(url_for(".manage_closing_days"), 303)
    day = closing_day.day
    closing_days.remove_closing_day(closing_day)
    return done(gettext("%(date)s is no longer a closing day.", date=format_date(day, "long")), ".manage_closing_days")


# Causes

def _causes_page(status=200):
    causes = db.session.scalars(select(Cause).order_by(Cause.active.desc(), Cause.position, Cause.code)).all()
    return render("admin/manage/causes.html", status, causes=causes)


@bp.get("/manage/causes")
@role_required(ADMINS)
def manage_causes():
    return _causes_page()


@bp.route("/manage/causes/new", methods=["GET", "POST"])
@role_required(ADMINS)
def manage_cause_new():
    form = CauseCreateForm()
    if not form.validate_on_submit():
        return render("admin/manage/cause_form.html", form=form, cause=None)
    try:
        cause = management.create_cause(**fields_of(form, "code", "name_nl", "name_en", "position"))
    except ManagementError as error:
        return render("admin/manage/cause_form.html", refuse(form, error), form=form, cause=None)
    return done(gettext("Cause %(name)s created.", name=cause.name(current_language())), ".manage_causes")


@bp.route("/manage/causes/<int:cause_id>", methods=["GET", "POST"])
@role_required(ADMINS)
def manage_cause_edit(cause_id):
    cause = get_or_back(Cause, cause_id)
    form = CauseEditForm(obj=cause) if request.method == "GET" else CauseEditForm()
    if not form.validate_on_submit():
        return render("admin/manage/cause_form.html", form=form, cause=cause)
    management.update_cause(cause, **fields_of(form, "name_nl", "name_en", "position"))
    return done(gettext("Cause %(name)s saved.", name=cause.name(current_language())), ".manage_causes")


@bp.post("/manage/causes/<int:cause_id>/active")
@role_required(ADMINS)
def manage_cause_active(cause_id):
    cause = get_or_back(Cause, cause_id)
    form = posted_set_active(_causes_page)
    management.set_cause_active(cause, active=form.wanted)
    name = cause.name(current_language())
    if form.wanted:
        message = gettext("Cause %(name)s can be chosen again.", name=name)
    else:
        message = gettext("Cause %(name)s is deactivated: it stays on closed reports but can no longer be chosen.",
                     name=name)
    return done(message, ".manage_causes")


# Standard texts

TEXT_FIELDS = ("title", "subject_nl", "subject_en", "body_nl", "body_en")


def _texts_page(status=200):
    texts = db.session.scalars(select(StandardText).order_by(StandardText.active.desc(), StandardText.title)).all()
    return render("admin/manage/texts.html", status, texts=texts)


def _text_form_page(form, text, status=None):
    return render("admin/manage/text_form.html", status, form=form, text=text,
                  placeholders=list(placeholders.MEANINGS.items()))


@bp.get("/manage/texts")
@role_required(ADMINS)
def manage_texts():
    return _texts_page()


@bp.route("/manage/texts/new", methods=["GET", "POST"])
@role_required(ADMINS)
def manage_text_new():
    form = StandardTextCreateForm()
    if not form.validate_on_submit():
        return _text_form_page(form, None)
    try:
        text = management.create_standard_text(**fields_of(form, "code", *TEXT_FIELDS))
    except ManagementError as error:
        return _text_form_page(form, None, refuse(form, error))
    return done(gettext("Standard text %(title)s created.", title=text.title), ".manage_texts")


@bp.route("/manage/texts/<int:text_id>", methods=["GET", "POST"])
@role_required(ADMINS)
def manage_text_edit(text_id):
    text = get_or_back(StandardText, text_id)
    form = StandardTextEditForm(obj=text) if request.method == "GET" else StandardTextEditForm()
    if not form.validate_on_submit():
        return _text_form_page(form, text)
    try:
        management.update_standard_text(text, **fields_of(form, *TEXT_FIELDS))
    except ManagementError as error:
        return _text_form_page(form, text, refuse(form, error))
    return done(gettext("Standard text %(title)s saved.", title=text.title), ".manage_texts")


@bp.post("/manage/texts/<int:text_id>/active")
@role_required(ADMINS)
def manage_text_active(text_id):
    text = get_or_back(StandardText, text_id)
    form = posted_set_active(_texts_page)
    management.set_standard_text_active(text, active=form.wanted)
    if form.wanted:
        message = gettext("Standard text %(title)s can be used again.", title=text.title)
    else:
        message = gettext("Standard text %(title)s is deactivated: staff no longer see it.", title=text.title)
    return done(message, ".manage_texts")

