"""A person's own account page, and changing their password."""

from datetime import date, timedelta

import pytest

from commission.auth.models import User
from commission.auth.passwords import verify_password
from commission.auth.roles import Role
from commission.extensions import db
from commission.timeutil import format_date, today
from tests import factories
from tests.conftest import audit_events
from tests.pages import (
    banner,
    error_summary,
    expect,
    heading,
    ok,
    page,
    summary_list,
    table_records,
)

NEW_PASSWORD = "marmalade lighthouse quiver"


@pytest.fixture
def me(login_as):
    return login_as(Role.OFFICER, full_name="Joanna Pike", email="joanna.pike@example.gov.uk")


def change(client, current=factories.PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.post(
        "/account/password",
        data={
            "current_password": current,
            "password": new,
            "confirm": new if confirm is None else confirm,
        },
    )


def test_account_shows_name_email_and_roles(client, me):
    factories.appointment(
        user=me, role=Role.DEPUTY, starts_on=date(2025, 6, 1), ends_on=date(2026, 5, 7)
    )
    response = client.get("/account")
    assert heading(response) == "Your account"
    details = summary_list(response)
    assert details["Name"] == "Joanna Pike"
    assert details["Email address"] == "joanna.pike@example.gov.uk"
    roles = {row["Role"]: row for row in table_records(response)}
    assert roles["Council officer"]["Status"] == "Current"
    assert roles["Deputy"]["Status"] == "Ended"
    assert roles["Deputy"]["To"] == "7 May 2026"
    change_link = page(response).select_one('a[href="/account/password"]')
    assert "Change" in change_link.get_text()


def test_account_without_roles_says_so(client, login_as):
    login_as(None)
    response = client.get("/account")
    assert "No roles recorded." in page(response).select_one("main").get_text()


def test_account_shows_when_the_password_was_last_changed(client, me):
    me.password_set_at = me.created_at
    response = client.get("/account")
    assert summary_list(response)["Password"].startswith("Last changed ")


def test_account_needs_sign_in(client):
    assert client.get("/account").headers["Location"] == "/sign-in?next=/account"
    assert client.get("/account/password").headers["Location"] == (
        "/sign-in?next=/account/password"
    )


@pytest.mark.parametrize("role", list(Role))
def test_every_role_can_see_their_account(client, login_as, role):
    login_as(role)
    assert heading(client.get("/account")) == "Your account"


def test_change_password_page(client, me):
    response = client.get("/account/password")
    assert heading(response) == "Change your password"
    assert page(response).select_one("input#current_password")["autocomplete"] == (
        "current-password"
    )
    assert page(response).select_one("input#password")["autocomplete"] == "new-password"


def test_changing_the_password(client, me):
    old_hash, old_token = me.password_hash, me.session_token
    response = change(client)
    expect(response, 302, location="/account")
    user = db.session.get(User, me.id)
    assert user.password_hash != old_hash
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert user.password_set_at is not None
    assert user.session_token != old_token
    [changed] = audit_events("password_changed")
    assert changed.actor_id == me.id


def test_after_changing_the_password_the_person_stays_signed_in(client, me):
    change(client)
    with client.session_transaction() as session:
        assert session["_user_id"] == db.session.get(User, me.id).get_id()
    account = ok(client.get("/account"))
    assert banner(account) == "Success Your password has been changed"


def test_changing_the_password_signs_out_other_sessions(app, client, me):
    elsewhere = app.test_client()
    with elsewhere.session_transaction() as session:
        session["_user_id"] = me.get_id()
    expect(elsewhere.get("/account"), 200)
    change(client)
    assert elsewhere.get("/account").headers["Location"] == "/sign-in?next=/account"


def test_the_new_password_is_the_one_that_signs_in(client, me):
    change(client)
    client.post("/sign-out")
    old = client.post("/sign-in", data={"email": me.email, "password": factories.PASSWORD})
    expect(old, 200)
    new = client.post("/sign-in", data={"email": me.email, "password": NEW_PASSWORD})
    expect(new, 302)


def test_wrong_current_password_is_linked_to_its_field(client, me):
    old_hash = me.password_hash
    response = change(client, current="not-my-password-at-all")
    assert heading(response) == "Change your password"
    assert error_summary(response) == [
        ("Your current password is not correct", "#current_password")
    ]
    assert db.session.get(User, me.id).password_hash == old_hash
    assert audit_events("password_changed") == []


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("too-short", "Password must be 12 characters or more"),
        (
            "qwertyuiop123",
            "This password is too common. Choose a different password, "
            "for example three random words",
        ),
        (
            "joanna.pike2027",
            "This password is too easy to guess. Choose a longer password, "
            "for example three random words",
        ),
    ],
)
def test_weak_new_password_is_refused(client, me, password, message):
    old_hash = me.password_hash
    response = change(client, new=password)
    assert error_summary(response) == [(message, "#password")]
    assert db.session.get(User, me.id).password_hash == old_hash
    assert audit_events("password_changed") == []


def test_mismatched_confirmation_is_refused(client, me):
    response = change(client, confirm="something else entirely")
    assert error_summary(response) == [("The passwords do not match", "#confirm")]


def test_missing_fields_are_each_linked(client, me):
    response = change(client, current="", new="", confirm="")
    assert error_summary(response) == [
        ("Enter your current password", "#current_password"),
        ("Enter a new password", "#password"),
        ("Confirm your new password", "#confirm"),
    ]


def test_a_failed_change_keeps_the_person_signed_in(client, me):
    change(client, current="not-my-password-at-all")
    expect(client.get("/account"), 200)


def test_home_lists_the_roles_held_today(client, me):
    factories.appointment(user=me, role=Role.CHAIR, starts_on=today() + timedelta(days=5))
    response = client.get("/")
    items = [li.get_text(" ", strip=True) for li in page(response).select("main li")]
    [officer] = [item for item in items if item.startswith("Council officer")]
    [held] = [a for a in me.appointments if a.role is Role.OFFICER]
    assert officer.endswith(f"since {format_date(held.starts_on)}")
    assert not any(item.startswith("Chair") for item in items)
