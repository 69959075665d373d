"""Requests about personal data (AVG): find every report of a resident, export them, erase them. Admins only.

The search is a POST, like the export and the erasure: the address or number never appears in a URL, so it
stays out of access logs and the browser's history. The page works without JavaScript: the results carry the
export and erase forms, each with its own confirmation.
"""
import json

from flask import Response, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user

from admin.blueprint import bp
from admin.flashing import flash_text
from admin.guards import role_required
from admin.privacy.forms import PersonActionForm, PersonForm
from portal.extensions import db
from portal.reports import retention
from portal.reports.history import record_event
from portal.staff.access import ADMINS


def _found(email, phone):
    return retention.reports_of_person(email=email or None, phone=phone or None)


def _page(search, *, reports=None, action=None, posted=None, status=200):
    """The search form; with `reports`, what it found and the forms to export or erase them."""
    if action is None:
        action = PersonActionForm(formdata=None, email=search.email.data, phone=search.phone.data)
    return render_template("admin/privacy.html", form=search, reports=reports or [], searched=reports is not None,
                           action=action, posted=posted), status


@bp.route("/privacy", methods=["GET", "POST"])
@role_required(ADMINS)
def privacy():
    if request.method == "GET":
        return _page(PersonForm(formdata=None))
    form = PersonForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    return _page(form, reports=_found(form.email.data, form.phone.data))


def _confirmed(name):
    """(the resident's reports, None) once the admin confirmed the request; else (None, the results shown again
    with the error at the confirmation of the action that was sent)."""
    form = PersonActionForm()
    reports = _found(form.email.data, form.phone.data)
    if form.validate_on_submit() and reports:
        return reports, None
    search = PersonForm(formdata=None, email=form.email.data, phone=form.phone.data)
    return None, _page(search, reports=reports, action=form, posted=name, status=422)


@bp.post("/privacy/export")
@role_required(ADMINS)
def privacy_export():
    reports, refused = _confirmed("export")
    if refused:
        return refused
    data = [retention.export_report(report) for report in reports]
    for report in reports:
        record_event(report, "exported_on_request", current_user)
    db.session.commit()
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": "attachment; filename=meldpunt-export.json"},
    )


@bp.post("/privacy/erase")
@role_required(ADMINS)
def privacy_erase():
    reports, refused = _confirmed("erase")
    if refused:
        return refused
    for report in reports:
        retention.anonymise(report, by=current_user, kind="erased_on_request")
    db.session.commit()
    flash_text(ngettext("The personal data in %(num)d report was erased.",
                        "The personal data in %(num)d reports was erased.", len(reports)), "success")
    return redirect(url_for(".privacy"), 303)
