"""Time limits (WCAG 2.2.1): a session, and a page's form token, run out a
while after the page was shown. With JavaScript the timeout warning offers to
stay signed in (the keep-alive address gives a new form token); without it, a
form sent too late keeps what was typed through signing in again, and saves
it when the person sends it again."""

from __future__ import annotations

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from commission.auth.roles import Role
from commission.consultations.models import Response
from commission.extensions import db
from commission.timeutil import now_utc
from tests import factories
from tests.pages import (
    csrf_token_from,
    expect,
    form_fields,
    heading,
    main_text,
    ok,
    page,
    sign_in,
    sign_out,
)

ORIGIN = {"Origin": "http://commission.test"}
LONG_ANSWER = "Children's centres need buildings.\nAnd staff we can keep for years, not months."


@pytest.fixture
def council():
    return factories.council(name="Kirklees Council")


@pytest.fixture
def consultation():
    return factories.consultation(title="Delivering the Sure Start revival", questions=2)


@pytest.fixture
def officer(council):
    return factories.person_at(authority=council, role=Role.OFFICER, full_name="Joanna Pike")


def respond_url(consultation, council) -> str:
    return f"/consultations/{consultation.reference}/responses/{council.slug}"


def typed(consultation) -> dict[str, str]:
    q1, q2 = consultation.questions
    return {
        "version": "",
        "overall_position": "support",
        "overall_comment": "",
        f"position_{q1.id}": "support",
        f"comment_{q1.id}": LONG_ANSWER,
        f"comment_{q2.id}": "Yes, with funding.",
        "save": "Save as draft",
    }


def stored(consultation, council) -> Response | None:
    db.session.expire_all()
    return db.session.execute(
        db.select(Response).where(
            Response.consultation_id == consultation.id, Response.authority_id == council.id
        )
    ).scalar_one_or_none()


def hidden_fields(response, selector: str = "main form") -> dict[str, str]:
    return {
        str(field["name"]): str(field.get("value", ""))
        for field in page(response).select(f"{selector} input[type=hidden]")
    }


# Without JavaScript: signed out while typing ----------------------------------------------------


def test_a_form_sent_after_signing_out_is_kept_through_signing_in_again(
    client, consultation, council, officer
):
    sign_in(client, officer)
    ok(client.get(respond_url(consultation, council)))
    sign_out(client)  # the session ran out while the officer was typing

    refused = client.post(
        respond_url(consultation, council), data=typed(consultation), headers=ORIGIN
    )

    expect(refused, 401)
    assert heading(refused) == "Sign in again to send your form"
    assert "nothing in it has been saved yet" in main_text(refused)
    kept = hidden_fields(refused)
    assert kept["kept_action"] == respond_url(consultation, council)
    q1 = consultation.questions[0]
    assert kept[f"kept.comment_{q1.id}"] == LONG_ANSWER
    assert kept["kept.save"] == "Save as draft"
    assert LONG_ANSWER.split("\n")[0] in main_text(refused)  # shown under "What you typed"
    assert stored(consultation, council) is None

    signed_in = client.post(
        "/sign-in",
        data={**form_fields(refused), "email": officer.email, "password": factories.PASSWORD},
    )

    shown = ok(signed_in)
    assert heading(shown) == "Send your form again"
    assert "You are signed in again. Your form has not been sent yet" in main_text(shown)
    form = shown.select_one("main form")
    assert form["action"] == respond_url(consultation, council)
    again = form_fields(shown)
    assert again[f"comment_{q1.id}"] == LONG_ANSWER
    assert stored(consultation, council) is None

    saved = client.post(form["action"], data=again)

    expect(saved, 302)
    response = stored(consultation, council)
    assert response is not None
    assert {a.question_id: a.comment for a in response.answers}[q1.id] == LONG_ANSWER


def test_a_wrong_password_keeps_what_was_typed_on_the_page(client, consultation, council, officer):
    sign_out(client)
    refused = client.post(
        respond_url(consultation, council), data=typed(consultation), headers=ORIGIN
    )
    failed = client.post(
        "/sign-in", data={**form_fields(refused), "email": officer.email, "password": "wrong"}
    )
    expect(failed, 401)
    assert heading(failed) == "Sign in again to send your form"
    assert page(failed).select_one(".govuk-error-summary") is not None
    q1 = consultation.questions[0]
    assert hidden_fields(failed)[f"kept.comment_{q1.id}"] == LONG_ANSWER


