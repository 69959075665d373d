"""Measured follow-up: how many working days each step took and whether it met its term.

One definition, written onto the report when the step happens, so queues, the detail page and the
figures all read the same numbers:
- triage: working days from the day of receipt to the day the report was sent to a team;
- first contact and closing: the same, to the day of first contact and of closing;
- on time: the step happened on or before the last day of its term (the closing term as extended).
A step on the day of receipt took 0 working days. Days are Amsterdam calendar days; hours are derived
from the stored moments (`hours_between`).
"""
from portal.calendar import deadlines
from portal.calendar.clock import as_utc, local_date


def working_days_taken(received_at, done_at, calendar=None):
    start, end = local_date(received_at), local_date(done_at)
    if calendar is not None:
        return calendar.working_days_between(start, end)
    return deadlines.working_days_between(start, end)


def hours_between(start, end):
    return round((as_utc(end) - as_utc(start)).total_seconds() / 3600, 1)


def record_triage(report, calendar=None):
    report.triage_working_days = working_days_taken(report.received_at, report.triaged_at, calendar)


def record_first_contact(report, calendar=None):
    report.first_contact_working_days = working_days_taken(report.received_at, report.first_contact_at, calendar)
    report.first_contact_on_time = local_date(report.first_contact_at) <= report.first_contact_due


def record_closing(report, calendar=None):
    report.closing_working_days = working_days_taken(report.received_at, report.closed_at, calendar)
    report.closed_on_time = local_date(report.closed_at) <= report.closing_due


def clear_closing(report):
    report.closing_working_days = None
    report.closed_on_time = None


def summary(report):
    """The follow-up of one report for the detail page: per step its time in working days and hours."""
    steps = []
    for name, moment, days, on_time in (
        ("triage", report.triaged_at, report.triage_working_days, None),
        ("first_contact", report.first_contact_at, report.first_contact_working_days, report.first_contact_on_time),
        ("closing", report.closed_at, report.closing_working_days, report.closed_on_time),
    ):
        if moment is not None:
            steps.append({"step": name, "working_days": days, "hours": hours_between(report.received_at, moment),
                          "on_time": on_time})
    return steps
