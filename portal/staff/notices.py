"""E-mails to a staff member about their own account: log-ins paused after wrong passwords, a password changed.

Both go through the outbox in the same transaction as what they tell about; both point to the page where the
holder sets a new password if it was not them.
"""
from datetime import timedelta

from sqlalchemy import or_, select, update

from portal.calendar.clock import now_utc
from portal.contact_details import normalise_email
from portal.extensions import db
from portal.mail.outbox import external_url, queue_mail
from portal.staff.models import User


def tell_log_ins_paused(email, language, minutes):
    """Tell the holder of this active account that log-ins to it are paused, at most once per `minutes`.

    The notice is claimed with a conditional UPDATE, so workers refusing tries at the same moment send one mail.
    True when a mail was queued (flush only; the caller commits)."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.active:
        return False
    now = now_utc()
    claimed = db.session.execute(
        update(User)
        .where(User.id == user.id,
               or_(User.throttle_notice_at.is_(None), User.throttle_notice_at <= now - timedelta(minutes=minutes)))
        .values(throttle_notice_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False
    queue_mail(user.email, "log_ins_paused", language, user=user, minutes=minutes,
               forgot_url=external_url("admin.password_forgot"))
    return True


def tell_password_changed(user, language):
    """A password change the holder did not make must not go unnoticed (flush only)."""
    queue_mail(user.email, "password_changed", language, user=user, changed_at=now_utc(),
               forgot_url=external_url("admin.password_forgot"))
