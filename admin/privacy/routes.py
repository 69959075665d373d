"""Requests about personal data (AVG): find every report and callback request of a resident, export them, erase
them. Admins only.

The search is a POST, like the export and the erasure: the address or number never appears in a URL, so it
stays out of access logs and the browser's history. The page works without JavaScript: the results carry the
export and erase forms, each with its own confirmation.
"""
import json

from flask import Response, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user

from admin.blueprint import bp
from admin.flashing import flash_text
from admin.guards import role_required
from admin.privacy.forms import PersonActionForm, PersonForm
from portal.callbacks import retention as callback_retention
from portal.callbacks import words
from portal.callbacks.history import record_callback_event
from portal.extensions import db
from portal.reports import retention
from portal.reports.history import record_event
from portal.staff.access import ADMINS


def _found(email, phone):
    """(the resident's reports, their callback requests)."""
    email, phone = email or None, phone or None
    return (retention.reports_of_person(email=email, phone=phone),
            callback_retention.requests_of_person(email=email, phone=phone))


def _page(search, *, found=None, action=None, posted=None, status=200):
    """The search form; with `found`, what it found and the forms to export or erase them."""
    if action is None:
        action = PersonActionForm(formdata=None, email=search.email.data, phone=search.phone.data)
    reports, callbacks = found or ([], [])
    return render_template("admin/privacy.html", form=search, reports=reports, callbacks=callbacks,
                           searched=found is not None, action=action, posted=posted,
                           callback_status=words.STATUS_LABELS.get), status


@bp.route("/privacy", methods=["GET", "POST"])
@role_required(ADMINS)
def privacy():
    if request.method == "GET":
        return _page(PersonForm(formdata=None))
    form = PersonForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    return _page(form, found=_found(form.email.data, form.phone.data))


def _confirmed(name):
    """((the resident's reports, callback requests), None) once the admin confirmed the request; else (None, the
    results shown again with the error at the confirmation of the action that was sent)."""
    form = PersonActionForm()
    found = _found(form.email.data, form.phone.data)
    if form.validate_on_submit() and any(found):
        return found, None
    search = PersonForm(formdata=None, email=form.email.data, phone=form.phone.data)
    return None, _page(search, found=found, action=form, posted=name, status=422)


@bp.post("/privacy/export")
@role_required(ADMINS)
def privacy_export():
    found, refused = _confirmed("export")
    if refused:
        return refused
    reports, callbacks = found
    data = {"reports": [retention.export_report(report) for report in reports],
            "callback_requests": [callback_retention.export_request(callback) for callback in callbacks]}
    for report in reports:
        record_event(report, "exported_on_request", current_user)
    for callback in callbacks:
        record_callback_event(callback, "exported_on_request", current_user)
    db.session.commit()
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": "attachment; filename=meldpunt-export.json"},
    )


@bp.post("/privacy/erase")
@role_required(ADMINS)
def privacy_erase():
    found, refused = _confirmed("erase")
    if refused:
        return refused
    reports, callbacks = found
    for report in reports:
        retention.anonymise(report, by=current_user, kind="erased_on_request")
    for callback in callbacks:
        callback_retention.anonymise_request(callback, by=current_user, kind="erased_on_request")
    db.session.commit()
    flash_text(gettext("The personal data in %(reports)s and %(callbacks)s was erased.",
                       reports=ngettext("%(num)d report", "%(num)d reports", len(reports)),
                       callbacks=ngettext("%(num)d callback request", "%(num)d callback requests", len(callbacks))),
               "success")
    return redirect(url_for(".privacy"), 303)
