"""The letters' figures per month or quarter (page, CSV, Excel) with the B1 target, and the officialese list the
admins keep. The numbers come from portal.letters.figures alone, so page and downloads agree."""
from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import format_number, format_percent, gettext
from flask_login import current_user

from admin.blueprint import bp
from admin.flashing import flash_text
from admin.guards import role_required
from admin.letters.forms import PairForm, TargetForm
from portal.extensions import db
from portal.figures.periods import MONTH, QUARTER, Period
from portal.letters import exports, figures, wordlist
from portal.letters.models import OfficialesePair
from portal.staff.access import ADMINS, FIGURE_READERS
from portal.staff.models import Role


def period_from_query():
    """The period asked for with ?month=YYYY-MM or ?quarter=YYYY-Qn; the last complete month by default."""
    month, quarter = request.args.get("month"), request.args.get("quarter")
    try:
        if quarter:
            period = Period.parse(quarter)
            return period if period.kind == QUARTER else None
        if month:
            period = Period.parse(month)
            return period if period.kind == MONTH else None
    except ValueError:
        return None
    return Period.last_complete(MONTH)


def _period_or_404():
    period = period_from_query()
    if period is None:
        abort(404)
    return period


def percent(value):
    return "" if value is None else format_percent(value, "#,##0.0%")


@bp.get("/letters/figures")
@role_required(FIGURE_READERS)
def letters_figures():
    period = _period_or_404()
    result = figures.period_figures(period)
    form = TargetForm(formdata=None, target=f"{result.target * 100:g}")
    return render_template("admin/letters/figures.html", figures=result, period=period, percent=percent,
                           format_number=format_number, target_form=form,
                           may_set_target=current_user.role is Role.ADMIN,
                           neighbours=(period.previous(), period.next()), query_key=period.kind), 200


def _download(body, mimetype, period, extension):
    name = f"meldpunt-letters-{period.key}.{extension}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/letters/figures.csv")
@role_required(FIGURE_READERS)
def letters_figures_csv():
    period = _period_or_404()
    return _download(exports.to_csv(figures.period_figures(period)).encode("utf-8"), "text/csv", period, "csv")


@bp.get("/letters/figures.xlsx")
@role_required(FIGURE_READERS)
def letters_figures_xlsx():
    period = _period_or_404()
    return _download(exports.to_xlsx(figures.period_figures(period)), exports.XLSX_TYPE, period, "xlsx")


@bp.post("/letters/figures/target")
@role_required(ADMINS)
def letters_target():
    form = TargetForm()
    if not form.validate_on_submit():
        for message in form.target.errors or [gettext("Fill in a percentage from 0 to 100.")]:
            flash_text(message, "error")
        return redirect(url_for(".letters_figures"), 303)
    wordlist.set_b1_target(round(float(form.target.data) / 100, 4))
    db.session.commit()
    flash_text(gettext("Target saved: %(share)s of approved letters at B1.",
                       share=percent(float(form.target.data) / 100)), "success")
    return redirect(url_for(".letters_figures"), 303)


def _pair_refused(form, refusal):
    db.session.rollback()
    if refusal.reason == "duplicate":
        form.phrase.errors = [gettext("This word or phrase is on the list already.")]
    else:
        form.phrase.errors = [gettext("Fill in the officialese word or phrase.")]


@bp.route("/letters/words", methods=["GET", "POST"])
@role_required(ADMINS)
def letter_words():
    """The officialese list: every pair, and a form to add one."""
    form = PairForm()
    if form.validate_on_submit():
        try:
            pair = wordlist.add_pair(form.phrase.data, form.plain.data)
        except wordlist.PairRefused as refusal:
            _pair_refused(form, refusal)
        else:
            db.session.commit()
            flash_text(gettext("“%(phrase)s” added to the list.", phrase=pair.phrase), "success")
            return redirect(url_for(".letter_words"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("admin/letters/words.html", form=form, pairs=wordlist.all_pairs(),
                           active=sum(pair.active for pair in wordlist.all_pairs())), status


@bp.route("/letters/words/<int:pair_id>", methods=["GET", "POST"])
@role_required(ADMINS)
def letter_word_edit(pair_id):
    """Change one pair, or switch it off (it stays on the list, unused)."""
    pair = db.session.get(OfficialesePair, pair_id) or abort(404)
    form = PairForm(obj=pair if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            wordlist.change_pair(pair, phrase=form.phrase.data, plain=form.plain.data, active=form.active.data)
        except wordlist.PairRefused as refusal:
            _pair_refused(form, refusal)
        else:
            db.session.commit()
            flash_text(gettext("“%(phrase)s” saved.", phrase=pair.phrase), "success")
            return redirect(url_for(".letter_words"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("admin/letters/word_edit.html", form=form, pair=pair), status
