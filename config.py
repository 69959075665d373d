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
    # Contact details and free text of reports closed longer ago than this are removed (AVG).
    RETENTION_MONTHS = int(os.environ.get("MELDPUNT_RETENTION_MONTHS", "12"))
    # A mail claimed longer ago than this belongs to a sender that died mid-send; it is tried again.
    OUTBOX_CLAIM_TIMEOUT_SECONDS = int(os.environ.get("MELDPUNT_OUTBOX_CLAIM_TIMEOUT_SECONDS", "900"))
    # Flask-Mail has no timeout of its own; the outbox sets this one on the socket.
    MAIL_TIMEOUT_SECONDS = 20

    # How many reverse proxies stand before the app; their X-Forwarded-* headers are then trusted,
    # so that rate limits see the resident's address rather than the proxy's.
    PROXY_COUNT = int(os.environ.get("MELDPUNT_PROXY_COUNT", "0"))
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    REPORT_RATE_LIMIT = "5 per minute;30 per day"
    STATUS_RATE_LIMIT = "20 per minute;200 per day"

    # A report is at most 5,000 characters; this leaves room for the other fields and encoding.
    MAX_CONTENT_LENGTH = 256 * 1024
    MAX_FORM_MEMORY_SIZE = 256 * 1024

    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = ("nl", "en")

    # Staff: log-in ends after this much inactivity; two-factor log-in is required in production.
    STAFF_SESSION_MINUTES = int(os.environ.get("MELDPUNT_STAFF_SESSION_MINUTES", "30"))
    TWO_FACTOR_REQUIRED = False
    PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's default cost: n=2**15, r=8, p=1
    LOGIN_RATE_LIMIT_ACCOUNT = "5 per 15 minutes"
    LOGIN_RATE_LIMIT_ADDRESS = "20 per 15 minutes"

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


def check_secret_key(config):
    """Refuse to serve in production with a missing or guessable key."""
    if config.get("ENV_NAME") != "production":
        return
    key = config.get("SECRET_KEY") or ""
    if len(key) < MIN_SECRET_KEY_LENGTH or key.lower() in WEAK_SECRET_KEYS or len(set(key)) < 8:
        raise RuntimeError(
            "SECRET_KEY is missing or weak. In production set SECRET_KEY to at least "
            f"{MIN_SECRET_KEY_LENGTH} random characters, e.g. from "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`."
        )
