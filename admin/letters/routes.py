"""The letter pages: the list, submitting a draft, one letter with its analysis, versions and review, and the
actions on it. Each action: validate, claim the letter (one change at a time), one domain call, commit, redirect.

Uploads: the staff side allows 256 KB per request; the letter forms allow a 2 MB file (and room for the other
fields), set on the request before anything reads the body, so the limit holds before any parsing. A body over it
gets the form again with the message, in the person's language, never a bare 413 page.
"""
from pathlib import PurePath

from flask import abort, redirect, render_template, request, url_for
from flask_babel import format_number, gettext, ngettext
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from admin.blueprint import bp
from admin.fields import typed_text
from admin.flashing import flash_text
from admin.guards import role_required
from admin.letters.forms import ResubmitForm, ReviewForm, SentForm, SubmitForm
from portal.extensions import db
from portal.i18n import write_moment
from portal.letters import changes, matching, register
from portal.letters.documents import MAX_UPLOAD_BYTES, DocumentRefused, kind_of, read_document
from portal.letters.models import Letter, LetterStatus
from portal.staff.access import reports_visible_to
from portal.staff.models import Role, Team
from portal.staff.teams import team_by_code

STAFF = tuple(Role)
FORM_ROOM = 1024 * 1024  # the other fields, and a pasted text of 200,000 characters
UPLOAD_ENDPOINTS = {"admin.letter_new": "admin/letters/new.html", "admin.letter_resubmit": None}


def status_label(status):
    labels = {LetterStatus.WAITING: gettext("Waiting for review"), LetterStatus.RETURNED: gettext("Returned"),
              LetterStatus.APPROVED: gettext("Approved"), LetterStatus.SENT: gettext("Sent")}
    return labels[status]


def say(source, params=None):
    """An English source text of the analysis in the page's language, with its values filled in."""
    return gettext(source, **(params or {}))


def _render(template, status=200, **context):
    return render_template(template, write_moment=write_moment, format_number=format_number, say=say,
                           status_label=status_label, is_bulk=register.is_bulk, segments=changes.segments,
                           **context), status


@bp.url_value_preprocessor
def allow_letter_uploads(endpoint, values):
    """Runs before every before_request function (CSRF, the NUL check), which read the body: the letter forms get
    room for a 2 MB file; every other staff page keeps the app's limit."""
    if endpoint in UPLOAD_ENDPOINTS and request.method == "POST":
        request.max_content_length = MAX_UPLOAD_BYTES + FORM_ROOM
        request.max_form_memory_size = FORM_ROOM


@bp.errorhandler(413)
def too_large(error):
    """A letter form whose body is over the limit: the form again, with the message beside the file field."""
    if request.endpoint not in UPLOAD_ENDPOINTS:
        return render_template("errors/413.html", error=error), 413
    message = gettext(DocumentRefused("too_large").message)
    if request.endpoint == "admin.letter_new":
        form = SubmitForm(formdata=None)
        _team_choices(form)
        form.document.errors = [message]
        return _render("admin/letters/new.html", 413, form=form)
    letter = visible_letter(request.view_args.get("letter_id"))
    resubmit = ResubmitForm(formdata=None, prefix="resubmit")
    resubmit.document.errors = [message]
    return render_letter(letter, status=413, forms={"resubmit": resubmit})


def visible_letter(letter_id):
    """The letter if this user may see it; 404 otherwise, so a guessed id tells nothing."""
    letter = db.session.scalar(register.letters_visible_to(current_user).where(Letter.id == letter_id))
    if letter is None:
        abort(404)
    return letter


def _submit_teams():
    if current_user.role is Role.ADMIN:
        return db.session.scalars(select(Team).where(Team.active).order_by(Team.name)).all()
    return [team for team in current_user.teams if team.active]


