"""The queue's filters: a GET form, so a filtered list is a link that can be shared and bookmarked."""
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, StopValidation

# No report is older than the app, and a year like 9999 or 0001 is a typing error (and beyond the clock's reach).
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2099, 12, 31)


def plausible_day(form, field):
    if field.data is not None and not EARLIEST_DAY <= field.data <= LATEST_DAY:
        raise StopValidation(_l("Choose a date between 2000 and 2099."))


class QueueFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    view = SelectField(_l("List"), choices=[], validators=[Optional()])
    status = SelectField(_l("Status"), choices=[], validators=[Optional()])
    category = SelectField(_l("Category"), choices=[], validators=[Optional()])
    team = SelectField(_l("Team"), choices=[], validators=[Optional()])
    channel = SelectField(_l("Channel"), choices=[], validators=[Optional()])
    overdue = SelectField(_l("Overdue"), choices=[], validators=[Optional()])
    received_from = DateField(_l("Received from"), validators=[Optional(), plausible_day])
    received_to = DateField(_l("Received up to"), validators=[Optional(), plausible_day])
    q = StringField(_l("Find a report"), validators=[Optional(), Length(max=200)])
