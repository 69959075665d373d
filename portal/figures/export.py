"""The figures of a period as flat rows, and those rows as CSV, JSON or a text table (exports and `flask stats`).

`rows(figures)` is the one flattening: the CSV and JSON here, the Excel workbook in admin/figures/downloads.py and the
command all write these rows, so they carry the same numbers as the pages, which read the same Figures.
"""
import csv
import io
from dataclasses import astuple, dataclass, fields

from flask_babel import lazy_gettext as _l

from portal.figures.definitions import COUNT, FIGURE_KIND, FIGURE_LABEL, FIGURES, SHARE
from portal.figures.service_report import Figures

# What each breakdown row shows of a group's figures.
BREAKDOWN_FIGURES = [
    "received", "closed", "first_contact_on_time", "first_contact_measured", "first_contact_on_time_share",
    "closing_on_time", "closing_measured", "closing_on_time_share", "closing_days_median", "closing_days_p90",
    "open_at_end", "overdue_at_end", "graded", "grade_mean", "response_rate", "first_line_closed", "first_line_share",
]
GROUP_SECTIONS = [("category", "by_category"), ("team", "by_team"), ("channel", "by_channel")]
COUNT_SECTIONS = [("outcome", "outcomes"), ("cause", "causes"), ("grade", "grades")]
SECTION_LABELS = {
    "headline": _l("Headline figures"),
    "trend": _l("Trend"),
    "category": _l("Categories"),
    "team": _l("Teams"),
    "channel": _l("Channels"),
    "outcome": _l("Outcomes"),
    "cause": _l("Causes"),
    "grade": _l("Grades"),
    "grade_channel": _l("Grades per channel"),
}
GRADE_CHANNEL_FIGURES = ("graded", "grade_mean", "grade_high_share")
COUNT_LABEL = _l("Number of reports")
# Short column headings for the text table of a breakdown (the CSV and workbook carry every figure).
TABLE_COLUMNS = {
    "received": _l("received"),
    "closed": _l("closed"),
    "first_contact_on_time_share": _l("contact on time"),
    "closing_on_time_share": _l("closed on time"),
    "closing_days_median": _l("median days"),
    "closing_days_p90": _l("p90 days"),
    "open_at_end": _l("open"),
    "overdue_at_end": _l("overdue"),
    "grade_mean": _l("mean grade"),
    "count": _l("reports"),
}


@dataclass(frozen=True)
class Row:
    section: str  # headline, trend, category, team, channel, outcome, cause, grade, grade_channel
    period: str  # the period's key, e.g. 2026-03 or 2026-Q1
    group: str  # the code of the category, team, channel, outcome, cause or grade; empty for headline and trend
    group_name: str
    figure: str  # the figure's code (see portal.stats.FIGURES); "count" for outcomes, causes and grades
    figure_name: str
    value: int | float | None
    target: float | None = None
    target_met: str = ""  # "yes", "no", or empty when the figure has no target or no value yet


HEADER = [f.name for f in fields(Row)]
# A text that starts with one of these is a formula to a spreadsheet, or can be made one (OWASP: CSV injection);
# names of teams, categories and causes are typed by people.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value):
    """A value for a CSV cell: a text that would look like a formula gets a leading ' so it stays text; numbers
    stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _met(check):
    if check is None or check.met is None:
        return ""
    return "yes" if check.met else "no"


def rows(figures: Figures):
    """Every figure of the period, its trend and its breakdowns, one row per number."""
    key = figures.period.key
    checks = {check.code: check for check in figures.targets}
    result = []
    for code, _kind, label in FIGURES:
        check = checks.get(code)
        result.append(Row("headline", key, "", "", code, str(label), figures.headline.value(code),
                          check.target if check else None, _met(check)))
    for headline in figures.trend:
        for code, _kind, label in FIGURES:
            result.append(Row("trend", headline.period.key, "", "", code, str(label), headline.value(code)))
    for section, attribute in GROUP_SECTIONS:
        for group in getattr(figures, attribute):
            for code in BREAKDOWN_FIGURES:
                result.append(Row(section, key, group.code, str(group.label), code, str(FIGURE_LABEL[code]),
                                  group.figures.value(code)))
    for section, attribute in COUNT_SECTIONS:
        for item in getattr(figures, attribute):
            result.append(Row(section, key, item.code, str(item.label), "count", str(COUNT_LABEL), item.count))
    for item in figures.grades_by_channel:
        for code in GRADE_CHANNEL_FIGURES:
            result.append(Row("grade_channel", key, item.code, str(item.label), code, str(FIGURE_LABEL[code]),
                              getattr(item, code)))
    return result


def kind_of(figure):
    return FIGURE_KIND.get(figure, COUNT)


def to_csv(figures: Figures):
    """UTF-8 text with a header row; shares as fractions (0.745 is 74.5%), empty where there is no figure; a text
    that looks like a formula starts with ' (see text_cell)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows(figures):
        writer.writerow(["" if value is None else text_cell(value) for value in astuple(row)])
    return out.getvalue()