def _team_choices(form):
    teams = _submit_teams()
    form.team.choices = ([SelectChoice("", gettext("Choose a team"))] if len(teams) != 1 else []) + [
        SelectChoice(team.code, team.name) for team in teams]


def letter_text(form):
    """(text, source, file name) of an UploadForm: the pasted text, or the uploaded file's text. The file is read
    up to its limit and refused beyond it before any parser sees it. Raises DocumentRefused."""
    if not form.has_file():
        return form.text.data, "pasted", None
    upload = form.document.data
    data = upload.stream.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise DocumentRefused("too_large")
    name = "".join(char for char in PurePath(upload.filename.replace("\\", "/")).name if char.isprintable())[:255]
    text = read_document(name, data)
    return text, kind_of(name, data), name


@bp.get("/letters")
@role_required(STAFF)
def letters():
    """The register: the letters this person may see, newest first; the KCC's waiting list is a click away."""
    return _render("admin/letters/list.html", letters=register.recent_letters(current_user),
                   may_submit=current_user.role in register.SUBMITTERS and bool(_submit_teams()),
                   may_review=register.may_review(current_user))


@bp.get("/letters/review")
@role_required(register.REVIEWERS)
def letters_review():
    """Letters waiting for the KCC: bulk letters first, then by planned sending date."""
    return _render("admin/letters/review_list.html", letters=register.waiting_for_review(current_user))


@bp.route("/letters/new", methods=["GET", "POST"])
@role_required(register.SUBMITTERS)
def letter_new():
    """Submit a draft: its details and the text, pasted or uploaded; the analysis follows on the letter's page."""
    form = SubmitForm()
    _team_choices(form)
    if not form.validate_on_submit():
        return _render("admin/letters/new.html", 422 if request.method == "POST" else 200, form=form)
    try:
        text, source, filename = letter_text(form)
        details = register.LetterDetails(
            title=form.title.data, team=team_by_code(form.team.data, active_only=True),
            reference_prefix=form.reference_prefix.data, copies=int(form.copies.data),
            planned_send_on=form.planned_send_on.data)
        letter = register.submit(details, text, source=source, filename=filename, by=current_user)
    except DocumentRefused as refusal:
        db.session.rollback()
        form.document.errors = [gettext(refusal.message)]
        return _render("admin/letters/new.html", 422, form=form)
    except register.LetterRefused as refusal:
        db.session.rollback()
        field = (form.document if form.has_file() else form.text) if refusal.field == "text" else form.team
        field.errors = [*field.errors, str(refusal.message)]
        return _render("admin/letters/new.html", 422, form=form)
    db.session.commit()
    flash_text(gettext("Letter “%(title)s” checked. Its analysis is below.", title=letter.title), "success")
    return redirect(url_for(".letter_detail", letter_id=letter.id), 303)


def _shown_version():
    number = request.args.get("version", "")
    return int(number) if number.isascii() and number.isdigit() and len(number) < 6 else None


def _forms(letter, forms=None):
    shown = {"resubmit": ResubmitForm(formdata=None, prefix="resubmit"),
             "review": ReviewForm(formdata=None, prefix="review"), "sent": SentForm(formdata=None, prefix="sent")}
    shown.update(forms or {})
    return shown


def render_letter(letter, *, status=200, forms=None, unsaved=None):
    """The letter's page: facts, the analysis of one version, versions, decisions, reports, the actions."""
    draft = register.draft_of(letter, _shown_version())
    if draft is None:
        abort(404)
    total, reports = matching.reports_about(letter, reports_visible_to(current_user))
    return _render("admin/letters/detail.html", status, letter=letter, draft=draft, data=draft.analysis,
                   forms=_forms(letter, forms), may_change=register.may_change(current_user, letter),
                   may_review=register.may_review(current_user) and letter.status is LetterStatus.WAITING,
                   needs_approval=register.is_bulk(letter) and letter.status is not LetterStatus.APPROVED,
                   report_total=total, reports=reports, unsaved=unsaved)


