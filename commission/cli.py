"""``flask`` commands: the first secretariat account, demo accounts, housekeeping."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app

from commission.auth import throttle
from commission.auth.models import Appointment, User
from commission.auth.passwords import hash_password, password_problems
from commission.auth.roles import Role
from commission.errors import DomainError
from commission.extensions import db
from commission.people.services import create_first_secretariat
from commission.timeutil import today

DEMO_PASSWORD = "demo-commission-password-2026"  # noqa: S105  (fictional demo accounts only)

DEMO_PEOPLE: list[tuple[str, str, Role]] = [
    ("secretariat@demo.commission.localhost", "Priya Natarajan", Role.SECRETARIAT),
    ("chair@demo.commission.localhost", "Gareth Holloway", Role.CHAIR),
    ("minister@demo.commission.localhost", "Helen Okafor", Role.MINISTER),
    ("leader@demo.commission.localhost", "Tom Ashworth", Role.LEADER),
    ("mayor@demo.commission.localhost", "Amira Sheikh", Role.MAYOR),
    ("deputy@demo.commission.localhost", "Callum Reid", Role.DEPUTY),
    ("officer@demo.commission.localhost", "Joanna Pike", Role.OFFICER),
]


def init_app(app: Flask) -> None:
    app.cli.add_command(create_secretariat)
    app.cli.add_command(demo)
    app.cli.add_command(prune_throttle)


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
        user_inputs=[email, *full_name.split()],
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


@click.command("demo")
def demo() -> None:
    """Load the demo accounts (fictional people, one for each role). Safe to rerun."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("Demo accounts are never loaded in production")
    created = 0
    password_hash = hash_password(DEMO_PASSWORD)
    for email, full_name, role in DEMO_PEOPLE:
        user = db.session.execute(db.select(User).where(User.email == email)).scalar_one_or_none()
        if user is None:
            user = User(email=email, full_name=full_name, password_hash=password_hash)
            db.session.add(user)
            db.session.flush()
            db.session.add(Appointment(user=user, role=role, starts_on=today()))
            created += 1
    db.session.commit()
    click.echo(f"Demo accounts: {created} created, {len(DEMO_PEOPLE) - created} already there")


@click.command("prune-throttle")
def prune_throttle() -> None:
    """Delete sign-in attempt records too old to count."""
    removed = throttle.prune(
        older_than_seconds=current_app.config["SIGN_IN_FAILURE_WINDOW_SECONDS"]
    )
    db.session.commit()
    click.echo(f"Removed {removed} old attempt records")
