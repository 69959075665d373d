"""Flask commands for operators: demo data, the outbox, the scheduler and translations."""
import secrets
import subprocess
import sys

import click
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import exists, select

from portal.contact_details import InvalidContactDetail, valid_email
from portal.extensions import db
from portal.mail import outbox
from portal.operations.demo import generate_reports
from portal.operations.demo_municipality import ensure_demo_staff, ensure_demo_teams
from portal.refusals import ManagementError
from portal.reports.models import Report
from portal.staff import accounts
from portal.staff.models import Role
from portal.staff.teams import create_team, team_by_code, teams_by_code


def publish_due_figures():
    """Publish every period past its correction window, each in its own transaction (as the nightly job does),
    without the monthly mail: demo data is not news for managers."""
    from portal.figures import publication

    done = []
    for period in publication.due_periods():
        publication.publish(period)
        db.session.commit()
        done.append(period)
    return done


@click.command("seed-demo")
@click.option("--reports", "count", default=2000, show_default=True, type=click.IntRange(0, 1_000_000),
              help="How many reports to create.")
@click.option("--seed", type=int, default=None, help="Random seed, for the same data every time.")
@click.option("--months", default=12, show_default=True, type=click.IntRange(1, 60),
              help="Spread the reports over this many months up to today.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds reports.")
