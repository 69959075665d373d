"""Forms of the report page's actions and of registering a report. Rules of a report from portal.reports.fields."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from admin.fields import MultiCheckboxField
from portal.labels import CHANNEL_LABELS, OUTCOME_LABELS
from portal.reports.fields import CharacterCount, ChoiceField, PlainText, ReportFields, comment_field, grade_field
from portal.reports.models import Channel, Outcome

NOTE_MAX = 5000


def _text(label, required_message, maximum=NOTE_MAX, multiline=True):
    return TextAreaField(
        label,
        validators=[
            InputRequired(required_message),
            PlainText(multiline=multiline),
            CharacterCount(1, maximum, too_short=required_message,
                           too_long=_l("Use at most %(count)s characters.", count=maximum)),
        ],
    )


class AssignForm(FlaskForm):
    team = SelectField(_l("Team"), validators=[InputRequired(_l("Choose a team."))], choices=[])
    assignee = SelectField(_l("Person (optional)"), choices=[], validators=[Optional()])


class CategoryChangeForm(FlaskForm):
    category = SelectField(_l("Category"), validators=[InputRequired(_l("Choose a category."))], choices=[])


class NoteForm(FlaskForm):
    text = _text(_l("Internal note"), _l("Write the note."))


class MessageForm(FlaskForm):
    standard_text = SelectField(_l("Standard text"), choices=[], validators=[Optional()])
    subject = StringField(
        _l("Subject"),
        validators=[InputRequired(_l("Fill in a subject.")), PlainText(),
                    CharacterCount(1, 200, too_short=_l("Fill in a subject."),
                                   too_long=_l("Use at most %(count)s characters.", count=200))],
    )
    body = _text(_l("Message"), _l("Write the message."))


def _staff_channel(label, message):
    """How a resident and staff were in touch outside the website: phone, desk or e-mail."""
    return ChoiceField(
        label,
        choices=[SelectChoice(c.value, text) for c, text in CHANNEL_LABELS.items() if c is not Channel.WEB],
        validators=[InputRequired(message)],
        invalid_message=message,
    )


def _local_moment(label, message):
    """A date and time as the browser's datetime-local field sends it, in Amsterdam time."""
    return DateTimeLocalField(label, format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                              validators=[InputRequired(message)])


class FirstContactForm(FlaskForm):
    channel = _staff_channel(_l("How did you contact the resident?"), _l("Choose how you made contact."))
    at = _local_moment(_l("When"), _l("Fill in when the contact was."))
    summary = _text(_l("Summary of the contact"), _l("Write a short summary of the contact."))


class CloseForm(FlaskForm):
    outcome = ChoiceField(
        _l("Outcome"),
        choices=[SelectChoice(o.value, label) for o, label in OUTCOME_LABELS.items()],
        validators=[InputRequired(_l("Choose the outcome."))],
        invalid_message=_l("Choose the outcome."),
    )
    causes = MultiCheckboxField(_l("Causes"), choices=[], validators=[InputRequired(_l("Choose at least one cause."))])
    summary = _text(_l("Answer to the resident"), _l("Write what was done, for the resident."))

    def outcome_value(self):
        return Outcome(self.outcome.data)


class CallForm(FlaskForm):
    """One call to a resident who asked to be called back."""

    reached = ChoiceField(
        _l("Did you reach the resident?"),
        choices=[SelectChoice("yes", _l("Yes, we spoke")), SelectChoice("no", _l("No, not reached"))],
        validators=[InputRequired(_l("Choose whether you reached the resident."))],
        invalid_message=_l("Choose whether you reached the resident."),
    )
    note = _text(_l("What was said, or when to try again"), _l("Write a short note about the call."), maximum=1000)


class ContactDetailsForm(FlaskForm):
    """The button that shows a resident's contact details (and records the viewing)."""


class RecordGradeForm(FlaskForm):
    """A grade the resident gave by phone, at the desk or by e-mail, noted by staff."""

    grade = grade_field(_l("Grade the resident gave (1 to 10)"), _l("Choose the grade from 1 to 10."))
    channel = _staff_channel(_l("How did the resident give the grade?"), _l("Choose how the grade was given."))
    comment = comment_field(_l("What the resident said about it (optional)"))


class ExtendForm(FlaskForm):
    new_closing_due = DateField(
        _l("New closing date"), validators=[InputRequired(_l("Fill in the new closing date."))]
    )
    reason = _text(_l("Reason (the resident reads this)"), _l("Give the reason for the extension."), maximum=1000)


class ReopenForm(FlaskForm):
    reason = _text(_l("Reason for reopening"), _l("Give the reason."), maximum=1000)


class DismissForm(FlaskForm):
    reason = RadioField(
        _l("Why is this not a report?"),
        choices=[
            SelectChoice("spam", _l("Spam or abuse")),
            SelectChoice("duplicate", _l("Duplicate of another report")),
            SelectChoice("other", _l("Other reason")),
        ],
        validators=[InputRequired(_l("Choose a reason."))],
    )
    duplicate_of = StringField(_l("Reference of the other report"), validators=[Optional(), Length(max=20)])
    explanation = _text(_l("Explanation"), _l("Give a short explanation."), maximum=1000)


class StaffReportForm(ReportFields):
    """A report registered by staff for a resident who phoned, came to the desk or e-mailed."""

    channel = _staff_channel(_l("How did the resident contact us?"), _l("Choose the channel."))
    received_at = _local_moment(_l("When did the resident contact us?"), _l("Fill in when the resident contacted us."))

    # The same fields as the resident's form, labelled in the staff's voice: staff fill them in about someone else.
    STAFF_LABELS = {
        "category": _l("What went wrong, in the resident's words?"),
        "description": _l("What the resident told us"),
        "contact_date": _l("Date of the contact the report is about (optional)"),
        "letter_reference": _l("Reference on the letter (optional)"),
        "name": _l("Resident's name (optional)"),
        "email": _l("Resident's e-mail address (optional)"),
        "phone": _l("Resident's phone number (optional)"),
        "contact_preference": _l("How does the resident want to be contacted?"),
        "consent": _l("The resident agrees that the municipality uses these details to answer the report."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in self.STAFF_LABELS.items():
            self[name].label.text = label
