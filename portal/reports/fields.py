"""The fields of a report and their rules, shared by the resident's form and staff registering on their behalf.

Field names as CONTRACT.md gives them; messages at B1 level in the person's language.
"""
from datetime import date
from functools import lru_cache

from babel import support
from flask import request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import messages_path
from wtforms.validators import InputRequired, Length, Optional, StopValidation, ValidationError

from portal.calendar.clock import local_today
from portal.contact_details import InvalidContactDetail, valid_email, valid_phone
from portal.labels import CONTACT_PREFERENCE_LABELS
from portal.reports.intake import ReportDetails
from portal.reports.models import ContactPreference
from portal.reports.terms import chosen_contact_preference
from portal.text import UnreadableText, clean_plain_text

DESCRIPTION_MIN = 10
DESCRIPTION_MAX = 5000
EARLIEST_CONTACT_DATE = date(2000, 1, 1)


@lru_cache(maxsize=8)
def wtforms_translations(locale):
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class TextOnlyForm(FlaskForm):
    """A form that reads only the posted form fields: never uploaded files, never a JSON body.

    Flask-WTF would hand a file sent in a field's place (a multipart POST with a file as `description`) or a
    number or list from a JSON body to the fields, which expect text; such a field is simply missing here, and
    the form says what to fill in.
    """

    class Meta:
        def get_translations(self, form):
            # WTForms' own messages in the page's language, read from disk once per process and language rather
            # than once per request (Flask-WTF's default).
            return wtforms_translations(str(get_locale()))

        def wrap_formdata(self, form, formdata):
            if formdata is not None and hasattr(formdata, "getlist"):
                return formdata  # given by the caller
            if super().wrap_formdata(form, formdata) is None:
                return None  # nothing submitted
            return request.form or None


class DayField(DateField):
    """A YYYY-MM-DD date whose parse error speaks the resident's language."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Fill in a date like 2026-03-31.")) from None


class OwnInvalidMessage:
    """A choice field that answers an unknown value with its own message instead of WTForms' English one."""

    def __init__(self, *args, invalid_message, **kwargs):
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message

    def pre_validate(self, form):
        if self.data not in {choice.value for choice in self.choices}:
            raise StopValidation(self.invalid_message)


class ChoiceField(OwnInvalidMessage, RadioField):
    """A radio group with its own message for an unknown value."""


class OptionalChoiceField(ChoiceField):
    """A radio group that may be left unanswered; an answer given must be one of its choices."""

    def pre_validate(self, form):
        if self.data in (None, ""):
            return
        super().pre_validate(form)


def grade_field(label, message):
    """The resident's grade, a whole number from 1 to 10: given through the link, or noted by staff."""
    return ChoiceField(label, choices=[SelectChoice(str(n), str(n)) for n in range(1, 11)],
                       validators=[InputRequired(message)], invalid_message=message)


def comment_field(label):
    """An optional remark with a grade, plain text, at most 2,000 characters."""
    return TextAreaField(label, validators=[
        Optional(), PlainText(multiline=True),
        CharacterCount(maximum=2000, too_long=_l("Use at most 2,000 characters.")),
    ])


class PlainText:
    """Refuse unreadable characters, then keep the text as plain text without markup."""

    def __init__(self, multiline=False):
        self.multiline = multiline

    def __call__(self, form, field):
        if not field.data:
            return
        if not isinstance(field.data, str):
            raise StopValidation(_l("Type your answer as text."))
        try:
            field.data = clean_plain_text(field.data, multiline=self.multiline)
        except UnreadableText:
            raise StopValidation(
                _l("This text contains invisible or unreadable characters. Please type it again without them.")
            ) from None


class CharacterCount:
    """Length in characters, checked after cleaning, with a message that says what to do."""

    def __init__(self, minimum=None, maximum=None, too_short=None, too_long=None):
        self.minimum, self.maximum = minimum, maximum
        self.too_short, self.too_long = too_short, too_long

    def __call__(self, form, field):
        length = len(field.data or "")
        if self.minimum is not None and length < self.minimum:
            raise StopValidation(self.too_short)
        if self.maximum is not None and length > self.maximum:
            raise StopValidation(self.too_long)


