"""The outbox for admins: filter on status, read the last error in words, resend what failed after a fix."""
from flask import abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from admin.blueprint import bp
from admin.flashing import flash_text
from admin.guards import role_required
from admin.outbox.forms import ResendForm
from portal.extensions import db
from portal.mail import review
from portal.mail.models import OutboxStatus
from portal.staff.access import ADMINS


def _status_from_request():
    value = request.args.get("status") or ""
    return OutboxStatus(value) if value in {status.value for status in OutboxStatus} else None


@bp.get("/outbox")
@role_required(ADMINS)
def outbox():
    status = _status_from_request()
    after = request.args.get("after", "")
    found = review.page(status=status, after=int(after) if after.isdigit() and len(after) < 19 else None)
    return render_template("admin/outbox.html", found=found, status=status, form=ResendForm(),
                           statuses=list(OutboxStatus), review=review,
                           failed_count=found.counts[OutboxStatus.FAILED])


def _resent(count):
    db.session.commit()
    if count:
        flash_text(ngettext("%(num)d e-mail is queued to be sent again.",
                            "%(num)d e-mails are queued to be sent again.", count), "success")
    else:
        flash_text(_l("This e-mail was already sent, or is already waiting to be sent again.") if request.view_args
                   else _l("There are no failed e-mails to send again."), "info")
    return redirect(url_for(".outbox", status="failed"), 303)


@bp.post("/outbox/<int:message_id>/resend")
@role_required(ADMINS)
def outbox_resend(message_id):
    if not ResendForm().validate_on_submit():
        abort(400)
    return _resent(review.resend([message_id]))


@bp.post("/outbox/resend-failed")
@role_required(ADMINS)
def outbox_resend_failed():
    if not ResendForm().validate_on_submit():
        abort(400)
    return _resent(review.resend())
