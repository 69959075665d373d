"""The staff queue at scale: the app's keyset-paged query against the same query in bare SQL, in one run.

    .venv/bin/python bench/queue_benchmark.py --reports 1000000 --database postgresql
    .venv/bin/python bench/queue_benchmark.py --reports 100000 --database sqlite

Seeds a benchmark database of its own once (flask seed-demo's generator), then prints the median time of each
case and its ratio to bare SQL measured in the same run. Run by hand; not part of the test suite.
"""
import argparse
from datetime import date

from common import median_ms, prepared_app, print_header, print_row
from sqlalchemy import select, text

from portal.calendar.clock import local_today
from portal.extensions import db
from portal.models import Role, Team, User
from portal.reports import queue

# What a queue row shows: the report's own columns, its category's and its team's names.
BARE_PAGE = """
SELECT r.id, r.reference, r.received_at, r.status, r.next_due, c.name_nl, c.name_en, t.name
FROM reports r
JOIN categories c ON c.id = r.category_id
LEFT JOIN teams t ON t.id = r.team_id
WHERE r.status IN ('new', 'assigned', 'contacted') {extra}
ORDER BY r.next_due, r.id
LIMIT 51
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    args = parser.parse_args()

    app = prepared_app(args.database, args.reports)
    with app.app_context():
        kcc = User(id=0, email="bench@x", name="bench", role=Role.KCC, password_hash="", session_token="x")
        team = db.session.scalar(select(Team).where(Team.code == "BEL"))
        today = local_today()
        open_filters = queue.QueueFilters()
        team_filters = queue.QueueFilters(team_ids=(team.id,))

        def app_first():
            queue.page(kcc, open_filters, today=today)
            db.session.expunge_all()

        def bare_first():
            db.session.execute(text(BARE_PAGE.format(extra=""))).all()

        # A page deep in the queue: the cursor of the 5,000th open report (or halfway, if there are fewer).
        open_count = db.session.execute(
            text("SELECT count(*) FROM reports WHERE status IN ('new', 'assigned', 'contacted')")
        ).scalar()
        depth = min(5000, open_count // 2)
        deep = db.session.execute(
            text(BARE_PAGE.replace("LIMIT 51", "LIMIT 1 OFFSET :depth").format(extra="")), {"depth": depth}
        ).one()
        cursor = (deep.next_due, deep.id)
        if isinstance(cursor[0], str):  # SQLite hands dates back as text in bare SQL
            cursor = (date.fromisoformat(cursor[0]), cursor[1])

        def app_deep():
            queue.page(kcc, open_filters, after=cursor, today=today)
            db.session.expunge_all()

        def bare_deep():
            db.session.execute(
                text(BARE_PAGE.format(extra="AND (r.next_due, r.id) > (:d, :i)")), {"d": cursor[0], "i": cursor[1]}
            ).all()

        def app_team():
            queue.page(kcc, team_filters, today=today)
            db.session.expunge_all()

        def bare_team():
            db.session.execute(text(BARE_PAGE.format(extra="AND r.team_id = :t")), {"t": team.id}).all()

        def app_counts():
            queue.counts(kcc, open_filters, today=today)

        def bare_counts():
            db.session.execute(text(
                "SELECT status, count(*) FROM reports WHERE status IN ('new','assigned','contacted') GROUP BY status"
            )).all()
            db.session.execute(
                text("SELECT count(*) FROM reports WHERE next_due < :t AND status IN ('new','assigned','contacted')"),
                {"t": today},
            ).scalar()

        print_header(f"Staff queue, {args.reports:,} reports on {args.database}")
        print_row("first page of the open queue", median_ms(app_first), median_ms(bare_first))
        print_row(f"page after open report {depth:,} (keyset)", median_ms(app_deep), median_ms(bare_deep))
        print_row("first page of one team's queue", median_ms(app_team), median_ms(bare_team))
        print_row("counts per status and overdue", median_ms(app_counts, repeat=5), median_ms(bare_counts, repeat=5))


if __name__ == "__main__":
    main()
