"""The figures at scale: the overview, the month and quarter pages and the exports against an independent bare scan.

    .venv/bin/python bench/stats_benchmark.py --reports 1000000 --database postgresql
    .venv/bin/python bench/stats_benchmark.py --reports 1000000 --database sqlite

Seeds a benchmark database of its own once (bench/common.py, flask seed-demo's generator over twelve months, then
the publication of every period past its correction window, as the nightly job does), logs a manager in through
Flask's test client and prints, per case, the median time of the whole rendered response, the median time of the
baseline, and their ratio. The baseline is written by hand, not captured from the app: one statement that scans
the thirteen months a page covers and computes their headline figures (received, dismissed, closed, on time,
late, first line, grades, median working days where the database has a percentile) grouped by month. Goal: every
case at most 0.25x that scan. Run by hand; not part of the test suite.
"""
import argparse
import re
import sys
import time

from common import interleaved, prepared_app, print_header, print_row
from sqlalchemy import delete, select

from portal.calendar.clock import local_today
from portal.extensions import db
from portal.figures import provisional, publication, snapshots
from portal.figures import service_report as stats
from portal.models import ProvisionalFigures, User
from portal.operations.cli import publish_due_figures
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


SCAN_POSTGRESQL = """
SELECT date_trunc('month', received_at AT TIME ZONE 'Europe/Amsterdam') AS month,
       count(*) FILTER (WHERE status <> 'dismissed') AS received,
       count(*) FILTER (WHERE status = 'dismissed') AS dismissed,
       count(*) FILTER (WHERE status = 'closed') AS closed,
       count(*) FILTER (WHERE first_contact_on_time) AS contact_on_time,
       count(*) FILTER (WHERE first_contact_on_time = false) AS contact_late,
       count(*) FILTER (WHERE closed_on_time) AS closed_on_time,
       count(*) FILTER (WHERE closed_on_time = false) AS closed_late,
       count(*) FILTER (WHERE closed_at_first_line) AS first_line,
       count(*) FILTER (WHERE status IN ('new', 'assigned', 'contacted')) AS still_open,
       count(grade) AS graded, avg(grade) AS grade_mean,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY closing_working_days) AS closing_median,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY closing_working_days) AS closing_p90
FROM reports WHERE received_at >= %(start)s AND received_at < %(end)s
GROUP BY 1 ORDER BY 1
"""
SCAN_SQLITE = """
SELECT substr(received_at, 1, 7) AS month,
       sum(status <> 'dismissed') AS received, sum(status = 'dismissed') AS dismissed,
       sum(status = 'closed') AS closed, sum(first_contact_on_time = 1) AS contact_on_time,
       sum(first_contact_on_time = 0) AS contact_late, sum(closed_on_time = 1) AS closed_on_time,
       sum(closed_on_time = 0) AS closed_late, sum(closed_at_first_line = 1) AS first_line,
       sum(status IN ('new', 'assigned', 'contacted')) AS still_open,
       count(grade) AS graded, avg(grade) AS grade_mean
FROM reports WHERE received_at >= ? AND received_at < ?
GROUP BY 1 ORDER BY 1
"""


def scan(period):
    """The independent baseline: one hand-written statement over the thirteen months (or quarters) a page covers."""
    start = period.previous(12).utc_bounds()[0]
    end = period.utc_bounds()[1]

    def run():
        with db.engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(SCAN_POSTGRESQL, {"start": start, "end": end}).fetchall()
            else:
                # SQLite keeps the moments as ISO text in UTC: the month is read from the text, near enough for a
                # baseline of cost.
                connection.exec_driver_sql(SCAN_SQLITE, (start.isoformat(sep=" "), end.isoformat(sep=" "))).fetchall()

    return run


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
        published = publish_due_figures()
        if published:
            print(f"  published {len(published)} periods", file=sys.stderr)
        client = log_in(app)
        month = stats.Period.last_complete(stats.MONTH)
        quarter = stats.Period.last_complete(stats.QUARTER)
        older = month.previous()
        month_scan, quarter_scan = scan(month), scan(quarter)

        def case(name, app_run, bare_run):
            print_row(name, *interleaved([app_run, bare_run], repeat))

        def state(period):
            if publication.is_published(period):
                return "published"
            return "provisional" if snapshots.provisional(period, None, local_today()) else "counted now"

        def pages():
            case("overview /admin/stats", get(client, "/admin/stats"), month_scan)
            for period in (month, older):
                case(f"month page {period.key} ({state(period)})", get(client, f"/admin/stats/month/{period.key}"),
                     scan(period))
            case(f"month page {month.key}, team BEL ({state(month)})",
                 get(client, f"/admin/stats/month/{month.key}?team=BEL"), month_scan)
            case(f"quarter page {quarter.key} ({state(quarter)})",
                 get(client, f"/admin/stats/quarter/{quarter.key}"), quarter_scan)
            for kind, period, scanned in (("monthly", month, month_scan), ("quarterly", quarter, quarter_scan)):
                for extension, mimetype in (("csv", "text/csv"), ("xlsx", "application/vnd")):
                    case(f"{kind}.{extension} {period.key} ({state(period)})",
                         get(client, f"/admin/stats/{kind}.{extension}?{period.kind}={period.key}", mimetype),
                         scanned)

        print_header(f"Figures, {args.reports:,} reports on {args.database}; baseline: one hand-written scan of the "
                     f"13 periods a page covers (median of {repeat})")
        # First as a page counts a period not yet published itself, then as it reads the scheduler's provisional
        # figures (refreshed every five minutes).
        db.session.execute(delete(ProvisionalFigures))
        db.session.commit()
        pages()
        started = time.perf_counter()
        stored = provisional.refresh()
        print(f"\n(the scheduler's refresh of provisional figures: {stored} scopes in "
              f"{time.perf_counter() - started:.1f} s)")
        pages()


if __name__ == "__main__":
    main()