@bp.get("/letters/<int:letter_id>")
@role_required(STAFF)
def letter_detail(letter_id):
    return render_letter(visible_letter(letter_id))


@bp.get("/letters/<int:letter_id>/changes")
@role_required(STAFF)
def letter_changes(letter_id):
    """The changes between two versions (by default the newest and the one before), by line and by word."""
    letter = visible_letter(letter_id)
    newer = register.draft_of(letter, _number_arg("to", letter.draft_count))
    older = register.draft_of(letter, _number_arg("from", (newer.number - 1) if newer else 0))
    if newer is None or older is None or older.number >= newer.number:
        return _render("admin/letters/changes.html", letter=letter, older=None, newer=None, lines=[])
    lines = changes.compare(older.text, newer.text)
    return _render("admin/letters/changes.html", letter=letter, older=older, newer=newer, lines=lines,
                   changed=changes.count_changes(lines))


def _number_arg(name, default):
    number = request.args.get(name, "")
    return int(number) if number.isascii() and number.isdigit() and len(number) < 6 else default


def _act(letter, name, form, action):
    """Validate, claim the letter and act, commit once, back to the letter's page; or the page again with why."""
    if not form.validate_on_submit():
        return render_letter(letter, status=422, forms={name: form})
    try:
        message = action(form, register.seen_version(request.form.get("version"), letter))
    except register.ChangedMeanwhile:
        db.session.rollback()
        db.session.refresh(letter)
        flash_text(gettext("A colleague just changed this letter. Check the page, then try again."), "error")
        return render_letter(letter, status=409, forms={name: form}, unsaved=typed_text(form))
    except register.LetterRefused as refusal:
        db.session.rollback()
        db.session.refresh(letter)
        if refusal.field == "text":
            field = form.document if form.has_file() else form.text
            field.errors = [*field.errors, str(refusal.message)]
            return render_letter(letter, status=422, forms={name: form})
        flash_text(refusal.message, "error")
        return render_letter(letter, status=409, forms={name: form})
    except DocumentRefused as refusal:
        db.session.rollback()
        db.session.refresh(letter)
        form.document.errors = [gettext(refusal.message)]
        return render_letter(letter, status=422, forms={name: form})
    db.session.commit()
    flash_text(message, "success")
    return redirect(url_for(".letter_detail", letter_id=letter.id), 303)


@bp.post("/letters/<int:letter_id>/resubmit")
@role_required(register.SUBMITTERS)
def letter_resubmit(letter_id):
    letter = visible_letter(letter_id)

    def action(form, seen):
        text, source, filename = letter_text(form)
        draft = register.resubmit(letter, text, source=source, filename=filename, by=current_user, seen=seen)
        return gettext("Version %(number)s checked. Its analysis is below.", number=draft.number)

    return _act(letter, "resubmit", ResubmitForm(prefix="resubmit"), action)


@bp.post("/letters/<int:letter_id>/review")
@role_required(register.REVIEWERS)
def letter_review(letter_id):
    letter = visible_letter(letter_id)

    def action(form, seen):
        register.review(letter, form.decision.data, form.comments.data, by=current_user, seen=seen)
        if letter.status is LetterStatus.APPROVED:
            return gettext("Version %(number)s approved.", number=letter.approved_draft)
        return gettext("Letter returned to the team with your comments.")

    return _act(letter, "review", ReviewForm(prefix="review"), action)


@bp.post("/letters/<int:letter_id>/sent")
@role_required(register.SUBMITTERS)
def letter_sent(letter_id):
    letter = visible_letter(letter_id)

    def action(form, seen):
        register.mark_sent(letter, form.sent_on.data, by=current_user, seen=seen)
        return ngettext("Letter marked as sent (%(num)s copy).", "Letter marked as sent (%(num)s copies).",
                        letter.copies)

    return _act(letter, "sent", SentForm(prefix="sent"), action)

