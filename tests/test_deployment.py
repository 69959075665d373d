"""The deployment a municipality runs (deploy/README.md), with real processes: gunicorn workers in production
settings behind a reverse proxy, Redis for the rate limits, one database, and schedulers beside them.

- Three workers of one host count the rate limits together in Redis (with memory:// each counted its own).
- A Redis that is down costs the limits' strictness for a while, never a resident's report.
- On PostgreSQL, a database that cuts every connection (a restart, a fail-over) loses no report.
- On PostgreSQL, two hosts (two gunicorn instances, two workers each, on two ports) share one database and one
  Redis: a staff session made on one works on the other, the rate limits count requests to both together, a
  report filed on one is there on the other, and two schedulers started at the same moment send each mail once.
"""
import os
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import limits
import pyotp
import pytest
from sqlalchemy import select

import config
from portal.models import OutboxMessage, OutboxStatus, Report
from tests.conftest import STAFF_PASSWORD, csrf_token_from, free_port
from tests.live_servers import (
    ROOT,
    Gunicorn,
    RedisServer,
    Visitor,
    documented_environment,
    production_env,
    stop_group,
)

ON_POSTGRESQL = os.environ.get("TEST_DATABASE_URL", "").startswith(("postgresql://", "postgres://"))
requires_postgresql = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="several hosts share one PostgreSQL database (TEST_DATABASE_URL=postgresql://…); SQLite is one file "
    "on one machine",
)


def per_minute(text):
    """How many requests the limits in `text` let through in one minute."""
    return min(item.amount for item in limits.parse_many(text) if item.get_expiry() <= 60)


def smallest_login_limit():
    """The fewest wrong log-ins for one account from one address that any shipped log-in limit allows."""
    amounts = []
    for name in dir(config.Config):
        value = getattr(config.Config, name)
        if name.startswith("LOGIN_RATE_LIMIT") and isinstance(value, str):
            amounts += [item.amount for item in limits.parse_many(value)]
    return min(amounts)


def report_form(visitor, server, **fields):
    token = csrf_token_from(visitor.get(server, "/melden").text)
    return {
        "csrf_token": token, "category": "callback", "contact_date": "", "letter_reference": "", "name": "",
        "email": "", "phone": "", "contact_preference": "email", "consent": "y", "website": "",
        "description": "Ik zou teruggebeld worden over mijn paspoort, maar niemand belde.",
        **fields,
    }


def file_report(visitor, server, email):
    answer = visitor.post(server, "/melden", report_form(visitor, server, email=email))
    assert answer.status == 303, answer.text[:500]
    return answer.location.rsplit("/", 1)[-1]


def test_the_example_environment_sets_only_what_the_app_reads():
    source = (ROOT / "config.py").read_text() + (ROOT / "portal" / "__init__.py").read_text()
    assert [name for name in documented_environment() if f'"{name}"' not in source] == []
    assert documented_environment()["MELDPUNT_ENV"] == "production"
    assert documented_environment()["RATELIMIT_STORAGE_URI"].startswith("redis://")


@pytest.fixture(scope="module")
def redis_server():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def started(tmp_path):
    """Start gunicorn instances; every one is stopped after the test, also when it fails."""
    servers = []

    def start(env, workers, name):
        server = Gunicorn(env, workers, tmp_path, name)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


def test_three_workers_share_the_rate_limits_in_redis(app, make_staff, redis_server, smtp, started):
    """Before, with memory://, 15 of 20 wrong log-ins and 40 of 40 status look-ups a minute got through."""
    staff = make_staff("kcc")
    host = started(production_env(app.config["SQLALCHEMY_DATABASE_URI"], redis_server, smtp.port), 3, "three")

    guesser = Visitor()
    with ThreadPoolExecutor(6) as pool:
        lookups = list(pool.map(lambda _: guesser.get(host, "/status?code=MC-0000-0000").status, range(40)))
    allowed = per_minute(config.Config.STATUS_RATE_LIMIT)
    assert Counter(lookups) == {404: allowed, 429: 40 - allowed}

    attacker = Visitor()
    token = csrf_token_from(attacker.get(host, "/admin/login").text)
    wrong = {"csrf_token": token, "email": staff.email, "password": "not-the-password"}
    with ThreadPoolExecutor(6) as pool:
        tries = list(pool.map(lambda _: attacker.post(host, "/admin/login", wrong).status, range(20)))
    assert sum(status != 429 for status in tries) == smallest_login_limit(), tries
    assert 200 not in tries and 303 not in tries
    # The log-ins (each a slow password check) were spread over the workers: the counts were shared, not one
    # worker's own.
    assert len(host.workers_that_answered("/admin/login")) >= 2
    assert redis_server.keys(), "the counts are kept in Redis"


def test_with_redis_down_residents_can_still_report(app, db, smtp, started):
    """Each worker counts in its own memory until Redis is back: less strict for a while, and nothing is lost."""
    closed = free_port()

    class Down:
        url = f"redis://127.0.0.1:{closed}/0?socket_connect_timeout=1&socket_timeout=1"
        prefix = "meldpunt-down"

    host = started(production_env(app.config["SQLALCHEMY_DATABASE_URI"], Down, smtp.port), 1, "redis-down")
    resident = Visitor()
    reference = file_report(resident, host, "inwoner@example.nl")
    assert reference in resident.get(host, f"/status?code={reference}").text
    allowed = per_minute(config.Config.STATUS_RATE_LIMIT)
    lookups = [resident.get(host, "/status?code=MC-0000-0000").status for _ in range(allowed + 2)]
    assert lookups.count(429) >= 2 and 500 not in lookups
    db.session.expire_all()
    assert db.session.scalar(select(Report).where(Report.reference == reference))


