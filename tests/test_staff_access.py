"""Every staff route, asked as every role: the permission matrix. A new route without a rule here fails."""
import pytest
from sqlalchemy import select

from portal.callbacks.intake import CallbackDetails, register_callback
from portal.letters.models import OfficialesePair
from portal.reports.workflow import assign
from tests.conftest import csrf_token_from

ROLES = ["anonymous", "kcc", "team_a", "team_b", "manager", "admin"]
PUBLIC = {"admin.login", "admin.login_code", "admin.enrol_two_factor", "admin.logout", "admin.password_forgot",
          "admin.password_set"}
EVERYONE = {"kcc", "team_a", "team_b", "manager", "admin"}
HANDLERS = {"kcc", "team_a", "admin"}  # may act on a report of team A

# endpoint -> roles that get the page; others get 403, or 404 where the rule says the report is hidden.
RULES = {
    "admin.home": EVERYONE,
    "admin.password_change": EVERYONE,
    "admin.queue": {"kcc", "manager", "admin"},
    "admin.team_queue": {"kcc", "team_a", "team_b", "admin"},
    "admin.detail": {"kcc", "team_a", "manager", "admin"},
    "admin.contact_details": HANDLERS,
    "admin.assign": HANDLERS,
    "admin.change_category": HANDLERS,
    "admin.add_note": HANDLERS,
    "admin.send_message": HANDLERS,
    "admin.first_contact": HANDLERS,
    "admin.close": HANDLERS,
    "admin.reopen": HANDLERS,
    "admin.extend": HANDLERS,
    "admin.record_grade": HANDLERS,
    "admin.record_call": HANDLERS,
    "admin.dismiss": {"kcc", "admin"},
    "admin.register": {"kcc", "admin"},
    "admin.privacy": {"admin"},
    "admin.staff_actions": {"admin"},
    "admin.outbox": {"admin"},
    "admin.outbox_resend": {"admin"},
    "admin.outbox_resend_failed": {"admin"},
    "admin.privacy_export": {"admin"},
    "admin.privacy_erase": {"admin"},
    # The figures: managers and admins read them; only admins set the targets.
    "admin.stats_home": {"manager", "admin"},
    "admin.stats_month": {"manager", "admin"},
    "admin.stats_quarter": {"manager", "admin"},
    "admin.stats_monthly_csv": {"manager", "admin"},
    "admin.stats_monthly_xlsx": {"manager", "admin"},
    "admin.stats_quarterly_csv": {"manager", "admin"},
    "admin.stats_quarterly_xlsx": {"manager", "admin"},
    "admin.stats_targets": {"admin"},
    "admin.stats_correction": {"admin"},
    # Callback requests: every staff member has the lists and reads what they may see; the KCC registers;
    # handlers act; redistributing and the per-colleague counts are for the team's coordinator and admins.
    "admin.callbacks": EVERYONE,
    "admin.callback_new": {"kcc", "admin"},
    "admin.callback_detail": {"kcc", "team_a", "manager", "admin"},
    "admin.callback_attempt": HANDLERS,
    "admin.callback_close": HANDLERS,
    "admin.callback_letter_sent": HANDLERS,
    "admin.callback_redistribute": {"admin"},
    "admin.callback_workload": {"admin"},
    "admin.report_callbacks": HANDLERS,
    "admin.report_callback_link": HANDLERS,
    # Letters: every staff member has the register (a team member their teams' letters); team members (and admins)
    # submit, resubmit and mark sent; the KCC and admins review; managers and admins read the figures; admins keep
    # the officialese list and the target.
    "admin.letters": EVERYONE,
    "admin.letter_new": {"team_a", "team_b", "admin"},
    "admin.letters_review": {"kcc", "admin"},
    "admin.letter_detail": {"kcc", "team_a", "manager", "admin"},
    "admin.letter_changes": {"kcc", "team_a", "manager", "admin"},
    "admin.letter_resubmit": {"team_a", "admin"},
    "admin.letter_review": {"kcc", "admin"},
    "admin.letter_sent": {"team_a", "admin"},
    "admin.letters_figures": {"manager", "admin"},
    "admin.letters_figures_csv": {"manager", "admin"},
    "admin.letters_figures_xlsx": {"manager", "admin"},
    "admin.letters_target": {"admin"},
    "admin.letter_words": {"admin"},
    "admin.letter_word_edit": {"admin"},
}
# A team member of another team must not learn that the report exists.
HIDDEN_FROM_TEAM_B = {
    "admin.detail", "admin.contact_details", "admin.assign", "admin.change_category", "admin.add_note",
    "admin.send_message", "admin.first_contact", "admin.close", "admin.reopen", "admin.extend",
    "admin.record_grade", "admin.record_call",
    "admin.callback_detail", "admin.callback_attempt", "admin.callback_close", "admin.callback_letter_sent",
    "admin.callback_redistribute", "admin.report_callbacks", "admin.report_callback_link",
    "admin.letter_detail", "admin.letter_changes", "admin.letter_resubmit", "admin.letter_sent",
}


