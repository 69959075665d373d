"""The text of an uploaded draft letter (.txt, .docx, .odt, .pdf), or a DocumentRefused with the reason why not.

The size is checked before anything is parsed; the type is judged by the name and by the first bytes, and both
must agree. Office files are inspected as zip archives before a library opens them (portal.letters.office), PDFs
for scripts and pages (portal.letters.pdf). Nothing but DocumentRefused leaves read_document for a bad file.
"""
from pathlib import PurePath

from portal.letters.office import read_docx, read_odt
from portal.letters.pdf import read_pdf
from portal.letters.refusals import MAX_UPLOAD_BYTES, MESSAGES, DocumentRefused

__all__ = ["DocumentRefused", "MAX_UPLOAD_BYTES", "MESSAGES", "read_document", "kind_of"]

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
PDF_MAGIC = b"%PDF-"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc and .xls
MACRO_SUFFIXES = (".docm", ".dotm", ".odm")
# Control characters a plain-text letter never holds (tab, newline, carriage return, form feed are fine).
_CONTROL = {byte for byte in range(32) if byte not in (9, 10, 12, 13)}


def kind_of(filename, data):
    """The file's kind by name and content: "txt", "docx", "odt" or "pdf"; refuses when they disagree."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix in MACRO_SUFFIXES:
        raise DocumentRefused("macros")
    if suffix in (".docx", ".odt"):
        if not data.startswith(ZIP_MAGIC):
            raise DocumentRefused("not_a_zip")
        return suffix[1:]
    if suffix == ".pdf":
        if PDF_MAGIC not in data[:1024]:
            raise DocumentRefused("not_a_pdf")
        return "pdf"
    if suffix in (".txt", ".text", ""):
        if data.startswith(ZIP_MAGIC + (OLE_MAGIC,)) or data.lstrip()[:5] == PDF_MAGIC:
            raise DocumentRefused("not_text")
        return "txt"
    raise DocumentRefused("unsupported_type")


def read_text(data):
    """A plain-text file as text: UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise DocumentRefused("unreadable", str(error)) from None
    sample = data[:65536]
    controls = sum(1 for byte in sample if byte in _CONTROL)
    if b"\x00" in sample or controls > len(sample) // 100:
        raise DocumentRefused("not_text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:  # five byte values have no character in cp1252
        raise DocumentRefused("not_text", str(error)) from None


READERS = {"txt": read_text, "docx": read_docx, "odt": read_odt, "pdf": read_pdf}


def read_document(filename: str, data: bytes) -> str:
    """The text of an uploaded file, with paragraphs on lines of their own and list items starting with "- ".

    Raises DocumentRefused (reason: too_large, empty, not_a_zip, not_a_pdf, not_text, zip_bomb, macros,
    external_reference, pdf_javascript, pdf_no_text, encrypted, unreadable, unsupported_type, too_many_pages).
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise DocumentRefused("too_large")
    if not data.strip():
        raise DocumentRefused("empty")
    text = READERS[kind_of(filename, data)](data)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not text.strip():
        raise DocumentRefused("empty")
    return text
