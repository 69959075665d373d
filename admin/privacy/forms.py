"""The forms of a personal-data request: the search, and the confirmed export or erasure."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import InputRequired, Length, Optional


class PersonForm(FlaskForm):
    class Meta:
        csrf = False  # a search changes nothing

    email = StringField(_l("E-mail address"), validators=[Optional(), Length(max=254)])
    phone = StringField(_l("Phone number"), validators=[Optional(), Length(max=32)])


class PersonActionForm(FlaskForm):
    email = HiddenField()
    phone = HiddenField()
    confirm = BooleanField(_l("I checked that this request comes from the resident these reports belong to."),
                           validators=[InputRequired(_l("Confirm that you checked the request."))])