def rule_for(endpoint):
    if endpoint.startswith("admin.manage"):
        return {"admin"}
    return RULES[endpoint]


def staff_routes(app):
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin.") or rule.endpoint in PUBLIC:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((rule, method))
    return routes


def test_every_staff_route_has_a_rule(app):
    missing = {rule.endpoint for rule, _ in staff_routes(app)} - set(RULES)
    assert {e for e in missing if not e.startswith("admin.manage")} == set(), "routes without an access rule"


@pytest.fixture
def world(make_team, make_staff, make_report, make_letter, db):
    team_a, team_b = make_team("A", "Team A"), make_team("B", "Team B")
    users = {
        "kcc": make_staff("kcc"),
        "team_a": make_staff("team", teams=[team_a]),
        "team_b": make_staff("team", teams=[team_b]),
        "manager": make_staff("manager"),
        "admin": make_staff("admin"),
    }
    report = make_report(email="anna@example.nl", name="Anna")
    assign(report, team=team_a, by=users["kcc"])
    db.session.commit()
    # A callback request of team A, for the /admin/callbacks/<request_id> routes.
    callback = register_callback(CallbackDetails(requested_action="Vraag over de afvalpas", team=team_a,
                                                 phone="0612345678"), by=users["kcc"])
    db.session.commit()
    report.callback_id = callback.id
    # A bulk letter of team A, and a pair of the officialese list, for the /admin/letters/… routes.
    report.letter_id = make_letter(team_a, users["team_a"]).id
    report.pair_id = db.session.scalar(select(OfficialesePair.id).limit(1))
    return users, report


def _url(rule, report):
    ids = {"request_id": getattr(report, "callback_id", report.id), "letter_id": getattr(report, "letter_id", 0),
           "pair_id": getattr(report, "pair_id", 0)}
    values = {arg: ids.get(arg, report.id) for arg in rule.arguments}
    return rule.build(values)[1] if rule.arguments else rule.rule


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_its_rule_allows(app, world, login, role):
    users, report = world
    client = app.test_client()
    if role != "anonymous":
        login_client(client, users[role], login)
    token = None
    for rule, method in staff_routes(app):
        url = _url(rule, report)
        if method == "GET":
            response = client.get(url)
        else:
            if token is None:
                token = csrf_token_from(client.get("/admin/", follow_redirects=True).get_data(as_text=True))
            response = client.post(url, data={"csrf_token": token})
        where = f"{method} {url} as {role}"
        if role == "anonymous":
            assert response.status_code == 302 and "/admin/login" in response.headers["Location"], where
            continue
        allowed = rule_for(rule.endpoint)
        if role in allowed:
            assert response.status_code in (200, 302, 303, 409, 422), f"{where}: {response.status_code}"
            if response.status_code == 302:
                assert "/admin/login" not in response.headers["Location"], where
        elif role == "team_b" and rule.endpoint in HIDDEN_FROM_TEAM_B:
            assert response.status_code == 404, f"{where}: {response.status_code}"
        else:
            assert response.status_code == 403, f"{where}: {response.status_code}"
        if response.status_code in (403, 404):
            page = response.get_data(as_text=True)
            assert report.description not in page and "anna@example.nl" not in page, where


def login_client(client, user, login):
    from tests.conftest import STAFF_PASSWORD

    token = csrf_token_from(client.get("/admin/login").get_data(as_text=True))
    response = client.post("/admin/login", data={"csrf_token": token, "email": user.email, "password": STAFF_PASSWORD})
    assert response.status_code == 303


def test_a_team_member_finds_only_their_teams_reports_by_search(client, world, login, make_report, db):
    users, report = world
    other = make_report(description="Een melding voor team B over de afvalpas.")
    login(users["team_a"])
    page = client.get("/admin/team?status=all&q=afvalpas").get_data(as_text=True)
    assert other.reference not in page
    page = client.get(f"/admin/team?status=all&q={report.reference}").get_data(as_text=True)
    assert report.reference in page
