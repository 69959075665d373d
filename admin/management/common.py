"""What the management views share: finding an object from a link, refusing a change, and finishing one."""
from flask import abort, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from admin.flashing import flash_text
from admin.management.forms import SetActiveForm
from portal.extensions import db

NOT_FOUND = {
    "User": (".manage_staff", _l("This staff account was not found. The link may be out of date.")),
    "Team": (".manage_teams", _l("This team was not found. The link may be out of date.")),
    "Category": (".manage_categories", _l("This category was not found. The link may be out of date.")),
    "Cause": (".manage_causes", _l("This cause was not found. The link may be out of date.")),
    "StandardText": (".manage_texts", _l("This standard text was not found. The link may be out of date.")),
}


def get_or_back(model, object_id):
    """The object; if it does not exist (an old link), back to its list with a message, as Django's admin does."""
    found = db.session.get(model, object_id)
    if found is None:
        endpoint, message = NOT_FOUND[model.__name__]
        flash_text(message, "info")
        abort(redirect(url_for(endpoint), 303))
    return found


def render(template, status=None, **context):
    """The page; 422 when it answers a POST (the form it shows was refused), else 200."""
    if status is None:
        status = 422 if request.method == "POST" else 200
    return render_template(template, **context), status


def refuse(form, error):
    """Undo the unit of work and show the rule that was broken at its field, or as a message when it has none."""
    db.session.rollback()
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, str(error.message)]
        return 422
    flash_text(error.message, "error")
    return 409


def done(message, endpoint, **values):
    db.session.commit()
    flash_text(message, "success")
    return redirect(url_for(endpoint, **values), 303)


def first_error(form):
    return next((message for messages in form.errors.values() for message in messages), "")


def fields_of(form, *names):
    return {name: form[name].data for name in names}


def posted_set_active(page):
    """The posted (de)activation form; when it is invalid, `page(422)` with its first error as the message."""
    form = SetActiveForm()
    if not form.validate_on_submit():
        flash_text(first_error(form), "error")
        abort(make_response(page(422)))
    return form
