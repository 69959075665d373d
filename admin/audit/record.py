"""What the record of staff actions keeps, and when an action counts as done.

An allow-list per action: only the fields of its own form that hold no personal data and no free text (codes,
ids, statuses, choices) are written down, each value and the whole record capped. A field that is not on the
list (a name, an address, a letter reference, a date of contact, a note, a password, anything a stranger adds)
is never stored, so an erasure request finds nothing here to erase.

An action is on the record once it was done by someone logged in: a redirect after a success message, or a
download (the export of personal data); a log-in once the person is in, and a log-out. A refused action (4xx,
a form shown again with its errors, a redirect with an error or an "out of date link" message) is not.
"""
from dataclasses import dataclass

from flask import g, has_request_context, message_flashed
from flask_babel import lazy_gettext as _l

from portal.figures.definitions import FIGURE_KIND, GRADE, SHARE
from portal.labels import EVENT_LABELS

MAX_VALUE = 100  # characters kept of one value
MAX_VALUES = 50  # values kept of one field (the teams of an account, the causes of a closed report)
MAX_RECORD = 2000  # characters kept of all values of one action together
CUT = "…"  # the key that says values were left out because the record was full


@dataclass(frozen=True)
class Audited:
    label: object
    fields: tuple = ()
    creates: bool = False  # the redirect after it leads to the new object, whose id is the record's target


_TARGET_LEVELS = tuple(code for code, kind in FIGURE_KIND.items() if kind in (SHARE, GRADE))

AUDITED = {
    "admin.login": Audited(_l("Logged in")),
    "admin.login_code": Audited(_l("Logged in with a code")),
    "admin.enrol_two_factor": Audited(_l("Two-factor log-in switched on")),
    "admin.logout": Audited(_l("Logged out")),
    "admin.register": Audited(EVENT_LABELS["registered_by_staff"], ("category", "channel"), creates=True),
    "admin.assign": Audited(EVENT_LABELS["assigned"], ("assign-team", "assign-assignee")),
    "admin.change_category": Audited(EVENT_LABELS["category_changed"], ("category-category",)),
    "admin.add_note": Audited(EVENT_LABELS["note"]),
    "admin.send_message": Audited(EVENT_LABELS["message_sent"], ("message-standard_text",)),
    "admin.first_contact": Audited(EVENT_LABELS["first_contact"], ("first_contact-channel",)),
    "admin.close": Audited(EVENT_LABELS["closed"], ("close-outcome", "close-causes")),
    "admin.extend": Audited(EVENT_LABELS["extended"], ("extend-new_closing_due",)),
    "admin.reopen": Audited(EVENT_LABELS["reopened"]),
    "admin.dismiss": Audited(EVENT_LABELS["dismissed"], ("dismiss-reason",)),
    "admin.record_grade": Audited(EVENT_LABELS["graded"], ("grade-grade", "grade-channel")),
    "admin.record_call": Audited(EVENT_LABELS["call_attempt"], ("call-reached",)),
    "admin.privacy_export": Audited(EVENT_LABELS["exported_on_request"]),
    "admin.privacy_erase": Audited(EVENT_LABELS["erased_on_request"]),
    "admin.password_change": Audited(_l("Own password changed")),
    "admin.manage_staff_new": Audited(_l("Account created"), ("role", "teams"), creates=True),
    "admin.manage_staff_access": Audited(_l("Role and teams changed"), ("role", "teams")),
    "admin.manage_staff_password": Audited(_l("Password reset")),
    "admin.manage_staff_two_factor": Audited(_l("Two-factor log-in reset")),
    "admin.manage_staff_active": Audited(_l("Account activated or deactivated"), ("active",)),
    "admin.manage_team_new": Audited(_l("Team created"), ("code",)),
    "admin.manage_team_edit": Audited(_l("Team changed")),
    "admin.manage_team_active": Audited(_l("Team activated or deactivated"), ("active",)),
    "admin.manage_category_edit": Audited(_l("Category settings changed"), (
        "first_contact_days", "closing_days", "default_team", "active", "position")),
    "admin.manage_closing_days": Audited(_l("Closing day added"), ("day",)),
    "admin.manage_closing_day_remove": Audited(_l("Closing day removed")),
    "admin.manage_cause_new": Audited(_l("Cause created"), ("code", "position")),
    "admin.manage_cause_edit": Audited(_l("Cause changed"), ("position",)),
    "admin.manage_cause_active": Audited(_l("Cause activated or deactivated"), ("active",)),
    "admin.manage_text_new": Audited(_l("Standard text created"), ("code",)),
    "admin.manage_text_edit": Audited(_l("Standard text changed")),
    "admin.manage_text_active": Audited(_l("Standard text activated or deactivated"), ("active",)),
    "admin.stats_targets": Audited(_l("Targets changed"), (*_TARGET_LEVELS, "correction_working_days")),
    # The reason is free text: not kept here (the published version keeps it, with who published it).
    "admin.stats_correction": Audited(_l("Published figures corrected")),
    "admin.outbox_resend": Audited(_l("E-mail queued to be sent again")),
    "admin.outbox_resend_failed": Audited(_l("Failed e-mails queued to be sent again")),
    # Callback requests: codes and choices only, never the resident's name, number, address or question.
    "admin.callback_new": Audited(_l("Callback request registered"), ("team", "assignee", "urgent", "channel",
                                                                       "language"), creates=True),
    "admin.callback_attempt": Audited(_l("Contact attempt recorded"), ("attempt-reached", "attempt-channel")),
    "admin.callback_close": Audited(_l("Callback request handled")),
    "admin.callback_redistribute": Audited(_l("Callback request redistributed"), ("redistribute-assignee",)),
    "admin.callback_letter_sent": Audited(_l("Letter to an unreachable resident marked as sent")),
    "admin.report_callback_link": Audited(_l("Report linked to a callback request")),
    # Letters: codes and choices only, never the letter's title, text, file name or the reviewer's comments.
    "admin.letter_new": Audited(_l("Letter submitted for the B1 check"), ("team", "copies", "planned_send_on"),
                                creates=True),
    "admin.letter_resubmit": Audited(_l("New version of a letter submitted")),
    "admin.letter_review": Audited(_l("Letter reviewed"), ("review-decision",)),
    "admin.letter_sent": Audited(_l("Letter marked as sent"), ("sent-sent_on",)),
    "admin.letters_target": Audited(_l("Letter B1 target changed"), ("target",)),
    "admin.letter_words": Audited(_l("Officialese pair added")),
    "admin.letter_word_edit": Audited(_l("Officialese pair changed"), ("active",)),
}

