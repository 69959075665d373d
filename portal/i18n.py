"""Languages: Dutch by default, English on request; `?lang=en` sticks for the visit."""
from flask import current_app, has_request_context, request, session
from flask_babel import format_date, format_time, get_locale, gettext
from markupsafe import escape

from portal.calendar.clock import to_local
from portal.extensions import babel


def select_locale():
    supported = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = request.args.get("lang")
    if asked in supported:
        session["lang"] = asked
        return asked
    remembered = session.get("lang")
    if remembered in supported:
        return remembered
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language():
    """The two-letter code of the language being rendered (a mail may differ from its page)."""
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def in_language(dutch, english, language=None):
    """The English text on an English page or mail, else the Dutch one (Dutch is the default language)."""
    return english if (language or current_language()) == "en" else dutch


class BilingualText:
    """A text kept in Dutch and English, read in the language being rendered at the moment it is shown."""

    def __init__(self, dutch, english):
        self.dutch, self.english = dutch, english

    def __str__(self):
        return in_language(self.dutch, self.english)

    def __html__(self):
        return str(escape(str(self)))  # text, never markup, whatever an admin typed as a name


class Bilingual:
    """A model that keeps a text in Dutch and English columns (`name_nl`, `name_en`), read in one language."""

    def text_in(self, field, language=None):
        return in_language(getattr(self, f"{field}_nl"), getattr(self, f"{field}_en"), language)


def write_moment(moment, size="long"):
    """A stored UTC moment as people write it in Amsterdam: "2 december 2026 om 05:04" (no seconds, no zone);
    `size="short"` gives "2 dec 2026 05:04" for tables. Empty for no moment."""
    if moment is None:
        return ""
    local = to_local(moment)
    if size == "short":
        return f"{format_date(local.date(), 'medium')} {format_time(local, 'HH:mm', rebase=False)}"
    return gettext("%(date)s at %(time)s", date=format_date(local.date(), "long"),
                   time=format_time(local, "HH:mm", rebase=False))


def remember_language():
    """`?lang=en` sticks for the visit on every page, also one that only redirects (the locale selector runs
    only when something is rendered)."""
    asked = request.args.get("lang")
    if asked in current_app.config["LANGUAGES"] and session.get("lang") != asked:
        session["lang"] = asked


def init_app(app):
    babel.init_app(app, locale_selector=select_locale)
    app.before_request(remember_language)
    app.jinja_env.globals["current_language"] = current_language
