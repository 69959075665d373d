"""The one way staff pages show a message after a redirect.

Flask-Babel's lazy strings carry `__html__`, so Jinja treats them (and anything formatted into them, such as an
admin-entered team name) as safe markup, and the session would store them as Markup. `str()` first: the message
is plain text again and is escaped once, when the page shows it.
"""
from flask import flash


def flash_text(message, category="info"):
    flash(str(message), category)
