"""The letters' figures per month or quarter (portal.figures.periods.Period), as plain data for the page, the
downloads and, later, the service-report pages.

- **Letters checked**: letters first submitted in the period (Amsterdam time).
- **At B1 at first submission**: of those, the ones whose first version met the B1 counts; share = that / checked.
- **Approved**: letters the KCC approved in the period (and not resubmitted since); **at B1 at approval**: of
  those, the ones whose approved version met the B1 counts; share = that / approved.
- **Target** (admin-set, 80% by default) is judged on the share at approval: what actually goes out.
- **Letters with the most reports**: reports received in the period whose letter reference matches a letter
  (portal.letters.matching), counted per letter.

Shares are fractions rounded to 0.1 percentage point (0.745 is 74.5%), as the service report rounds them.
"""
from dataclasses import dataclass, field

from sqlalchemy import and_, func, select

from portal.extensions import db
from portal.letters.matching import reports_per_letter
from portal.letters.models import Letter, LetterDraft
from portal.letters.wordlist import b1_target
from portal.reports.models import Report

TOP_LETTERS = 10


@dataclass
class LetterReports:
    """A letter and the number of reports about it received in the period."""

    letter_id: int
    title: str
    team: str
    reference_prefix: str
    reports: int


@dataclass
class LetterFigures:
    period: object
    checked: int
    b1_first: int
    approved: int
    b1_approved: int
    target: float
    most_reports: list = field(default_factory=list)

    @property
    def share_first(self):
        return share(self.b1_first, self.checked)

    @property
    def share_approved(self):
        return share(self.b1_approved, self.approved)

    @property
    def target_met(self):
        """True or False; None while no letter was approved in the period."""
        return None if self.share_approved is None else self.share_approved >= round(self.target, 3)


def share(part, whole):
    return round(part / whole, 3) if whole else None


def _count_b1(moment_column, draft_number, start, end):
    """(letters whose moment falls in [start, end), of them whose draft `draft_number` met B1)."""
    query = (select(func.count(Letter.id), func.count(LetterDraft.id))
             .select_from(Letter)
             .outerjoin(LetterDraft, and_(LetterDraft.letter_id == Letter.id, LetterDraft.number == draft_number,
                                          LetterDraft.meets_b1.is_(True)))
             .where(moment_column >= start, moment_column < end))
    total, at_b1 = db.session.execute(query).one()
    return total, at_b1


def most_reported(start, end, limit=TOP_LETTERS):
    """The letters with the most reports received in [start, end), most first."""
    counts = reports_per_letter(Report.received_at >= start, Report.received_at < end, limit=limit)
    letters = {letter.id: letter for letter in
               db.session.scalars(select(Letter).where(Letter.id.in_([letter_id for letter_id, _ in counts])))}
    return [LetterReports(letter_id, letters[letter_id].title, letters[letter_id].team.name,
                          letters[letter_id].reference_prefix, count) for letter_id, count in counts]


def period_figures(period):
    """The letters' figures of one month or quarter."""
    start, end = period.utc_bounds()
    checked, b1_first = _count_b1(Letter.submitted_at, 1, start, end)
    approved, b1_approved = _count_b1(Letter.approved_at, Letter.approved_draft, start, end)
    return LetterFigures(period=period, checked=checked, b1_first=b1_first, approved=approved,
                         b1_approved=b1_approved, target=b1_target(), most_reports=most_reported(start, end))
