"""Shared pieces of the benchmarks: a database with N demo reports, and a timer that takes the median."""
import os
import statistics
import sys
import time
from pathlib import Path

import psycopg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config import normalise_database_url  # noqa: E402


def bench_database_url(kind, reports, name="meldpunt_bench"):
    """A benchmark database of its own (`name`_N), never the development or test database."""
    if kind == "sqlite":
        return f"sqlite:////tmp/{name}_{reports}.sqlite"
    server = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    url = make_url(normalise_database_url(server))
    name = f"{name}_{reports}"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def prepared_app(kind, reports):
    """An app on a benchmark database holding exactly `reports` demo reports (seeded once, then reused)."""
    import flask_migrate

    from portal import create_app
    from portal.extensions import db
    from portal.models import Report
    from portal.operations.demo import generate_reports

    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": bench_database_url(kind, reports)})
    with app.app_context():
        flask_migrate.upgrade()
        have = db.session.scalar(select(func.count()).select_from(Report))
        if have < reports:
            started = time.perf_counter()
            last = [0]

            def progress(size):
                last[0] += size
                if last[0] % 50_000 < size:
                    print(f"  seeded {have + last[0]:,} of {reports:,}", file=sys.stderr, flush=True)

            generate_reports(reports - have, seed=42, months=12, progress=progress)
            print(f"  seeding took {time.perf_counter() - started:.0f} s", file=sys.stderr)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
        else:
            with db.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
    return app


def interleaved(runs, repeat):
    """Median milliseconds of each run, taken in turn, so that all see the same load on a shared machine."""
    for run in runs:
        run(), run()  # warm up: compiled statements, caches, the database's pages
    times = [[] for _ in runs]
    for _ in range(repeat):
        for spent, run in zip(times, runs, strict=True):
            started = time.perf_counter()
            run()
            spent.append((time.perf_counter() - started) * 1000)
    return [statistics.median(spent) for spent in times]


def median_ms(function, repeat=15, warmup=3):
    for _ in range(warmup):
        function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def print_row(name, app_ms, bare_ms):
    print(f"{name:<46} {app_ms:9.2f} ms {bare_ms:9.2f} ms {app_ms / bare_ms:7.2f}x", flush=True)


def print_header(title):
    print(f"\n{title}")
    print(f"{'case':<46} {'app':>12} {'bare SQL':>12} {'ratio':>8}")
