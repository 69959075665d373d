"""Languages: Dutch by default, English on request; `?lang=en` sticks for the visit."""
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale

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


def init_app(app):
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["current_language"] = current_language
