"""Forms of the management pages: staff accounts and the reference data. Labels and messages through gettext."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Optional, StopValidation

from admin.fields import MultiCheckboxField
from portal.labels import ROLE_LABELS
from portal.reference.management import check_terms
from portal.reports.fields import CharacterCount, ChoiceField, DayField, OwnInvalidMessage, PlainText, email_address

CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class WholeNumberField(IntegerField):
    """A whole number, with a message that says what to fill in instead of WTForms' English one."""

    def __init__(self, label=None, validators=None, *, invalid_message, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = (valuelist[0] or "").strip()
        if not raw:
            self.data = None
        elif re.fullmatch(r"-?[0-9]{1,6}", raw):
            self.data = int(raw)
        else:
            self.data = None
            raise ValueError(self.invalid_message)


class ChoiceSelect(OwnInvalidMessage, SelectField):
    """A select with its own message for an unknown value."""


class TeamsField(MultiCheckboxField):
    def pre_validate(self, form):
        known = {choice.value for choice in self.choices}
        if any(value not in known for value in self.data or ()):
            raise StopValidation(_l("This team can no longer be chosen. Choose from the teams shown."))


def _code(form, field):
    if not CODE_PATTERN.fullmatch(field.data or ""):
        raise StopValidation(_l("Use 1 to 32 letters, digits, hyphens (-) or underscores (_), without spaces."))


def _between(minimum, maximum, message):
    def check(form, field):
        if field.data is not None and not minimum <= field.data <= maximum:
            raise StopValidation(message)

    return check


def _text(label, required_message=None, maximum=200, multiline=False):
    """A free-text field stored as plain text: markup stripped, unreadable characters refused."""
    too_long = _l("Use at most %(count)s characters.", count=maximum)
    if required_message is None:
        validators = [Optional(), PlainText(multiline=multiline), CharacterCount(maximum=maximum, too_long=too_long)]
    else:
        validators = [InputRequired(required_message), PlainText(multiline=multiline),
                      CharacterCount(1, maximum, too_short=required_message, too_long=too_long)]
    return (TextAreaField if multiline else StringField)(label, validators=validators)


def _code_field(label):
    return StringField(label, validators=[InputRequired(_l("Fill in a code.")), _code])


def _position_field():
    return WholeNumberField(
        _l("Position in lists"),
        validators=[InputRequired(_l("Fill in a position, for example 10.")),
                    _between(0, 9999, _l("Fill in a position from 0 to 9999."))],
        invalid_message=_l("Fill in the position as a whole number, for example 10."),
        default=0,
    )


def _role_field():
    return ChoiceField(
        _l("Role"),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        validators=[InputRequired(_l("Choose a role."))],
        invalid_message=_l("Choose a role."),
    )


class SetActiveForm(FlaskForm):
    """Activate or deactivate: the wanted state is explicit, so sending the form twice changes nothing more."""

    active = HiddenField(validators=[AnyOf(("0", "1"), message=_l("Choose to activate or deactivate."))])

    @property
    def wanted(self):
        return self.active.data == "1"


# Staff accounts

class StaffCreateForm(FlaskForm):
    email = StringField(
        _l("E-mail address"), validators=[InputRequired(_l("Fill in an e-mail address.")), email_address]
    )
    name = _text(_l("Name"), _l("Fill in a name."))
    role = _role_field()
    teams = TeamsField(_l("Teams"), choices=[])


class StaffAccessForm(FlaskForm):
    role = _role_field()
    teams = TeamsField(_l("Teams"), choices=[])


class ButtonForm(FlaskForm):
    """A form that is only a button (reset two-factor log-in, remove a closing day): its CSRF token is the check."""


# Teams

# Created before the edit forms' fields, so that a create form lists (and reports) its code first.
_TEAM_CODE = _code_field(_l("Code"))
_CAUSE_CODE = _code_field(_l("Code"))
_TEXT_CODE = _code_field(_l("Code"))


class TeamEditForm(FlaskForm):
    name = _text(_l("Name"), _l("Fill in the team's name."), maximum=120)
    email = StringField(_l("Team e-mail address (optional)"), validators=[Optional(), email_address])
    # Callback requests (portal.callbacks.team_settings): the term and who redistributes the team's requests.
    callback_term_days = WholeNumberField(
        _l("Callback term in working days"),
        validators=[Optional(), _between(1, 30, _l("Fill in a term from 1 to 30 working days."))],
        invalid_message=_l("Fill in a whole number of working days, for example 2."), default=2)
    callback_coordinator = SelectField(_l("Coordinator of callback requests (optional)"), choices=[],
                                       validators=[Optional()])


class TeamCreateForm(TeamEditForm):
    code = _TEAM_CODE
    callback_term_days = None  # set on the team's page once it exists (default 2)
    callback_coordinator = None


# Categories

def _term_field(label, required_message):
    return WholeNumberField(
        label,
        validators=[InputRequired(required_message)],
        invalid_message=_l("Fill in a whole number of working days, for example 5."),
    )


class CategoryForm(FlaskForm):
    name_nl = _text(_l("Name in Dutch"), _l("Fill in the Dutch name."), maximum=120)
    name_en = _text(_l("Name in English"), _l("Fill in the English name."), maximum=120)
    help_nl = _text(_l("Help text in Dutch (optional)"), maximum=1000, multiline=True)
    help_en = _text(_l("Help text in English (optional)"), maximum=1000, multiline=True)
    first_contact_days = _term_field(_l("First contact within (working days)"),
                                     _l("Fill in the first-contact term."))
    closing_days = _term_field(_l("Closing within (working days)"), _l("Fill in the closing term."))
    default_team = ChoiceSelect(_l("Default team"), choices=[], invalid_message=_l("Choose a team from the list."))
    active = BooleanField(_l("Residents can choose this category"))
    position = _position_field()

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        first, closing = self.first_contact_days, self.closing_days
        if not first.errors and not closing.errors:
            for name, message in check_terms(first.data, closing.data).items():
                self[name].errors.append(message)
                valid = False
        return valid


# Closing days

class ClosingDayForm(FlaskForm):
    day = DayField(_l("Date"), validators=[InputRequired(_l("Fill in a date like 2026-03-31."))], format="%Y-%m-%d")
    description = _text(_l("Description (optional)"))


# Causes

class CauseEditForm(FlaskForm):
    name_nl = _text(_l("Name in Dutch"), _l("Fill in the Dutch name."))
    name_en = _text(_l("Name in English"), _l("Fill in the English name."))
    position = _position_field()


class CauseCreateForm(CauseEditForm):
    code = _CAUSE_CODE


# Standard texts

class StandardTextEditForm(FlaskForm):
    title = _text(_l("Title (for staff)"), _l("Fill in a title."))
    subject_nl = _text(_l("Subject in Dutch"), _l("Fill in the Dutch subject."))
    body_nl = _text(_l("Message in Dutch"), _l("Write the Dutch message."), maximum=5000, multiline=True)
    subject_en = _text(_l("Subject in English"), _l("Fill in the English subject."))
    body_en = _text(_l("Message in English"), _l("Write the English message."), maximum=5000, multiline=True)


class StandardTextCreateForm(StandardTextEditForm):
    code = _TEXT_CODE
