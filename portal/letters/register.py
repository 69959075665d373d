"""The register of letters: submit a draft, resubmit a new version, the KCC's review, and marking a letter sent.

Every function takes plain values and model objects, changes and flushes; the view commits. Each change to a
letter first claims it with a conditional UPDATE on its version (portal.versions, as for reports), so
two reviewers at once never both decide, and a decision on a version that was replaced meanwhile is refused.
A bulk letter (LETTERS_BULK_COPIES copies or more, 20 by default) cannot be marked sent before the KCC has approved it.
"""
import re
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, select

from portal.calendar.clock import local_today, now_utc
from portal.extensions import db
from portal.letters.analysis import analyse
from portal.letters.models import DraftSource, Letter, LetterDraft, LetterReview, LetterStatus, ReviewDecision
from portal.letters.wordlist import officialese_pairs
from portal.staff.access import READ_ALL
from portal.staff.models import Role, team_members
from portal.versions import ChangedMeanwhile, seen_version, take  # noqa: F401  (this module's API)

PREFIX_PATTERN = re.compile(r"[A-Za-z0-9/.\-]{2,40}")
MAX_COPIES = 1_000_000
MAX_TEXT_CHARACTERS = 200_000
# About 20 pages: a longer document is not one letter (a 40-page upload is refused, whatever its format).
MAX_LETTER_WORDS = 10_000
DEFAULT_BULK_COPIES = 20
SUBMITTERS = (Role.TEAM, Role.ADMIN)
REVIEWERS = (Role.KCC, Role.ADMIN)
# A letter can still be changed (resubmitted) or marked sent in these states; SENT is final.
OPEN = (LetterStatus.WAITING, LetterStatus.RETURNED, LetterStatus.APPROVED)


class LetterRefused(Exception):
    """A rule of the register was broken; nothing was changed. `.message` says what to do, in the staff's words."""

    def __init__(self, message, field=None):
        self.message = message
        self.field = field  # "text" when the letter's text is what was refused
        super().__init__(str(message))


@dataclass
class LetterDetails:
    title: str
    team: object
    reference_prefix: str
    copies: int
    planned_send_on: date


def bulk_copies():
    """From how many copies a letter is a bulk letter that the KCC must approve before it goes out."""
    return int(current_app.config.get("LETTERS_BULK_COPIES", DEFAULT_BULK_COPIES))


def is_bulk(letter):
    return letter.copies >= bulk_copies()


def letters_visible_to(user):
    """A select of the letters this user may see: every letter for the KCC, managers and admins; a team member
    only their teams' letters."""
    query = select(Letter)
    if user.role in READ_ALL:
        return query
    if user.role is Role.TEAM:
        own_teams = select(team_members.c.team_id).where(team_members.c.user_id == user.id)
        return query.where(Letter.team_id.in_(own_teams))
    return query.where(False)


def may_submit_for(user, team):
    """Team members submit for their own teams; admins for any active team."""
    if team is None or not team.active or user.role not in SUBMITTERS:
        return False
    return user.role is Role.ADMIN or team in user.teams


def may_review(user):
    return user.role in REVIEWERS


def may_change(user, letter):
    """Resubmitting and marking sent: the letter's team, and admins."""
    return letter.status in OPEN and may_submit_for(user, letter.team)


def check_details(details: LetterDetails, today=None):
    """The rules of a letter's details, in one home (the form shows the same messages beside its fields)."""
    if not PREFIX_PATTERN.fullmatch(details.reference_prefix or ""):
        raise LetterRefused(_l("Use 2 to 40 letters, digits, slashes, hyphens or dots for the reference."))
    if not 1 <= (details.copies or 0) <= MAX_COPIES:
        raise LetterRefused(_l("Fill in a number of copies from 1 to 1,000,000."))
    if details.planned_send_on < (today or local_today()):
        raise LetterRefused(_l("The planned sending date cannot be in the past."))


def _add_draft(letter, number, text, source, filename, by):
    if not (text or "").strip():
        raise LetterRefused(_l("The letter has no text."), "text")
    if len(text) > MAX_TEXT_CHARACTERS:
        raise LetterRefused(_l("The letter is too long: use at most 200,000 characters."), "text")
    if len(text.split()) > MAX_LETTER_WORDS:
        raise LetterRefused(_l("This is longer than a letter (more than about 20 pages). Submit the letter alone, "
                               "without attachments."), "text")
    result = analyse(text, officialese_pairs())
    if not result.language.dutch:
        raise LetterRefused(_l("This text does not look Dutch. The check works for Dutch letters only."), "text")
    draft = LetterDraft(letter=letter, number=number, text=text, source=DraftSource(source),
                        filename=(filename or None) and filename[:255], submitted_at=now_utc(),
                        submitted_by_id=by.id, submitted_by=by.name, meets_b1=result.meets_b1,
                        verdict=result.verdict, score=result.score, analysis=result.as_json())
    db.session.add(draft)
    return draft