# POSTs that are never on the record: a search changes nothing, and the steps of a forgotten password are taken
# by someone not logged in (the account's own e-mail tells its holder).
NOT_RECORDED = {"admin.privacy", "admin.password_forgot", "admin.password_set",
                # Showing contact details changes nothing; the report's own history records who looked.
                "admin.contact_details"}


def label_of(action):
    """What staff call the action; the endpoint itself for one that is not (or no longer) on the list."""
    audited = AUDITED.get(action)
    return str(audited.label) if audited else action


def allowed_details(action, form):
    """The allowed fields of the posted form, each value and the whole capped; nothing for an unlisted action."""
    audited = AUDITED.get(action)
    details, room = {}, MAX_RECORD
    for name in audited.fields if audited else ():
        kept = []
        for value in form.getlist(name)[:MAX_VALUES]:
            value = value[:MAX_VALUE]
            if len(value) > room:
                details[CUT] = True
                break
            kept.append(value)
            room -= len(value)
        if kept:
            details[name] = kept
        if CUT in details:
            break
    return details


def _note_flash(sender, message, category, **extra):
    if has_request_context():
        g.audit_flashed = (*g.get("audit_flashed", ()), category)


# Every message goes through admin.flashing.flash_text, which flashes: its category says whether an action
# was done ("success") or refused ("error", or "info" for an out-of-date link or a second click).
message_flashed.connect(_note_flash)


def succeeded(response):
    """A redirect after a success message, or a download; never a 4xx or a form shown again."""
    flashed = g.get("audit_flashed", ())
    if response.status_code in (301, 302, 303, 307, 308):
        return "success" in flashed and "error" not in flashed
    if response.status_code == 200:
        return response.headers.get("Content-Disposition", "").startswith("attachment")
    return False
