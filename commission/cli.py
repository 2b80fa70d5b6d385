"""``flask`` commands: reference data and demo, the first secretariat account, housekeeping."""

from __future__ import annotations

import sys
import time

import click
from flask import Flask, current_app

from commission.auth import throttle
from commission.auth.passwords import hash_password, password_problems
from commission.errors import DomainError
from commission.exports.cache import forget_all
from commission.extensions import db
from commission.notifications.events import send_reminders as queue_reminders
from commission.notifications.services import deliver_due
from commission.people.services import create_first_secretariat
from commission.seeding.demo import load_demo
from commission.seeding.reference import SeedError, load_reference_data


def init_app(app: Flask) -> None:
    app.cli.add_command(create_secretariat)
    app.cli.add_command(seed)
    app.cli.add_command(prune_throttle)
    app.cli.add_command(clear_download_cache)
    app.cli.add_command(send_outbox)
    app.cli.add_command(send_reminders)


@click.command("create-secretariat")
@click.option("--email", required=True, help="Their email address; they sign in with it.")
@click.option("--name", "full_name", required=True, help="Their full name.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input (for scripts)."
)
def create_secretariat(email: str, full_name: str, password_stdin: bool) -> None:
    """Create the first secretariat account of a new installation."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problems = password_problems(
        password,
        min_length=current_app.config["PASSWORD_MIN_LENGTH"],
        user_inputs=[email, email.split("@")[0], *full_name.split()],
    )
    if problems:
        raise click.ClickException(problems[0])
    try:
        user = create_first_secretariat(
            email=email, full_name=full_name, password_hash=hash_password(password)
        )
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Created secretariat account for {user.full_name} <{user.email}>")


@click.command("seed")
@click.option("--demo", is_flag=True, help="Also load the demo scenario (never in production).")
def seed(demo: bool) -> None:
    """Load or update the reference data in seeds/ (councils, strategic
    authorities, departments, ministerial offices) in one transaction."""
    if demo and current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("The demo scenario is never loaded in production")
    try:
        report = load_reference_data()
    except SeedError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(problem, err=True)
        raise click.ClickException(
            f"{len(error.problems)} problems in the seed files; nothing was imported"
        ) from error
    for name, tally in report.tallies.items():
        click.echo(f"{name.capitalize()}: {tally}")
    if demo:
        try:
            people = load_demo()
        except LookupError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from error
        click.echo(f"Demo people: {people.created} created, {people.existing} already there")
    db.session.commit()


@click.command("prune-throttle")
def prune_throttle() -> None:
    """Delete sign-in attempt records too old to count."""
    removed = throttle.prune(
        older_than_seconds=current_app.config["SIGN_IN_FAILURE_WINDOW_SECONDS"]
    )
    db.session.commit()
    click.echo(f"Removed {removed} old attempt records")


@click.command("clear-download-cache")
def clear_download_cache() -> None:
    """Forget every kept download and kept summary figures (after a change
    made to the database by hand, which the change counter cannot see)."""
    removed = forget_all()
    db.session.commit()
    click.echo(f"Forgot {removed} kept files")


@click.command("send-outbox")
@click.option("--loop", is_flag=True, help="Keep sending every 30 seconds (a worker process).")
def send_outbox(loop: bool) -> None:
    """Send queued notification emails, retrying failures with backoff."""
    while True:
        sent, failed = deliver_due()
        click.echo(f"{sent} sent, {failed} failed (will retry)")
        if not loop:
            return
        time.sleep(30)


@click.command("send-reminders")
def send_reminders() -> None:
    """Queue the reminders due now (attendance replies, consultations closing).
    Safe to run as often as you like: no reminder goes to anyone twice."""
    counts = queue_reminders()
    db.session.commit()
    click.echo(f"Reminders queued: {counts['reply']} to reply, {counts['closing']} closing soon")
