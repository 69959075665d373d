"""Forms of the callback request pages: registering one during a call, and the actions on it."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from portal.labels import CHANNEL_LABELS
from portal.reports.fields import CharacterCount, ChoiceField, PlainText, _phone_number, email_address

LANGUAGES = [SelectChoice("nl", "Nederlands"), SelectChoice("en", "English")]


def _channels():
    return [SelectChoice(channel.value, label) for channel, label in CHANNEL_LABELS.items()]


def _line(label, maximum, required=None):
    """A single line of plain text: Enter in it submits the form (a keyboard-only registration needs that)."""
    first = [InputRequired(required)] if required else [Optional()]
    return StringField(label, validators=[*first, PlainText(), CharacterCount(
        1 if required else None, maximum, too_short=required,
        too_long=_l("Use at most %(count)s characters.", count=maximum))])


class RegisterForm(FlaskForm):
    """Name, number and/or address, the question, the team: under 30 seconds with the keyboard."""

    name = _line(_l("Name (optional)"), 200)
    phone = StringField(_l("Phone number"), validators=[Optional(), _phone_number])
    email = StringField(_l("E-mail address"), validators=[Optional(), email_address])
    requested_action = _line(_l("Question"), 500, _l("Write down the resident's question."))
    team = SelectField(_l("Team"), choices=[], validators=[InputRequired(_l("Choose a team."))])
    assignee = SelectField(_l("Colleague (optional)"), choices=[], validators=[Optional()])
    urgent = BooleanField(_l("Urgent"))
    channel = SelectField(_l("How did the resident contact us?"), choices=_channels(), default="phone",
                          validators=[InputRequired(_l("Choose how the resident contacted us."))])
    language = SelectField(_l("Language of the resident"), choices=LANGUAGES, default="nl",
                           validators=[InputRequired(_l("Choose a language."))])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and not (self.phone.data or self.email.data):
            self.phone.errors.append(_l("Fill in a phone number or an e-mail address."))
            return False
        return valid


class AttemptForm(FlaskForm):
    reached = ChoiceField(
        _l("Did you reach the resident?"),
        choices=[SelectChoice("yes", _l("Yes, we spoke")), SelectChoice("no", _l("No, not reached"))],
        validators=[InputRequired(_l("Choose whether you reached the resident."))],
        invalid_message=_l("Choose whether you reached the resident."),
    )
    channel = SelectField(_l("Channel"), choices=_channels(), default="phone",
                          validators=[InputRequired(_l("Choose a channel."))])
    at = DateTimeLocalField(_l("When"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                            validators=[InputRequired(_l("Fill in when you tried."))])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), PlainText(multiline=True), CharacterCount(
        maximum=1000, too_long=_l("Use at most %(count)s characters.", count=1000))])


class CloseForm(FlaskForm):
    agreement = TextAreaField(_l("What was agreed with the resident"), validators=[
        InputRequired(_l("Write down what was agreed with the resident.")), PlainText(multiline=True),
        CharacterCount(1, 2000, too_short=_l("Write down what was agreed with the resident."),
                       too_long=_l("Use at most %(count)s characters.", count=2000))])


class RedistributeForm(FlaskForm):
    assignee = SelectField(_l("Give to"), choices=[], validators=[Optional()])


class LetterSentForm(FlaskForm):
    """Only the CSRF token: the letter to an unreachable resident went out."""


class LinkForm(FlaskForm):
    number = StringField(_l("Number of the callback request"),
                         validators=[InputRequired(_l("Fill in the number, for example TB-AB12-CD34."))])
