"""Report references: random, unique, easy to read aloud on the phone (MC-XXXX-XXXX)."""
import re
import secrets

# Digits and capitals without the letters O and I, so that 0 and 1 are never mistaken for them;
# a typed O or I is read as the digit it looks like.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
PATTERN = re.compile(r"^MC-[0-9A-Z]{4}-[0-9A-Z]{4}$")


def new_reference():
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"MC-{chars[:4]}-{chars[4:]}"


def normalise(code):
    """A reference as typed ("mc abcd efgh", " MC-ABCD-EFGH ") in its one written form, or None."""
    if not code:
        return None
    compact = re.sub(r"[\s\-]", "", code.strip().upper())
    if compact.startswith("MC"):
        compact = compact[2:]
    compact = compact.replace("O", "0").replace("I", "1")
    if len(compact) != 8:
        return None
    candidate = f"MC-{compact[:4]}-{compact[4:]}"
    return candidate if PATTERN.match(candidate) else None
