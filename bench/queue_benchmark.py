"""The staff queue at scale: whole HTTP responses and the app's queries, beside the bare indexed SQL written by hand.

    .venv/bin/python bench/queue_benchmark.py --reports 1000000 --database postgresql
    .venv/bin/python bench/queue_benchmark.py --reports 100000 --database sqlite

Seeds a benchmark database of its own once (bench/common.py, flask seed-demo's generator), logs a KCC employee in
through Flask's test client, and prints per case the median time of:

- the whole response: GET of the queue page through the app (log-in check, session, filters, the page's rows,
  the count boxes, the template), as the KCC would ask it;
- the app's queries: portal.reports.queue's page and counts for the same filters, without HTTP or template;
- bare SQL: the same rows and counts asked by hand in plain SQL on the same indexes, through the driver.

The cases are the KCC's landing list, every open report, the count boxes alone, and a search by full reference,
part of a reference, name, e-mail address (typed in capitals) and phone number (typed as people write it). Target:
each whole response within 100 ms at a million reports on PostgreSQL. Run by hand; not part of the test suite.
"""
import argparse
import re

from common import interleaved, prepared_app
from sqlalchemy import select, text

from portal.calendar.clock import local_today
from portal.contact_details import InvalidContactDetail, valid_phone
from portal.extensions import db
from portal.models import User
from portal.reports import queue
from portal.staff import accounts

KCC = "bench-kcc@dronten.example"
PASSWORD = "Bench-Password-2026"
OPEN = "r.status IN ('new', 'assigned', 'contacted')"

# What a queue row shows: the report's own columns, its category's, team's and person's names.
BARE_PAGE = """
SELECT r.id, r.reference, r.received_at, r.status, r.next_due, r.first_contact_due, r.first_contact_at,
       c.name_nl, c.name_en, t.name, u.name
FROM reports r
JOIN categories c ON c.id = r.category_id
LEFT JOIN teams t ON t.id = r.team_id
LEFT JOIN users u ON u.id = r.assignee_id
WHERE {where}
ORDER BY r.next_due {order}, r.id {order}
LIMIT 51
"""
BARE_COUNTS = """
SELECT count(*),
       count(CASE WHEN r.status = 'new' AND r.team_id IS NULL THEN 1 END),
       count(CASE WHEN r.assignee_id = :me THEN 1 END),
       count(CASE WHEN r.next_due < :today THEN 1 END),
       count(CASE WHEN r.status = 'new' THEN 1 END),
       count(CASE WHEN r.status = 'assigned' THEN 1 END),
       count(CASE WHEN r.status = 'contacted' THEN 1 END)
FROM reports r WHERE r.status IN ('new', 'assigned', 'contacted')
"""


def log_in(app):
    """A test client with a KCC employee logged in through the real log-in form, and that employee."""
    user = db.session.scalar(select(User).where(User.email == KCC))
    if user is None:
        user = accounts.create_user(email=KCC, name="Bench KCC", role="kcc", password=PASSWORD, teams=[])
        db.session.commit()
    client = app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/admin/login", data={"csrf_token": token, "email": KCC, "password": PASSWORD})
    assert response.status_code == 303, "the benchmark KCC employee could not log in"
    return client, user


def samples():
    """An open report with an e-mail address and a callable phone number (the demo's numbers are random, the form
    takes only callable ones), and a resident's full name: what callers know."""
    rows = db.session.execute(text(
        "SELECT r.reference, r.email, r.phone FROM reports r WHERE r.status IN ('new', 'assigned', 'contacted') "
        "AND r.email IS NOT NULL "
        "AND r.phone IS NOT NULL ORDER BY r.id DESC LIMIT 100")).all()
    row = next(row for row in rows if valid(row.phone))
    name = db.session.scalar(text("SELECT r.name FROM reports r WHERE r.status IN ('new', 'assigned', 'contacted') "
                                  "AND r.name IS NOT NULL ORDER BY r.id DESC LIMIT 1"))
    return row.reference, row.email, row.phone, name


def valid(phone):
    try:
        return valid_phone(phone) == phone
    except InvalidContactDetail:
        return False


def as_typed_phone(e164):
    """+31612345678 as a caller says it: 06-12345678."""
    return "0" + e164[3:4] + "-" + e164[4:]