def submit(details: LetterDetails, text, *, source, filename=None, by):
    """A new letter in the register with its first version and that version's analysis. The caller commits."""
    if not may_submit_for(by, details.team):
        raise LetterRefused(_l("You can only submit letters for your own teams."))
    check_details(details)
    letter = Letter(title=details.title.strip(), team=details.team, reference_prefix=details.reference_prefix,
                    copies=details.copies, planned_send_on=details.planned_send_on, status=LetterStatus.WAITING,
                    draft_count=1, submitted_at=now_utc(), submitted_by_id=by.id, submitted_by=by.name)
    db.session.add(letter)
    _add_draft(letter, 1, text, source, filename, by)
    db.session.flush()
    return letter


def resubmit(letter, text, *, source, filename=None, by, seen):
    """A new version of the letter, analysed; the letter waits for review again (an approval was of the version
    before, so it no longer holds). The caller commits."""
    take(letter, seen)
    if not may_change(by, letter):
        raise LetterRefused(_l("This letter was sent and cannot be changed any more."))
    draft = _add_draft(letter, letter.draft_count + 1, text, source, filename, by)
    letter.draft_count += 1
    letter.status = LetterStatus.WAITING
    letter.approved_at = letter.approved_by_id = letter.approved_by = letter.approved_draft = None
    db.session.flush()
    return draft


def review(letter, decision, comments, *, by, seen):
    """The KCC approves the current version, or returns it with comments (required then). The caller commits."""
    take(letter, seen)
    if not may_review(by):
        raise LetterRefused(_l("Only the KCC and admins review letters."))
    if letter.status is not LetterStatus.WAITING:
        raise LetterRefused(_l("This letter is not waiting for review."))
    decision = ReviewDecision(decision)
    comments = (comments or "").strip() or None
    if decision is ReviewDecision.RETURNED and not comments:
        raise LetterRefused(_l("Write what the team should change."))
    moment = now_utc()
    db.session.add(LetterReview(letter=letter, draft_number=letter.draft_count, decision=decision,
                                comments=comments, decided_at=moment, decided_by_id=by.id, decided_by=by.name))
    if decision is ReviewDecision.APPROVED:
        letter.status = LetterStatus.APPROVED
        letter.approved_at, letter.approved_by_id, letter.approved_by = moment, by.id, by.name
        letter.approved_draft = letter.draft_count
    else:
        letter.status = LetterStatus.RETURNED
    db.session.flush()


def mark_sent(letter, sent_on, *, by, seen):
    """The team sent the letter on `sent_on` (not in the future). A bulk letter needs the KCC's approval first."""
    take(letter, seen)
    if not may_change(by, letter):
        raise LetterRefused(_l("This letter was marked as sent already."))
    if is_bulk(letter) and letter.status is not LetterStatus.APPROVED:
        raise LetterRefused(_l("A bulk letter can only be sent after the KCC has approved it."))
    if sent_on > local_today():
        raise LetterRefused(_l("The sending date cannot be in the future."))
    letter.status = LetterStatus.SENT
    letter.sent_on, letter.sent_marked_at, letter.sent_by_id = sent_on, now_utc(), by.id
    db.session.flush()


def waiting_for_review(user, limit=200):
    """The letters waiting for the KCC: bulk letters first, then by planned sending date."""
    bulk_first = case((Letter.copies >= bulk_copies(), 0), else_=1)
    query = (letters_visible_to(user).where(Letter.status == LetterStatus.WAITING)
             .order_by(bulk_first, Letter.planned_send_on, Letter.id).limit(limit))
    return db.session.scalars(query).all()


def recent_letters(user, limit=100):
    """The letters this user may see, newest first."""
    query = letters_visible_to(user).order_by(Letter.submitted_at.desc(), Letter.id.desc()).limit(limit)
    return db.session.scalars(query).all()


def draft_of(letter, number):
    """One version of the letter (the newest for None), or None when there is no such number."""
    number = letter.draft_count if number is None else number
    return next((draft for draft in letter.drafts if draft.number == number), None)
