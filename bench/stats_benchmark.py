"""The figures at scale: month page, quarter page and exports against the bare SQL they run, measured in one run.

    .venv/bin/python bench/stats_benchmark.py --reports 1000000 --database postgresql
    .venv/bin/python bench/stats_benchmark.py --reports 1000000 --database sqlite
    .venv/bin/python bench/stats_benchmark.py --reports 100000 --database postgresql

Seeds a benchmark database of its own once (bench/common.py, flask seed-demo's generator over twelve months), logs a
manager in through Flask's test client and prints, per case, the median time of the whole rendered response and its
ratio to the bare SQL: the very statements portal.stats issues for that period, captured from its own run and
replayed through the database driver, without the ORM, templates or HTTP. Target: the month page at a million
reports within 1.5 times its bare SQL. Run by hand; not part of the test suite.
"""
import argparse
import re
import statistics
import time

from common import prepared_app, print_header, print_row
from sqlalchemy import event, select

from portal.extensions import db
from portal.figures import service_report as stats
from portal.models import Team, User
from portal.staff import accounts

MANAGER = "bench-manager@dronten.example"
PASSWORD = "Bench-Password-2026"


def log_in(app):
    """A test client with a manager logged in through the real log-in form."""
    if db.session.scalar(select(User).where(User.email == MANAGER)) is None:
        accounts.create_user(email=MANAGER, name="Bench Manager", role="manager", password=PASSWORD, teams=[])
        db.session.commit()
    client = app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/admin/login", data={"csrf_token": token, "email": MANAGER, "password": PASSWORD})
    assert response.status_code == 303, "the benchmark manager could not log in"
    return client


def captured_statements(period, team_id=None):
    """The SQL statements and parameters portal.stats sends to the driver for these figures."""
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        stats.period_figures(period, team_id=team_id)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    db.session.rollback()
    return statements


def bare(statements):
    """Run the captured statements straight through the driver and fetch every row."""

    def run():
        with db.engine.connect() as connection:
            for statement, parameters in statements:
                connection.exec_driver_sql(statement, parameters).fetchall()

    return run


def interleaved(app_run, bare_run, repeat):
    """Median milliseconds of each, the two run in turn, so that both see the same load on a shared machine."""
    app_run(), bare_run()  # warm up: compiled statements, caches, the database's pages
    times = ([], [])
    for _ in range(repeat):
        for spent, run in zip(times, (app_run, bare_run), strict=True):
            started = time.perf_counter()
            run()
            spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def get(client, address, kind="text/html"):
    def run():
        response = client.get(address)
        assert response.status_code == 200 and response.mimetype.startswith(kind.split(";")[0]), address
        db.session.remove()

    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--repeat", type=int, default=None, help="timed runs per case (default 15, 5 above 200,000)")
    args = parser.parse_args()
    repeat = args.repeat or (15 if args.reports <= 200_000 else 5)

    app = prepared_app(args.database, args.reports)
    with app.app_context():
        client = log_in(app)
        month = stats.Period.last_complete(stats.MONTH)
        quarter = stats.Period.last_complete(stats.QUARTER)
        team = db.session.scalar(select(Team).where(Team.code == "BEL"))
        month_sql = captured_statements(month)
        quarter_sql = captured_statements(quarter)
        team_sql = captured_statements(month, team.id)

        def case(name, app_run, bare_run):
            print_row(name, *interleaved(app_run, bare_run, repeat))

        print_header(f"Figures, {args.reports:,} reports on {args.database} "
                     f"({len(month_sql)} statements per period; median of {repeat})")
        case(f"month page {month.key}", get(client, f"/admin/stats/month/{month.key}"), bare(month_sql))
        case(f"quarter page {quarter.key}", get(client, f"/admin/stats/quarter/{quarter.key}"), bare(quarter_sql))
        case(f"month page {month.key}, team BEL", get(client, f"/admin/stats/month/{month.key}?team=BEL"),
             bare(team_sql))
        case("monthly.csv", get(client, f"/admin/stats/monthly.csv?month={month.key}", "text/csv"), bare(month_sql))
        case("monthly.xlsx", get(client, f"/admin/stats/monthly.xlsx?month={month.key}", "application/vnd"),
             bare(month_sql))
        case("quarterly.xlsx", get(client, f"/admin/stats/quarterly.xlsx?quarter={quarter.key}", "application/vnd"),
             bare(quarter_sql))


if __name__ == "__main__":
    main()
