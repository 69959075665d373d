"""Free text from residents: plain text only, markup stripped, unreadable characters refused."""
import html
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
    # "&" is escaped first so that a typed "&amp;" survives as typed rather than as an entity.
    as_html = text.replace("&", "&amp;")
    stripped = html.unescape(bleach.clean(as_html, tags=set(), attributes={}, strip=True, strip_comments=True))
    stripped = unicodedata.normalize("NFC", stripped)
    if not multiline:
        stripped = " ".join(stripped.split())
    return stripped.strip()
