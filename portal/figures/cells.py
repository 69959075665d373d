"""Figures added up from cells: the database counts a period's reports once, per category, channel, team and number
of working days each step took (portal.figures.queries.cells); every figure is a count, so the headline and each
breakdown are sums of cells, and the day counts are histograms that give the percentiles.

The percentiles are PostgreSQL's percentile_cont: for p over n values, the value at position h = (n - 1) * p,
interpolated linearly between the values ranked floor(h) + 1 and floor(h) + 2 (tested against it on PostgreSQL).
"""
from collections import defaultdict

# The counting figures of portal.figures.queries.count_columns that add up over cells.
ADDITIVE = ("received", "dismissed", "closed", "first_contact_on_time", "first_contact_late", "closing_on_time",
            "closing_late", "open_at_end", "overdue_at_end", "extended", "graded", "grade_high", "letters",
            "first_line_closed")
# Each percentile as a fraction (numerator, denominator): exact integer arithmetic for the position.
PERCENTILES = (("median", 1, 2), ("p90", 9, 10))
MEASURES = (("first_contact", "fc_days"), ("closing", "cl_days"))


def percentile(histogram, numerator, denominator):
    """percentile_cont(numerator / denominator) of the values given as {value: how many}; None for none."""
    n = sum(histogram.values())
    if not n:
        return None
    scaled = (n - 1) * numerator
    lower = scaled // denominator
    weight = (scaled - lower * denominator) / denominator
    low = high = None
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if low is None and seen >= lower + 1:
            low = value
        if seen >= lower + 2:
            high = value
            break
    high = low if high is None else high
    return low + weight * (high - low)


def spread(histogram):
    """(how many, median, 90th percentile) of a histogram of working days."""
    return (sum(histogram.values()), *(percentile(histogram, num, den) for _label, num, den in PERCENTILES))


def summed(rows):
    """The counting figures and the spreads of a set of cells: ({figure: number}, {measure: (n, median, p90)})."""
    counts = dict.fromkeys(ADDITIVE, 0)
    grade_sum = 0
    histograms = {measure: defaultdict(int) for measure, _column in MEASURES}
    for row in rows:
        for name in ADDITIVE:
            counts[name] += row[name]
        grade_sum += row["grade_sum"] or 0
        for measure, column in MEASURES:
            if row[column] is not None and row["received"]:
                histograms[measure][row[column]] += row["received"]
    counts["grade_mean"] = grade_sum / counts["graded"] if counts["graded"] else None
    return counts, {measure: spread(histogram) for measure, histogram in histograms.items()}


def grouped(rows, key):
    """{value of `key`: [cells]}."""
    groups = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return groups
