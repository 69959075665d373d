"""Friendly error pages in the visitor's language; no error ever shows a stack trace (the log gets it)."""
import logging

from flask import render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.extensions import db

KNOWN_PAGES = {400, 403, 404, 405, 413, 429, 500, 503}
log = logging.getLogger("meldpunt.errors")


def handle_http_error(error):
    page = f"errors/{error.code}.html" if error.code in KNOWN_PAGES else "errors/generic.html"
    return render_template(page, error=error), error.code


def handle_csrf_error(error):
    # An expired or missing token on the report form: show the form again with what was typed.
    if request.endpoint == "portal.report_form":
        from portal.i18n import current_language
        from portal.web.forms import ReportForm
        from portal.web.views import active_categories

        categories = active_categories()
        form = ReportForm(categories=categories, language=current_language())
        return render_template(
            "portal/report_form.html", form=form, categories=categories, session_expired=True
        ), 400
    return render_template("errors/400.html", error=error, session_expired=True), 400


def handle_unexpected_error(error):
    # The method and path only: the query string and form values may hold a resident's personal data.
    # Logged before the rollback, so the error is on record even when the database is what failed.
    log.error("Unexpected error on %s %s", request.method, request.path, exc_info=error)
    db.session.rollback()
    return render_template("errors/500.html"), 500


def init_app(app):
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    if not app.debug and not app.testing:
        app.register_error_handler(Exception, handle_unexpected_error)
