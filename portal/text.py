"""Free text from residents: plain text only, markup stripped, unreadable characters refused; and which name
may go into an e-mail we send."""
import html
import re
import unicodedata

import bleach

# Characters that hide or reorder what staff would read ("Trojan source" tricks), refused outright.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ALLOWED_CONTROLS = frozenset("\n\t")


class UnreadableText(ValueError):
    """The text holds characters we cannot store or show faithfully."""


def find_unreadable(text):
    """The first character that makes this text unfit to store, or None."""
    for char in text:
        if char in ALLOWED_CONTROLS:
            continue
        if char in BIDI_CONTROLS or char == "\ufffd":
            return char
        category = unicodedata.category(char)
        # Cc: control characters such as NUL; Cs: lone surrogates; Cn: unassigned code points.
        if category in ("Cc", "Cs", "Cn"):
            return char
    return None


def clean_plain_text(text, *, multiline=True):
    """Plain text as the resident meant it: markup stripped, line ends unified, whitespace trimmed.

    bleach returns HTML-escaped text; it is unescaped here so that "5 < 10 & klopt" stays as typed,
    and Jinja escapes it once, on output.
    """
    if text is None:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if find_unreadable(text) is not None:
        raise UnreadableText(text)
    if "<" in text:
        # "&" is escaped first so that a typed "&amp;" survives as typed rather than as an entity.
        as_html = text.replace("&", "&amp;")
        stripped = html.unescape(bleach.clean(as_html, tags=set(), attributes={}, strip=True, strip_comments=True))
    else:
        stripped = text  # without a "<" there is no markup to strip (and parsing it is most of a submission's cost)
    stripped = unicodedata.normalize("NFC", stripped)
    if not multiline:
        stripped = " ".join(stripped.split())
    return stripped.strip()


# A name in an e-mail we send is read as our words: only a name-shaped value goes in (see name_for_mail).
NAME_MAX_LENGTH = 60
# Each word of the name, after every letter has been replaced by "a": a word with inner hyphens or apostrophes
# (Anne-Marie, d'Ancona, 't), perhaps abbreviated with a dot (Jr.), or initials (A. or A.B.).
_NAME_WORD = r"(?:a\.)+|['\u2019]?a+(?:[-'\u2019]a+)*\.?"
_NAME_SHAPE = re.compile(rf"(?:{_NAME_WORD})(?: (?:{_NAME_WORD}))*")


def name_for_mail(name):
    """The name, if it looks like a person's name, for a greeting in an e-mail; None otherwise.

    A public form lets anyone put any text and any address in; a "name" such as "Jan. Let op: uw DigiD wordt
    geblokkeerd, ga naar https://…" would make our own mail carry a stranger's message. Only letters (accented
    ones too), spaces, hyphens, apostrophes and dots in the shape of a name, at most 60 characters, pass; no
    digits, no other punctuation, so no address or web link. Anything else gets the general greeting.
    """
    if not name:
        return None
    name = " ".join(unicodedata.normalize("NFC", str(name)).split())
    if not name or len(name) > NAME_MAX_LENGTH:
        return None
    # Letters and combining marks of any script become "a"; what is left must be the shape of a name.
    shape = "".join("a" if unicodedata.category(char)[0] in "LM" else char for char in name)
    return name if _NAME_SHAPE.fullmatch(shape) else None
