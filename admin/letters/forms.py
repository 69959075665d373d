"""Forms of the letter pages: submitting a draft (pasted or uploaded), a new version, the KCC's review, marking
a letter sent, the officialese list and the B1 target."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, StopValidation

from portal.calendar.clock import local_today
from portal.letters.register import MAX_COPIES, MAX_TEXT_CHARACTERS, PREFIX_PATTERN
from portal.letters.wordlist import PHRASE_MAX, PLAIN_MAX
from portal.reports.fields import CharacterCount, ChoiceField, DayField, PlainText, TextOnlyForm

TOO_LONG_TEXT = _l("The letter is too long: use at most 200,000 characters. Upload the file instead, or shorten it.")
BOTH_GIVEN = _l("Paste the text or upload a file, not both.")
NEITHER_GIVEN = _l("Paste the text of the letter or upload it as a file.")


class UploadForm(TextOnlyForm):
    """A form that also reads uploaded files (only in its file field; a text field sent as a file is refused)."""

    class Meta(TextOnlyForm.Meta):
        def wrap_formdata(self, form, formdata):
            return FlaskForm.Meta.wrap_formdata(self, form, formdata)

    text = TextAreaField(_l("Text of the letter"), validators=[Optional(), PlainText(multiline=True), CharacterCount(
        maximum=MAX_TEXT_CHARACTERS, too_long=TOO_LONG_TEXT)])
    document = FileField(_l("Or upload the letter"))

    def has_file(self):
        return bool(getattr(self.document.data, "filename", ""))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.document.data is not None and not hasattr(self.document.data, "read"):
            self.document.errors.append(NEITHER_GIVEN)
            return False
        if valid and self.has_file() and (self.text.data or "").strip():
            self.text.errors.append(BOTH_GIVEN)
            return False
        if valid and not self.has_file() and not (self.text.data or "").strip():
            self.text.errors.append(NEITHER_GIVEN)
            return False
        return valid


def _whole_number(form, field):
    text = field.data if isinstance(field.data, str) else ""
    text = text.strip().replace(".", "").replace(",", "").replace(" ", "")
    if not (text.isascii() and text.isdigit()) or len(text) > 7 or not 1 <= int(text) <= MAX_COPIES:
        raise StopValidation(_l("Fill in a number of copies from 1 to 1,000,000."))
    field.data = str(int(text))


def _prefix(form, field):
    if not isinstance(field.data, str) or not PREFIX_PATTERN.fullmatch(field.data.strip()):
        raise StopValidation(_l("Use 2 to 40 letters, digits, slashes, hyphens or dots for the reference, "
                                "for example BEL/2026/."))
    field.data = field.data.strip()


def _not_in_past(form, field):
    if field.data is None:
        raise StopValidation(_l("Fill in a date like 2026-03-31."))
    if field.data < local_today():
        raise StopValidation(_l("The planned sending date cannot be in the past."))


def _not_in_future(form, field):
    if field.data is None:
        raise StopValidation(_l("Fill in a date like 2026-03-31."))
    if field.data > local_today():
        raise StopValidation(_l("The sending date cannot be in the future."))


class SubmitForm(UploadForm):
    title = StringField(_l("Title of the letter"), validators=[
        InputRequired(_l("Give the letter a title.")), PlainText(),
        CharacterCount(1, 200, too_short=_l("Give the letter a title."),
                       too_long=_l("Use at most %(count)s characters.", count=200))])
    team = SelectField(_l("Team"), choices=[], validators=[InputRequired(_l("Choose a team."))])
    reference_prefix = StringField(_l("Reference the letter will carry"), validators=[_prefix])
    copies = StringField(_l("Number of copies"), validators=[_whole_number])
    planned_send_on = DayField(_l("Planned sending date"), validators=[_not_in_past])


class ResubmitForm(UploadForm):
    """A new version of the letter's text."""


class ReviewForm(TextOnlyForm):
    decision = ChoiceField(
        _l("Your decision"),
        choices=[SelectChoice("approved", _l("Approve this version")),
                 SelectChoice("returned", _l("Return it to the team with comments"))],
        validators=[InputRequired(_l("Choose whether you approve or return the letter."))],
        invalid_message=_l("Choose whether you approve or return the letter."))
    comments = TextAreaField(_l("Comments for the team"), validators=[Optional(), PlainText(multiline=True),
                                                                      CharacterCount(maximum=5000, too_long=_l(
                                                                          "Use at most %(count)s characters.",
                                                                          count=5000))])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and self.decision.data == "returned" and not (self.comments.data or "").strip():
            self.comments.errors.append(_l("Write what the team should change."))
            return False
        return valid


class SentForm(TextOnlyForm):
    sent_on = DayField(_l("Sent on"), validators=[_not_in_future])


class PairForm(TextOnlyForm):
    phrase = StringField(_l("Officialese"), validators=[
        InputRequired(_l("Fill in the officialese word or phrase.")), PlainText(),
        CharacterCount(1, PHRASE_MAX, too_long=_l("Use at most %(count)s characters.", count=PHRASE_MAX))])
    plain = StringField(_l("Plain alternative"), validators=[
        InputRequired(_l("Fill in the plain alternative.")), PlainText(),
        CharacterCount(1, PLAIN_MAX, too_long=_l("Use at most %(count)s characters.", count=PLAIN_MAX))])
    active = BooleanField(_l("The check uses this pair"), default=True)


class TargetForm(TextOnlyForm):
    target = StringField(_l("Target: share of approved letters at B1 (%)"))

    def validate_target(self, field):
        text = (field.data or "").strip().rstrip("%").replace(",", ".") if isinstance(field.data, str) else ""
        try:
            value = float(text)
        except ValueError:
            value = -1
        if not 0 <= value <= 100 or text.lower() in ("nan", "inf"):
            raise StopValidation(_l("Fill in a percentage from 0 to 100."))
        field.data = str(value)
