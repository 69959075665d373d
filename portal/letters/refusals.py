"""Why an uploaded draft letter is refused: a short reason code and a one-line message in plain English."""
from portal.letters.wording import N_

MAX_UPLOAD_BYTES = 2 * 1024 * 1024

MESSAGES = {
    "too_large": N_("This file is larger than 2 MB. Upload a smaller file, or paste the text."),
    "empty": N_("This file has no text."),
    "not_a_zip": N_("This file is not a real Word or OpenDocument file. Save it again from your word processor."),
    "not_a_pdf": N_("This file is not a real PDF. Save it again, or upload the Word file."),
    "not_text": N_("This file is not plain text. Upload a .txt, .docx, .odt or .pdf file."),
    "zip_bomb": N_("This file unpacks to far more data than a letter needs. Save it again without images."),
    "macros": N_("This file contains macros. Save it as an ordinary .docx or .odt file without macros."),
    "external_reference": N_("This file links to a template or file elsewhere. Save it again without that link."),
    "pdf_javascript": N_("This PDF contains scripts or actions. Upload the Word file instead."),
    "pdf_no_text": N_("This PDF has no text; upload the Word file."),
    "encrypted": N_("This file is protected with a password. Upload a copy without a password."),
    "unreadable": N_("This file cannot be read. It may be damaged. Save it again, or paste the text."),
    "unsupported_type": N_("This type of file cannot be checked. Upload a .txt, .docx, .odt or .pdf file."),
    "too_many_pages": N_("This PDF has more than 60 pages. Upload the letter alone."),
}


class DocumentRefused(Exception):
    """An upload that is not read: `.reason` is a code from MESSAGES, `.message` the sentence to show."""

    def __init__(self, reason, detail=None):
        self.reason = reason
        self.message = MESSAGES[reason]
        self.detail = detail  # for logs only: what the library said, one line
        super().__init__(self.message)

    def __str__(self):
        return self.message
