"""The resident's forms: the report (shared report fields plus a honeypot for robots) and the grade."""
from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import StringField

from portal.reports.fields import (
    ReportFields,
    TextOnlyForm,
    comment_field,
    grade_field,
)


class ReportForm(ReportFields):
    # A honeypot: hidden from people, filled in by robots.
    website = StringField(_l("Leave this field empty"))

    @property
    def is_robot(self):
        # A file in its place counts too: the form has no file field, only a robot sends one.
        return bool(self.website.data) or "website" in request.files


class GradeForm(TextOnlyForm):
    grade = grade_field(_l("How do you grade the way we handled your report?"), _l("Choose a grade from 1 to 10."))
    comment = comment_field(_l("Would you like to tell us more? (optional)"))
