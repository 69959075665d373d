"""The log-in forms: password, then a one-time code; and the code that switches two-factor log-in on."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length


class LoginForm(FlaskForm):
    email = StringField(_l("E-mail address"), validators=[InputRequired(_l("Fill in your e-mail address."))])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Fill in your password."))])


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app, or a recovery code"),
        validators=[InputRequired(_l("Fill in the code.")), Length(max=20)],
    )


class EnrolForm(FlaskForm):
    code = StringField(_l("Code from your authenticator app"), validators=[InputRequired(_l("Fill in the code."))])
