"""The resident's pages: start, report form, confirmation, status and the health check."""
from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, session, url_for
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db, limiter
from portal.i18n import current_language
from portal.reference.offered import offered_categories
from portal.reports.intake import (
    Receipt,
    find_by_reference,
    receipt_for,
    receipt_of_new,
    receive_report,
    unsaved_receipt,
)
from portal.reports.references import new_reference, normalise
from portal.reports.satisfaction import TokenProblem, record_grade, report_for_token
from portal.reports.terms import wants_contact
from portal.web.forms import GradeForm, ReportForm

bp = Blueprint("portal", __name__)
RECEIPT_KEY = "receipt"

GRADE_PROBLEM_STATUS = {
    TokenProblem.FORGED: 404,
    TokenProblem.NOT_CLOSED: 404,
    TokenProblem.EXPIRED: 410,
    TokenProblem.USED: 409,
}


def render_report_form(form, categories, status=200):
    return render_template("portal/report_form.html", form=form, categories=categories), status


@bp.get("/")
def index():
    return render_template("portal/index.html")


@bp.route("/melden", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REPORT_RATE_LIMIT"], methods=["POST"])
def report_form():
    categories = offered_categories()
    form = ReportForm(categories=categories, language=current_language())
    if request.method == "GET":
        return render_report_form(form, categories)
    if not form.validate():
        return render_report_form(form, categories, 422)
    if form.is_robot:
        # Answered exactly like a report, so a robot learns nothing; nothing is stored or sent.
        receipt = unsaved_receipt(form.details(categories), new_reference())
    else:
        receipt = receipt_of_new(receive_report(form.details(categories), language=current_language()))
        db.session.commit()
    # The same cookie either way; only for a robot does the received page read it (nothing else holds its report).
    session[RECEIPT_KEY] = receipt.as_dict()
    return redirect(url_for(".received", reference=receipt.reference), 303)


@bp.get("/melden/ontvangen/<reference>")
@limiter.limit(lambda: current_app.config["STATUS_RATE_LIMIT"])
def received(reference):
    reference = normalise(reference)
    report = find_by_reference(reference)
    if report is not None:
        receipt = receipt_for(report)
    else:
        receipt = Receipt.from_dict(session.get(RECEIPT_KEY))
        if receipt is None or receipt.reference != reference:
            abort(404)
    return render_template("portal/received.html", receipt=receipt)


@bp.get("/favicon.ico")
def favicon():
    # Browsers and robots ask for it on every site; served as a file, it is no 404 page and touches no session.
    return current_app.send_static_file("favicon.ico")


@bp.get("/status")
@limiter.limit(lambda: current_app.config["STATUS_RATE_LIMIT"])
def status():
    code = request.args.get("code", "")
    if not code.strip():
        return render_template("portal/status_lookup.html", code="")
    report = find_by_reference(normalise(code))
    if report is None:
        return render_template("portal/status_lookup.html", code=code[:40], not_found=True), 404
    return render_template("portal/status.html", report=report, wants_contact=wants_contact)


@bp.route("/beoordeling/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["STATUS_RATE_LIMIT"])
def grade(token):
    report, problem = report_for_token(token)
    if problem is not None:
        return render_template("portal/grade_unavailable.html", problem=problem.value), GRADE_PROBLEM_STATUS[problem]
    form = GradeForm()
    if request.method == "GET" or not form.validate():
        return render_template("portal/grade.html", form=form, report=report), 422 if form.errors else 200
    if not record_grade(report, int(form.grade.data), form.comment.data):
        db.session.rollback()
        return render_template("portal/grade_unavailable.html", problem=TokenProblem.USED.value), 409
    db.session.commit()
    return render_template("portal/grade_thanks.html")


@bp.get("/healthz")
@limiter.exempt
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