def test_a_form_from_another_site_or_with_nothing_typed_is_not_kept(client, consultation, council):
    sign_out(client)
    url = respond_url(consultation, council)
    for headers in ({"Origin": "https://elsewhere.example"}, {}):
        expect(
            client.post(url, data=typed(consultation), headers=headers),
            302,
            location=f"/sign-in?next={url}",
        )
    expect(client.post(url, data={"save": ""}, headers=ORIGIN), 302)
    referred = client.post(
        url, data=typed(consultation), headers={"Referer": f"http://commission.test{url}"}
    )
    expect(referred, 401)


def test_passwords_are_never_kept(client, login_as):
    sign_out(client)
    refused = client.post(
        "/people/invite",
        data={
            "full_name": "New Person",
            "email": "new@example.gov.uk",
            "new_password": "hunter2-never-kept",
        },
        headers=ORIGIN,
    )
    expect(refused, 401)
    kept = hidden_fields(refused)
    assert kept["kept.full_name"] == "New Person"
    assert not any("password" in name for name in kept)
    assert "hunter2-never-kept" not in refused.get_data(as_text=True)


# Without JavaScript: the page's form token ran out ----------------------------------------------


def test_a_form_whose_token_ran_out_is_shown_again_to_send(
    app, client, consultation, council, officer, csrf_enabled, monkeypatch
):
    sign_in(client, officer)
    ok(client.get(respond_url(consultation, council)))
    # The page was shown nine hours ago: its token is older than its time limit.
    with client.session_transaction() as session:
        raw = session["csrf_token"]
    shown_at = int(now_utc().timestamp()) - 9 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: shown_at)
    old_token = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)
    monkeypatch.undo()

    refused = client.post(
        respond_url(consultation, council),
        data={**typed(consultation), "csrf_token": old_token},
        headers=ORIGIN,
    )

    expect(refused, 400)
    assert heading(refused) == "Send your form again"
    assert "The page was open for a long time" in main_text(refused)
    assert stored(consultation, council) is None
    again = form_fields(refused)
    assert again["csrf_token"] != old_token
    saved = client.post(page(refused).select_one("main form")["action"], data=again)
    expect(saved, 302)
    q1 = consultation.questions[0]
    response = stored(consultation, council)
    assert {a.question_id: a.comment for a in response.answers}[q1.id] == LONG_ANSWER


def test_a_public_form_whose_session_ran_out_is_shown_again_without_signing_in(
    client, csrf_enabled
):
    refused = client.post(
        "/feedback", data={"details": "Good", "csrf_token": "stale"}, headers=ORIGIN
    )
    expect(refused, 400)
    assert heading(refused) == "Send your form again"
    assert form_fields(refused)["details"] == "Good"


def test_a_forged_form_is_refused_as_before(client, officer, csrf_enabled, consultation, council):
    sign_in(client, officer)
    refused = client.post(
        respond_url(consultation, council),
        data={**typed(consultation), "csrf_token": "forged"},
        headers={"Origin": "https://elsewhere.example"},
    )
    expect(refused, 400)
    assert heading(refused) == "There is a problem with your request"
    assert stored(consultation, council) is None


# With JavaScript: the timeout warning and staying signed in -------------------------------------


def test_signed_in_pages_carry_the_timeout_warning(app, client, login_as):
    assert page(client.get("/about")).select_one("dialog") is None
    login_as(Role.OFFICER)
    shown = ok(client.get("/about"))
    dialog = shown.select_one("dialog#timeout-warning")
    assert dialog["data-time-limit"] == str(8 * 3600)
    assert dialog["data-warning"] == "300"
    assert dialog["data-keep-alive-url"] == "/session/keep-alive"
    assert dialog["aria-labelledby"] == "timeout-warning-heading"
    assert not dialog.has_attr("open")
    assert [b.get_text(strip=True) for b in dialog.select("button")] == [
        "Stay signed in",
        "Continue",
        "Sign out",
    ]


def test_staying_signed_in_gives_a_new_form_token(client, login_as, csrf_enabled):
    login_as(Role.OFFICER)
    token = csrf_token_from(client.get("/about"))

    kept = client.post("/session/keep-alive", headers={"X-CSRFToken": token})

    expect(kept, 200)
    assert kept.is_json
    answer = kept.get_json()
    assert answer["expires_in"] == 8 * 3600
    assert answer["csrf_token"]
    assert "commission_session" in kept.headers.get("Set-Cookie", "")
    # The new token works for the page's forms.
    expect(
        client.post("/feedback", data={"details": "Fine", "csrf_token": answer["csrf_token"]}),
        302,
        location="/feedback/sent",
    )


def test_staying_signed_in_needs_the_page_token(client, login_as, csrf_enabled):
    login_as(Role.OFFICER)
    expect(client.post("/session/keep-alive"), 400)


def test_staying_signed_in_after_the_session_ended_sends_to_sign_in(client):
    expect(client.post("/session/keep-alive"), 302, location="/sign-in?next=/session/keep-alive")
