"""Filters and helpers for templates: local times, form attributes for screen readers, the language link, and
the name a mail may greet with."""
from functools import lru_cache
from urllib.parse import urlencode

from flask import request
from flask_babel import format_date, get_locale
from markupsafe import Markup, escape

from portal.calendar.clock import local_date, local_today
from portal.i18n import write_moment
from portal.reports.terms import is_overdue
from portal.text import name_for_mail


def local_datetime(moment, format="long"):
    """A stored UTC moment as Amsterdam time, in the page's language, as people write it: no seconds, no zone
    ("short" for tables). One rule for pages and e-mails: portal.i18n.write_moment."""
    return write_moment(moment, "short" if format == "short" else "long")


def local_day(day, format="long"):
    return _written_day(day, format, str(get_locale())) if day else ""


@lru_cache(maxsize=4096)  # the same few days on every page and mail of a day: the due dates of today's reports
def _written_day(day, format, locale):
    return format_date(day, format)  # in `locale`, the current one: part of the key


def input_attributes(field, hint=None, **extra):
    """aria-describedby, aria-invalid and any other attribute that has a value, for a form input."""
    described = [f"{field.id}-hint"] if hint else []
    if field.errors:
        described.append(f"{field.id}-error")
    # Only attributes with a value: WTForms would print autocomplete="None".
    attributes = {key: value for key, value in extra.items() if value is not None}
    if described:
        attributes["aria-describedby"] = " ".join(described)
    if field.errors:
        attributes["aria-invalid"] = "true"
    return attributes


def category_hints(categories, language):
    """Each category's short help text, by code, for the hints under the radio buttons."""
    return {category.code: category.help(language) for category in categories if category.help(language)}


def paragraphs(text):
    """Plain text as HTML paragraphs for e-mails: escaped first, then only <p> and <br> added."""
    blocks = [block for block in escape(text or "").split("\n\n") if block.strip()]
    return Markup("".join(f"<p>{block.replace(chr(10), Markup('<br>'))}</p>" for block in blocks))


def language_link(language):
    """The link to this page in another language, relative to the page: `?lang=en`, other query arguments kept.

    Never built from the request's path: on a page at `/%5Cevil.example` that would give `/\\evil.example?lang=en`,
    which browsers read as an address on another site.
    """
    kept = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    return "?" + urlencode([*kept, ("lang", language)])


def init_app(app):
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["local_day"] = local_day
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["name_for_mail"] = name_for_mail
    app.jinja_env.globals["language_link"] = language_link
    app.jinja_env.globals["local_today"] = local_today
    app.jinja_env.globals["is_overdue"] = is_overdue
    app.jinja_env.globals["input_attributes"] = input_attributes
    app.jinja_env.globals["category_hints"] = category_hints
