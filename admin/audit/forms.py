"""The filters of the record of staff actions: a GET form, so a filtered list is a link that can be shared."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField

from portal.reports.fields import OwnInvalidMessage


class FilterSelect(OwnInvalidMessage, SelectField):
    """A select that answers an unknown value with its own message."""


class StaffActionFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    person = FilterSelect(_l("Who"), choices=[], default="",
                          invalid_message=_l("Choose a person from the list."))
    action = FilterSelect(_l("Action"), choices=[], default="",
                          invalid_message=_l("Choose an action from the list."))
