"""PDF uploads: refused when they carry scripts or launch actions, have too many pages or no text; else their text.

Scripts are looked for twice: as names in the raw bytes (/JavaScript, /JS, /Launch), and by walking the
document's objects as pypdf decodes them, which also finds names hidden in compressed object streams or written
with #-escapes (/J#61vaScript).
"""
import io
import re
import struct
import zlib

from portal.letters.refusals import DocumentRefused

MAX_PAGES = 60
MIN_LETTERS = 20  # fewer letters than this on all pages together: a scan, not a text
MAX_OBJECTS_WALKED = 50_000
ACTIVE_NAMES = frozenset({"/JavaScript", "/JS", "/Launch"})
_RAW_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch)(?![A-Za-z0-9#])")


def _pdf_failures():
    """What pypdf may raise on a damaged or hostile file; caught to refuse the file, never a bare Exception."""
    from pypdf.errors import PyPdfError

    return (PyPdfError, ValueError, KeyError, IndexError, TypeError, AttributeError, RecursionError,
            zlib.error, struct.error, UnicodeError, OverflowError)


def _has_active_content(reader):
    """Whether any object reachable from the trailer names JavaScript or a launch action (a bounded walk)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    pending, seen, walked = [reader.trailer], set(), 0
    while pending and walked < MAX_OBJECTS_WALKED:
        node = pending.pop()
        if isinstance(node, IndirectObject):
            if (node.idnum, node.generation) in seen:
                continue
            seen.add((node.idnum, node.generation))
            node = node.get_object()
        walked += 1
        if isinstance(node, DictionaryObject):
            if ACTIVE_NAMES & set(node.keys()) or node.get("/S") in ACTIVE_NAMES:
                return True
            pending.extend(value for key, value in node.items() if key not in ("/Parent", "/P"))
        elif isinstance(node, ArrayObject):
            pending.extend(node)
    return walked >= MAX_OBJECTS_WALKED  # too big to walk: treat as unsafe rather than guess


def _open(data):
    """A pypdf reader for the bytes; an encrypted file is opened only when it has an empty user password."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        raise DocumentRefused("encrypted")
    return reader


def read_pdf(data):
    """The text of a PDF, page by page; refused for scripts, launch actions, more than MAX_PAGES pages, no text."""
    if _RAW_ACTIVE.search(data):
        raise DocumentRefused("pdf_javascript")
    try:
        reader = _open(data)
        if len(reader.pages) > MAX_PAGES:
            raise DocumentRefused("too_many_pages")
        if _has_active_content(reader):
            raise DocumentRefused("pdf_javascript")
        pages = [page.extract_text() or "" for page in reader.pages]
    except _pdf_failures() as error:
        raise DocumentRefused("unreadable", " ".join(str(error).split())[:200]) from None
    text = "\n\n".join(page.strip() for page in pages)
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        raise DocumentRefused("pdf_no_text")
    return text
