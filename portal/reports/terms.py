"""A report's terms as staff see them today: the last day of each, and how many working days are left.

The rule for "overdue" lives here and in the queue's SQL (`next_due < today`): a term is passed from the day
after its last day.
"""
from dataclasses import dataclass
from datetime import date

from portal.calendar.clock import local_today
from portal.calendar.deadlines import working_days_left


@dataclass(frozen=True)
class TermState:
    name: str  # "first_contact" or "closing"
    due: date
    done_at: object  # the moment the step happened, or None
    days_left: int | None  # None once the step is done or the report is no longer open

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
        pending = done_at is None and report.status.is_open
        states.append(TermState(name, due, done_at, working_days_left(due, today) if pending else None))
    return states
