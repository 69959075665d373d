"""Production start-up refuses settings that only look safe: a SECRET_KEY made of a repeated pattern, and rate
limits that each worker counts on its own (memory://) unless the operator says one worker serves; and production
starts with redis://, because the client is shipped (tests/test_deployment.py runs workers against a real Redis)."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

import config
from portal import create_app

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a"


def production(**settings):
    return {"ENV_NAME": "production", "SECRET_KEY": STRONG_KEY, "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0", **settings}


@pytest.mark.parametrize(
    "key",
    [
        "abcd" * 8,
        "0123456789" * 4,
        "0123456789" * 3 + "01",  # the pattern need not fit a whole number of times
        "Meldpunt-Dronten!" * 2,
        secrets.token_hex(16) * 2,  # a random half, twice, is still half a key
        "aB3$" * 16,
    ],
)
def test_a_secret_key_made_of_a_repeated_pattern_is_refused(key):
    assert len(key) >= config.MIN_SECRET_KEY_LENGTH and len(set(key)) >= 4
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        config.check_secret_key({"ENV_NAME": "production", "SECRET_KEY": key})
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(production(SECRET_KEY=key))


@pytest.mark.parametrize(
    "key",
    [STRONG_KEY, secrets.token_hex(16), secrets.token_hex(32), secrets.token_urlsafe(32),
     # a repeat inside a key is not a key made of repeats
     secrets.token_hex(12) + "abcabcabc" + secrets.token_hex(12)],
)
def test_a_random_secret_key_is_accepted(key):
    config.check_secret_key({"ENV_NAME": "production", "SECRET_KEY": key})
    assert create_app(production(SECRET_KEY=key)).config["SECRET_KEY"] == key


def test_generated_keys_are_never_mistaken_for_patterns():
    """The rule must not refuse what the README tells operators to run: 2,000 keys as it prints them."""
    refused = [key for key in (secrets.token_hex(32) for _ in range(2000)) if config.is_repeated_pattern(key)]
    assert refused == []


# --- rate limits that every worker shares --------------------------------------------------------------------


def test_production_refuses_rate_limits_counted_per_worker():
    with pytest.raises(RuntimeError) as refused:
        config.check_rate_limit_storage({"ENV_NAME": "production", "RATELIMIT_ENABLED": True,
                                         "RATELIMIT_STORAGE_URI": "memory://"})
    # The operator reads what is wrong and both ways out.
    assert "RATELIMIT_STORAGE_URI" in str(refused.value)
    assert "redis://" in str(refused.value)
    assert "MELDPUNT_SINGLE_WORKER=1" in str(refused.value)


@pytest.mark.parametrize(
    "settings",
    [
        {"ENV_NAME": "production", "RATELIMIT_STORAGE_URI": "memory://", "SINGLE_WORKER": True},
        {"ENV_NAME": "production", "RATELIMIT_STORAGE_URI": "redis://10.0.0.5:6379/0"},
        {"ENV_NAME": "production", "RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_ENABLED": False},
        {"ENV_NAME": "development", "RATELIMIT_STORAGE_URI": "memory://"},
        {"ENV_NAME": "testing", "RATELIMIT_STORAGE_URI": "memory://"},
    ],
)
def test_memory_storage_is_allowed_where_nothing_is_shared(settings):
    config.check_rate_limit_storage(settings)


def test_the_app_refuses_memory_storage_in_production():
    with pytest.raises(RuntimeError, match="MELDPUNT_SINGLE_WORKER"):
        create_app(production(RATELIMIT_STORAGE_URI="memory://"))
    app = create_app(production(RATELIMIT_STORAGE_URI="memory://", SINGLE_WORKER=True))
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def start_up(**env):
    """Load the app as gunicorn does (wsgi.py), in production, with only these variables."""
    variables = {
        "PATH": os.environ.get("PATH", ""),
        "MELDPUNT_ENV": "production",
        "SECRET_KEY": STRONG_KEY,
        "DATABASE_URL": "sqlite://",
        **env,
    }
    return subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=variables, capture_output=True,
                          text=True, timeout=60)


def test_the_operator_sees_why_production_does_not_start_and_how_to_fix_it():
    refused = start_up()
    assert refused.returncode != 0
    assert "RATELIMIT_STORAGE_URI is memory://" in refused.stderr
    assert start_up(MELDPUNT_SINGLE_WORKER="1").returncode == 0
    started = start_up(RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0?socket_connect_timeout=1")
    assert started.returncode == 0, started.stderr  # the redis client is installed
