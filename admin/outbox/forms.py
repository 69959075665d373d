"""The outbox's button: resending is a POST with a CSRF token and nothing else."""
from flask_wtf import FlaskForm


class ResendForm(FlaskForm):
    """Send one failed mail, or all of them, again."""
