"""Callback requests at scale: the work lists and the callback figures, beside bare SQL written by hand.

    .venv/bin/python bench/callbacks_benchmark.py --requests 1000000 --database sqlite
    .venv/bin/python bench/callbacks_benchmark.py --requests 1000000 --database postgresql

Seeds a benchmark database of its own once (PostgreSQL `meldpunt_bench_callbacks_<N>`, SQLite
`/tmp/meldpunt_bench_callbacks_<N>.sqlite`): 20,000 demo reports (so that late requests can be linked to a report
"nobody called me back"), then N callback requests by portal.callbacks.demo over twelve months. The demo leaves
every request with its team; a team member of the busiest team is created and every fifth open request of that
team is given to them, so that "mine" is a real list. Then it prints, per case, the median time of:

- app: the app's own function (portal.callbacks.queue.page / counts, portal.callbacks.figures.callback_figures),
  as the page calls it, objects and all;
- bare SQL: the same list page (the same columns a row shows, its team and person joined) or the same counts,
  written by hand as one plain statement, through the driver;

and their ratio, measured in turn in the same run (interleaved, so both see the same load). Lists: first page of
"mine", "team" and "all" (plus the count boxes). Figures: last complete month and quarter, in one group and per
team. Run by hand; not part of the test suite.
"""
import argparse
import sys
import time
from datetime import date

from common import bench_database_url, interleaved
from sqlalchemy import func, select, text

REPORTS = 20_000
MEMBER = "bench-callbacks-team@dronten.example"
KCC = "bench-callbacks-kcc@dronten.example"
OPEN = "cr.status = 'te_verwerken'"
# What a list row shows (templates/admin/callbacks/_row.html): the request's own columns, its team's and person's
# names; one more than a page, to know whether there is a next one.
BARE_PAGE = """
SELECT cr.id, cr.number, cr.urgency, cr.requested_action, cr.due, cr.status, cr.first_attempt_at,
       cr.first_attempt_on_time, cr.failed_attempts, cr.unreachable_notice, cr.letter_sent_at, t.name, u.name
FROM callback_requests cr
JOIN teams t ON t.id = cr.team_id
LEFT JOIN users u ON u.id = cr.assignee_id
WHERE {where}
ORDER BY {order}
LIMIT 201
"""
URGENT_FIRST = "cr.urgency DESC, cr.due, cr.id"
MY_TEAMS = "cr.team_id IN (SELECT tm.team_id FROM team_members tm WHERE tm.user_id = :me)"
LATE = "(cr.first_attempt_on_time IS FALSE OR (cr.first_attempt_at IS NULL AND cr.due < :today))"
BARE_COUNTS = f"""
SELECT count(*), count(CASE WHEN cr.assignee_id = :me THEN 1 END), count(CASE WHEN {MY_TEAMS} THEN 1 END),
       count(CASE WHEN {LATE} THEN 1 END), count(CASE WHEN cr.urgency = 'urgent' THEN 1 END),
       count(CASE WHEN cr.unreachable_notice = 'letter' AND cr.letter_sent_at IS NULL THEN 1 END)
FROM callback_requests cr WHERE {OPEN} AND {MY_TEAMS}
"""  # noqa: S608 (built from this file's constants only)
# The callback figures of a period: the counts, and the working days to the first attempt as a histogram (the
# median is read from it), in one group or per team.
BARE_FIGURES = f"""
SELECT {{group}} count(*), count(CASE WHEN cr.first_attempt_on_time IS TRUE THEN 1 END),
       count(CASE WHEN cr.contacted_on_time IS TRUE THEN 1 END), count(CASE WHEN {LATE} THEN 1 END),
       count(CASE WHEN {LATE} AND EXISTS (SELECT 1 FROM callback_request_reports l
                                         WHERE l.callback_request_id = cr.id) THEN 1 END)
FROM callback_requests cr WHERE cr.registered_at >= :start AND cr.registered_at < :end {{by}}
"""  # noqa: S608 (built from this file's constants only)
BARE_DAYS = """
SELECT {group} cr.first_attempt_working_days, count(*) FROM callback_requests cr
WHERE cr.registered_at >= :start AND cr.registered_at < :end AND cr.first_attempt_working_days IS NOT NULL
GROUP BY {group} cr.first_attempt_working_days
"""
PASSWORD = "Bench-Password-2026"


def _progress(have, total):
    done = [0]

    def progress(size):
        done[0] += size
        if done[0] % 100_000 < size:
            print(f"  seeded {have + done[0]:,} of {total:,}", file=sys.stderr, flush=True)

    return progress


