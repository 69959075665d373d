"""Configuration classes, chosen by MELDPUNT_ENV and read from the environment."""
import os
import secrets

WEAK_SECRET_KEYS = {"", "dev", "secret", "changeme", "change-me", "development", "meldpunt"}
MIN_SECRET_KEY_LENGTH = 32


def _bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url):
    """Let `postgresql://` and `postgres://` URLs use the psycopg 3 driver we ship."""
    if url and url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Config:
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_hex(32)
    SQLALCHEMY_DATABASE_URI = normalise_database_url(os.environ.get("DATABASE_URL"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BASE_URL = os.environ.get("MELDPUNT_BASE_URL", "http://127.0.0.1:5000")

    # The municipality: another one reuses the app by changing these.
    MUNICIPALITY_NAME = os.environ.get("MELDPUNT_MUNICIPALITY_NAME", "Gemeente Dronten")
    MUNICIPALITY_PHONE = os.environ.get("MELDPUNT_MUNICIPALITY_PHONE", "14 0321")
    MUNICIPALITY_ADDRESS = os.environ.get("MELDPUNT_MUNICIPALITY_ADDRESS", "De Rede 1, 8251 EW Dronten")
    MUNICIPALITY_WEBSITE = os.environ.get("MELDPUNT_MUNICIPALITY_WEBSITE", "https://www.dronten.nl")
    # Where a resident files a formal complaint (Awb chapter 9); the closing e-mail links to it (Awb 9:12).
    COMPLAINT_URL = os.environ.get("MELDPUNT_COMPLAINT_URL", "https://www.dronten.nl/klacht")
    # The ombudsman a resident can turn to after the complaint (Awb 9:12): for Dronten the Nationale ombudsman.
    OMBUDSMAN_NAME = os.environ.get("MELDPUNT_OMBUDSMAN_NAME", "Nationale ombudsman")
    OMBUDSMAN_URL = os.environ.get("MELDPUNT_OMBUDSMAN_URL", "https://www.nationaleombudsman.nl")
    TIMEZONE = "Europe/Amsterdam"

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "meldpunt@localhost")
    # Where escalations of passed terms go, besides the team's own address.
    KCC_EMAIL = os.environ.get("MELDPUNT_KCC_EMAIL", "kcc@localhost")
    # Callback requests: after this many attempts that did not reach the resident, they get a message (an e-mail,
    # or a letter task for staff when there is no address).
    CALLBACK_FAILED_ATTEMPTS = int(os.environ.get("MELDPUNT_CALLBACK_FAILED_ATTEMPTS", "3"))
    # The figures of a period not yet published are worked out by the scheduler every five minutes; a page reads
    # them while they are at most this old (and of today), and counts the period itself otherwise.
    FIGURES_PROVISIONAL_MINUTES = int(os.environ.get("MELDPUNT_FIGURES_PROVISIONAL_MINUTES", "10"))
    # Contact details and free text of reports closed longer ago than this are removed (AVG).
    RETENTION_MONTHS = int(os.environ.get("MELDPUNT_RETENTION_MONTHS", "12"))
    # A mail claimed longer ago than this belongs to a sender that died mid-send; it is tried again.
    OUTBOX_CLAIM_TIMEOUT_SECONDS = int(os.environ.get("MELDPUNT_OUTBOX_CLAIM_TIMEOUT_SECONDS", "900"))
    # Flask-Mail has no timeout of its own; the outbox sets this one on the socket.
    MAIL_TIMEOUT_SECONDS = 20

    # How many reverse proxies stand before the app; their X-Forwarded-* headers are then trusted,
    # so that rate limits see the resident's address rather than the proxy's.
    PROXY_COUNT = int(os.environ.get("MELDPUNT_PROXY_COUNT", "0"))
    # Where the rate limits count: memory:// counts in each worker process on its own, so several workers (or
    # hosts) need a shared store such as redis://. Production refuses memory:// unless the operator says that
    # exactly one worker process serves (MELDPUNT_SINGLE_WORKER=1); see check_rate_limit_storage.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    SINGLE_WORKER = _bool("MELDPUNT_SINGLE_WORKER")
    # While the shared store cannot be reached, each worker counts in its own memory rather than answering 500:
    # the limits hold less strictly for a while, and no report is lost.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    REPORT_RATE_LIMIT = "5 per minute;30 per day"
    STATUS_RATE_LIMIT = "20 per minute;200 per day"

    # A report is at most 5,000 characters; this leaves room for the other fields and encoding.
    MAX_CONTENT_LENGTH = 256 * 1024
    MAX_FORM_MEMORY_SIZE = 256 * 1024

    # Letters (issue 12): from this many copies a letter is a bulk letter, which the KCC must approve before it is
    # sent. Uploads of draft letters have their own limit of 2 MB (portal.letters.refusals.MAX_UPLOAD_BYTES),
    # applied to the letter pages alone before anything is parsed (admin/letters/routes.py).
    LETTERS_BULK_COPIES = int(os.environ.get("MELDPUNT_LETTERS_BULK_COPIES", "20"))

    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = ("nl", "en")

    # Staff: log-in ends after this much inactivity; two-factor log-in is required in production.
    STAFF_SESSION_MINUTES = int(os.environ.get("MELDPUNT_STAFF_SESSION_MINUTES", "30"))
    TWO_FACTOR_REQUIRED = False
    PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's default cost: n=2**15, r=8, p=1
    # Log-in tries: strictly per account from one address (a stranger's guesses cannot lock the holder out
    # elsewhere), loosely per account from anywhere (guessing spread over many addresses), and per address.
    # The code step after the password is held to LOGIN_RATE_LIMIT_ACCOUNT per account.
    LOGIN_RATE_LIMIT_ACCOUNT = "5 per 15 minutes"
    LOGIN_RATE_LIMIT_ACCOUNT_ANYWHERE = "25 per 15 minutes"
    LOGIN_RATE_LIMIT_ADDRESS = "20 per 15 minutes"
    # "Forgot your password?": per address, and per account (more requests are answered alike but send nothing).
    PASSWORD_RESET_RATE_LIMIT_ADDRESS = "5 per 15 minutes"
    PASSWORD_RESET_RATE_LIMIT_ACCOUNT = "3 per hour"
    # How long an e-mailed link to set a password works: a new account's (or after an admin's reset), and a
    # forgotten password's. Each works once.
    PASSWORD_LINK_HOURS = int(os.environ.get("MELDPUNT_PASSWORD_LINK_HOURS", "72"))
    PASSWORD_RESET_LINK_MINUTES = int(os.environ.get("MELDPUNT_PASSWORD_RESET_LINK_MINUTES", "60"))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    WTF_CSRF_TIME_LIMIT = 4 * 3600


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    RATELIMIT_ENABLED = False
    MAIL_TIMEOUT_SECONDS = 5
    MAIL_SUPPRESS_SEND = False  # tests send to a real SMTP server on loopback
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # the same algorithm at a cost that keeps the suite fast
    WTF_CSRF_ENABLED = True


class ProductionConfig(Config):
    ENV_NAME = "production"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SESSION_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    TWO_FACTOR_REQUIRED = True


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(env_name):
    try:
        return CONFIGS[env_name]
    except KeyError:
        raise RuntimeError(
            f"MELDPUNT_ENV must be one of {', '.join(CONFIGS)}, not {env_name!r}."
        ) from None


def _smallest_period(text):
    """The length of the shortest pattern that `text` repeats ("abcabcab" -> 3); len(text) if none."""
    # Knuth-Morris-Pratt: border[i] is the longest proper prefix of text[:i + 1] that is also its suffix.
    border = [0] * len(text)
    for i in range(1, len(text)):
        length = border[i - 1]
        while length and text[i] != text[length]:
            length = border[length - 1]
        border[i] = length + 1 if text[i] == text[length] else 0
    return len(text) - (border[-1] if text else 0)


def is_repeated_pattern(key):
    """True for a key made of one shorter pattern at least twice over ("abcd" * 8, "0123456789" * 4)."""
    return 2 * _smallest_period(key) <= len(key)


def check_secret_key(config):
    """Refuse to serve in production with a missing or guessable key."""
    if config.get("ENV_NAME") != "production":
        return
    key = config.get("SECRET_KEY") or ""
    if (
        len(key) < MIN_SECRET_KEY_LENGTH
        or key.lower() in WEAK_SECRET_KEYS
        or len(set(key)) < 8
        or is_repeated_pattern(key)
    ):
        raise RuntimeError(
            "SECRET_KEY is missing or weak. In production set SECRET_KEY to at least "
            f"{MIN_SECRET_KEY_LENGTH} random characters, e.g. from "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`."
        )


def check_rate_limit_storage(config):
    """Refuse to serve in production with rate limits that each worker process counts on its own.

    With memory:// every gunicorn worker keeps its own counts, so three workers let three times the limit
    through; only an operator who runs a single worker process may keep it.
    """
    if config.get("ENV_NAME") != "production" or not config.get("RATELIMIT_ENABLED", True):
        return
    storage = (config.get("RATELIMIT_STORAGE_URI") or "memory://").strip().lower()
    if storage.startswith("memory://") and not config.get("SINGLE_WORKER"):
        raise RuntimeError(
            "RATELIMIT_STORAGE_URI is memory://, which counts the rate limits in each worker process on its own. "
            "In production set RATELIMIT_STORAGE_URI to a store all workers share, e.g. "
            "redis://127.0.0.1:6379/0, or set MELDPUNT_SINGLE_WORKER=1 if exactly one worker process serves "
            "(gunicorn --workers 1) on a single host."
        )


def check_production_settings(config):
    """Everything production refuses to start without; called once from create_app."""
    check_secret_key(config)
    check_rate_limit_storage(config)
