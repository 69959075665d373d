"""Exports of a month's or quarter's figures: CSV (UTF-8, a header row) and an Excel workbook, a sheet per part.

Both are written from portal.figures.export.rows, the same rows `flask stats` prints, so the numbers match the pages.
"""
import io

from flask import Response
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from admin.blueprint import bp
from admin.figures.routes import period_from_query, team_from_request
from admin.guards import role_required
from portal.figures import export as stats_export
from portal.figures import service_report as stats
from portal.figures.definitions import COUNT, DAYS, GRADE, SHARE
from portal.staff.access import FIGURE_READERS

NUMBER_FORMATS = {SHARE: "0.0%", DAYS: "0.0", GRADE: "0.0", COUNT: "0"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MET = {"yes": _l("met"), "no": _l("not met"), "": ""}


def _figures(kind):
    period = period_from_query(kind, kind)
    team = team_from_request()
    return stats.period_figures(period, team_id=team.id if team else None)


def _download(body, mimetype, figures, extension):
    team = f"-{figures.team.code}" if figures.team else ""
    name = f"meldpunt-figures-{figures.period.key}{team}.{extension}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _csv(kind):
    figures = _figures(kind)
    # A byte order mark, so that Excel opens the UTF-8 text with its accents intact.
    body = ("\ufeff" + stats_export.to_csv(figures)).encode("utf-8")
    return _download(body, "text/csv", figures, "csv")


def _xlsx(kind):
    figures = _figures(kind)
    return _download(workbook_bytes(figures), XLSX_TYPE, figures, "xlsx")


@bp.get("/stats/monthly.csv", endpoint="stats_monthly_csv")
@role_required(FIGURE_READERS)
def monthly_csv():
    return _csv(stats.MONTH)


@bp.get("/stats/monthly.xlsx", endpoint="stats_monthly_xlsx")
@role_required(FIGURE_READERS)
def monthly_xlsx():
    return _xlsx(stats.MONTH)


@bp.get("/stats/quarterly.csv", endpoint="stats_quarterly_csv")
@role_required(FIGURE_READERS)
def quarterly_csv():
    return _csv(stats.QUARTER)


@bp.get("/stats/quarterly.xlsx", endpoint="stats_quarterly_xlsx")
@role_required(FIGURE_READERS)
def quarterly_xlsx():
    return _xlsx(stats.QUARTER)


# The workbook


def _as_text(cell):
    """Every text cell is text: a name typed as "=HYPERLINK(…)" is shown as typed, never run as a formula."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(stats_export.FORMULA_STARTS):
            cell.quotePrefix = True  # and stays text when someone edits the cell


def _sheet(workbook, title, header, lines, formats):
    """A sheet with a bold, frozen header row; `formats` gives each column's number format (or None)."""
    sheet = workbook.create_sheet(str(title)[:31])
    sheet.append([str(cell) for cell in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        _as_text(cell)
    sheet.freeze_panes = "B2"
    for line in lines:
        sheet.append(line)
        for cell, number_format in zip(sheet[sheet.max_row], formats(line), strict=True):
            _as_text(cell)
            if number_format:
                cell.number_format = number_format
    for column, cells in enumerate(sheet.iter_cols(values_only=True), start=1):
        width = max(len(f"{value:.1f}" if isinstance(value, float) else str(value or "")) for value in cells)
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)
    return sheet


def _pivot(section_rows, key):
    """{key: {figure: value}} and the figure codes in order, from rows of one section."""
    table, codes = {}, []
    for row in section_rows:
        table.setdefault(key(row), {})[row.figure] = row.value
        if row.figure not in codes:
            codes.append(row.figure)
    return table, codes


def workbook_bytes(figures):
    rows = stats_export.rows(figures)
    by_section = {}
    for row in rows:
        by_section.setdefault(row.section, []).append(row)
    workbook = Workbook()
    workbook.remove(workbook.active)
    labels = dict(stats.FIGURE_LABEL, count=stats_export.COUNT_LABEL)

    headline = by_section["headline"]
    _sheet(workbook, stats_export.SECTION_LABELS["headline"],
           [_l("Figure"), _l("Code"), figures.period.key, _l("Target"), _l("Result")],
           [[row.figure_name, row.figure, row.value, row.target, str(MET[row.target_met])] for row in headline],
           lambda line: [None, None, NUMBER_FORMATS[stats_export.kind_of(line[1])],
                         NUMBER_FORMATS[stats_export.kind_of(line[1])], None])

    trend, codes = _pivot(by_section["trend"], lambda row: row.period)
    formats = [None] + [NUMBER_FORMATS[stats_export.kind_of(code)] for code in codes]
    _sheet(workbook, stats_export.SECTION_LABELS["trend"], [_l("Period"), *[labels[c] for c in codes]],
           [[period, *[values[c] for c in codes]] for period, values in trend.items()], lambda line: formats)

    for section in [name for name, _ in stats_export.GROUP_SECTIONS + stats_export.COUNT_SECTIONS] + ["grade_channel"]:
        section_rows = by_section.get(section, [])
        table, codes = _pivot(section_rows, lambda row: (row.group, row.group_name))
        formats = [None, None] + [NUMBER_FORMATS[stats_export.kind_of(code)] for code in codes]
        _sheet(workbook, stats_export.SECTION_LABELS[section], [_l("Name"), _l("Code"), *[labels[c] for c in codes]],
               [[name, group, *[values[c] for c in codes]] for (group, name), values in table.items()],
               lambda line, formats=formats: formats)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
