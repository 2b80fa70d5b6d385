"""``flask`` commands, run through the CLI runner inside the test's rolled-back
session: the first secretariat account, the demo scenario and housekeeping."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from commission.auth.models import ThrottleEvent, User
from commission.auth.passwords import verify_password
from commission.auth.roles import Role
from commission.extensions import db
from commission.seeding.demo import DEMO_DOMAIN, DEMO_PASSWORD
from commission.timeutil import now_utc, today
from tests import factories
from tests.conftest import audit_events
from tests.pages import expect

PASSWORD = "sandstone kettle marigold"


class Runner:
    """The CLI runner, with what the test set up committed first (to a
    savepoint), as it would be in a real database; otherwise a command that
    rolls back a refused change would roll back the test's data too."""

    def __init__(self, app):
        self._runner = app.test_cli_runner()

    def invoke(self, **kwargs):
        db.session.commit()
        return self._runner.invoke(**kwargs)


@pytest.fixture
def runner(app, app_ctx):
    return Runner(app)


def create_secretariat(
    runner, email="Chief.Clerk@Example.gov.uk", name="Chief Clerk", password=PASSWORD
):
    return runner.invoke(
        args=["create-secretariat", "--email", email, "--name", name, "--password-stdin"],
        input=password + "\n",
    )


def user_count() -> int:
    return db.session.execute(select(func.count(User.id))).scalar_one()


def test_create_secretariat_makes_a_working_secretariat_account(runner, client):
    result = create_secretariat(runner)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "Created secretariat account for Chief Clerk <chief.clerk@example.gov.uk>"
    )
    user = db.session.execute(
        select(User).where(User.email == "chief.clerk@example.gov.uk")
    ).scalar_one()
    assert user.full_name == "Chief Clerk"
    assert verify_password(user.password_hash, PASSWORD)
    [appointment] = user.appointments
    assert (appointment.role, appointment.starts_on, appointment.ends_on) == (
        Role.SECRETARIAT,
        today(),
        None,
    )
    [granted] = audit_events("role_granted")
    assert granted.actor_id is None
    assert granted.subject_id == user.id
    assert "command line" in granted.summary

    response = client.post(
        "/sign-in", data={"email": "chief.clerk@example.gov.uk", "password": PASSWORD}
    )
    expect(response, 302)
    expect(client.get("/people"), 200)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "Password must be 12 characters or more"),
        ("password12345", "This password is too common"),
        ("chief.clerk2027", "This password is too easy to guess"),
    ],
)
def test_create_secretariat_refuses_a_weak_password(runner, password, message):
    before = user_count()
    result = create_secretariat(runner, password=password)
    assert result.exit_code == 1
    assert message in result.output
    assert user_count() == before
    assert audit_events("role_granted") == []


def test_create_secretariat_refuses_an_existing_email(runner):
    factories.user(email="chief.clerk@example.gov.uk", full_name="Already Here")
    result = create_secretariat(runner, email="CHIEF.CLERK@example.gov.uk")
    assert result.exit_code == 1
    assert "An account with this email address already exists" in result.output
    [existing] = db.session.execute(
        select(User).where(User.email == "chief.clerk@example.gov.uk")
    ).scalars()
    assert existing.full_name == "Already Here"
    assert existing.appointments == []


def test_create_secretariat_needs_email_and_name(runner):
    result = runner.invoke(args=["create-secretariat", "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 2
    assert "Missing option '--email'" in result.output


def test_create_secretariat_can_prompt_for_the_password_twice(runner):
    result = runner.invoke(
        args=["create-secretariat", "--email", "clerk@example.gov.uk", "--name", "A Clerk"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.execute(select(User).where(User.email == "clerk@example.gov.uk")).scalar_one()
    assert verify_password(user.password_hash, PASSWORD)


def demo_people() -> list[User]:
    return list(
        db.session.execute(select(User).where(User.email.like(f"%@{DEMO_DOMAIN}"))).scalars()
    )


def test_demo_scenario_loads_once_and_reruns_safely(runner):
    first = runner.invoke(args=["seed", "--demo"])
    assert first.exit_code == 0, first.output
    people = demo_people()
    assert people
    assert all(person.is_demo for person in people)
    roles = {a.role for person in people for a in person.appointments}
    assert roles == set(Role)
    assert f"Demo people: {len(people)} created, 0 already there" in first.output

    second = runner.invoke(args=["seed", "--demo"])
    assert second.exit_code == 0, second.output
    assert f"Demo people: 0 created, {len(people)} already there" in second.output
    assert len(demo_people()) == len(people)


def test_demo_people_can_sign_in_with_the_demo_password(runner, client):
    runner.invoke(args=["seed", "--demo"])
    response = client.post(
        "/sign-in", data={"email": f"secretariat@{DEMO_DOMAIN}", "password": DEMO_PASSWORD}
    )
    expect(response, 302)
    expect(client.get("/people"), 200)


def test_demo_is_never_loaded_in_production(app, runner):
    app.config["ENV_NAME"] = "production"
    try:
        result = runner.invoke(args=["seed", "--demo"])
    finally:
        app.config["ENV_NAME"] = "development"
    assert result.exit_code == 1
    assert "never loaded in production" in result.output
    assert demo_people() == []


def test_prune_throttle_removes_only_old_attempts(app, runner):
    window = app.config["SIGN_IN_FAILURE_WINDOW_SECONDS"]
    old = now_utc() - timedelta(seconds=window + 60)
    for _ in range(2):
        db.session.add(ThrottleEvent(key="sign-in:account:a@x.gov.uk", occurred_at=old))
    db.session.add(ThrottleEvent(key="sign-in:account:a@x.gov.uk"))
    db.session.flush()
    result = runner.invoke(args=["prune-throttle"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Removed 2 old attempt records"
    remaining = db.session.execute(select(func.count(ThrottleEvent.id))).scalar_one()
    assert remaining == 1


def test_clear_download_cache_forgets_every_kept_file(app, runner):
    from commission.exports.cache import cache_key, cached_body, keep

    for n in range(2):
        keep(key=cache_key(n), subject=f"t:{n}", content_type="text/csv", filename="a", body=b"a")
    db.session.flush()

    result = runner.invoke(args=["clear-download-cache"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Forgot 2 kept files"
    assert cached_body(cache_key(0)) is None


def test_copy_files_to_database_copies_the_folder(app, runner, tmp_path, monkeypatch):
    from commission.storage import DatabaseStorage, LocalStorage

    stored = LocalStorage(tmp_path).save(b"a paper")
    monkeypatch.setitem(app.config, "STORAGE_PATH", str(tmp_path))
    result = runner.invoke(args=["copy-files-to-database"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Copied 1 files into the database (0 were there already)"
    assert DatabaseStorage().read(stored.key) == b"a paper"


def test_copy_files_to_database_needs_the_folder(app, runner, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_PATH", str(tmp_path / "missing"))
    result = runner.invoke(args=["copy-files-to-database"])

    assert result.exit_code == 1
    assert "No folder of files" in result.output
