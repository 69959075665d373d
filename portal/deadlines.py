"""The name CONTRACT.md promises (`portal.deadlines.due_date`, `is_working_day`); the rules live in portal.calendar."""
from portal.calendar.deadlines import due_date, is_working_day, working_days_between

__all__ = ["due_date", "is_working_day", "working_days_between"]
