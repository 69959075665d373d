"""What people read for the coded values of a report: statuses, channels, contact preferences."""
from flask_babel import lazy_gettext as _l

from portal.models import Channel, ContactPreference, ReportStatus

STATUS_LABELS = {
    ReportStatus.NEW: _l("Received"),
    ReportStatus.ASSIGNED: _l("Being handled"),
    ReportStatus.CONTACTED: _l("Being handled, we have contacted you"),
    ReportStatus.CLOSED: _l("Closed"),
    ReportStatus.DISMISSED: _l("Not handled as a report"),
}

STATUS_EXPLANATIONS = {
    ReportStatus.NEW: _l("We have received your report. The contact centre will send it to the right team."),
    ReportStatus.ASSIGNED: _l("The team that your report is about is working on it."),
    ReportStatus.CONTACTED: _l("The team has contacted you and is finishing your report."),
    ReportStatus.CLOSED: _l("Your report is closed. If you left an e-mail address, you received our answer."),
    ReportStatus.DISMISSED: _l("We did not handle this as a report, for example because it was sent twice."),
}

CHANNEL_LABELS = {
    Channel.WEB: _l("Website"),
    Channel.PHONE: _l("Phone"),
    Channel.DESK: _l("Desk"),
    Channel.EMAIL: _l("E-mail"),
}

CONTACT_PREFERENCE_LABELS = {
    ContactPreference.NONE: _l("Do not contact me"),
    ContactPreference.EMAIL: _l("By e-mail"),
    ContactPreference.PHONE: _l("By phone"),
}


def init_app(app):
    app.jinja_env.globals.update(
        status_label=STATUS_LABELS.get,
        status_explanation=STATUS_EXPLANATIONS.get,
        channel_label=CHANNEL_LABELS.get,
    )
