"""A burst of residents: /melden (with e-mail) under gunicorn against a bare Flask+SQLAlchemy route that inserts the
same three rows (report, "received" event, outbox mail) in one transaction, measured in one run.

    .venv/bin/python bench/submit_benchmark.py
    .venv/bin/python bench/submit_benchmark.py --concurrency 50 --rounds 5 --seconds 6 --workers 2
    .venv/bin/python bench/submit_benchmark.py --reports 1000000  # into a table that holds a million already
    .venv/bin/python bench/submit_benchmark.py --profile 300     # where one submission spends its time

Both servers run under gunicorn with the same number of sync workers on the local PostgreSQL, in a benchmark
database of their own (meldpunt_bench_submit, emptied at the start; never the development or test database);
`--reports 1000000` starts instead from a fresh copy of the database the other benchmarks seed with a million demo
reports (meldpunt_bench_submit_1000000, copied from meldpunt_bench_1000000, which is seeded once if missing). The
app runs its production settings with the rate limits off (FLASK_RATELIMIT_ENABLED=false). The bare route inserts
the very subject and bodies the app rendered for a first report, so both write the same bytes.

The load comes from `--clients` processes of threads, one thread per resident: each opens /melden once (its own
session and CSRF token, as a browser does) and then submits again and again, each time on a new connection
(gunicorn's sync workers close every connection). Rounds alternate between the two servers (app, bare, bare, app,
...). Printed: requests per second (median of the rounds), p50/p99 latency and the workers' CPU time per request
for both, their ratio, and the client's ceiling: the same client against a route that does nothing, to show the
client is not the bottleneck. `--profile N` instead lists one submission's SQL, times the app's own steps (wall and
CPU) and prints a cProfile. Run by hand; not part of the test suite.
"""
import argparse
import http.client
import multiprocessing
import os
import re
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
KEY = "b3f1c9e07d2a4f68a5c3e1d9b7f0a2c4e6d8b0a1c3e5f7d9"
REPORT = {
    "category": "callback",
    "description": "Ik zou teruggebeld worden over mijn brief over de aanslag, maar niemand heeft gebeld. "
    "Ik heb twee keer gewacht op een telefoontje.",
    "contact_date": "",
    "letter_reference": "",
    "name": "Jan Jansen",
    "phone": "",
    "contact_preference": "email",
    "consent": "y",
    "website": "",
}
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


# --- the bare route: what the app does at the least, written by hand -----------------------------------------

def bare_app():
    """gunicorn's factory (`submit_benchmark:bare_app()`): Flask, a SQLAlchemy engine, three INSERTs in one
    transaction, and a 303 to the received page, as the app answers."""
    from flask import Flask, redirect, request
    from sqlalchemy import create_engine, text

    engine = create_engine(os.environ["BENCH_DATABASE_URL"])
    with engine.connect() as conn:
        category_id, first_days, closing_days = conn.execute(
            text("SELECT id, first_contact_days, closing_days FROM categories WHERE code = 'callback'")).one()
        mail = conn.execute(text("SELECT subject, body_text, body_html FROM outbox WHERE recipient = "
                                 "'eerste@example.nl' ORDER BY id DESC LIMIT 1")).one()
    app = Flask("bare")

    @app.post("/bare")
    def bare():
        form = request.form
        now = datetime.now(UTC)
        today = now.date()
        reference = "MC-" + "".join(secrets.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(8))
        reference = f"{reference[:7]}-{reference[7:]}"
        with engine.begin() as conn:
            report_id = conn.execute(text(
                "INSERT INTO reports (reference, received_at, channel, category_id, description, name, email, "
                "contact_preference, language, status, first_contact_due, closing_due, next_due) VALUES (:ref, :now, "
                "'web', :cat, :description, :name, :email, 'email', 'nl', 'new', :first, :closing, :first) RETURNING id"
            ), {"ref": reference, "now": now, "cat": category_id, "description": form["description"],
                "name": form["name"], "email": form["email"], "first": today + timedelta(days=first_days),
                "closing": today + timedelta(days=closing_days)}).scalar_one()
            conn.execute(text(
                "INSERT INTO report_events (report_id, created_at, kind, details) VALUES (:id, :now, 'received', "
                "CAST(:details AS JSON))"
            ), {"id": report_id, "now": now, "details": '{"channel": "web", "category": "callback"}'})
            conn.execute(text(
                "INSERT INTO outbox (created_at, report_id, template, recipient, subject, body_text, body_html, "
                "status, attempts, next_attempt_at) VALUES (:now, :id, 'confirmation', :email, :subject, :text, :html, "
                "'pending', 0, :now)"
            ), {"now": now, "id": report_id, "email": form["email"], "subject": mail.subject, "text": mail.body_text,
                "html": mail.body_html})
        return redirect(f"/melden/ontvangen/{reference}", 303)

    @app.get("/ping")
    def ping():
        return "ok"

    return app