def prepared_app(kind, requests):
    """An app on a benchmark database holding exactly `requests` demo callback requests (seeded once, reused)."""
    import flask_migrate

    from portal import create_app
    from portal.callbacks.demo import generate_callbacks
    from portal.callbacks.models import CallbackRequest
    from portal.extensions import db
    from portal.models import Report
    from portal.operations.demo import generate_reports

    database = bench_database_url(kind, requests, "meldpunt_bench_callbacks")
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": database})
    with app.app_context():
        flask_migrate.upgrade()
        if db.session.scalar(select(func.count()).select_from(Report)) < REPORTS:
            generate_reports(REPORTS, seed=41, months=12)
        have = db.session.scalar(select(func.count()).select_from(CallbackRequest))
        if have < requests:
            started = time.perf_counter()
            generate_callbacks(requests - have, seed=42 + have, months=12, progress=_progress(have, requests))
            print(f"  seeding took {time.perf_counter() - started:.0f} s", file=sys.stderr)
        member = team_member()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE" if kind == "postgresql" else "ANALYZE")
    return app, member


def team_member():
    """A member of the team with the most open requests, holding every fifth of them (made once)."""
    from portal.callbacks.models import CallbackRequest, CallbackStatus
    from portal.extensions import db
    from portal.models import Team, User
    from portal.staff import accounts

    user = db.session.scalar(select(User).where(User.email == MEMBER))
    if user is None:
        team_id = db.session.execute(
            select(CallbackRequest.team_id).where(CallbackRequest.status == CallbackStatus.OPEN)
            .group_by(CallbackRequest.team_id).order_by(func.count().desc()).limit(1)).scalar_one()
        team = db.session.get(Team, team_id)
        user = accounts.create_user(email=MEMBER, name="Bench Teamlid", role="team", password=PASSWORD,
                                    teams=[team])
        db.session.flush()
        db.session.execute(text("UPDATE callback_requests SET assignee_id = :me WHERE team_id = :team "
                                "AND status = 'te_verwerken' AND id % 5 = 0"), {"me": user.id, "team": team_id})
        db.session.commit()
    return user.id


def user_named(email, name, role):
    from portal.extensions import db
    from portal.models import User
    from portal.staff import accounts

    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = accounts.create_user(email=email, name=name, role=role, password=PASSWORD, teams=[])
        db.session.commit()
    return user


def list_cases(member, kcc, deep_cursor, depth):
    """(label, user, view, cursor, bare WHERE)."""
    urgency, due, request_id = deep_cursor
    deep = ("(cr.urgency = 'normal' AND (cr.due > :due OR (cr.due = :due AND cr.id > :id)))"
            if urgency.value == "normal" else
            "((cr.urgency = 'urgent' AND (cr.due > :due OR (cr.due = :due AND cr.id > :id))) "
            "OR cr.urgency = 'normal')")
    return [
        ("list: mine (team member), first page", member, "mine", None, f"{OPEN} AND cr.assignee_id = :me"),
        ("list: my teams' (team member), first page", member, "team", None, f"{OPEN} AND {MY_TEAMS}"),
        ("list: all open (KCC), first page", kcc, "all", None, OPEN),
        (f"list: all open (KCC), page after {depth:,} rows", kcc, "all", deep_cursor, f"{OPEN} AND {deep}"),
    ]


def measure_list(case, today, repeat):
    from portal.callbacks import queue
    from portal.extensions import db

    label, user, view, cursor, where = case
    params = {"me": user.id, "today": today}
    if cursor is not None:
        params.update(due=cursor[1], id=cursor[2])
    rows, _next = queue.page(user, view, after=cursor, today=today)
    with db.engine.connect() as connection:
        bare_rows = connection.execute(text(BARE_PAGE.format(where=where, order=URGENT_FIRST)), params).all()
    assert [row.id for row in rows] == [row[0] for row in bare_rows[:200]], f"{label}: not the same rows"
    db.session.rollback()

    def app():
        queue.page(user, view, after=cursor, today=today)
        db.session.rollback()

    def bare():
        with db.engine.connect() as connection:
            connection.execute(text(BARE_PAGE.format(where=where, order=URGENT_FIRST)), params).all()

    return (label, *interleaved([app, bare], repeat))


def measure_counts(member, today, repeat):
    from portal.callbacks import queue
    from portal.extensions import db

    def app():
        queue.counts(member, today=today)
        db.session.rollback()

    def bare():
        with db.engine.connect() as connection:
            return connection.execute(text(BARE_COUNTS), {"me": member.id, "today": today}).one()

    assert tuple(queue.counts(member, today=today).values()) == tuple(bare()), "count boxes differ"
    return ("count boxes (team member)", *interleaved([app, bare], repeat))


