"""The queue's filters: a GET form, so a filtered list is a link that can be shared and bookmarked."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional


class QueueFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    status = SelectField(_l("Status"), choices=[], validators=[Optional()])
    category = SelectField(_l("Category"), choices=[], validators=[Optional()])
    team = SelectField(_l("Team"), choices=[], validators=[Optional()])
    channel = SelectField(_l("Channel"), choices=[], validators=[Optional()])
    overdue = SelectField(_l("Overdue"), choices=[], validators=[Optional()])
    received_from = DateField(_l("Received from"), validators=[Optional()])
    received_to = DateField(_l("Received up to"), validators=[Optional()])
    q = StringField(_l("Search reference or text"), validators=[Optional(), Length(max=200)])
