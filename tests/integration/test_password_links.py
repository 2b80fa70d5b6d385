"""Forgotten passwords and the single-use links for setting a password."""

import re
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from commission.auth.models import AccountToken, TokenPurpose, User
from commission.auth.passwords import verify_password
from commission.auth.roles import Role
from commission.auth.services import issue_link_token
from commission.extensions import db
from commission.notifications.models import OutboxMessage, OutboxStatus, Topic
from commission.notifications.services import deliver_due
from commission.timeutil import now_utc
from tests import factories
from tests.conftest import audit_events, count_statements
from tests.pages import banner, error_summary, expect, heading, main_text, ok, page, sign_in

ADDRESS = {"REMOTE_ADDR": "203.0.113.9"}

EMAIL = "joanna.pike@example.gov.uk"
NEW_PASSWORD = "quiet harbour lantern morning"
LINK = re.compile(r"http://commission\.test(/set-password/[A-Za-z0-9_.\-]+)")


@pytest.fixture
def person(app_ctx):
    return factories.user(role=Role.OFFICER, email=EMAIL, full_name="Joanna Pike")


@pytest.fixture
def invited(app_ctx):
    return factories.user(
        role=Role.LEADER, email="new.leader@example.gov.uk", full_name="Ravi Menon", password=None
    )


def link_for(user, purpose=TokenPurpose.PASSWORD_RESET) -> str:
    return "/set-password/" + issue_link_token(user=user, purpose=purpose, actor=None)


def tokens(user) -> list[AccountToken]:
    return list(
        db.session.execute(
            select(AccountToken).where(AccountToken.user_id == user.id).order_by(AccountToken.id)
        ).scalars()
    )


def set_password(client, url, password=NEW_PASSWORD, confirm=None):
    return client.post(
        url, data={"password": password, "confirm": password if confirm is None else confirm}
    )


# Asking for a reset link ------------------------------------------------------


def test_forgot_password_page(client):
    response = client.get("/forgot-password")
    assert heading(response) == "Reset your password"
    assert "The link works once, for 2 hours" in page(response).select_one("main").get_text()


def send_queued() -> None:
    """What the outbox worker does (every minute, or at once with ``--loop``)."""
    deliver_due()


def test_known_email_gets_one_reset_email_with_a_working_link(client, person, outbox):
    response = client.post("/forgot-password", data={"email": EMAIL.upper()})
    assert heading(response) == "Check your email"
    assert outbox == []  # nothing is sent inside the request
    send_queued()
    [message] = outbox
    assert message["To"] == EMAIL
    assert message["Subject"] == "Reset your password"
    body = message.get_content()
    assert "Dear Joanna Pike" in body
    assert "This link works once, for 2 hours" in body
    path = LINK.search(body).group(1)
    followed = ok(client.get(path))
    assert heading(followed) == "Choose a new password"
    assert f"Choose a new password for {EMAIL}" in page(followed).select_one("main").get_text()


def test_reset_request_is_stored_and_audited(client, person, outbox):
    client.post("/forgot-password", data={"email": EMAIL}, environ_base=ADDRESS)
    [asked] = audit_events("password_reset_asked")
    assert (asked.ip_address, asked.subject_id) == ("203.0.113.9", None)
    assert tokens(person) == []
    send_queued()
    [token] = tokens(person)
    assert token.purpose is TokenPurpose.PASSWORD_RESET
    assert token.used_at is None
    assert timedelta(hours=1, minutes=59) < token.expires_at - now_utc() <= timedelta(hours=2)
    [event] = audit_events("password_reset_requested")
    assert event.subject_id == person.id
    assert event.actor_id is None


def test_unknown_email_sees_the_same_page_and_no_email_is_sent(client, person, outbox):
    known = client.post("/forgot-password", data={"email": EMAIL})
    unknown = client.post("/forgot-password", data={"email": "nobody@example.gov.uk"})
    send_queued()
    assert heading(unknown) == heading(known) == "Check your email"
    known_text = page(known).select_one("main").get_text(" ", strip=True)
    unknown_text = page(unknown).select_one("main").get_text(" ", strip=True)
    assert unknown_text == known_text.replace(EMAIL, "nobody@example.gov.uk")
    assert len(outbox) == 1
    assert audit_events("password_reset_requested") != []
    assert len(audit_events("password_reset_requested")) == 1


def test_invited_person_without_a_password_gets_no_reset_email(client, invited, outbox):
    response = client.post("/forgot-password", data={"email": invited.email})
    assert heading(response) == "Check your email"
    send_queued()
    assert outbox == []
    assert tokens(invited) == []


