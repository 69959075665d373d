"""The forms of a personal-data request: the search, and the confirmed export or erasure.

All three are POSTs with a CSRF token: an address in a URL would land in access logs and the browser's history.
"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import InputRequired, Length, Optional


class PersonForm(FlaskForm):
    email = StringField(_l("E-mail address"), validators=[
        Optional(), Length(max=254, message=_l("An e-mail address has at most 254 characters."))])
    phone = StringField(_l("Phone number"), validators=[
        Optional(), Length(max=32, message=_l("A phone number has at most 32 characters."))])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and not (self.email.data or "").strip() and not (self.phone.data or "").strip():
            self.email.errors.append(_l("Fill in the e-mail address or the phone number the resident used."))
            return False
        return valid


class PersonActionForm(FlaskForm):
    email = HiddenField()
    phone = HiddenField()
    confirm = BooleanField(_l("I checked that this request comes from the resident these reports and callback "
                              "requests belong to."),
                           validators=[InputRequired(_l("Confirm that you checked the request."))])
