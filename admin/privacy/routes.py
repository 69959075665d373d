"""Requests about personal data (AVG): find every report of a resident, export them, erase them. Admins only."""
import json

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
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


def _confirmed_reports():
    """The resident's reports once the admin confirmed the request; back to the search with a message otherwise."""
    form = PersonActionForm()
    reports = _found(form.email.data, form.phone.data)
    if not form.validate() or not reports:
        flash_text(_l("Confirm that you checked the request, and search for at least one report."), "error")
        abort(redirect(url_for(".privacy", email=form.email.data, phone=form.phone.data), 303))
    return reports


@bp.get("/privacy")
@role_required(ADMINS)
def privacy():
    form = PersonForm(request.args)
    reports = _found(form.email.data, form.phone.data) if form.validate() else []
    action = PersonActionForm(formdata=None, email=form.email.data, phone=form.phone.data)
    return render_template("admin/privacy.html", form=form, reports=reports, action=action,
                           searched=bool(form.email.data or form.phone.data))


@bp.post("/privacy/export")
@role_required(ADMINS)
def privacy_export():
    reports = _confirmed_reports()
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
    reports = _confirmed_reports()
    for report in reports:
        retention.anonymise(report, by=current_user, kind="erased_on_request")
    db.session.commit()
    flash_text(ngettext("The personal data in %(num)d report was erased.",
                        "The personal data in %(num)d reports was erased.", len(reports)), "success")
    return redirect(url_for(".privacy"), 303)