def measure_figures(label, period, group_by, today, repeat):
    from sqlalchemy import bindparam

    from portal.callbacks.figures import _median, callback_figures
    from portal.callbacks.models import CallbackRequest
    from portal.extensions import db

    start, end = period.utc_bounds()
    moment = CallbackRequest.registered_at.type
    group, by = ("cr.team_id,", "GROUP BY cr.team_id") if group_by else ("", "")
    figures_sql = text(BARE_FIGURES.format(group=group, by=by)).bindparams(
        bindparam("start", type_=moment), bindparam("end", type_=moment))
    days_sql = text(BARE_DAYS.format(group=group)).bindparams(
        bindparam("start", type_=moment), bindparam("end", type_=moment))
    params = {"start": start, "end": end, "today": today}

    def app():
        result = callback_figures(period, group_by=group_by, today=today)
        db.session.rollback()
        return result

    def bare():
        with db.engine.connect() as connection:
            counts = connection.execute(figures_sql, params).all()
            days = connection.execute(days_sql, params).all()
        return counts, days

    counts, days = bare()
    histograms = {}
    for row in days:
        histograms.setdefault(row[0] if group_by else None, {})[row[-2]] = row[-1]
    expected = {(row[0] if group_by else None): (*row[-5:], _median(histograms.get(row[0] if group_by else None, {})))
                for row in counts}
    got = {key: (f.requests, f.first_attempt_on_time, f.contact_on_time, f.outside_term, f.broken_promises,
                 f.first_attempt_days_median) for key, f in app().items()}
    assert got == expected, f"{label}: the figures differ from the bare statement's"
    return (label, *interleaved([app, bare], repeat))


def plans(deep_cursor, member, today):
    """The database's plan of each bare statement, to see whether one scans the table."""
    from portal.extensions import db

    explain = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
    with db.engine.connect() as connection:
        for label, where in [("mine", f"{OPEN} AND cr.assignee_id = :me"), ("team", f"{OPEN} AND {MY_TEAMS}"),
                             ("all", OPEN)]:
            print(f"\n-- plan: list {label}")
            for row in connection.execute(text(explain + BARE_PAGE.format(where=where, order=URGENT_FIRST)),
                                          {"me": member.id, "today": today}):
                print("   ", " | ".join(str(v) for v in row))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--seed-only", action="store_true", help="seed the database and stop")
    parser.add_argument("--plans", action="store_true", help="also print the plans of the bare list statements")
    args = parser.parse_args()
    app, member_id = prepared_app(args.database, args.requests)
    if args.seed_only:
        return
    from portal.calendar.clock import local_today
    from portal.callbacks.models import Urgency
    from portal.extensions import db
    from portal.figures.periods import Period
    from portal.models import User

    with app.app_context():
        member = db.session.get(User, member_id)
        kcc = user_named(KCC, "Bench KCC", "kcc")
        today = local_today()
        total, open_count = db.session.execute(text(
            "SELECT count(*), count(CASE WHEN status = 'te_verwerken' THEN 1 END) FROM callback_requests")).one()
        depth = min(100_000, open_count // 2)
        deep_row = f"SELECT cr.urgency, cr.due, cr.id FROM callback_requests cr WHERE {OPEN} ORDER BY {URGENT_FIRST}"  # noqa: S608
        row = db.session.execute(text(deep_row + " LIMIT 1 OFFSET :skip"), {"skip": depth - 1}).one()
        due = date.fromisoformat(row[1]) if isinstance(row[1], str) else row[1]  # SQLite: text
        deep_cursor = (Urgency(row[0]), due, row[2])
        db.session.rollback()
        if args.plans:
            plans(deep_cursor, member, today)
        print(f"\nCallback requests, {total:,} ({open_count:,} open) on {args.database}, median of {args.repeat}")
        print(f"{'case':<52} {'app':>10} {'bare SQL':>10} {'app/bare':>9}")
        month, quarter = Period.last_complete("month", today), Period.last_complete("quarter", today)
        results = [measure_list(case, today, args.repeat) for case in list_cases(member, kcc, deep_cursor, depth)]
        results.append(measure_counts(member, today, args.repeat))
        for label, period in ((f"month {month.key}", month), (f"quarter {quarter.key}", quarter)):
            results.append(measure_figures(f"figures: {label}", period, None, today, args.repeat))
            results.append(measure_figures(f"figures: {label}, per team", period, "team", today, args.repeat))
        for label, app_ms, bare_ms in results:
            print(f"{label:<52} {app_ms:7.1f} ms {bare_ms:7.1f} ms {app_ms / bare_ms:8.2f}x", flush=True)


if __name__ == "__main__":
    main()
