"""Friendly error pages in the visitor's language; no error ever shows a stack trace (the log gets it).

Every request gets an id (`X-Request-ID` on every answer, and on the 500 page, so a resident can quote it on the
phone); an unexpected error is logged to standard error with its traceback and that id, never with the query
string or form values, which may hold a resident's personal data.
"""
import logging
import uuid

from flask import render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.extensions import db

KNOWN_PAGES = {400, 403, 404, 405, 413, 429, 500, 503}
REQUEST_ID_HEADER = "X-Request-ID"
log = logging.getLogger("meldpunt.errors")


def request_id():
    """This request's id: 32 hexadecimal characters, made at its first use and the same for the rest of it."""
    # Kept in the WSGI environ, which lives exactly as long as the request (g may outlive it in tests).
    return request.environ.setdefault("meldpunt.request_id", uuid.uuid4().hex)


def add_request_id(response):
    response.headers[REQUEST_ID_HEADER] = request_id()
    return response


def handle_http_error(error):
    page = f"errors/{error.code}.html" if error.code in KNOWN_PAGES else "errors/generic.html"
    return render_template(page, error=error), error.code


def handle_csrf_error(error):
    # An expired or missing token on the report form: show the form again with what was typed.
    if request.endpoint == "portal.report_form":
        from portal.i18n import current_language
        from portal.reference.offered import offered_categories
        from portal.web.forms import ReportForm

        categories = offered_categories()
        form = ReportForm(categories=categories, language=current_language())
        return render_template(
            "portal/report_form.html", form=form, categories=categories, session_expired=True
        ), 400
    return render_template("errors/400.html", error=error, session_expired=True), 400


def printable(text, limit=300):
    """Text for one log line: control characters written as escapes (no forged lines), and cut short."""
    return "".join(char if char.isprintable() else char.encode("unicode_escape").decode() for char in text[:limit])


def handle_unexpected_error(error):
    # The method and path only: the query string and form values may hold a resident's personal data.
    # Logged before the rollback, so the error is on record even when the database is what failed.
    log.error("Unexpected error on %s %s (request %s)", printable(request.method), printable(request.path),
              request_id(), exc_info=error)
    db.session.rollback()
    return render_template("errors/500.html"), 500


def init_app(app):
    app.after_request(add_request_id)
    app.jinja_env.globals["request_id"] = request_id
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    if not app.debug and not app.testing:
        app.register_error_handler(Exception, handle_unexpected_error)
