"""``flask`` commands: reference data and demo, the first secretariat account, housekeeping."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask import Flask, current_app

from commission import jobs
from commission.archive import (
    ArchiveError,
    check_archive,
    compare_with_database,
    export_archive,
    import_archive,
)
from commission.auth import throttle
from commission.auth.passwords import hash_password, password_problems
from commission.datasets.files import catalogue
from commission.errors import DomainError
from commission.exports.cache import forget_all
from commission.extensions import db
from commission.notifications.events import send_reminders as queue_reminders
from commission.notifications.services import deliver_due
from commission.people.services import create_first_secretariat
from commission.search.index import reindex_all
from commission.seeding.demo import load_demo
from commission.seeding.reference import SeedError, load_reference_data
from commission.storage import copy_folder_to_database
from commission.summaries.tallies import recount


def init_app(app: Flask) -> None:
    app.cli.add_command(create_secretariat)
    app.cli.add_command(seed)
    app.cli.add_command(prune_throttle)
    app.cli.add_command(clear_download_cache)
    app.cli.add_command(make_datasets)
    app.cli.add_command(copy_files_to_database)
    app.cli.add_command(send_outbox)
    app.cli.add_command(send_reminders)
    app.cli.add_command(archive)
    app.cli.add_command(search)
    app.cli.add_command(summaries)


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


@click.command("make-datasets")
def make_datasets() -> None:
    """Make the bulk datasets (/data/) that are not kept: after a release, or
    after clear-download-cache, so that the first reader does not wait."""
    made = catalogue()
    db.session.commit()
    click.echo(
        f"{len(made.entries)} published consultations, {made.everything.rows} positions "
        f"({'made now' if made.made else 'all kept already'})"
    )


@click.command("copy-files-to-database")
def copy_files_to_database() -> None:
    """Copy the files kept in STORAGE_PATH into the database, before running
    with STORAGE_BACKEND=database (the default on PostgreSQL)."""
    root = Path(current_app.config["STORAGE_PATH"])
    if not root.is_dir():
        raise click.ClickException(f"No folder of files at {root}")
    try:
        copied, present = copy_folder_to_database(root)
    except ValueError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Copied {copied} files into the database ({present} were there already)")


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
    # Every server may run this on a timer: the job's lock makes a second run
    # wait for the first and then find each reminder already queued.
    jobs.claim("send-reminders")
    counts = queue_reminders()
    db.session.commit()
    click.echo(f"Reminders queued: {counts['reply']} to reply, {counts['closing']} closing soon")


@click.group("archive")
def archive() -> None:
    """Take the whole Commission out into one file, or load one into a new
    database. The file holds password hashes and personal data: keep it as
    secret as the database, and delete it once the move is done."""


@archive.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def archive_export(file: Path) -> None:
    """Write every record and stored file to FILE (a new zip)."""

    try:
        report = export_archive(file)
    except ArchiveError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Exported {report.rows} rows from {len(report.tables)} tables "
        f"and {report.files} files to {file}"
    )


@archive.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def archive_import(file: Path) -> None:
    """Load FILE into this database, which must be new (`flask db upgrade`, nothing else)."""

    try:
        report = import_archive(file)
    except ArchiveError as error:
        raise click.ClickException(str(error)) from error
    manifest = report.manifest
    click.echo(
        f"Imported {report.rows} rows into {len(report.tables)} tables and {report.files} files "
        f"(exported {manifest['exported_at']} from {manifest['database']})"
    )
    click.echo(f"Search index rebuilt: {reindex_all():,} documents.")


@archive.command("check")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def archive_check(file: Path) -> None:
    """Check FILE's checksums and, once it has been imported, that this
    database and storage hold what it holds."""

    try:
        manifest = check_archive(file)
    except ArchiveError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"{file}: checksums match (format {manifest['format_version']}, schema "
        f"{manifest['schema_revision']}, exported {manifest['exported_at']})"
    )
    problems = compare_with_database(manifest)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} differences from this database")
    click.echo("This database and its storage hold everything in the archive")


@click.group("search")
def search() -> None:
    """The search index."""


@search.command("reindex")
def search_reindex() -> None:
    """Rebuild the search index from the records (after an import, or a change
    made outside the app)."""
    count = reindex_all()
    click.echo(f"Search index rebuilt: {count:,} documents.")


@click.group("summaries")
def summaries() -> None:
    """The summaries' figures."""


@summaries.command("recount")
def summaries_recount() -> None:
    """Count every consultation's figures again from its signed-off answers
    (after a change made outside the app; an archive import does it itself)."""
    recount(db.session.connection())
    db.session.commit()
    click.echo("Summary figures counted again from the signed-off answers.")
