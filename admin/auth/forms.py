"""The log-in forms: password, then a one-time code; the code that switches two-factor log-in on; and the forms
of a staff member's own password: change it, set it through a link, ask for a link when it is forgotten."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

# Long enough for any passphrase, short enough that hashing it costs nothing unusual.
MAX_PASSWORD_LENGTH = 200


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


def _new_password_fields():
    new = PasswordField(_l("New password"), validators=[
        InputRequired(_l("Fill in a new password.")),
        Length(max=MAX_PASSWORD_LENGTH, message=_l("Use at most %(count)s characters.", count=MAX_PASSWORD_LENGTH)),
    ])
    again = PasswordField(_l("New password again"), validators=[
        InputRequired(_l("Fill in the new password a second time.")),
        EqualTo("new_password", message=_l("The two new passwords are not the same. Type them again.")),
    ])
    return new, again


class SetPasswordForm(FlaskForm):
    new_password, new_password_again = _new_password_fields()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"),
                                     validators=[InputRequired(_l("Fill in your current password."))])
    new_password, new_password_again = _new_password_fields()


class ForgotPasswordForm(FlaskForm):
    email = StringField(_l("E-mail address"), validators=[
        InputRequired(_l("Fill in your e-mail address.")),
        Length(max=254, message=_l("Use at most %(count)s characters.", count=254)),
    ])