def test_deactivated_person_gets_no_reset_email(client, outbox, app_ctx):
    factories.user(email=EMAIL, active=False)
    response = client.post("/forgot-password", data={"email": EMAIL})
    assert heading(response) == "Check your email"
    send_queued()
    assert outbox == []
    [message] = db.session.execute(select(OutboxMessage)).scalars()
    assert message.status is OutboxStatus.WITHDRAWN
    assert message.last_error == "Not sent: no active account with a password has this address"


def test_forgot_password_needs_a_well_formed_email(client, outbox):
    response = client.post("/forgot-password", data={"email": "joanna"})
    assert heading(response) == "Reset your password"
    assert error_summary(response) == [
        ("Enter an email address in the correct format, like name@example.gov.uk", "#email")
    ]
    assert outbox == []


def test_forgot_password_needs_an_email(client):
    response = client.post("/forgot-password", data={"email": ""})
    assert error_summary(response) == [("Enter an email address", "#email")]


def test_reset_requests_from_one_address_are_limited(app, client, person, outbox):
    original = app.config["PASSWORD_RESET_MAX_REQUESTS_PER_ADDRESS"]
    app.config["PASSWORD_RESET_MAX_REQUESTS_PER_ADDRESS"] = 2
    try:
        address = {"REMOTE_ADDR": "203.0.113.77"}
        for _ in range(2):
            client.post("/forgot-password", data={"email": EMAIL}, environ_base=address)
        response = client.post("/forgot-password", data={"email": EMAIL}, environ_base=address)
    finally:
        app.config["PASSWORD_RESET_MAX_REQUESTS_PER_ADDRESS"] = original
    expect(response, 429)
    assert heading(response) == "Too many attempts"
    assert response.headers["Retry-After"] == str(app.config["SIGN_IN_FAILURE_WINDOW_SECONDS"])
    send_queued()
    assert len(outbox) == 2


def statement_shapes(statements: list[str]) -> list[str]:
    return [
        re.sub(r"sa_savepoint_\d+", "sa_savepoint", re.sub(r"\s+", " ", statement)).strip()
        for statement in statements
    ]


def test_the_answer_does_the_same_work_whether_or_not_an_account_has_the_address(
    client, person, outbox
):
    """The same statements, in the same order, and no mail server: the
    answer cannot tell, by its time, whether the address has an account."""
    client.get("/forgot-password")
    with count_statements() as known:
        client.post("/forgot-password", data={"email": EMAIL})
    with count_statements() as unknown:
        client.post("/forgot-password", data={"email": "nobody@example.gov.uk"})
    assert statement_shapes(known) == statement_shapes(unknown)
    assert outbox == []


def test_the_link_is_never_stored_or_shown_on_the_outbox_page(client, person, outbox, login_as):
    client.post("/forgot-password", data={"email": EMAIL})
    send_queued()
    [sent] = outbox
    link = LINK.search(sent.get_content()).group(1)
    [message] = db.session.execute(select(OutboxMessage)).scalars()
    assert message.status is OutboxStatus.SENT
    assert (message.user_id, message.topic) == (person.id, Topic.ACCOUNT)
    assert link not in message.body_text + message.body_html
    login_as(Role.SECRETARIAT)
    listed = client.get("/outbox")
    assert "Reset your password" in main_text(listed)
    assert link not in listed.get_data(as_text=True)


def test_reset_links_are_not_an_email_a_person_can_turn_off(client, person):
    sign_in(client, person)
    offered = page(ok(client.get("/account/email"))).select("input[name=topics]")
    assert Topic.ACCOUNT.value not in {box["value"] for box in offered}


def test_signed_in_people_are_sent_home_from_forgot_password(client, login_as):
    login_as(Role.OFFICER)
    assert client.get("/forgot-password").headers["Location"] == "/"


# Using a link -----------------------------------------------------------------


def test_setting_a_password_through_a_reset_link(client, person):
    url = link_for(person)
    old_hash, old_token = person.password_hash, person.session_token
    response = set_password(client, url)
    expect(response, 302, location=f"/sign-in?email={EMAIL}")
    user = db.session.get(User, person.id)
    assert user.password_hash != old_hash
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert user.password_set_at is not None
    assert user.session_token != old_token
    [token] = tokens(person)
    assert token.used_at is not None
    [event] = audit_events("password_reset")
    assert event.actor_id == person.id


def test_after_setting_a_password_sign_in_shows_a_banner_and_the_email(client, person):
    response = set_password(client, link_for(person))
    sign_in_page = client.get(response.headers["Location"])
    assert heading(sign_in_page) == "Sign in"
    assert banner(sign_in_page) == (
        "Success Your password has been set. Sign in with your email address and new password"
    )
    assert page(sign_in_page).select_one("input#email")["value"] == EMAIL


