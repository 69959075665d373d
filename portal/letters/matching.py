"""Which letter a report is about: the report's letter reference matched to the register by reference prefix.

A report quoting "bel/2026/00123" is about the letter whose prefix starts that reference, compared without regard
to case and surrounding spaces; when several prefixes fit, the longest wins ("BEL/2026/WOZ/" before "BEL/2026/"),
and between letters with the same prefix the newest. One SQL statement (a window over the candidate letters of
each report), so the figures stay a database aggregation. Prefixes hold only letters, digits and / - . (see
register.PREFIX_PATTERN), so they carry no LIKE wildcards.
"""
from sqlalchemy import func, select

from portal.extensions import db
from portal.letters.models import Letter
from portal.reports.models import Report


def _reference(column):
    return func.lower(func.trim(column))


def best_matches(*conditions):
    """A subquery of (report_id, letter_id): for each report with a letter reference (and the conditions), the
    letter it is about, if any."""
    fits = _reference(Report.letter_reference).like(func.lower(Letter.reference_prefix) + "%")
    rank = func.row_number().over(partition_by=Report.id,
                                  order_by=(func.length(Letter.reference_prefix).desc(), Letter.id.desc()))
    candidates = (select(Report.id.label("report_id"), Letter.id.label("letter_id"), rank.label("rank"))
                  .join(Letter, fits)
                  .where(Report.letter_reference.is_not(None), *conditions)
                  .subquery())
    return select(candidates.c.report_id, candidates.c.letter_id).where(candidates.c.rank == 1).subquery()


def reports_per_letter(*conditions, limit=None):
    """[(letter_id, number of reports)], most reports first, for the reports that meet the conditions."""
    matches = best_matches(*conditions)
    query = (select(matches.c.letter_id, func.count().label("reports")).group_by(matches.c.letter_id)
             .order_by(func.count().desc(), matches.c.letter_id))
    if limit:
        query = query.limit(limit)
    return [(letter_id, count) for letter_id, count in db.session.execute(query)]


def reports_about(letter, visible_reports):
    """(total number of reports about this letter, the ones of them in `visible_reports` (a select of reports
    the user may see), newest first)."""
    matches = best_matches()
    ids = select(matches.c.report_id).where(matches.c.letter_id == letter.id)
    total = db.session.scalar(select(func.count()).select_from(ids.subquery()))
    shown = visible_reports.where(Report.id.in_(ids)).order_by(Report.received_at.desc()).limit(50)
    return total, db.session.scalars(shown).all()


def letter_about(report, visible_letters):
    """The letter this report is about, or None; also None when it is not among `visible_letters` (a select of
    the letters the user may see): the best match decides, never a shorter one the user happens to see."""
    if not (report.letter_reference or "").strip():
        return None
    reference = func.lower(func.trim(report.letter_reference))
    best = (select(Letter.id).where(reference.like(func.lower(Letter.reference_prefix) + "%"))
            .order_by(func.length(Letter.reference_prefix).desc(), Letter.id.desc()).limit(1)).scalar_subquery()
    return db.session.scalar(visible_letters.where(Letter.id == best))
