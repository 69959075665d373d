"""The session cookie: a response writes it only when the visit's session really changed.

Cookie sessions race: a browser fetches a page and, at the same time, the favicon or another request of the page
before. Each answer that sets the cookie replaces what the other just set. Flask-Login marks every session it sees
without a log-in as "not fresh" (`_fresh`) whenever a template asks who is logged in, so even the 404 page of a
`/favicon.ico` wrote a cookie, without the CSRF token the report form had just put in; the form then failed with
"the page was open too long". For a visitor who is not logged in, `_fresh` means nothing: a change to it alone
is not saved, and a page that changes nothing else writes no cookie.
"""
import copy

from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

FLASK_LOGIN_FRESH = "_fresh"
FLASK_LOGIN_USER = "_user_id"
_SERIALIZER = "meldpunt.session_serializer"


class TrackedSession(SecureCookieSession):
    """A session that remembers what it held when the request came in."""

    def __init__(self, initial=None):
        super().__init__(initial)
        # A deep copy (a flash is appended to the list in place), taken without touching `accessed` (that would
        # add "Vary: Cookie" to every response).
        self.loaded = copy.deepcopy(dict.copy(self))


def only_anonymous_freshness_changed(session):
    """True when the only change is Flask-Login's `_fresh` mark on a session without a logged-in user."""
    if FLASK_LOGIN_USER in session:
        return False
    now = {key: value for key, value in dict.items(session) if key != FLASK_LOGIN_FRESH}
    before = {key: value for key, value in session.loaded.items() if key != FLASK_LOGIN_FRESH}
    return now == before


class QuietSessionInterface(SecureCookieSessionInterface):
    session_class = TrackedSession

    def get_signing_serializer(self, app):
        # Flask builds the serializer twice a request, and itsdangerous test-serialises on every build: kept per
        # app and keys instead (a new SECRET_KEY or fallback list gives a new one).
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached = app.extensions.get(_SERIALIZER)
        if cached is None or cached[0] != keys:
            cached = (keys, super().get_signing_serializer(app))
            app.extensions[_SERIALIZER] = cached
        return cached[1]

    def should_set_cookie(self, app, session):
        if session.modified and only_anonymous_freshness_changed(session):
            return bool(session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"])
        return super().should_set_cookie(app, session)


def init_app(app):
    app.session_interface = QuietSessionInterface()