# --- the database and the servers ------------------------------------------------------------------------------

def prepare_database(reports=0):
    """The benchmark's own database, migrated: empty of reports, or (`reports`) a fresh copy of the benchmark
    database with that many demo reports (seeded once, as the other benchmarks do). One report is filed through the
    app in-process so that the bare route can insert the same mail. Returns its address and the id of that report:
    the run's reports come after it."""
    sys.path.insert(0, str(BENCH))
    import flask_migrate
    from common import bench_database_url, prepared_app
    from sqlalchemy import text

    from portal import create_app
    from portal.extensions import db

    if reports:
        seeded = prepared_app("postgresql", reports)  # meldpunt_bench_<reports>
        with seeded.app_context():
            source = db.engine.url.database
            db.engine.dispose()
        url = bench_database_url("postgresql", reports, name="meldpunt_bench_submit")
        _copy_database(url, source)
    else:
        url = bench_database_url("postgresql", "submit")  # meldpunt_bench_submit
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        flask_migrate.upgrade()
        if not reports:
            db.session.execute(text("TRUNCATE outbox, report_events, report_causes, reports RESTART IDENTITY CASCADE"))
            db.session.commit()
        client = app.test_client()
        token = TOKEN.search(client.get("/melden").get_data(as_text=True)).group(1)
        answer = client.post("/melden", data={**REPORT, "email": "eerste@example.nl", "csrf_token": token})
        assert answer.status_code == 303, answer.get_data(as_text=True)[:2000]
        first = db.session.scalar(text("SELECT max(id) FROM reports"))
        db.engine.dispose()
    return url, first


def _copy_database(url, source):
    """`url`'s database made anew as a copy of `source` (PostgreSQL copies the files: seconds, not a new seeding)."""
    import psycopg
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = target.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target.database}"')
        conn.execute(f'CREATE DATABASE "{target.database}" TEMPLATE "{source}"')


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with `workers` sync workers on a free port, in its own process group."""

    def __init__(self, name, target, workers, env, ready_path, cwd=ROOT):
        self.name, self.port, self.ready_path = name, free_port(), ready_path
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
             "--no-control-socket", "--backlog", "2048", target],
            cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        )

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} stopped:\n{self.process.stderr.read().decode()}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", self.ready_path)
                if connection.getresponse().status == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start")

    def workers_cpu_seconds(self):
        """CPU time the workers have used so far (Linux /proc), to tell server work from waiting."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        for pid in children:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime and stime
        return total

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def start_servers(url, workers):
    base = {name: value for name, value in os.environ.items()
            if not name.startswith(("MELDPUNT_", "FLASK_", "RATELIMIT_"))}
    app_env = {**base, "MELDPUNT_ENV": "production", "SECRET_KEY": KEY, "DATABASE_URL": url,
               "FLASK_RATELIMIT_ENABLED": "false", "MELDPUNT_BASE_URL": "https://meldpunt.example.nl"}
    bare_env = {**base, "BENCH_DATABASE_URL": url}
    servers = {
        "app": Server("app", "wsgi:app", workers, app_env, "/healthz"),
        "bare": Server("bare", "submit_benchmark:bare_app()", workers, bare_env, "/ping", cwd=BENCH),
    }
    try:
        for server in servers.values():
            server.wait_ready()
    except BaseException:
        for server in servers.values():
            server.stop()
        raise
    return servers


# --- the residents ---------------------------------------------------------------------------------------------

def _request(port, method, path, body=None, cookie=None):
    headers = {"Connection": "close"}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if cookie:
        headers["Cookie"] = cookie
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("Set-Cookie"), response.read()
    finally:
        connection.close()


