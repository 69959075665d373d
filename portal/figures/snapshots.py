"""Published figures as stored data and back: a period's Figures written once as plain JSON, and read into the same
Figures the live computation gives, so that pages, exports, the command and the monthly mail cannot tell them apart.

What is stored is what was shown: the numbers, the names of categories, teams and causes as they were then, and
the target levels the period was judged against. Nothing about a resident: retention and erasure leave it alone.
"""
from dataclasses import fields
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from portal.calendar.clock import now_utc
from portal.extensions import db
from portal.figures.definitions import (
    CountRow,
    Figures,
    GradeChannelRow,
    GroupRow,
    Headline,
    Publication,
    Spread,
)
from portal.figures.models import ProvisionalFigures, PublishedFigures
from portal.figures.targets import Level, check_targets
from portal.i18n import BilingualText
from portal.labels import CHANNEL_LABELS, OUTCOME_LABELS
from portal.reports.models import Channel, Outcome

SPREADS = ("first_contact_days", "closing_days")


def headline_data(headline: Headline):
    data = {}
    for item in fields(Headline):
        value = getattr(headline, item.name)
        if item.name == "period":
            continue
        data[item.name] = [value.count, value.median, value.p90] if item.name in SPREADS else value
    return data


def headline_from(data, period):
    values = {name: value for name, value in data.items() if name in _HEADLINE_FIELDS}
    for name in SPREADS:
        if name in values:
            values[name] = Spread(*values[name])
    return Headline(period=period, **values)


_HEADLINE_FIELDS = {item.name for item in fields(Headline)} - {"period"}


def _name(item):
    """A category's or cause's name in both languages, as stored."""
    return {"name_nl": item.label.dutch, "name_en": item.label.english} if isinstance(item.label, BilingualText) \
        else {"name": str(item.label)}


def _label(entry):
    return BilingualText(entry["name_nl"], entry["name_en"]) if "name_nl" in entry else entry.get("name", "")


def to_data(figures: Figures):
    """The JSON of one period and scope, with the target levels it is judged against."""
    levels, category_levels = figures.target_levels, figures.category_levels
    return {
        "headline": headline_data(figures.headline),
        "levels": {code: level.as_data() for code, level in levels.items()},
        "category_levels": {code: {figure: level.as_data() for figure, level in by_figure.items()}
                            for code, by_figure in category_levels.items()},
        "by_category": [{"code": row.code, **_name(row), "figures": headline_data(row.figures)}
                        for row in figures.by_category],
        "by_team": [{"code": row.code, "name": str(row.label) if row.code else "", "figures":
                     headline_data(row.figures)} for row in figures.by_team],
        "by_channel": [{"code": row.code, "figures": headline_data(row.figures)} for row in figures.by_channel],
        "grades": {row.code: row.count for row in figures.grades},
        "grades_by_channel": [{"code": row.code, "graded": row.graded, "grade_mean": row.grade_mean,
                               "grade_high": row.grade_high} for row in figures.grades_by_channel],
        "outcomes": {row.code: row.count for row in figures.outcomes},
        "causes": [{"code": row.code, **_name(row), "count": row.count} for row in figures.causes],
        # The periods before, as the page showed them (provisional figures are read with their trend).
        "trend": [headline_data(headline) for headline in figures.trend[:-1]],
    }


def figures_from(data, *, period, team, trend, publications, not_sent_label, today=None, computed_at=None):
    """The Figures of a stored period; `trend` are the headlines of the periods before, then this one."""
    headline = headline_from(data["headline"], period)
    levels = {code: Level.from_data(level) for code, level in data["levels"].items()}
    by_category = [GroupRow(entry["code"], _label(entry), headline_from(entry["figures"], period))
                   for entry in data["by_category"]]
    category_levels = {code: {figure: Level.from_data(level) for figure, level in by_figure.items()}
                       for code, by_figure in data["category_levels"].items()}
    return Figures(
        period=period,
        team=team,
        today=publications[-1].figures_of if publications else today,
        headline=headline,
        trend=[*trend, headline],
        targets=check_targets(headline, levels),
        target_levels=levels,
        grades=[CountRow(code, code, count) for code, count in data["grades"].items()],
        by_category=by_category,
        by_team=[GroupRow(entry["code"], entry["name"] if entry["code"] else not_sent_label,
                          headline_from(entry["figures"], period)) for entry in data["by_team"]],
        by_channel=[GroupRow(entry["code"], CHANNEL_LABELS[Channel(entry["code"])],
                             headline_from(entry["figures"], period)) for entry in data["by_channel"]],
        outcomes=[CountRow(code, OUTCOME_LABELS[Outcome(code)], count) for code, count in data["outcomes"].items()],
        causes=[CountRow(entry["code"], _label(entry), entry["count"]) for entry in data["causes"]],
        grades_by_channel=[GradeChannelRow(entry["code"], CHANNEL_LABELS[Channel(entry["code"])], entry["graded"],
                                           entry["grade_mean"], entry["grade_high"])
                           for entry in data["grades_by_channel"]],
        category_checks=category_checks(by_category, category_levels),
        category_levels=category_levels,
        publications=publications,
        computed_at=computed_at,
    )


def category_checks(by_category, category_levels):
    """(category label, TargetCheck) for every target set for a category, against that category's figures."""
    checks = []
    for row in by_category:
        for check in check_targets(row.figures, category_levels.get(row.code, {})):
            checks.append((row.label, check))
    return checks


def stored(period_keys, team_id):
    """{period key: [PublishedFigures, the first version first]} of these periods for one scope."""
    rows = db.session.scalars(
        select(PublishedFigures)
        .where(PublishedFigures.period.in_(period_keys),
               PublishedFigures.team_id.is_(None) if team_id is None else PublishedFigures.team_id == team_id)
        .order_by(PublishedFigures.period, PublishedFigures.version)
    ).all()
    result = {}
    for row in rows:
        result.setdefault(row.period, []).append(row)
    return result


def provisional(period, team_id, today):
    """The provisional figures of a period not yet published, while they are fresh: of today, and worked out at most
    FIGURES_PROVISIONAL_MINUTES ago; None otherwise."""
    oldest = now_utc() - timedelta(minutes=current_app.config.get("FIGURES_PROVISIONAL_MINUTES", 10))
    return db.session.scalar(select(ProvisionalFigures).where(
        ProvisionalFigures.period == period.key,
        ProvisionalFigures.team_id.is_(None) if team_id is None else ProvisionalFigures.team_id == team_id,
        ProvisionalFigures.figures_of == today, ProvisionalFigures.computed_at >= oldest,
    ))


def trend_from(data, periods):
    """The headlines of the periods before, as stored with provisional figures."""
    return [headline_from(entry, period) for entry, period in zip(data["trend"], periods, strict=True)]


def publications_of(rows, period):
    return [Publication(row.version, row.published_at, row.figures_of, row.published_by, row.reason,
                        headline_from(row.data["headline"], period)) for row in rows]