def cases(reference, email, phone, name, like):
    """(name, query string, app filters, bare WHERE, bare order, parameters, text the page must show)."""
    part, surname = reference[3:7], name.split()[-1]
    return [
        ("landing list: new, not yet sent (oldest due)", {}, {"unsent": True},
         "r.status = 'new' AND r.team_id IS NULL", "ASC", {}, None),
        ("all open reports, most urgent first", {"view": "all"}, {}, OPEN, "ASC", {}, None),
        ("search: full reference", {"q": reference.lower().replace("-", " ")}, {"text": reference},
         f"{OPEN} AND r.reference = :v", "ASC", {"v": reference}, reference),
        (f"search: part of a reference ({part})", {"q": part}, {"text": part},
         f"{OPEN} AND r.reference LIKE :v", "ASC", {"v": f"%{part}%"}, reference),
        (f"search: name ({name})", {"q": name}, {"text": name},
         f"{OPEN} AND (r.name {like} :v OR r.name {like} :w)", "ASC", {"v": f"{name}%", "w": f"% {name}%"}, None),
        (f"search: a surname that many share ({surname})", {"q": surname}, {"text": surname},
         f"{OPEN} AND (r.name {like} :v OR r.name {like} :w)", "ASC", {"v": f"{surname}%", "w": f"% {surname}%"},
         None),
        ("search: e-mail address in capitals", {"q": email.upper()}, {"text": email.upper()},
         f"{OPEN} AND r.email = :v", "ASC", {"v": email}, reference),
        (f"search: phone as typed ({as_typed_phone(phone)})", {"q": as_typed_phone(phone)},
         {"text": as_typed_phone(phone)}, f"{OPEN} AND r.phone = :v", "ASC", {"v": phone}, reference),
        ("search: full reference, all statuses", {"q": reference, "status": "all"},
         {"text": reference, "statuses": tuple(queue.ReportStatus)}, "r.reference = :v", "ASC", {"v": reference},
         reference),
        (f"search: name, all statuses ({name})", {"q": name, "status": "all"},
         {"text": name, "statuses": tuple(queue.ReportStatus)}, f"(r.name {like} :v OR r.name {like} :w)", "ASC",
         {"v": f"{name}%", "w": f"% {name}%"}, None),
    ]


def measure(client, kcc, case, today, repeat):
    label, args, extra, where, order, parameters, must_show = case
    filters = queue.QueueFilters(**extra)
    response = client.get("/admin/queue", query_string=args)
    assert response.status_code == 200, f"{label}: {response.status_code}"
    assert must_show is None or must_show in response.get_data(as_text=True), f"{label}: {must_show} not found"

    def whole():
        client.get("/admin/queue", query_string=args).get_data()

    def app_queries():
        queue.page(kcc, filters, today=today)
        queue.counts(kcc, filters, today=today)
        db.session.rollback()

    def bare():
        with db.engine.connect() as connection:
            connection.execute(text(BARE_PAGE.format(where=where, order=order)), parameters).all()
            connection.execute(text(BARE_COUNTS), {"me": kcc.id, "today": today}).one()

    return interleaved([whole, app_queries, bare], repeat)


def counts_only(kcc, today, repeat):
    def app_counts():
        queue.counts(kcc, queue.QueueFilters(), today=today)
        db.session.rollback()

    def bare():
        with db.engine.connect() as connection:
            connection.execute(text(BARE_COUNTS), {"me": kcc.id, "today": today}).one()

    return interleaved([app_counts, bare], repeat)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()

    app = prepared_app(args.database, args.reports)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            # As autovacuum leaves a table of this age: the visibility map set, so index-only scans stay so.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE reports")
        client, kcc = log_in(app)
        today = local_today()
        like = "ILIKE" if db.engine.dialect.name == "postgresql" else "LIKE"
        open_reports = db.session.scalar(text("SELECT count(*) FROM reports WHERE status IN ('new', 'assigned', "
                                              "'contacted')"))
        print(f"\nStaff queue, {args.reports:,} reports ({open_reports:,} open) on {args.database}, "
              f"median of {args.repeat}")
        print(f"{'case':<52} {'whole HTTP':>11} {'app queries':>12} {'bare SQL':>10} {'HTTP/bare':>10}")
        for case in cases(*samples(), like):
            whole, app_ms, bare_ms = measure(client, kcc, case, today, args.repeat)
            print(f"{case[0]:<52} {whole:8.1f} ms {app_ms:9.1f} ms {bare_ms:7.1f} ms {whole / bare_ms:9.1f}x",
                  flush=True)
        app_ms, bare_ms = counts_only(kcc, today, args.repeat)
        print(f"{'count boxes alone (in every response above)':<52} {'':>11} {app_ms:9.1f} ms {bare_ms:7.1f} ms")


if __name__ == "__main__":
    main()
