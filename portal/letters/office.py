"""Word (.docx) and OpenDocument (.odt) uploads: the zip inspected first (size, ratio, macros, outside links),
then the text read with python-docx or odfpy."""
import io
import re
import zipfile
from xml.etree.ElementTree import ParseError
from xml.sax import SAXException

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml_safely

from portal.letters.refusals import DocumentRefused

MAX_UNPACKED_BYTES = 20 * 1024 * 1024  # a letter with a logo unpacks to well under 1 MB
MAX_ENTRIES = 1000
MAX_RATIO = 100  # text XML compresses 5-20 times; a part that packs 100 times smaller is padding
RATIO_CHECKED_FROM = 256 * 1024  # small parts may pack better than that without harm
ODT_TYPES = (b"application/vnd.oasis.opendocument.text", b"application/vnd.oasis.opendocument.text-template")
LIST_STYLE_IDS = ("List", "Lijst")  # Word's list styles in English and Dutch: ListBullet, Lijstalinea
HYPERLINK = "/hyperlink"  # an outside link a reader clicks is harmless; one Word loads by itself is not
_ODT_LINKED = re.compile(rb"<text:section-source\b|<draw:(?:image|object|plugin|applet)\b[^>]*"
                         rb"xlink:href=\"(?!Pictures/|\./Object|Object)")
# What python-docx and odfpy raise on a damaged file (besides zip errors), caught to refuse, never to hide a bug.
ZIP_FAILURES = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError)


def open_archive(data):
    """The upload as a zip archive, refused when it is no zip, is encrypted, or unpacks to too much (a zip bomb).

    Sizes are read from the archive's directory; Python's zipfile never unpacks an entry beyond its declared size
    (and checks its CRC), so a lying header cannot push more than MAX_UNPACKED_BYTES through.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except ZIP_FAILURES as error:
        raise DocumentRefused("not_a_zip", str(error)) from None
    if len(entries) > MAX_ENTRIES or sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        raise DocumentRefused("zip_bomb")
    for entry in entries:
        if entry.file_size >= RATIO_CHECKED_FROM and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise DocumentRefused("zip_bomb")
        if entry.flag_bits & 0x1:
            raise DocumentRefused("encrypted")
    return archive


def read_part(archive, name):
    """One part of the archive as bytes; a damaged part is 'unreadable'."""
    try:
        return archive.read(name)
    except (KeyError, *ZIP_FAILURES) as error:
        raise DocumentRefused("unreadable", str(error)) from None


def refuse_doctype(archive):
    """Office parts never hold a DTD; one that does may try entity tricks on the XML parser."""
    for name in archive.namelist():
        if name.endswith((".xml", ".rels")) and b"<!DOCTYPE" in read_part(archive, name)[:4096].upper():
            raise DocumentRefused("unreadable", f"DTD in {name}")


def check_docx_archive(archive):
    """Refuse macros (vbaProject.bin, a macro-enabled content type, ActiveX) and relationships to outside files
    that Word would load by itself (a remote template, a linked image or object); hyperlinks are allowed."""
    names = archive.namelist()
    lowered = [name.lower() for name in names]
    if any(name.endswith(("vbaproject.bin", "vbadata.xml")) or name.startswith("word/activex/") for name in lowered):
        raise DocumentRefused("macros")
    if "word/document.xml" not in names:
        raise DocumentRefused("unsupported_type")
    content_types = read_part(archive, "[Content_Types].xml") if "[Content_Types].xml" in names else b""
    if b"macroenabled" in content_types.lower() or b"vbaproject" in content_types.lower():
        raise DocumentRefused("macros")
    refuse_doctype(archive)
    for name in names:
        if name.endswith(".rels"):
            for relation in _relationships(read_part(archive, name)):
                external = relation.get("TargetMode", "").lower() == "external"
                if external and not relation.get("Type", "").endswith(HYPERLINK):
                    raise DocumentRefused("external_reference", relation.get("Target", ""))


def _relationships(xml):
    """The Relationship elements of a .rels part, parsed with defusedxml (no DTDs, no entities)."""
    try:
        root = parse_xml_safely(xml, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as error:
        raise DocumentRefused("unreadable", str(error)) from None
    return [element for element in root.iter() if element.tag.endswith("Relationship")]


def _docx_lines(container):
    """Lines of text of a document, table cell or the like, in order: paragraphs, list items ("- "), tables."""
    from docx.table import Table

    lines = []
    for block in container.iter_inner_content():
        if isinstance(block, Table):
            seen = set()
            for row in block.rows:
                for cell in row.cells:
                    if cell._tc not in seen:  # a merged cell is listed once per column it spans
                        seen.add(cell._tc)
                        lines.extend(_docx_lines(cell))
            continue
        properties = block._p.pPr
        numbered = properties is not None and properties.numPr is not None
        # The style's id, not its name: looking a name up costs a walk over all styles for every paragraph.
        listed = numbered or (block._p.style or "").startswith(LIST_STYLE_IDS)
        lines.append(("- " if listed else "") + block.text)
    return lines


def read_docx(data):
    """The text of a .docx: body paragraphs and tables in order, one paragraph per block (headers left out)."""
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError

    archive = open_archive(data)
    check_docx_archive(archive)
    try:
        document = Document(io.BytesIO(data))
        lines = _docx_lines(document)
    except (PackageNotFoundError, LxmlError, KeyError, AttributeError, *ZIP_FAILURES) as error:
        raise DocumentRefused("unreadable", str(error)) from None
    return "\n\n".join(line for line in lines if line.strip())


def check_odt_archive(archive):
    """Refuse what is no text document, Basic macros and scripts, and sections or images linked from outside."""
    names = archive.namelist()
    if "mimetype" not in names or read_part(archive, "mimetype").strip() not in ODT_TYPES:
        raise DocumentRefused("unsupported_type")
    if any(name.startswith(("Basic/", "Scripts/")) for name in names):
        raise DocumentRefused("macros")
    refuse_doctype(archive)
    if "content.xml" not in names:
        raise DocumentRefused("unreadable", "no content.xml")
    if _ODT_LINKED.search(read_part(archive, "content.xml")):
        raise DocumentRefused("external_reference")


def _odt_lines(element, listed=False):
    """Lines of text under an ODF element in document order; paragraphs inside list items start with "- "."""
    from odf import teletype
    from odf.namespaces import TEXTNS

    lines = []
    for child in element.childNodes:
        if getattr(child, "qname", None) in ((TEXTNS, "p"), (TEXTNS, "h")):
            lines.append(("- " if listed else "") + teletype.extractText(child))
        elif getattr(child, "qname", None) is not None:
            lines.extend(_odt_lines(child, listed or child.qname == (TEXTNS, "list-item")))
    return lines


def read_odt(data):
    """The text of an .odt: paragraphs, headings, lists and tables of the body, in order."""
    from odf.opendocument import load

    archive = open_archive(data)
    check_odt_archive(archive)
    try:
        document = load(io.BytesIO(data))
        lines = _odt_lines(document.text)
    except (SAXException, DefusedXmlException, KeyError, AttributeError, UnicodeError, *ZIP_FAILURES) as error:
        raise DocumentRefused("unreadable", str(error)) from None
    return "\n\n".join(line for line in lines if line.strip())
