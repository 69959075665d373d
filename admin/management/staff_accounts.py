"""Management (admins): staff accounts: create, role and teams, password and two-factor resets, (de)activation.

An admin never sees or hands over a password: a new account, or one whose password is reset, gets an e-mail with
a one-time link to set it."""
from flask import abort, current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from admin.blueprint import bp
from admin.guards import role_required
from admin.management.common import done, get_or_back, posted_set_active, refuse, render
from admin.management.forms import ButtonForm, StaffAccessForm, StaffCreateForm
from portal.extensions import db
from portal.refusals import ManagementError
from portal.staff import people
from portal.staff.access import ADMINS
from portal.staff.accounts import AccountError, has_password
from portal.staff.models import Role, User
from portal.staff.teams import assignable_teams


def _offer_teams(form, current=()):
    """Active teams as checkboxes, plus inactive ones the account is still in, so that nothing changes unseen."""
    teams = assignable_teams(current)
    form.teams.choices = [
        SelectChoice(team.code, team.name if team.active else str(_l("%(name)s (inactive)", name=team.name)))
        for team in teams
    ]
    return teams


def _chosen(form, teams):
    codes = set(form.teams.data or ())
    return [team for team in teams if team.code in codes]


def _field_of_account_error(form):
    # accounts.create_user says what is wrong but not where; the state of the form tells which field it is.
    if people.user_by_email_exists(form.email.data):
        return "email"
    if form.role.data == Role.TEAM.value and not form.teams.data:
        return "teams"
    return None


@bp.get("/manage/staff")
@role_required(ADMINS)
def manage_staff():
    users = db.session.scalars(
        select(User).options(selectinload(User.teams)).order_by(User.active.desc(), User.name)
    ).all()
    return render_template("admin/manage/staff.html", users=users)


@bp.route("/manage/staff/new", methods=["GET", "POST"])
@role_required(ADMINS)
def manage_staff_new():
    form = StaffCreateForm()
    teams = _offer_teams(form)
    if not form.validate_on_submit():
        return render("admin/manage/staff_new.html", form=form)
    try:
        user = people.create_account(email=form.email.data, name=form.name.data, role=form.role.data,
                                     teams=_chosen(form, teams))
    except AccountError as error:
        db.session.rollback()  # the half-made account must not be flushed by the look-up below
        refused = ManagementError(str(error), _field_of_account_error(form))
        return render("admin/manage/staff_new.html", refuse(form, refused), form=form)
    return done(_l("Account for %(name)s created. We have sent them an e-mail with a link to set their password; "
                   "the link works once, for %(hours)s hours.", name=user.name, hours=_link_hours()),
                ".manage_staff_detail", user_id=user.id)


def _link_hours():
    return current_app.config["PASSWORD_LINK_HOURS"]


def _detail_page(user, posted=None, status=200):
    """The account with its forms; the posted one keeps its input and errors."""
    forms = {"access": StaffAccessForm(formdata=None)}
    if posted:
        forms[posted[0]] = posted[1]
    if not posted or posted[0] != "access":
        _offer_teams(forms["access"], user.teams)
        forms["access"].role.data = user.role.value
        forms["access"].teams.data = [team.code for team in user.teams]
    return render_template("admin/manage/staff_detail.html", user=user, forms=forms, has_password=has_password(user),
                           link_hours=_link_hours(), is_self=user.id == current_user.id,
                           error_form=posted[1] if posted else None), status


@bp.get("/manage/staff/<int:user_id>")
@role_required(ADMINS)
def manage_staff_detail(user_id):
    return _detail_page(get_or_back(User, user_id))


@bp.post("/manage/staff/<int:user_id>/access")
@role_required(ADMINS)
def manage_staff_access(user_id):
    user = get_or_back(User, user_id)
    form = StaffAccessForm()
    teams = _offer_teams(form, user.teams)
    if not form.validate_on_submit():
        return _detail_page(user, ("access", form), 422)
    try:
        people.change_access(user, role=form.role.data, teams=_chosen(form, teams), by=current_user)
    except ManagementError as error:
        status = refuse(form, error)
        return _detail_page(user, ("access", form), status)
    return done(_l("Role and teams of %(name)s saved.", name=user.name), ".manage_staff_detail", user_id=user.id)


@bp.post("/manage/staff/<int:user_id>/password")
@role_required(ADMINS)
def manage_staff_password(user_id):
    user = get_or_back(User, user_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        people.reset_password(user, by=current_user)
    except ManagementError as error:
        return _detail_page(user, status=refuse(ButtonForm(formdata=None), error))
    return done(_l("The password of %(name)s is reset: the old one no longer works and every session of the account "
                   "has ended. We have sent them an e-mail with a link to set a new password; the link works once, "
                   "for %(hours)s hours.", name=user.name, hours=_link_hours()),
                ".manage_staff_detail", user_id=user.id)


@bp.post("/manage/staff/<int:user_id>/two-factor")
@role_required(ADMINS)
def manage_staff_two_factor(user_id):
    user = get_or_back(User, user_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        people.reset_two_factor(user, by=current_user)
    except ManagementError as error:
        return _detail_page(user, status=refuse(ButtonForm(formdata=None), error))
    return done(_l("Two-factor log-in of %(name)s is switched off and every session of the account has ended. "
                   "They set it up again with their authenticator app.", name=user.name),
                ".manage_staff_detail", user_id=user.id)


@bp.post("/manage/staff/<int:user_id>/active")
@role_required(ADMINS)
def manage_staff_active(user_id):
    user = get_or_back(User, user_id)
    form = posted_set_active(lambda status: _detail_page(user, status=status))
    try:
        people.set_user_active(user, active=form.wanted, by=current_user)
    except ManagementError as error:
        return _detail_page(user, status=refuse(form, error))
    if form.wanted:
        message = _l("The account of %(name)s is active again.", name=user.name)
    else:
        message = _l("The account of %(name)s is deactivated and every session of it has ended.", name=user.name)
    return done(message, ".manage_staff_detail", user_id=user.id)
