"""The resident's report form: the shared report fields, plus a honeypot for robots."""
from flask_babel import lazy_gettext as _l
from wtforms import StringField

from portal.report_fields import ReportFields


class ReportForm(ReportFields):
    # A honeypot: hidden from people, filled in by robots.
    website = StringField(_l("Leave this field empty"))

    @property
    def is_robot(self):
        return bool(self.website.data)