def test_the_new_password_signs_in_and_the_old_one_does_not(client, person):
    set_password(client, link_for(person))
    old = client.post("/sign-in", data={"email": EMAIL, "password": factories.PASSWORD})
    expect(old, 200)
    new = client.post("/sign-in", data={"email": EMAIL, "password": NEW_PASSWORD})
    expect(new, 302)


def test_accepting_an_invitation(client, invited):
    url = link_for(invited, TokenPurpose.INVITATION)
    response = client.get(url)
    assert heading(response) == "Create your password"
    assert "Welcome to the Local Government Commission, Ravi Menon" in (
        page(response).select_one("main").get_text()
    )
    response = set_password(client, url)
    expect(response, 302)
    assert verify_password(db.session.get(User, invited.id).password_hash, NEW_PASSWORD)
    [event] = audit_events("invitation_accepted")
    assert event.summary == "Ravi Menon accepted their invitation"
    assert audit_events("password_reset") == []


def test_a_long_passphrase_is_accepted(client, person):
    passphrase = "quiet harbour lantern morning over the estuary with gulls calling " * 2
    passphrase = passphrase[:120]
    assert 72 < len(passphrase) <= 128
    response = set_password(client, link_for(person), passphrase)
    expect(response, 302)
    assert verify_password(db.session.get(User, person.id).password_hash, passphrase)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-one", "Password must be 12 characters or more"),
        (
            "password12345",
            "This password is too common. Choose a different password, "
            "for example three random words",
        ),
        (
            "joanna.pike2027",
            "This password is too easy to guess. Choose a longer password, "
            "for example three random words",
        ),
        ("x" * 129, "Password must be 128 characters or fewer"),
    ],
)
def test_password_rules_are_enforced(client, person, password, message):
    url = link_for(person)
    old_hash = person.password_hash
    shown = ok(set_password(client, url, password))
    assert heading(shown) == "Choose a new password"
    assert error_summary(shown) == [(message, "#password")]
    assert page(shown).select_one("#password-error") is not None
    assert db.session.get(User, person.id).password_hash == old_hash
    [token] = tokens(person)
    assert token.used_at is None
    assert audit_events("password_reset") == []


def test_mismatched_confirmation_is_linked_to_the_confirm_field(client, person):
    url = link_for(person)
    response = set_password(client, url, NEW_PASSWORD, confirm=NEW_PASSWORD + "!")
    assert error_summary(response) == [("The passwords do not match", "#confirm")]
    assert tokens(person)[0].used_at is None


def test_missing_passwords_are_linked_to_their_fields(client, person):
    response = set_password(client, link_for(person), "", "")
    assert error_summary(response) == [
        ("Enter a new password", "#password"),
        ("Confirm your new password", "#confirm"),
    ]


def test_a_used_link_says_so(client, person):
    url = link_for(person)
    set_password(client, url)
    response = client.get(url)
    expect(response, 410)
    assert heading(response) == "This link has already been used"
    assert page(response).select_one('main a[href="/forgot-password"]') is not None


def test_posting_to_a_used_link_changes_nothing(client, person):
    url = link_for(person)
    set_password(client, url)
    response = set_password(client, url, "a different passphrase entirely")
    expect(response, 410)
    assert verify_password(db.session.get(User, person.id).password_hash, NEW_PASSWORD)
    assert len(audit_events("password_reset")) == 1


def test_an_expired_link_says_so(client, person):
    url = link_for(person)
    [token] = tokens(person)
    token.expires_at = now_utc() - timedelta(minutes=1)
    response = client.get(url)
    expect(response, 410)
    assert heading(response) == "This link has expired"
    expect(set_password(client, url), 410)
    assert verify_password(db.session.get(User, person.id).password_hash, factories.PASSWORD)


def test_a_link_whose_signature_has_expired_says_so(client, invited, monkeypatch):
    """Older than any link may live: the signature itself has expired."""
    eight_days_ago = int(now_utc().timestamp()) - 8 * 24 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: eight_days_ago)
    url = link_for(invited, TokenPurpose.INVITATION)
    monkeypatch.undo()
    response = client.get(url)
    expect(response, 410)
    assert heading(response) == "This link has expired"
    assert "ask the Commission secretariat to send you a new invitation" in (
        page(response).select_one("main").get_text(" ")
    )


# Not the last character: in base64 it can carry padding bits that the
# decoder ignores, so changing it may leave the signature's bytes unchanged.
@pytest.mark.parametrize("position", [0, 10, -2, -5])
def test_a_tampered_link_is_not_valid(client, person, position):
    url = link_for(person)
    token = url.removeprefix("/set-password/")
    index = position % len(token)
    altered = token[:index] + ("A" if token[index] != "A" else "B") + token[index + 1 :]
    response = client.get("/set-password/" + altered)
    expect(response, 404)
    assert heading(response) == "This link is not valid"
    assert tokens(person)[0].used_at is None