# --- two hosts, one PostgreSQL, one Redis ------------------------------------------------------------------


@pytest.fixture(scope="module")
def hosts(_migrated, _smtp_session, redis_server, tmp_path_factory):
    """Two hosts behind the proxy: two gunicorn instances, two workers each, one database, one Redis."""
    env = production_env(_migrated, redis_server, _smtp_session.port)
    log_dir = tmp_path_factory.mktemp("hosts")
    servers = [Gunicorn(env, 2, log_dir, "host-a"), Gunicorn(env, 2, log_dir, "host-b")]
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


def log_in(browser, first, second, staff):
    """The password on one host, the one-time code on the other: the half-made log-in is in the signed cookie."""
    token = csrf_token_from(browser.get(first, "/admin/login").text)
    answer = browser.post(first, "/admin/login",
                          {"csrf_token": token, "email": staff.email, "password": STAFF_PASSWORD})
    assert answer.status == 303 and answer.location.endswith("/admin/login/code"), answer.text[:500]
    token = csrf_token_from(browser.get(second, "/admin/login/code").text)
    answer = browser.post(second, "/admin/login/code",
                          {"csrf_token": token, "code": pyotp.TOTP(staff.totp_secret).now()})
    assert answer.status == 303, answer.text[:500]


def run_schedulers(env, count):
    """`flask scheduler --once` as `count` processes started at the same moment; their exit codes and output."""
    processes = [
        subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "--once"], cwd=ROOT, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        for _ in range(count)
    ]
    try:
        outputs = [process.communicate(timeout=60)[0].decode(errors="replace") for process in processes]
        return [(process.returncode, output) for process, output in zip(processes, outputs, strict=True)]
    finally:
        for process in processes:
            stop_group(process)


@requires_postgresql
def test_a_staff_session_made_on_one_host_works_on_the_other(app, hosts, make_staff):
    host_a, host_b = hosts
    staff = make_staff("kcc", name="Fatima de Vries", two_factor=True)
    browser = Visitor()
    log_in(browser, host_a, host_b, staff)
    for host in (host_a, host_b):
        page = browser.get(host, "/admin/queue")
        assert page.status == 200 and "Fatima de Vries" in page.text
    # Logged out on one host is logged out on both.
    token = csrf_token_from(browser.get(host_a, "/admin/queue").text)
    assert browser.post(host_a, "/admin/logout", {"csrf_token": token}).status in (302, 303)
    assert browser.get(host_b, "/admin/queue").status in (302, 303)


@requires_postgresql
def test_the_rate_limits_count_requests_to_both_hosts_together(app, hosts):
    host_a, host_b = hosts
    guesser = Visitor()
    allowed = per_minute(config.Config.STATUS_RATE_LIMIT)
    answers = [(host.name, guesser.get(host, "/status?code=MC-0000-0000").status)
               for _ in range(allowed) for host in (host_a, host_b)]
    # Half the allowance on each host, then both refuse: with counts of their own, each would allow it whole.
    assert [status for _, status in answers[:allowed]] == [404] * allowed
    assert Counter(answers) == {("host-a", 404): allowed // 2, ("host-b", 404): allowed // 2,
                                ("host-a", 429): allowed // 2, ("host-b", 429): allowed // 2}


@requires_postgresql
def test_a_report_filed_on_one_host_is_there_on_the_other(app, hosts, make_staff):
    host_a, host_b = hosts
    resident = Visitor()
    reference = file_report(resident, host_a, "j.jansen@example.nl")
    received = resident.get(host_b, f"/melden/ontvangen/{reference}")
    assert received.status == 200 and reference in received.text
    status = Visitor().get(host_b, f"/status?code={reference}")
    assert status.status == 200 and reference in status.text
    browser = Visitor()
    log_in(browser, host_b, host_b, make_staff("kcc", two_factor=True))
    assert reference in browser.get(host_b, "/admin/queue").text


@requires_postgresql
def test_two_schedulers_at_the_same_moment_send_each_mail_once(app, db, hosts, smtp, redis_server):
    host_a, host_b = hosts
    addresses = [f"inwoner{number}@example.nl" for number in range(6)]
    references = {file_report(Visitor(), hosts[number % 2], address)
                  for number, address in enumerate(addresses)}
    env = production_env(app.config["SQLALCHEMY_DATABASE_URI"], redis_server, smtp.port)
    for exit_code, output in run_schedulers(env, 2):
        assert exit_code == 0, output
    db.session.expire_all()
    outbox = db.session.scalars(select(OutboxMessage)).all()
    assert {message.report.reference for message in outbox} == references
    assert {message.status for message in outbox} == {OutboxStatus.SENT}
    assert Counter(message["To"] for message in smtp.messages) == Counter(addresses)


@requires_postgresql
def test_a_database_that_dropped_every_connection_loses_no_report(app, client, db, report_form_data):
    """A restarted or failed-over database cuts every connection the workers hold; the next resident's report is
    still stored (each connection is tried before use), not an error page."""
    from sqlalchemy import create_engine, text

    data = report_form_data(email="anna@example.nl", contact_preference="email", consent="y")
    assert client.post("/melden", data=data).status_code == 303  # the pool now holds a connection
    db.session.remove()
    other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with other.connect() as connection:
        cut = connection.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND usename = current_user"
        )).scalar_one()
    other.dispose()
    assert cut >= 1, "the app's pooled connection must have been cut"
    answer = client.post("/melden", data=report_form_data(email="piet@example.nl", contact_preference="email",
                                                         consent="y"))
    assert answer.status_code == 303
    stored = db.session.scalars(select(Report.email).order_by(Report.id)).all()
    assert stored == ["anna@example.nl", "piet@example.nl"]
    assert len(db.session.scalars(select(OutboxMessage)).all()) == 2
