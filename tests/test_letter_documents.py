"""Uploaded draft letters: ordinary files give their text, hostile or broken ones are refused with a reason."""
import io
import zipfile

import docx
import pytest
from odf.opendocument import OpenDocumentText
from odf.text import H, List, ListItem, P
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from portal.letters.documents import MAX_UPLOAD_BYTES, DocumentRefused, read_document

LETTER = ["Beste mevrouw Bakker,", "U krijgt de vergunning. De vergunning kost 96 euro per jaar."]
ATTACHED_TEMPLATE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


def docx_file(paragraphs=LETTER, bullets=(), table=None):
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    for bullet in bullets:
        document.add_paragraph(bullet, style="List Bullet")
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def odt_file(paragraphs=LETTER, bullets=(), heading=None):
    document = OpenDocumentText()
    if heading:
        document.text.addElement(H(outlinelevel=1, text=heading))
    for paragraph in paragraphs:
        document.text.addElement(P(text=paragraph))
    if bullets:
        listing = List()
        for bullet in bullets:
            item = ListItem()
            item.addElement(P(text=bullet))
            listing.addElement(item)
        document.text.addElement(listing)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def rezip(data, add=None, replace=None):
    """The same archive with parts added or replaced (name -> bytes)."""
    add, replace = add or {}, replace or {}
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(entry, replace.get(entry.filename, source.read(entry.filename)))
        for name, content in add.items():
            target.writestr(name, content)
    return buffer.getvalue()


def relationships(*relations):
    body = "".join(f'<Relationship Id="rId{number}" Type="{kind}" Target="{target}" TargetMode="External"/>'
                   for number, (kind, target) in enumerate(relations, 90))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns='
            f'"http://schemas.openxmlformats.org/package/2006/relationships">{body}</Relationships>').encode()


def pdf_with_text(lines, catalog_extra=""):
    """A minimal PDF written by hand: one page whose text is drawn with Tj (a real text layer)."""
    content = "BT /F1 12 Tf 72 720 Td " + " ".join(f"({line}) Tj 0 -16 Td" for line in lines) + " ET"
    objects = [
        f"<< /Type /Catalog /Pages 2 0 R {catalog_extra}>>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        "/Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    start = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{start}\n%%EOF\n".encode()
    return out


def blank_pdf(pages=1, javascript=None):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if javascript:
        writer.add_open_action(JavaScript(javascript))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def refusal(filename, data):
    with pytest.raises(DocumentRefused) as caught:
        read_document(filename, data)
    assert "\n" not in caught.value.message and "Traceback" not in caught.value.message
    return caught.value.reason


# Files that are read


def test_a_utf8_text_file_is_read_as_is():
    assert read_document("brief.txt", "Beste meneer Yılmaz,\n\nU krijgt € 450.".encode()) == \
        "Beste meneer Yılmaz,\n\nU krijgt € 450."


def test_a_windows_text_file_falls_back_to_cp1252_and_a_utf16_one_is_read_by_its_bom():
    assert read_document("brief.txt", "Café, één euro.".encode("cp1252")) == "Café, één euro."
    assert read_document("brief.txt", "Café, één euro.".encode("utf-16")) == "Café, één euro."


def test_a_docx_gives_its_paragraphs_list_items_and_table_cells_in_order():
    data = docx_file(bullets=["uw paspoort", "deze brief"], table=[["Wanneer", "Dinsdag"], ["Waar", "Balie 3"]])
    assert read_document("brief.docx", data).split("\n\n") == [
        *LETTER, "- uw paspoort", "- deze brief", "Wanneer", "Dinsdag", "Waar", "Balie 3"]


def test_a_docx_with_a_hyperlink_to_a_website_is_read():
    data = rezip(docx_file(), add={"word/_rels/footnotes.xml.rels": relationships((HYPERLINK, "https://dronten.nl"))})
    assert read_document("brief.docx", data).startswith("Beste mevrouw Bakker,")


def test_an_odt_gives_its_heading_paragraphs_and_list_items():
    data = odt_file(heading="Uw parkeervergunning", bullets=["uw paspoort"])
    assert read_document("brief.odt", data).split("\n\n") == ["Uw parkeervergunning", *LETTER, "- uw paspoort"]


def test_a_pdf_with_a_text_layer_gives_its_text():
    text = read_document("brief.pdf", pdf_with_text(["Beste mevrouw Bakker,", "U krijgt de vergunning."]))
    assert "Beste mevrouw Bakker," in text and "U krijgt de vergunning." in text


def test_a_file_of_exactly_two_megabytes_is_still_read():
    assert len(read_document("brief.txt", b"a" * MAX_UPLOAD_BYTES)) == MAX_UPLOAD_BYTES


# Files that are refused


@pytest.mark.parametrize("filename", ["brief.txt", "brief.docx", "brief.pdf", "brief.odt"])
def test_a_file_over_two_megabytes_is_refused_before_it_is_parsed(filename):
    assert refusal(filename, b"PK\x03\x04" + b"x" * (MAX_UPLOAD_BYTES - 3)) == "too_large"


@pytest.mark.parametrize("data", [b"", b"   \n\t "])
def test_an_empty_file_is_refused(data):
    assert refusal("brief.txt", data) == "empty"


def test_a_docx_without_text_is_refused_as_empty():
    assert refusal("brief.docx", docx_file(paragraphs=[])) == "empty"


@pytest.mark.parametrize("filename", ["brief.docx", "brief.odt"])
def test_an_office_file_that_is_really_text_is_no_zip(filename):
    assert refusal(filename, b"Beste mevrouw Bakker, dit is gewoon tekst.") == "not_a_zip"


def test_a_docx_with_a_broken_zip_is_no_zip():
    assert refusal("brief.docx", docx_file()[:300]) == "not_a_zip"


def test_a_docx_that_unpacks_to_thirty_megabytes_is_a_zip_bomb():
    data = rezip(docx_file(), add={"word/media/padding.bin": b"\0" * (30 * 1024 * 1024)})
    assert len(data) < MAX_UPLOAD_BYTES
    assert refusal("brief.docx", data) == "zip_bomb"


def test_a_docx_with_a_part_packed_a_thousand_times_smaller_is_a_zip_bomb():
    data = rezip(docx_file(), add={"word/media/padding.bin": b"\0" * (5 * 1024 * 1024)})
    assert refusal("brief.docx", data) == "zip_bomb"


def test_a_docx_with_a_vba_project_is_refused_for_macros():
    assert refusal("brief.docx", rezip(docx_file(), add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})) == "macros"