def seed_demo(count, seed, months, if_empty):
    """Fill the database with realistic synthetic reports (and the demo teams)."""
    if if_empty and db.session.scalar(select(exists().where(Report.id.isnot(None)))):
        click.echo("The database already holds reports; no demo data added.")
        return
    with click.progressbar(length=count, label="Creating demo reports", file=sys.stderr) as bar:
        result = generate_reports(count, seed=seed, months=months, progress=bar.update)
    click.echo(f"Created {result.reports} reports and {result.teams_created} teams.")
    # Callback requests beside the reports (portal.callbacks.demo): a quarter as many, some late, some linked.
    from portal.callbacks.demo import generate_callbacks

    with click.progressbar(length=count // 4, label="Creating demo callback requests", file=sys.stderr) as bar:
        callbacks = generate_callbacks(count // 4, seed=seed, months=months, progress=bar.update)
    click.echo(f"Created {callbacks} callback requests.")
    # What the nightly job would do: the months and quarters past their correction window are published.
    published = publish_due_figures()
    click.echo(f"Published the figures of {len(published)} months and quarters.")
    if current_app.config["ENV_NAME"] == "development":
        password = secrets.token_urlsafe(12)
        teams, _created = ensure_demo_teams()
        emails = ensure_demo_staff(teams, password)
        db.session.commit()
        if emails:
            # Printed once: the passwords are stored only as hashes.
            click.echo("Demo staff accounts (development only), log in at /admin/login with password "
                       f"{password}:")
            for email in emails:
                click.echo(f"  {email}")


@click.group("users")
def users_group():
    """Staff accounts."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]))
@click.option("--team", "team_codes", multiple=True, help="Team code; repeat for more teams.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(email, name, role, team_codes, password_stdin):
    """Create a staff account."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        found = teams_by_code(team_codes) if team_codes else []
        user = accounts.create_user(email=email, name=name, role=role, password=password, teams=found)
    except (accounts.AccountError, ManagementError) as error:
        raise _refused(error) from None
    db.session.commit()
    click.echo(f"Created {user.role.value} account {user.email}.")


@click.group("teams")
def teams_group():
    """Teams that receive reports."""


@teams_group.command("create")
@click.option("--code", required=True)
@click.option("--name", required=True)
@click.option("--email", default=None)
def teams_create(code, name, email):
    """Create a team."""
    try:
        address = valid_email(email) if email else None
    except InvalidContactDetail:
        raise click.BadParameter("give an e-mail address like team@example.nl", param_hint="--email") from None
    try:
        team = create_team(code=code, name=name, email=address)
    except ManagementError as error:
        raise _refused(error) from None
    db.session.commit()
    click.echo(f"Created team {team.code}.")


def _refused(error):
    """A rule of the domain, broken on the command line: its own message, in English for the operator."""
    with force_locale("en"):
        return click.ClickException(str(getattr(error, "message", error)))


@click.group("outbox")
def outbox_group():
    """The e-mail outbox."""


@outbox_group.command("send")
@click.option("--due-only", is_flag=True, help="Respect the waiting time after a failed try.")
def outbox_send(due_only):
    """Send every pending e-mail once, then exit."""
    result = outbox.send_pending(ignore_backoff=not due_only)
    click.echo(f"sent: {result.sent}, failed: {result.failed}, not tried: {result.not_tried}")


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Run every job once, now, and exit.")
def scheduler_command(once):
    """Run the scheduled jobs in the foreground; exactly one per deployment."""
    import logging

    from portal.operations.jobs import build_scheduler, run_all_once

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if once:
        run_all_once(current_app._get_current_object())
        return
    scheduler = build_scheduler(current_app._get_current_object())
    click.echo("Scheduler started: " + ", ".join(job.id for job in scheduler.get_jobs()) + ". Stop with Ctrl+C.")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")


@click.group("translate")
def translate_group():
    """Extract, update and compile the gettext catalogues in translations/."""


def _pybabel(*args):
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True,
                   cwd=f"{current_app.root_path}/..")


@translate_group.command("update")
def translate_update():
    """Extract strings from code and templates and merge them into every catalogue."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-o", "translations/messages.pot", "--no-location",
             "--sort-by-file", ".")
    _pybabel("update", "-i", "translations/messages.pot", "-d", "translations", "--no-fuzzy-matching")
    _fill_source_language()


def _fill_source_language():
    """The source strings are English: the English catalogue repeats them, so it is complete by construction."""
    from babel.messages.pofile import read_po, write_po

    path = f"{current_app.root_path}/../translations/en/LC_MESSAGES/messages.po"
    with open(path, "rb") as po_file:
        catalog = read_po(po_file, locale="en")
    for message in catalog:
        if message.id and not message.string:
            message.string = message.id
    with open(path, "wb") as po_file:
        write_po(po_file, catalog, width=120)


@translate_group.command("compile")
def translate_compile():
    """Compile the catalogues to .mo files."""
    _pybabel("compile", "-d", "translations")


@click.group("stats")
def stats_group():
    """Service-report figures (the same numbers as the pages and exports)."""


def _print_figures(text, kind, team_code, output):
    from portal.figures import export as stats_export
    from portal.figures import service_report as stats

    try:
        period = stats.Period.parse(text)
    except ValueError:
        period = None
    if period is None or period.kind != kind:
        example = "2026-03" if kind == stats.MONTH else "2026-Q1"
        raise click.BadParameter(f"give the {kind} as {example}", param_hint=f"--{kind}")
    team_id = None
    if team_code:
        team = team_by_code(team_code)
        if team is None:
            raise click.BadParameter(f"there is no team with code {team_code}", param_hint="--team")
        team_id = team.id
    figures = stats.period_figures(period, team_id=team_id)
    if output == "json":
        import json

        click.echo(json.dumps(stats_export.to_json(figures), indent=2, ensure_ascii=False))
    elif output == "csv":
        click.echo(stats_export.to_csv(figures), nl=False)
    else:
        click.echo(stats_export.to_table(figures), nl=False)


_FORMAT = click.option("--format", "output", type=click.Choice(["table", "csv", "json"]), default="table",
                       show_default=True, help="How to print the figures.")
_TEAM = click.option("--team", "team_code", default=None, help="Only this team's reports (team code).")


@stats_group.command("monthly")
@click.option("--month", required=True, help="The month, as YYYY-MM (Amsterdam time).")
@_TEAM
@_FORMAT
def stats_monthly(month, team_code, output):
    """Print the month's service-report figures."""
    _print_figures(month, "month", team_code, output)


@stats_group.command("quarterly")
@click.option("--quarter", required=True, help="The quarter, as YYYY-Qn (Amsterdam time).")
@_TEAM
@_FORMAT
def stats_quarterly(quarter, team_code, output):
    """Print the quarter's service-report figures."""
    _print_figures(quarter, "quarter", team_code, output)


def init_app(app):
    app.cli.add_command(seed_demo)
    app.cli.add_command(outbox_group)
    app.cli.add_command(users_group)
    app.cli.add_command(teams_group)
    app.cli.add_command(scheduler_command)
    app.cli.add_command(translate_group)
    app.cli.add_command(stats_group)
    from portal.letters.cli import letters_cli

    app.cli.add_command(letters_cli)  # `flask letters check PATH`: the B1 check of one letter
