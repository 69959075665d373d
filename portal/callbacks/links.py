"""The link between a report and the callback request it is about: staff pick one, or Meldpunt proposes the
requests of the same phone number or e-mail address (in their one written form). A report linked to a late
request is a confirmed broken promise in the figures."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from portal.callbacks.history import record_callback_event
from portal.callbacks.intake import CallbackRefused
from portal.callbacks.models import CallbackReportLink, CallbackRequest
from portal.contact_details import normalise_email, normalise_phone
from portal.extensions import db
from portal.reports.history import record_event

MAX_CANDIDATES = 20


def candidates(report, visible):
    """Requests with the report's phone number or e-mail address, not yet linked to it, newest first; `visible`
    is the select of requests the user may see (portal.callbacks.assignment.callbacks_visible_to)."""
    matches = []
    if report.phone:
        matches.append(CallbackRequest.phone == normalise_phone(report.phone))
    if report.email:
        matches.append(CallbackRequest.email == normalise_email(report.email))
    if not matches:
        return []
    linked = select(CallbackReportLink.callback_request_id).where(CallbackReportLink.report_id == report.id)
    query = visible.where(or_(*matches), CallbackRequest.id.not_in(linked))
    return db.session.scalars(query.order_by(CallbackRequest.registered_at.desc(), CallbackRequest.id.desc())
                              .limit(MAX_CANDIDATES)).all()


def link(report, callback, *, by):
    """Link the two, with an event on both histories; refused when they are linked already."""
    if callback in report.callback_requests:
        raise CallbackRefused(_l("This callback request is already linked to the report."))
    db.session.add(CallbackReportLink(callback_request_id=callback.id, report_id=report.id,
                                      linked_by_id=by.id if by else None))
    record_event(report, "callback_linked", by, callback_request=callback.number)
    record_callback_event(callback, "report_linked", by, report=report.reference)
    db.session.flush()
    db.session.expire(report, ["callback_requests"])
    db.session.expire(callback, ["reports"])
