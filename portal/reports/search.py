"""What a text typed in the queue's search box stands for, as one SQL condition.

A caller knows their e-mail address, their phone number, their name, the reference we gave them (or part of it,
read aloud) or the reference on our letter. So a text that looks like an e-mail address searches the addresses
and one that looks like a phone number searches the numbers, both in their one stored form
(portal/contact_details.py); any other text is searched as the start of a name or of one of its parts, as the
start of a letter's reference, as a reference or part of one (portal/reports/references.py) and, as before,
anywhere in what the resident wrote. Letter case never matters.

On PostgreSQL each of these has an index (migration 0009): e-mail and phone are b-tree look-ups, the others use
trigram indexes (pg_trgm), which serve `ILIKE '%…%'` and `ILIKE '…%'` alike. On SQLite the same conditions
are evaluated without them, with the same results (letter case is ignored there for ASCII letters only).
"""
import re

from sqlalchemy import or_

from portal.contact_details import normalise_email, normalise_phone
from portal.reports.models import Report
from portal.reports.references import normalise as normalise_reference

# An address: something, one @, something; no spaces.
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+$")
# A number as people write it: digits with spaces, dashes, dots or brackets between them, perhaps a leading +.
PHONE_SHAPE = re.compile(r"^\+?[\d\s\-.()]+$")
MIN_PHONE_DIGITS = 8
# A part of a reference long enough to mean something: half of MC-XXXX-XXXX, up to one character short of whole.
MIN_REFERENCE_PART, REFERENCE_LENGTH, HALF = 4, 8, 4


def escape_like(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def looks_like_phone(text):
    return bool(PHONE_SHAPE.match(text)) and sum(char.isdigit() for char in text) >= MIN_PHONE_DIGITS


def phone_number(text):
    """The number in its stored form (E.164) when the text is a callable phone number, else None."""
    if not looks_like_phone(text):
        return None
    number = normalise_phone(text)
    return number if number.startswith("+") else None


def reference_part(text):
    """Part of a reference as it is written without dashes ("k7q2 x9" → "K7Q2X9"), or None.

    The part is read the way normalise reads a whole reference (O as 0, I as 1, only its characters), by
    completing it to a whole one first."""
    compact = re.sub(r"[\s\-]", "", text.upper())
    if compact.startswith("MC"):
        compact = compact[2:]
    if not MIN_REFERENCE_PART <= len(compact) < REFERENCE_LENGTH:
        return None
    whole = normalise_reference(compact + "0" * (REFERENCE_LENGTH - len(compact)))
    return whole.replace("-", "")[2:2 + len(compact)] if whole else None


def _reference_contains(part):
    """The reference holds the part, within one half or read across its dash (K7Q2X9 in MC-AK7Q-2X9Z)."""
    patterns = [f"%{part}%"] if len(part) <= HALF else []
    patterns += [f"%{part[:split]}-{part[split:]}%" for split in range(1, len(part))
                 if split <= HALF and len(part) - split <= HALF]
    return or_(*(Report.reference.like(pattern) for pattern in patterns))


def _name_starts(pattern):
    """The name, or one of its parts (after a space or a dash), starts with the pattern."""
    return or_(*(Report.name.ilike(f"{before}{pattern}%", escape="\\") for before in ("", "% ", "%-")))


def condition(text):
    """The SQL condition for a search text (already stripped and not empty)."""
    text = " ".join(text.split())
    if EMAIL_SHAPE.match(text):
        return Report.email == normalise_email(text)
    number = phone_number(text)
    if number:
        return Report.phone == number
    pattern = escape_like(text)
    arms = [
        _name_starts(pattern),
        Report.letter_reference.ilike(f"{pattern}%", escape="\\"),
        Report.description.ilike(f"%{pattern}%", escape="\\"),
    ]
    if looks_like_phone(text):
        # Digits that are no callable number may still be a number stored as it was typed, before numbers were
        # checked (migration 0006 kept those as they were), or a letter's reference.
        arms.append(Report.phone == normalise_phone(text))
    reference = normalise_reference(text)
    if reference:
        arms.append(Report.reference == reference)
    part = reference_part(text)
    if part:
        arms.append(_reference_contains(part))
    return or_(*arms)
