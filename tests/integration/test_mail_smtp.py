"""Invitations through a real SMTP server (aiosmtpd on localhost), and what the
secretariat sees when the mail server cannot be reached."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from commission.auth.models import AccountToken, TokenPurpose, User
from commission.auth.roles import Role
from commission.extensions import db
from commission.notifications.services import deliver_due
from tests import factories
from tests.conftest import audit_events
from tests.mailserver import MailServer
from tests.pages import banner, expect, heading, ok, page

NEW_EMAIL = "amira.sheikh@example.gov.uk"
LINK = re.compile(r"http://commission\.test(/set-password/\S+)")


@pytest.fixture
def smtp_server(mail_server):
    return mail_server.handler


@pytest.fixture
def smtp_unreachable(smtp_config):
    return smtp_config  # no server started: nothing listens on its port


def invite(client, email=NEW_EMAIL, name="Amira Sheikh"):
    council = factories.council(name="Wigan Council")
    return client.post(
        "/people/invite",
        data={
            "full_name": name,
            "email": email,
            "role": "officer",
            "authority": str(council.id),
            "starts_on": ["", "", ""],
        },
    )


def received(envelope) -> EmailMessage:
    return message_from_bytes(envelope.content, policy=policy.default)


def test_invitation_is_delivered_over_smtp_with_a_working_link(client, login_as, smtp_server):
    login_as(Role.SECRETARIAT, full_name="Priya Natarajan")
    response = invite(client)
    expect(response, 302)

    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == [NEW_EMAIL]
    assert envelope.mail_from == "no-reply@commission.localhost"
    message = received(envelope)
    assert message["To"] == NEW_EMAIL
    assert message["Subject"] == "You have been invited to the Local Government Commission"
    assert "Local Government Commission" in message["From"]
    body = message.get_content()
    assert "Dear Amira Sheikh" in body
    assert "Priya Natarajan has invited you" in body
    assert "as Council officer" in body
    assert "This link works once, for 7 days" in body

    path = LINK.search(body).group(1)
    client.post("/sign-out")
    followed = ok(client.get(path))
    assert heading(followed) == "Create your password"


def test_person_invited_over_smtp_can_create_a_password_and_sign_in(client, login_as, smtp_server):
    login_as(Role.SECRETARIAT)
    invite(client)
    client.post("/sign-out")
    path = LINK.search(received(smtp_server.envelopes[0]).get_content()).group(1)
    password = "sandstone kettle marigold"
    response = client.post(path, data={"password": password, "confirm": password})
    expect(response, 302)
    response = client.post("/sign-in", data={"email": NEW_EMAIL, "password": password})
    expect(response, 302)
    assert "Signed in as Amira Sheikh" in page(client.get("/")).get_text()


def test_successful_delivery_shows_a_success_banner(client, login_as, smtp_server):
    login_as(Role.SECRETARIAT)
    response = invite(client)
    person_page = client.get(response.headers["Location"])
    assert banner(person_page) == f"Success Invitation sent to {NEW_EMAIL}"


def test_password_reset_is_delivered_over_smtp(client, smtp_server, app_ctx):
    factories.user(email="joanna.pike@example.gov.uk")
    client.post("/forgot-password", data={"email": "joanna.pike@example.gov.uk"})
    assert smtp_server.envelopes == []  # the outbox worker sends it, not the request
    deliver_due()
    [envelope] = smtp_server.envelopes
    message = received(envelope)
    assert message["Subject"] == "Reset your password"
    path = LINK.search(message.get_content()).group(1)
    assert heading(client.get(path)) == "Choose a new password"


def test_unreachable_mail_server_still_creates_the_account_and_warns(
    client, login_as, smtp_unreachable
):
    login_as(Role.SECRETARIAT)
    response = invite(client)
    expect(response, 302)

    user = db.session.execute(select(User).where(User.email == NEW_EMAIL)).scalar_one()
    assert response.headers["Location"] == f"/people/{user.id}"
    assert user.password_hash is None
    assert [a.role for a in user.appointments] == [Role.OFFICER]
    token = db.session.execute(
        select(AccountToken).where(AccountToken.user_id == user.id)
    ).scalar_one()
    assert token.purpose is TokenPurpose.INVITATION
    assert len(audit_events("invitation_sent")) == 1

    person_page = client.get(response.headers["Location"])
    assert heading(person_page) == "Amira Sheikh"
    notice = page(person_page).select_one(".govuk-notification-banner")
    assert "govuk-notification-banner--success" not in notice["class"]
    assert banner(person_page) == (
        "Important Amira Sheikh's account was created but the invitation email could not "
        "be sent. Try sending it again"
    )
    resend = page(person_page).select_one(f'a[href="/people/{user.id}/resend-invitation"]')
    assert resend.get_text(strip=True) == "Send a new invitation"


def test_resending_when_the_mail_server_is_back_delivers_a_new_link(client, login_as, smtp_config):
    login_as(Role.SECRETARIAT)
    client.get(invite(client).headers["Location"])  # nothing listens yet: the warning is shown
    user = db.session.execute(select(User).where(User.email == NEW_EMAIL)).scalar_one()

    server = MailServer(smtp_config)
    handler = server.start()
    try:
        response = client.post(f"/people/{user.id}/resend-invitation")
    finally:
        server.stop()
    assert banner(client.get(response.headers["Location"])) == (
        f"Success A new invitation has been sent to {NEW_EMAIL}"
    )
    [envelope] = handler.envelopes
    path = LINK.search(received(envelope).get_content()).group(1)
    client.post("/sign-out")
    assert heading(client.get(path)) == "Create your password"


def test_resending_when_the_mail_server_is_down_warns(client, login_as, smtp_unreachable):
    login_as(Role.SECRETARIAT)
    person = factories.user(role=Role.OFFICER, password=None)
    response = client.post(f"/people/{person.id}/resend-invitation")
    expect(response, 302)
    assert banner(client.get(response.headers["Location"])) == (
        "Important The invitation email could not be sent. Try again later"
    )


def test_unreachable_mail_server_does_not_break_password_reset(client, smtp_unreachable, app_ctx):
    factories.user(email="joanna.pike@example.gov.uk")
    shown = ok(client.post("/forgot-password", data={"email": "joanna.pike@example.gov.uk"}))
    assert heading(shown) == "Check your email"