def test_a_docx_declaring_a_macro_enabled_type_or_named_docm_is_refused_for_macros():
    data = docx_file()
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml").replace(
        b"document.main+xml", b"document.macroEnabled.main+xml")
    assert refusal("brief.docx", rezip(data, replace={"[Content_Types].xml": types})) == "macros"
    assert refusal("brief.docm", data) == "macros"


def test_a_docx_that_loads_a_remote_template_is_refused_for_its_external_reference():
    rels = relationships((ATTACHED_TEMPLATE, "https://evil.example/template.dotm"))
    assert refusal("brief.docx", rezip(docx_file(), add={"word/_rels/settings.xml.rels": rels})) == \
        "external_reference"


def test_a_docx_with_a_dtd_in_its_relationships_is_unreadable():
    rels = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><Relationships>&a;</Relationships>'
    assert refusal("brief.docx", rezip(docx_file(), add={"word/_rels/settings.xml.rels": rels})) == "unreadable"


def test_a_docx_whose_document_part_is_garbage_is_unreadable():
    data = rezip(docx_file(), replace={"word/document.xml": b"<w:document>not xml"})
    assert refusal("brief.docx", data) == "unreadable"


def test_a_spreadsheet_named_docx_is_an_unsupported_type():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert refusal("brief.docx", buffer.getvalue()) == "unsupported_type"


def test_an_odt_with_basic_macros_is_refused():
    assert refusal("brief.odt", rezip(odt_file(), add={"Basic/Standard/Module1.xml": b"<module/>"})) == "macros"


def test_an_odt_that_unpacks_to_thirty_megabytes_is_a_zip_bomb():
    assert refusal("brief.odt", rezip(odt_file(), add={"Pictures/pad.bin": b"\0" * (30 * 1024 * 1024)})) == \
        "zip_bomb"


def test_a_pdf_with_javascript_is_refused():
    assert refusal("brief.pdf", blank_pdf(javascript="app.alert('hallo');")) == "pdf_javascript"


def test_a_pdf_whose_javascript_names_are_hidden_with_escapes_is_still_refused():
    data = pdf_with_text(["Beste mevrouw Bakker,"], "/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> ")
    assert b"/JavaScript" not in data and b"/JS " not in data
    assert refusal("brief.pdf", data) == "pdf_javascript"


def test_a_pdf_that_launches_a_program_is_refused():
    data = pdf_with_text(["Beste mevrouw Bakker,"], "/OpenAction << /S /Launch /F (calc.exe) >> ")
    assert refusal("brief.pdf", data) == "pdf_javascript"


def test_a_pdf_without_a_text_layer_asks_for_the_word_file():
    with pytest.raises(DocumentRefused) as caught:
        read_document("scan.pdf", blank_pdf())
    assert caught.value.reason == "pdf_no_text"
    assert caught.value.message == "This PDF has no text; upload the Word file."


def test_a_seventy_page_pdf_is_refused_for_its_pages():
    assert refusal("bijlagen.pdf", blank_pdf(pages=70)) == "too_many_pages"


def test_a_pdf_that_is_no_pdf_or_is_damaged_is_refused():
    assert refusal("brief.pdf", b"Beste mevrouw Bakker, dit is tekst.") == "not_a_pdf"
    assert refusal("brief.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\n%%EOF") == "unreadable"


@pytest.mark.parametrize("data", [b"\x00\x01\x02binary\x00" * 50, b"PK\x03\x04rest", b"%PDF-1.4\n..."])
def test_a_text_file_that_is_binary_or_another_format_is_refused(data):
    assert refusal("brief.txt", data) == "not_text"


@pytest.mark.parametrize("filename", ["brief.rtf", "brief.doc", "brief.exe", "brief.html"])
def test_other_file_types_are_unsupported(filename):
    assert refusal(filename, b"Beste mevrouw Bakker") == "unsupported_type"


@pytest.mark.parametrize("filename", ["a.docx", "a.odt", "a.pdf", "a.txt"])
@pytest.mark.parametrize("cut", [10, 100, 1000, 2000])
def test_a_truncated_file_is_refused_and_never_raises_anything_else(filename, cut):
    source = {"a.docx": docx_file(), "a.odt": odt_file(), "a.pdf": pdf_with_text(LETTER), "a.txt": b"\xff\xfe\x00"}
    try:
        read_document(filename, source[filename][:cut])
    except DocumentRefused as refused:
        assert refused.reason and refused.message
