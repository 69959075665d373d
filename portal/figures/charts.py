"""Trend charts drawn on the server as SVG: role="img" with a <title> and a <desc>, no script, no style attributes.

Every text is escaped by markupsafe; colours and dashes are SVG presentation attributes (the Content Security
Policy forbids style attributes). Series differ by dash and marker shape as well as colour, and each chart on a
page sits beside a table with the same numbers.
"""
import math
from dataclasses import dataclass

from flask_babel import format_decimal, format_percent
from markupsafe import Markup

from portal.figures.definitions import format_figure as format_value

WIDTH, HEIGHT = 640, 270
LEFT, RIGHT, TOP, BOTTOM = 52, 20, 34, 40
FONT = 'font-family="system-ui, sans-serif" font-size="12" fill="#1a1a1a"'
GRID = "#c9d6da"
# Colour, dash pattern and marker per series: never colour alone.
STYLES = [("#00586f", "", "circle"), ("#8a5a00", "7 4", "square")]
TARGET_COLOUR = "#4a4a4a"


@dataclass(frozen=True)
class Series:
    name: str
    values: list  # numbers, or None where the period has no figure


def _tick(value, kind):
    """An axis label: whole percentages, and no needless decimals."""
    if kind == "share":
        return format_percent(value, "#,##0%")
    return format_decimal(value, "#,##0.#")


def _nice_step(span):
    """A step of 1, 2 or 5 times a power of ten that divides `span` into at most five intervals."""
    raw = span / 5 if span > 0 else 1
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _scale(values, kind, extra=()):
    if kind == "share":
        return 1.0, 0.2
    if kind == "grade":
        return 10.0, 2.0
    highest = max([v for v in values if v is not None] + [v for v in extra if v is not None] + [0])
    step = _nice_step(highest)
    if kind == "count":
        step = max(step, 1)
    return max(step * math.ceil(highest / step), step), step


def _frame(chart_id, title, description):
    return [Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {w} {h}" width="100%" '
        'focusable="false" aria-labelledby="{id}-title {id}-desc">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
    ).format(w=WIDTH, h=HEIGHT, id=chart_id, title=title, desc=description)]


def _axes(parts, labels, top, step, kind):
    plot_height = HEIGHT - TOP - BOTTOM
    ticks = round(top / step)
    for n in range(ticks + 1):
        value = n * step
        y = TOP + plot_height * (1 - value / top)
        parts.append(Markup('<line x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}" stroke="{}" stroke-width="1"/>').format(
            LEFT, y, WIDTH - RIGHT, y, GRID))
        parts.append(Markup('<text x="{}" y="{:.1f}" text-anchor="end" {}>{}</text>').format(
            LEFT - 6, y + 4, Markup(FONT), _tick(value, kind)))
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    every = 1 if slot >= 60 else 2  # a label needs about 55 units: otherwise label every other period
    for n, label in enumerate(labels):
        if n % every == 0 or n == len(labels) - 1:
            parts.append(Markup('<text x="{:.1f}" y="{}" text-anchor="middle" {}>{}</text>').format(
                LEFT + slot * (n + 0.5), HEIGHT - BOTTOM + 18, Markup(FONT), label))
    return slot


def _y(value, top):
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - min(value, top) / top)


def _marker(shape, x, y, colour):
    if shape == "square":
        return Markup('<rect x="{:.1f}" y="{:.1f}" width="8" height="8" fill="{}"/>').format(x - 4, y - 4, colour)
    return Markup('<circle cx="{:.1f}" cy="{:.1f}" r="4.5" fill="{}"/>').format(x, y, colour)


def _legend(parts, entries):
    """Legend entries (name, colour, dash, marker) in a row above the plot."""
    x = LEFT
    for name, colour, dash, shape in entries:
        parts.append(Markup('<line x1="{}" y1="14" x2="{}" y2="14" stroke="{}" stroke-width="2.5"{}/>').format(
            x, x + 28, colour, Markup(' stroke-dasharray="{}"').format(dash) if dash else ""))
        if shape:
            parts.append(_marker(shape, x + 14, 14, colour))
        parts.append(Markup('<text x="{}" y="18" {}>{}</text>').format(x + 34, Markup(FONT), name))
        x += 34 + 7 * len(str(name)) + 24


def line_chart(chart_id, title, description, labels, series, *, kind, target=None, target_label=None):
    """Lines through each series' values, a point per period; a gap where a period has no value."""
    top, step = _scale([v for s in series for v in s.values], kind, (target,))
    parts = _frame(chart_id, title, description)
    slot = _axes(parts, labels, top, step, kind)
    legend = []
    if target is not None:
        y = _y(target, top)
        parts.append(Markup(
            '<line x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}" stroke="{}" stroke-width="1.5" stroke-dasharray="2 3"/>'
        ).format(LEFT, y, WIDTH - RIGHT, y, TARGET_COLOUR))
        legend.append((target_label, TARGET_COLOUR, "2 3", None))
    for (colour, dash, shape), line in zip(STYLES, series, strict=False):
        points = [(LEFT + slot * (n + 0.5), _y(v, top) if v is not None else None) for n, v in enumerate(line.values)]
        path, pen_down = [], False
        for (x, y), value in zip(points, line.values, strict=True):
            if value is None:
                pen_down = False
                continue
            path.append(f"{'L' if pen_down else 'M'}{x:.1f} {y:.1f}")
            pen_down = True
        if path:
            parts.append(Markup('<path d="{}" fill="none" stroke="{}" stroke-width="2.5"{}/>').format(
                " ".join(path), colour, Markup(' stroke-dasharray="{}"').format(dash) if dash else ""))
        parts.extend(_marker(shape, x, y, colour)
                     for (x, y), value in zip(points, line.values, strict=True) if value is not None)
        legend.append((line.name, colour, dash, shape))
    _legend(parts, legend)
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def bar_chart(chart_id, title, description, labels, values, *, kind="count"):
    """A bar per period (or per group), its value written above it."""
    top, step = _scale(values, kind)
    parts = _frame(chart_id, title, description)
    slot = _axes(parts, labels, top, step, kind)
    for n, value in enumerate(values):
        if not value:
            continue
        x, y = LEFT + slot * (n + 0.2), _y(value, top)
        parts.append(Markup('<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"/>').format(
            x, y, slot * 0.6, HEIGHT - BOTTOM - y, STYLES[0][0]))
        parts.append(Markup('<text x="{:.1f}" y="{:.1f}" text-anchor="middle" {}>{}</text>').format(
            x + slot * 0.3, y - 4, Markup(FONT), format_value(value, kind)))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def trend_lines(chart_id, title, description, trend, columns, *, target=None, target_label=None):
    """A line chart of headline figures over the trend's periods; columns are (name, figure code, kind)."""
    labels = [str(headline.period.short_label) for headline in trend]
    series = [Series(str(name), [headline.value(code) for headline in trend]) for name, code, _kind in columns]
    return line_chart(chart_id, title, description, labels, series, kind=columns[0][2], target=target,
                      target_label=target_label)


def trend_bars(chart_id, title, description, trend, code, kind="count"):
    labels = [str(headline.period.short_label) for headline in trend]
    return bar_chart(chart_id, title, description, labels, [headline.value(code) for headline in trend], kind=kind)