@pytest.mark.parametrize("token", ["abc", "not.a.real.token", "e30.aaaa.bbbb"])
def test_a_made_up_link_is_not_valid(client, token):
    response = client.get("/set-password/" + token)
    expect(response, 404)
    assert heading(response) == "This link is not valid"


def test_a_link_signed_with_another_key_is_not_valid(app, client, person):
    url = link_for(person)
    original = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "another-secret-key-that-is-long-enough-1234"
    try:
        response = client.get(url)
    finally:
        app.config["SECRET_KEY"] = original
    expect(response, 404)
    assert heading(response) == "This link is not valid"


def test_a_link_with_the_wrong_nonce_is_not_valid(app, client, person):
    from commission.auth.services import _serializer

    link_for(person)
    [token] = tokens(person)
    with app.test_request_context():
        forged = _serializer().dumps({"id": token.id, "n": "guessed", "p": "password_reset"})
    response = client.get("/set-password/" + forged)
    expect(response, 404)
    assert heading(response) == "This link is not valid"


def test_a_link_for_a_deactivated_person_is_not_valid(client, person):
    url = link_for(person)
    person.active = False
    response = client.get(url)
    expect(response, 404)
    assert heading(response) == "This link is not valid"
    expect(set_password(client, url), 404)
    assert tokens(person)[0].used_at is None


def test_a_new_link_makes_the_older_one_used(client, person):
    first = link_for(person)
    second = link_for(person)
    old, new = tokens(person)
    assert old.used_at is not None
    assert new.used_at is None
    assert heading(client.get(first)) == "This link has already been used"
    assert heading(client.get(second)) == "Choose a new password"


def test_changing_the_password_in_the_account_spends_reset_links_sent_before(app, client, person):
    """Someone who read a reset email must not be able to set the password
    again after its owner has changed it."""
    link = link_for(person)
    client.post("/sign-in", data={"email": person.email, "password": factories.PASSWORD})
    changed = client.post(
        "/account/password",
        data={
            "current_password": factories.PASSWORD,
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    expect(changed, 302)

    stranger = app.test_client()
    assert heading(stranger.get(link)) == "This link has already been used"
    stranger.post(link, data={"password": "another long passphrase", "confirm": "x"})
    db.session.refresh(person)
    assert verify_password(person.password_hash, NEW_PASSWORD)
    assert all(token.used_at is not None for token in tokens(person))


def test_a_reset_link_does_not_spend_an_invitation_link(client, invited):
    invitation = link_for(invited, TokenPurpose.INVITATION)
    link_for(invited, TokenPurpose.PASSWORD_RESET)
    assert heading(client.get(invitation)) == "Create your password"


def test_setting_a_password_through_a_link_signs_out_whoever_was_signed_in(
    client, login_as, person
):
    login_as(Role.SECRETARIAT)
    set_password(client, link_for(person))
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_setting_a_password_clears_a_lock_on_the_account(app, client, person):
    for _ in range(app.config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"]):
        client.post("/sign-in", data={"email": EMAIL, "password": "wrong-password-here"})
    expect(client.post("/sign-in", data={"email": EMAIL, "password": "x"}), 429)
    set_password(client, link_for(person))
    response = client.post("/sign-in", data={"email": EMAIL, "password": NEW_PASSWORD})
    expect(response, 302)


def test_reset_email_link_uses_the_public_base_url(app, client, person, outbox):
    app.config["PUBLIC_BASE_URL"] = "https://commission.example.gov.uk"
    try:
        client.post("/forgot-password", data={"email": EMAIL})
        send_queued()
    finally:
        app.config["PUBLIC_BASE_URL"] = ""
    [message] = outbox
    assert "https://commission.example.gov.uk/set-password/" in message.get_content()


def test_a_forged_host_header_does_not_change_the_link(app, client, person, outbox):
    """Password-reset poisoning: with the public address configured (production
    requires it), the Host and X-Forwarded-Host headers play no part."""
    app.config["PUBLIC_BASE_URL"] = "https://commission.example.gov.uk"
    try:
        client.post(
            "/forgot-password",
            data={"email": EMAIL},
            headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"},
        )
        send_queued()
    finally:
        app.config["PUBLIC_BASE_URL"] = ""
    [message] = outbox
    assert "evil.example" not in message.get_content()
    assert "https://commission.example.gov.uk/set-password/" in message.get_content()