def to_json(figures: Figures):
    """The same rows, nested: headline and targets, trend per period, and breakdowns per group."""
    data = {
        "period": figures.period.key,
        "team": figures.team.code if figures.team else None,
        "as_of": figures.today.isoformat(),
        "headline": {},
        "targets": {},
        "trend": {},
        "breakdowns": {section: {} for section, _ in GROUP_SECTIONS + COUNT_SECTIONS + [("grade_channel", None)]},
    }
    for row in rows(figures):
        if row.section == "headline":
            data["headline"][row.figure] = row.value
            if row.target is not None:
                data["targets"][row.figure] = {"target": row.target, "met": row.target_met or None}
        elif row.section == "trend":
            data["trend"].setdefault(row.period, {})[row.figure] = row.value
        else:
            group = data["breakdowns"][row.section].setdefault(row.group, {"name": row.group_name})
            group[row.figure] = row.value
    return data


def plain_number(value, kind):
    """A number for reading in a terminal: shares as percentages with one decimal."""
    if value is None:
        return "-"
    if kind == SHARE:
        return f"{value * 100:.1f}%"
    return str(value)


def to_table(figures: Figures):
    """Aligned text for a terminal: the headline figures with their targets, then each breakdown."""
    title = f"{figures.period.key}" + (f" {figures.team.code}" if figures.team else "")
    lines = [f"{SECTION_LABELS['headline']} {title}", ""]
    all_rows = rows(figures)
    headline = [row for row in all_rows if row.section == "headline"]
    width = max(len(row.figure_name) for row in headline)
    for row in headline:
        text = f"{row.figure_name:<{width}}  {plain_number(row.value, kind_of(row.figure)):>8}"
        if row.target is not None:
            text += f"  ({_l('target')} {plain_number(row.target, kind_of(row.figure))}: {row.target_met or '-'})"
        lines.append(text)
    for section, _attribute in GROUP_SECTIONS + COUNT_SECTIONS:
        section_rows = [row for row in all_rows if row.section == section]
        if not section_rows:
            continue
        lines += ["", str(SECTION_LABELS[section])]
        figure_codes = [code for code in dict.fromkeys(row.figure for row in section_rows) if code in TABLE_COLUMNS]
        names = list(dict.fromkeys((row.group, row.group_name) for row in section_rows))
        values = {(row.group, row.figure): row.value for row in section_rows}
        name_width = max(len(name) for _code, name in names)
        widths = [max(len(str(TABLE_COLUMNS[code])), 6) for code in figure_codes]
        lines.append(" " * name_width + "  " + "  ".join(
            f"{str(TABLE_COLUMNS[code]):>{width}}" for code, width in zip(figure_codes, widths, strict=True)))
        for group, name in names:
            cells = [f"{plain_number(values[(group, code)], kind_of(code)):>{width}}"
                     for code, width in zip(figure_codes, widths, strict=True)]
            lines.append(f"{name:<{name_width}}  " + "  ".join(cells))
    return "\n".join(lines) + "\n"
