"""The letters' figures as CSV and as an Excel workbook: the same rows as the page, every text cell kept as text.

CSV: UTF-8, a header row `section,period,code,name,team,value,target,target_met`; shares as fractions. A text that
would look like a formula (= + - @) starts with ' (portal.figures.export.text_cell); in the workbook such a text is
a string cell with a quote prefix, never a formula.
"""
import csv
import io

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font

from portal.figures.export import FORMULA_STARTS, text_cell

HEADER = ["section", "period", "code", "name", "team", "value", "target", "target_met"]
FIGURE_NAMES = {
    "checked": _l("Letters checked"),
    "b1_first": _l("At B1 at first submission"),
    "share_first": _l("Share at B1 at first submission"),
    "approved": _l("Letters approved"),
    "b1_approved": _l("At B1 at approval"),
    "share_approved": _l("Share at B1 at approval"),
}
SHARES = ("share_first", "share_approved")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _met(value):
    return "" if value is None else ("yes" if value else "no")


def rows(figures):
    """Every number of the figures as a row of HEADER's columns."""
    key = figures.period.key
    out = []
    for code, name in FIGURE_NAMES.items():
        judged = code == "share_approved"
        out.append(["figures", key, code, str(name), "", getattr(figures, code),
                    figures.target if judged else None, _met(figures.target_met) if judged else ""])
    for letter in figures.most_reports:
        out.append(["most_reports", key, letter.reference_prefix, letter.title, letter.team, letter.reports, None, ""])
    return out


def to_csv(figures):
    """The rows as CSV text (with a byte order mark, so that Excel keeps the accents)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows(figures):
        writer.writerow(["" if value is None else text_cell(value) for value in row])
    return "\ufeff" + out.getvalue()


def _as_text(cell):
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True


def to_xlsx(figures):
    """The rows as a workbook: one sheet with the figures, one with the letters with the most reports."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    all_rows = rows(figures)
    parts = ((_l("Letters"), [row for row in all_rows if row[0] == "figures"]),
             (_l("Most reports"), [row for row in all_rows if row[0] == "most_reports"]))
    for title, lines in parts:
        sheet = workbook.create_sheet(str(title)[:31])
        sheet.append(HEADER)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for line in lines:
            sheet.append(line)
            for cell, column in zip(sheet[sheet.max_row], HEADER, strict=True):
                _as_text(cell)
                if column in ("value", "target") and line[2] in SHARES:
                    cell.number_format = "0.0%"
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