def _phone_number(form, field):
    if not field.data:
        return
    try:
        field.data = valid_phone(field.data)
    except InvalidContactDetail:
        raise ValidationError(_l("Fill in a phone number we can call, for example 06 12345678.")) from None


def email_address(form, field):
    """An optional e-mail address, checked and normalised (shared by every form that asks for one)."""
    if not field.data:
        return
    try:
        field.data = valid_email(field.data)
    except InvalidContactDetail:
        raise ValidationError(_l("Fill in an e-mail address like name@example.nl.")) from None


class ReportFields(TextOnlyForm):
    category = ChoiceField(
        _l("What went wrong?"),
        validators=[InputRequired(_l("Choose what went wrong."))],
        choices=[],
        invalid_message=_l("Choose what went wrong."),
    )
    description = TextAreaField(
        _l("Tell us what happened"),
        validators=[
            InputRequired(_l("Tell us what happened.")),
            PlainText(multiline=True),
            CharacterCount(
                DESCRIPTION_MIN,
                DESCRIPTION_MAX,
                too_short=_l("Tell us a bit more: use at least 10 characters."),
                too_long=_l("Your story is too long. Use at most 5,000 characters."),
            ),
        ],
    )
    contact_date = DayField(
        _l("On which day was the contact? (optional)"),
        validators=[Optional()],
        format="%Y-%m-%d",
    )
    letter_reference = StringField(
        _l("Reference on the letter (optional)"),
        validators=[
            Optional(),
            PlainText(),
            CharacterCount(maximum=100, too_long=_l("The reference can have at most 100 characters.")),
        ],
    )
    name = StringField(
        _l("Your name (optional)"),
        validators=[
            Optional(),
            PlainText(),
            CharacterCount(maximum=200, too_long=_l("Your name can have at most 200 characters.")),
        ],
    )
    email = StringField(
        _l("Your e-mail address (optional)"),
        validators=[Optional(), Length(max=254, message=_l("This e-mail address is too long.")), email_address],
    )
    phone = StringField(
        _l("Your phone number (optional)"),
        validators=[Optional(), Length(max=32, message=_l("This phone number is too long.")), _phone_number],
    )
    # Nothing pre-selected: left open, the details given decide (portal.reports.terms.chosen_contact_preference).
    contact_preference = OptionalChoiceField(
        _l("How would you like us to contact you?"),
        choices=[SelectChoice(preference.value, label) for preference, label in CONTACT_PREFERENCE_LABELS.items()],
        validators=[Optional()],
        invalid_message=_l("Choose how we may contact you."),
    )
    consent = BooleanField(_l("I agree that the municipality uses my details to answer this report."))

    def __init__(self, *args, categories=(), language="nl", **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [SelectChoice(c.code, c.name(language)) for c in categories]

    def validate_contact_date(self, field):
        if field.data is None:
            return
        if field.data > local_today():
            raise ValidationError(_l("The date cannot be in the future."))
        if field.data < EARLIEST_CONTACT_DATE:
            raise ValidationError(_l("Fill in a date after 1 January 2000."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # Rules across fields, reported at the field the resident has to change.
        preference = self.contact_preference.data
        if preference == ContactPreference.EMAIL.value and not self.email.data and not self.email.errors:
            self.email.errors.append(_l("Fill in your e-mail address, or choose another way to be contacted."))
            valid = False
        if preference == ContactPreference.PHONE.value and not self.phone.data and not self.phone.errors:
            self.phone.errors.append(_l("Fill in your phone number, or choose another way to be contacted."))
            valid = False
        if (self.name.data or self.email.data or self.phone.data) and not self.consent.data:
            self.consent.errors.append(
                _l("You gave contact details. Tick the box so we may use them, or leave them out.")
            )
            valid = False
        return valid

    def details(self, categories):
        """The validated answers as the intake takes them."""
        return ReportDetails(
            category=next(c for c in categories if c.code == self.category.data),
            description=self.description.data,
            contact_date=self.contact_date.data,
            letter_reference=self.letter_reference.data,
            name=self.name.data,
            email=self.email.data,
            phone=self.phone.data,
            contact_preference=chosen_contact_preference(self.contact_preference.data, email=self.email.data,
                                                         phone=self.phone.data),
        )
