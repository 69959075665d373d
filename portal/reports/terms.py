"""A report's terms: which apply, their last days, and how many working days are left today.

Two rules live here. "Overdue": a term is passed from the day after its last day (the queue's SQL says the same,
`next_due < today`). "Wants contact": a resident who chose to be contacted (by e-mail or phone) is owed first
contact within its term; one who chose not to be, or left no details, is not — no first-contact term then counts
for them: not on the staff pages, not in escalations (portal.reports.escalations), not in the figures
(portal.figures.queries), and the next term to meet is closing.
"""
from dataclasses import dataclass
from datetime import date

from portal.calendar.clock import local_today
from portal.calendar.deadlines import working_days_left
from portal.reports.models import ContactPreference, Report

# The same rule as SQL, for queries over many reports.
WANTS_CONTACT = Report.contact_preference != ContactPreference.NONE


def wants_contact(report):
    """The resident asked to be contacted: a first-contact term applies (see the module's docstring)."""
    return report.contact_preference is not ContactPreference.NONE


def chosen_contact_preference(chosen, *, email, phone):
    """The preference a resident gave; when they chose nothing, the details they gave decide (e-mail first, then
    phone), and without details it is no contact. Nothing is pre-selected on the form, so a resident who filled in
    an address is never told they did not ask for contact."""
    if chosen:
        return ContactPreference(chosen)
    if email:
        return ContactPreference.EMAIL
    if phone:
        return ContactPreference.PHONE
    return ContactPreference.NONE


def next_due(report):
    """The next term to meet: first contact while it is owed and has not happened, then closing."""
    if wants_contact(report) and report.first_contact_at is None:
        return report.first_contact_due
    return report.closing_due


@dataclass(frozen=True)
class TermState:
    name: str  # "first_contact" or "closing"
    due: date
    done_at: object  # the moment the step happened, or None
    days_left: int | None  # None once the step is done, the report is no longer open, or the term does not apply
    applies: bool = True  # False for first contact when the resident did not ask for contact

    @property
    def overdue(self):
        return self.days_left is not None and self.days_left < 0


def is_overdue(report, today=None):
    """The report is open and its next term has passed."""
    return report.status.is_open and report.next_due < (today or local_today())


def term_states(report, today=None):
    """Both terms of the report, first contact then closing."""
    today = today or local_today()
    states = []
    for name, due, done_at in (("first_contact", report.first_contact_due, report.first_contact_at),
                               ("closing", report.closing_due, report.closed_at)):
        applies = name == "closing" or wants_contact(report)
        pending = done_at is None and report.status.is_open and applies
        states.append(TermState(name, due, done_at, working_days_left(due, today) if pending else None, applies))
    return states
