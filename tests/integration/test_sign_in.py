"""Signing in and out: one generic message for every failure, throttling, and
sessions that end when the account changes."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from commission.auth.models import ThrottleEvent, User
from commission.auth.roles import Role
from commission.auth.services import GENERIC_SIGN_IN_ERROR
from commission.extensions import db
from commission.timeutil import now_utc
from tests import factories
from tests.conftest import audit_events
from tests.pages import banner, csrf_token_from, error_summary, expect, heading, ok, page

EMAIL = "tom.ashworth@example.gov.uk"
GENERIC = [(GENERIC_SIGN_IN_ERROR, "")]


@pytest.fixture
def person(app_ctx):
    return factories.user(role=Role.LEADER, email=EMAIL, full_name="Tom Ashworth")


def post_sign_in(client, email=EMAIL, password=factories.PASSWORD, url="/sign-in", **kwargs):
    return client.post(url, data={"email": email, "password": password}, **kwargs)


def signed_in_user_id(client):
    with client.session_transaction() as session:
        return session.get("_user_id")


def throttle_count(key: str) -> int:
    return db.session.execute(
        select(func.count(ThrottleEvent.id)).where(ThrottleEvent.key == key)
    ).scalar_one()


@pytest.fixture
def address_limit(app):
    """Lower the per-address limit for a test, and put it back afterwards."""
    original = app.config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"]
    app.config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"] = 3
    yield 3
    app.config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"] = original


def test_sign_in_page_has_email_and_password_fields(client):
    shown = ok(client.get("/sign-in"))
    assert heading(shown) == "Sign in"
    form = page(shown).select_one("main form")
    assert form.select_one("input#email")["autocomplete"] == "email"
    assert form.select_one("input#password")["type"] == "password"


def test_sign_in_page_prefills_the_email_from_the_link(client):
    response = client.get("/sign-in?email=" + EMAIL)
    assert page(response).select_one("input#email")["value"] == EMAIL


def test_correct_details_sign_in_and_go_home(client, person):
    response = post_sign_in(client)
    expect(response, 302, location="/")
    assert signed_in_user_id(client) == person.get_id()
    home = client.get("/")
    assert "Signed in as Tom Ashworth" in page(home).select_one("main").get_text(" ")


def test_sign_in_is_recorded(client, person):
    post_sign_in(client, environ_base={"REMOTE_ADDR": "203.0.113.5"})
    db.session.refresh(person)
    assert person.last_signed_in_at is not None
    [event] = audit_events("signed_in")
    assert event.actor_id == person.id
    assert (event.subject_type, event.subject_id) == ("users", person.id)
    assert event.ip_address == "203.0.113.5"
    assert event.summary == "Tom Ashworth signed in"


def test_email_is_matched_whatever_its_case_and_spaces(client, person):
    response = post_sign_in(client, email="  Tom.Ashworth@EXAMPLE.gov.uk ")
    expect(response, 302)
    assert signed_in_user_id(client) == person.get_id()


def test_session_cookie_is_http_only_and_same_site(client, person):
    response = post_sign_in(client)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "commission_session" in c)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Expires=" in cookie  # a permanent session with a limited lifetime


def test_signing_in_starts_a_fresh_session(client, person):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    post_sign_in(client)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_sign_in_goes_on_to_a_safe_next_page(client, person):
    response = post_sign_in(client, url="/sign-in?next=/account")
    assert response.headers["Location"] == "/account"


@pytest.mark.parametrize(
    "next_url", ["//evil.example/", "http://evil.example/", "/\\evil.example", "account"]
)
def test_sign_in_ignores_an_unsafe_next_page(client, person, next_url):
    response = client.post(
        "/sign-in",
        query_string={"next": next_url},
        data={"email": EMAIL, "password": factories.PASSWORD},
    )
    assert response.headers["Location"] == "/"


def test_the_form_keeps_a_safe_next_page_but_not_an_unsafe_one(client):
    safe = page(client.get("/sign-in?next=/account")).select_one("main form")
    assert safe["action"] == "/sign-in?next=/account"
    unsafe = page(client.get("/sign-in?next=//evil.example")).select_one("main form")
    assert unsafe["action"] == "/sign-in"


def test_a_page_that_needs_sign_in_comes_back_after_it(client, person):
    response = client.get("/account")
    expect(response, 302, location="/sign-in?next=/account")
    response = post_sign_in(client, url=response.headers["Location"])
    assert response.headers["Location"] == "/account"
    assert heading(client.get("/account")) == "Your account"


def test_wrong_password_gets_the_generic_message(client, person):
    shown = ok(post_sign_in(client, password="not-the-right-password"))
    assert heading(shown) == "Sign in"
    assert error_summary(shown) == GENERIC
    assert signed_in_user_id(client) is None
    assert page(shown).title.get_text().startswith("Error: Sign in")


def test_wrong_password_keeps_the_email_but_not_the_password(client, person):
    response = post_sign_in(client, password="not-the-right-password")
    assert page(response).select_one("input#email")["value"] == EMAIL
    assert not page(response).select_one("input#password").get("value")


def test_failed_sign_in_is_recorded_and_counted(client, person):
    post_sign_in(
        client, password="not-the-right-password", environ_base={"REMOTE_ADDR": "203.0.113.5"}
    )
    [event] = audit_events("sign_in_failed")
    assert event.actor_id is None
    assert event.subject_id == person.id
    assert event.details == {"email": EMAIL}
    assert event.ip_address == "203.0.113.5"
    assert throttle_count(f"sign-in:account:{EMAIL}") == 1
    assert throttle_count("sign-in:address:203.0.113.5") == 1
    assert audit_events("signed_in") == []


def test_unknown_email_gets_the_same_message_as_a_wrong_password(client, person):
    wrong_password = post_sign_in(client, password="not-the-right-password")
    unknown = post_sign_in(client, email="nobody@example.gov.uk")
    assert error_summary(unknown) == error_summary(wrong_password) == GENERIC
    [_, event] = audit_events("sign_in_failed")
    assert event.subject_id is None
    assert event.details == {"email": "nobody@example.gov.uk"}


def test_deactivated_account_is_refused_with_the_same_message(client, app_ctx):
    factories.user(role=Role.LEADER, email=EMAIL, active=False)
    response = post_sign_in(client)
    assert error_summary(response) == GENERIC
    assert signed_in_user_id(client) is None
    assert len(audit_events("sign_in_failed")) == 1


def test_invited_account_without_a_password_is_refused_with_the_same_message(client, app_ctx):
    factories.user(role=Role.LEADER, email=EMAIL, password=None)
    for attempt in ("", "anything-at-all-really"):
        response = post_sign_in(client, password=attempt or "x")
        assert error_summary(response) == GENERIC
    assert signed_in_user_id(client) is None


def test_missing_email_and_password_are_linked_to_their_fields(client, app_ctx):
    response = client.post("/sign-in", data={"email": "", "password": ""})
    assert error_summary(response) == [
        ("Enter an email address", "#email"),
        ("Enter your password", "#password"),
    ]
    assert page(response).select_one("input#email.govuk-input--error") is not None
    assert audit_events("sign_in_failed") == []


def test_malformed_email_is_linked_to_the_email_field(client, app_ctx):
    response = post_sign_in(client, email="tom.ashworth.example.gov.uk")
    assert error_summary(response) == [
        ("Enter an email address in the correct format, like name@example.gov.uk", "#email")
    ]
    message = page(response).select_one("#email-error")
    assert "Enter an email address in the correct format" in message.get_text()
    assert audit_events("sign_in_failed") == []


def test_over_long_email_is_refused(client, app_ctx):
    email = "a" * 240 + "@example.gov.uk"
    assert len(email) > 254
    response = post_sign_in(client, email=email)
    assert error_summary(response) == [("Email address must be 254 characters or fewer", "#email")]
    assert throttle_count(f"sign-in:account:{email}") == 0


def test_over_long_password_is_refused_before_checking(client, person):
    response = post_sign_in(client, password="x" * 129)
    assert error_summary(response) == [("Password must be 128 characters or fewer", "#password")]
    assert audit_events("sign_in_failed") == []


def test_too_many_failures_for_an_account_lock_it_even_with_the_right_password(app, client, person):
    limit = app.config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"]
    for number in range(limit):
        response = post_sign_in(
            client,
            password="not-the-right-password",
            environ_base={"REMOTE_ADDR": f"198.51.100.{number}"},
        )
        assert error_summary(response) == GENERIC
    response = post_sign_in(client, environ_base={"REMOTE_ADDR": "198.51.100.99"})
    expect(response, 429)
    assert response.headers["Retry-After"] == str(app.config["SIGN_IN_FAILURE_WINDOW_SECONDS"])
    assert heading(response) == "Too many attempts"
    assert "Wait 15 minutes and try again" in page(response).select_one("main").get_text(" ")
    assert page(response).select_one('main a[href="/forgot-password"]') is not None
    assert signed_in_user_id(client) is None
    [event] = audit_events("sign_in_throttled")
    assert event.details == {"email": EMAIL}


def test_a_locked_account_is_locked_whatever_case_the_email_is_typed_in(app, client, person):
    for _ in range(app.config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"]):
        post_sign_in(client, email=EMAIL.upper(), password="not-the-right-password")
    expect(post_sign_in(client, email=f" {EMAIL.title()} "), 429)


def test_failures_for_one_account_do_not_lock_another(app, client, person):
    other = factories.user(email="other@example.gov.uk")
    for _ in range(app.config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"]):
        post_sign_in(client, password="not-the-right-password")
    response = post_sign_in(client, email=other.email)
    expect(response, 302)


def test_failures_older_than_the_window_do_not_count(app, client, person):
    window = app.config["SIGN_IN_FAILURE_WINDOW_SECONDS"]
    long_ago = now_utc() - timedelta(seconds=window + 5)
    for _ in range(app.config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"] + 2):
        db.session.add(ThrottleEvent(key=f"sign-in:account:{EMAIL}", occurred_at=long_ago))
    expect(post_sign_in(client), 302)


def test_success_clears_the_accounts_failure_count(app, client, person):
    limit = app.config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(limit - 1):
        post_sign_in(client, password="not-the-right-password")
    assert throttle_count(f"sign-in:account:{EMAIL}") == limit - 1
    expect(post_sign_in(client), 302)
    assert throttle_count(f"sign-in:account:{EMAIL}") == 0
    client.post("/sign-out")
    for _ in range(limit - 1):
        post_sign_in(client, password="not-the-right-password")
    expect(post_sign_in(client), 302)


def test_too_many_failures_from_one_address_lock_that_address(client, person, address_limit):
    attacker = {"REMOTE_ADDR": "203.0.113.66"}
    for number in range(address_limit):
        response = post_sign_in(
            client, email=f"guess{number}@example.gov.uk", environ_base=attacker
        )
        assert error_summary(response) == GENERIC
    response = post_sign_in(client, environ_base=attacker)
    expect(response, 429)
    assert "Retry-After" in response.headers
    assert signed_in_user_id(client) is None
    assert throttle_count(f"sign-in:account:{EMAIL}") == 0


def test_a_locked_address_does_not_lock_other_addresses(client, person, address_limit):
    for number in range(address_limit):
        post_sign_in(
            client,
            email=f"guess{number}@example.gov.uk",
            environ_base={"REMOTE_ADDR": "203.0.113.66"},
        )
    response = post_sign_in(client, environ_base={"REMOTE_ADDR": "192.0.2.10"})
    expect(response, 302)


def test_sign_out_by_post_ends_the_session(client, person):
    post_sign_in(client)
    response = client.post("/sign-out")
    expect(response, 302, location="/")
    assert signed_in_user_id(client) is None
    home = client.get("/")
    assert banner(home) == "Success You have signed out"
    assert "Signed in as" not in home.get_data(as_text=True)
    [event] = audit_events("signed_out")
    assert event.actor_id == person.id


def test_after_sign_out_pages_need_sign_in_again(client, person):
    post_sign_in(client)
    client.post("/sign-out")
    assert client.get("/account").headers["Location"] == "/sign-in?next=/account"


def test_a_copy_of_the_cookie_taken_before_sign_out_is_refused_after_it(client, app, person):
    """Signing out ends the session on the server: someone who copied the
    cookie (on a shared computer, say) cannot go on using it."""
    post_sign_in(client)
    name, domain = app.config["SESSION_COOKIE_NAME"], app.config["SERVER_NAME"]
    copied = client.get_cookie(name, domain=domain).value
    client.post("/sign-out")

    stranger = app.test_client()
    stranger.set_cookie(name, copied, domain=domain)
    response = stranger.get("/account")

    expect(response, 302, location="/sign-in?next=/account")


def test_sign_out_by_get_asks_for_confirmation(client, person):
    post_sign_in(client)
    response = client.get("/sign-out")
    assert heading(response) == "Sign out"
    assert "You are signed in as Tom Ashworth (tom.ashworth@example.gov.uk)" in (
        page(response).select_one("main").get_text(" ")
    )
    form = page(response).select_one("main form")
    assert form["method"] == "post"
    assert form["action"] == "/sign-out"
    assert signed_in_user_id(client) == person.get_id()
    assert audit_events("signed_out") == []


def test_sign_out_when_not_signed_in_goes_to_sign_in(client):
    assert client.get("/sign-out").headers["Location"] == "/sign-in?next=/sign-out"


def test_signed_in_people_visiting_sign_in_are_sent_home(client, login_as):
    login_as(Role.OFFICER)
    response = client.get("/sign-in")
    expect(response, 302, location="/")


def test_changed_session_token_signs_the_person_out(client, person):
    post_sign_in(client)
    expect(client.get("/account"), 200)
    person.session_token = "0" * 32  # as a password change elsewhere does
    response = client.get("/account")
    expect(response, 302, location="/sign-in?next=/account")


def test_deactivated_account_is_signed_out_at_the_next_request(client, person):
    post_sign_in(client)
    person.active = False
    response = client.get("/account")
    assert response.headers["Location"] == "/sign-in?next=/account"
    assert "Sign out" not in page(client.get("/")).select_one("header").get_text()


def test_a_tampered_session_id_is_not_signed_in(client, person):
    with client.session_transaction() as session:
        session["_user_id"] = f"{person.id}:not-the-token"
    expect(client.get("/account"), 302)
    with client.session_transaction() as session:
        session["_user_id"] = "not-a-number:abc"
    expect(client.get("/account"), 302)


def test_sign_in_with_csrf_protection_on(client, person, csrf_enabled):

    token = csrf_token_from(client.get("/sign-in"))
    response = client.post(
        "/sign-in", data={"email": EMAIL, "password": factories.PASSWORD, "csrf_token": token}
    )
    expect(response, 302)
    assert signed_in_user_id(client) == person.get_id()


def test_sign_in_throttle_records_are_per_account(client, person):
    post_sign_in(client, password="not-the-right-password")
    keys = db.session.execute(select(ThrottleEvent.key)).scalars().all()
    assert sorted(keys) == sorted([f"sign-in:account:{EMAIL}", "sign-in:address:127.0.0.1"])
    assert db.session.get(User, person.id).last_signed_in_at is None
