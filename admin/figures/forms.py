"""The targets form: one level per headline figure that has a target, typed as people write numbers."""
import re

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, StopValidation

from portal.figures.definitions import FIGURE_KIND, FIGURE_LABEL, GRADE, SHARE
from portal.reports.fields import TextOnlyForm

_NUMBER = re.compile(r"[0-9]{1,3}([.,][0-9]{1,2})?")


class LevelField(StringField):
    """A target level as people type it: 85 or 85,5 (percent) for a share, 7,5 for a grade."""

    def __init__(self, label, *, kind, optional=False, **kwargs):
        super().__init__(label, **kwargs)
        self.kind = kind
        self.optional = optional
        self.number = None

    def pre_validate(self, form):
        text = (self.data or "").strip()
        if not text and self.optional:
            self.number = None  # no level of its own: the municipality's applies
            raise StopValidation()
        if not text:
            raise StopValidation(_l("Fill in a number."))
        if not _NUMBER.fullmatch(text):
            raise StopValidation(_l("Give a number, for example 85 or 7,5."))
        number = float(text.replace(",", "."))
        if self.kind == SHARE and not 0 <= number <= 100:
            raise StopValidation(_l("Give a percentage from 0 to 100."))
        if self.kind == GRADE and not 1 <= number <= 10:
            raise StopValidation(_l("Give a grade from 1 to 10."))
        self.number = number / 100 if self.kind == SHARE else number


class CorrectionWindowField(StringField):
    """The correction window in working days, 0 to 30."""

    def pre_validate(self, form):
        text = (self.data or "").strip()
        if not text.isdigit() or not 0 <= int(text) <= 30:
            raise StopValidation(_l("Give a number of working days from 0 to 30."))
        self.number = int(text)


def targets_form(levels, own=None, *, correction_days=None):
    """One field per figure with a target. For the municipality `own` is None and every field is needed; for a team
    or a category `own` holds its own levels, and an empty field means the municipality's level applies."""
    class TargetsForm(FlaskForm):
        pass

    for code in levels:
        kind = FIGURE_KIND.get(code)
        if kind in (SHARE, GRADE):
            setattr(TargetsForm, code, LevelField(FIGURE_LABEL[code], kind=kind, optional=own is not None))
    if correction_days is not None:
        TargetsForm.correction_working_days = CorrectionWindowField(_l("Correction window, in working days"))
    form = TargetsForm()
    if request.method == "GET":
        for code, target in (levels if own is None else own).items():
            if code in form:
                value = target.value * 100 if form[code].kind == SHARE else target.value
                form[code].data = f"{value:g}"
        if correction_days is not None:
            form.correction_working_days.data = str(correction_days)
    return form


class CorrectionForm(TextOnlyForm):
    reason = StringField(_l("Reason for the correction"),
                         filters=[lambda text: " ".join(text.split()) if text else text],
                         validators=[DataRequired(_l("Say why the figures are corrected.")), Length(max=500)])