def _resident(port, mode, number, start_at, end_at, results):
    """One resident: a session and token once (for the app), then submissions until the round ends."""
    cookie, fields = None, dict(REPORT)
    if mode == "app":
        status, set_cookie, page = _request(port, "GET", "/melden")
        cookie = set_cookie.split(";", 1)[0]
        fields["csrf_token"] = TOKEN.search(page.decode()).group(1)
    path, method = {"app": ("/melden", "POST"), "bare": ("/bare", "POST"), "ping": ("/ping", "GET")}[mode]
    time.sleep(max(0.0, start_at - time.time()))
    sent = 0
    while time.time() < end_at:
        body = None if method == "GET" else urlencode({**fields, "email": f"inwoner{number}.{sent}@example.nl"})
        began = time.time()
        status, _, _ = _request(port, method, path, body, cookie)
        finished = time.time()
        sent += 1
        if start_at <= began and finished <= end_at:
            results.append((finished - began, status))


def _client_process(port, mode, first, count, start_at, end_at, queue):
    results = []
    threads = [threading.Thread(target=_resident, args=(port, mode, first + n, start_at, end_at, results))
               for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    queue.put((results, usage.ru_utime + usage.ru_stime))


def load(server, mode, concurrency, clients, seconds, round_number):
    """`concurrency` residents in `clients` processes for `seconds`: requests/s, latencies, statuses, the client's
    CPU seconds, and the server's workers' CPU seconds within the measured window."""
    port = server.port
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    start_at = time.time() + 1.5 + concurrency * 0.01  # every resident has its session before the clock starts
    end_at = start_at + seconds
    per_client = [concurrency // clients + (1 if n < concurrency % clients else 0) for n in range(clients)]
    processes = []
    first = round_number * 100_000
    for count in per_client:
        processes.append(context.Process(target=_client_process,
                                         args=(port, mode, first, count, start_at, end_at, queue)))
        first += count
    for process in processes:
        process.start()
    time.sleep(max(0.0, start_at - time.time()))
    server_cpu = server.workers_cpu_seconds()
    time.sleep(max(0.0, end_at - time.time()))
    server_cpu = server.workers_cpu_seconds() - server_cpu
    outcomes = [queue.get() for _ in processes]
    for process in processes:
        process.join()
    results = [result for part, _ in outcomes for result in part]
    cpu = sum(seconds_used for _, seconds_used in outcomes)
    return (len(results) / seconds, [latency for latency, _ in results], [status for _, status in results], cpu,
            server_cpu)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def measure(servers, args):
    rates = {"app": [], "bare": []}
    latencies = {"app": [], "bare": []}
    statuses = {"app": [], "bare": []}
    cpu = {"app": 0.0, "bare": 0.0}
    server_cpu = {"app": [], "bare": []}
    for round_number in range(args.rounds):
        order = ("app", "bare") if round_number % 2 == 0 else ("bare", "app")
        for mode in order:
            rate, times, answers, client_cpu, workers_cpu = load(servers[mode], mode, args.concurrency, args.clients,
                                                                 args.seconds, round_number * 2 + order.index(mode))
            server_cpu[mode].append(workers_cpu / max(1, len(answers)))
            rates[mode].append(rate)
            latencies[mode] += times
            statuses[mode] += answers
            cpu[mode] += client_cpu
            print(f"  round {round_number + 1} {mode:<5} {rate:8.1f} requests/s "
                  f"{server_cpu[mode][-1] * 1000:6.2f} ms worker CPU per request", flush=True)
    return rates, latencies, statuses, cpu, server_cpu


def report(rates, latencies, statuses, cpu, server_cpu, ceiling, args):
    print(f"\nSubmissions of /melden with e-mail, {args.concurrency} residents at once, gunicorn {args.workers} "
          f"sync workers each, PostgreSQL, {args.rounds} rounds of {args.seconds} s, interleaved")
    print(f"{'':<24}{'requests/s':>11}{'p50 ms':>9}{'p99 ms':>9}{'not 303':>9}{'worker CPU/req':>16}"
          f"{'client CPU/req':>16}")
    for mode, label in (("app", "app: /melden"), ("bare", "bare three-row insert")):
        failed = sum(status != 303 for status in statuses[mode])
        per_request = cpu[mode] / max(1, len(statuses[mode])) * 1000
        print(f"{label:<24}{statistics.median(rates[mode]):11.1f}{percentile(latencies[mode], 0.5) * 1000:9.1f}"
              f"{percentile(latencies[mode], 0.99) * 1000:9.1f}{failed:9d}"
              f"{statistics.median(server_cpu[mode]) * 1000:13.2f} ms{per_request:13.2f} ms")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end "
          "(the same for both servers: the rounds alternate)")
    ratio = statistics.median(rates["app"]) / statistics.median(rates["bare"])
    # Each round measures both servers back to back, so its own ratio is the least disturbed by other load.
    per_round = statistics.median(app / bare for app, bare in zip(rates["app"], rates["bare"], strict=True))
    print(f"ratio app / bare: {ratio:.2f}x of the medians, {per_round:.2f}x the median round (goal: at least 0.5x)")
    rate, _, _, ceiling_cpu, _ = ceiling
    print(f"client ceiling: {rate:.0f} requests/s against a route that does nothing "
          f"({ceiling_cpu / max(1, rate * args.seconds) * 1000:.2f} ms client CPU per request)")


def check_nothing_given_up(url, first, expected_at_least):
    """Every report the app stored in the run has its confirmation in the outbox, committed with it."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        reports = conn.execute(text("SELECT count(*) FROM reports WHERE email IS NOT NULL AND id > :first"),
                               {"first": first}).scalar_one()
        without_mail = conn.execute(text(
            "SELECT count(*) FROM reports r WHERE r.id > :first AND r.email IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM outbox o WHERE o.report_id = r.id)"), {"first": first}).scalar_one()
        before = conn.execute(text("SELECT count(*) FROM reports WHERE id <= :first"), {"first": first}).scalar_one()
    engine.dispose()
    print(f"stored in the run: {reports:,} reports with an e-mail address, {without_mail} of them without their mail "
          f"(beside {before:,} reports there before)")
    assert reports >= expected_at_least and without_mail == 0


# --- where one submission spends its time -----------------------------------------------------------------------

# The steps of a submission, by where the app looks them up when it runs (module, attribute): each is wrapped in a
# timer for --profile. Nested steps are counted in their parent too. A step the code no longer has is left out.
STAGES = [
    ("portal.web.views", "offered_categories", "categories for the form (SQL every 10 s)"),
    ("portal.web.forms", "ReportForm.validate", "form validation (CSRF, fields, plain text)"),
    ("portal.web.views", "receive_report", "receive_report (everything below)"),
    ("portal.calendar.deadlines", "due_date", "  terms: due_date"),
    ("portal.calendar.deadlines", "_closing_days", "    closing days (SQL when not read yet)"),
    ("portal.reports.intake", "_insert_with_new_reference", "  the report (INSERT)"),
    ("portal.reports.intake", "insert_event", "  the received event (INSERT)"),
    ("portal.reports.intake", "_queue_confirmation", "  the confirmation, unless the day's were sent (INSERT)"),
    ("portal.mail.outbox", "render_mail", "    rendering subject, text and HTML"),
    ("portal.reports.intake", "external_url", "  the status link for the mail"),
    ("portal.web.views", "render_template", "page templates (not on a 303)"),
]


def _wrap(owner, attribute, name, stages):
    original = getattr(owner, attribute)
    stages[name] = [0, 0.0, 0.0]

    def timed(*args, **kwargs):
        began, began_cpu = time.perf_counter(), time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            stages[name][0] += 1
            stages[name][1] += time.perf_counter() - began
            stages[name][2] += time.process_time() - began_cpu

    setattr(owner, attribute, timed)


def timed_stages(db):
    """Wrap each step of STAGES, the session's flush and commit in a timer; the {name: [calls, seconds]} they fill."""
    import importlib

    stages = {}
    for module_name, path, name in STAGES:
        owner = importlib.import_module(module_name)
        *parents, attribute = path.split(".")
        for parent in parents:
            owner = getattr(owner, parent)
        if hasattr(owner, attribute):
            _wrap(owner, attribute, name, stages)
    session_class = type(db.session())  # each request has its own session: time the class's methods
    _wrap(session_class, "flush", "session flushes (INSERTs)", stages)
    _wrap(session_class, "commit", "commit", stages)
    return stages


def profile(url, count):
    """The app in-process (production settings, rate limits off): its SQL per submission, the wall time of a
    submission without and with cProfile, and the functions that take it."""
    import cProfile
    import pstats

    from sqlalchemy import event

    from portal import create_app
    from portal.extensions import db

    app = create_app({"ENV_NAME": "production", "SECRET_KEY": KEY, "SQLALCHEMY_DATABASE_URI": url,
                      "RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False})
    client = app.test_client()
    fields = {**REPORT, "csrf_token": TOKEN.search(client.get("/melden").get_data(as_text=True)).group(1)}
    sequence = iter(range(10**9))

    def submit():
        # The test client speaks https (PREFERRED_URL_SCHEME), where the CSRF check wants the page posted from.
        answer = client.post("/melden", data={**fields, "email": f"profiel{next(sequence)}@example.nl"},
                             headers={"Referer": "https://localhost/melden"})
        assert answer.status_code == 303, answer.status_code

    statements, sql_seconds = [], [0.0]
    with app.app_context():
        engine = db.engine

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["began"] = time.perf_counter()
        statements.append(" ".join(statement.split())[:110])

    def after(conn, cursor, statement, parameters, context, executemany):
        sql_seconds[0] += time.perf_counter() - conn.info["began"]

    for _ in range(20):
        submit()
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    submit()
    print(f"\nSQL of one submission ({len(statements)} statements, commit not counted):")
    for statement in statements:
        print("  " + statement)
    statements.clear()
    sql_seconds[0] = 0.0
    began = time.perf_counter()
    for _ in range(count):
        submit()
    wall = (time.perf_counter() - began) / count
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)
    print(f"\none submission in-process: {wall * 1000:.2f} ms wall, of which {sql_seconds[0] / count * 1000:.2f} ms "
          f"waiting for {len(statements) / count:.0f} SQL statements (the commit's round trip not included)")
    with app.app_context():
        stages = timed_stages(db)
    began, began_cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        submit()
    wall, cpu = (time.perf_counter() - began) / count, (time.process_time() - began_cpu) / count
    print(f"\nwhere a submission's {wall * 1000:.2f} ms ({cpu * 1000:.2f} ms of it Python's CPU) go, timed around "
          "the app's own steps (no profiler):")
    print(f"  {'':<52} {'calls':>5} {'wall ms':>8} {'CPU ms':>8} {'of CPU':>7}")
    for name, (calls, seconds, cpu_seconds) in stages.items():
        print(f"  {name:<52} {calls / count:5.1f} {seconds / count * 1000:8.2f} {cpu_seconds / count * 1000:8.2f} "
              f"{cpu_seconds / count / cpu:7.1%}")
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [submit() for _ in range(count)])
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative")
    print(f"\ncProfile over {count} submissions (cumulative time; profiling slows pure Python most):")
    stats.print_stats(45)
    stats.sort_stats("tottime")
    print("\nOwn time:")
    stats.print_stats(20)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--clients", type=int, default=4, help="client processes the residents are spread over")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reports", type=int, default=0,
                        help="start from a copy of the benchmark database with this many reports (default: empty)")
    parser.add_argument("--profile", type=int, metavar="N", default=0,
                        help="instead: profile N submissions in-process (cProfile) and count their SQL")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    url, first = prepare_database(args.reports)
    if args.profile:
        profile(url, args.profile)
        return
    servers = start_servers(url, args.workers)
    try:
        for mode in ("app", "bare"):  # warm both up: connections, templates, caches
            load(servers[mode], mode, args.concurrency, args.clients, 2, 90 + len(mode))
        rates, latencies, statuses, cpu, server_cpu = measure(servers, args)
        ceiling = load(servers["bare"], "ping", args.concurrency, args.clients, args.seconds, 99)
    finally:
        for server in servers.values():
            server.stop()
    report(rates, latencies, statuses, cpu, server_cpu, ceiling, args)
    check_nothing_given_up(url, first, sum(status == 303 for status in statuses["app"]))


if __name__ == "__main__":
    main()
