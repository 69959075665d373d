"""The resident's forms: the report (shared report fields plus a honeypot for robots) and the grade."""
from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from portal.reports.fields import CharacterCount, ChoiceField, PlainText, ReportFields, TextOnlyForm


class ReportForm(ReportFields):
    # A honeypot: hidden from people, filled in by robots.
    website = StringField(_l("Leave this field empty"))

    @property
    def is_robot(self):
        # A file in its place counts too: the form has no file field, only a robot sends one.
        return bool(self.website.data) or "website" in request.files


class GradeForm(TextOnlyForm):
    grade = ChoiceField(
        _l("How do you grade the way we handled your report?"),
        choices=[SelectChoice(str(n), str(n)) for n in range(1, 11)],
        validators=[InputRequired(_l("Choose a grade from 1 to 10."))],
        invalid_message=_l("Choose a grade from 1 to 10."),
    )
    comment = TextAreaField(
        _l("Would you like to tell us more? (optional)"),
        validators=[
            Optional(),
            PlainText(multiline=True),
            CharacterCount(maximum=2000, too_long=_l("Use at most 2,000 characters.")),
        ],
    )
