"""Personal access tokens: made on the account pages (shown once, kept as a
hash), used with the API as the person, revoked; every step audited; never a
key to the web pages or to changing anything."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from commission.auth.roles import Role
from commission.consultations.models import ConsultationStatus
from commission.extensions import db
from commission.timeutil import today
from commission.tokens.models import PersonalAccessToken
from commission.tokens.services import create_token, digest
from tests import factories
from tests.conftest import audit_events, count_statements
from tests.pages import (
    error_summary,
    expect,
    expect_json,
    main_text,
    ok,
    page,
    sign_in,
    sign_out,
    table_records,
)


def made_through_the_form(client, name="Weekly figures", days="90"):
    shown = ok(client.post("/account/api-tokens/new", data={"name": name, "days": days}))
    return shown, page(shown).select_one("#token").get_text(strip=True)


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


def test_a_token_is_shown_once_and_kept_as_a_hash(client, login_as):
    person = login_as(Role.OFFICER)

    shown, secret = made_through_the_form(client)

    assert secret.startswith("lgc_") and len(secret) > 40
    assert "shown only once" in main_text(shown)
    stored = db.session.execute(select(PersonalAccessToken)).scalar_one()
    assert stored.user_id == person.id
    assert stored.token_hash == digest(secret)
    assert secret not in (stored.token_hash, stored.prefix)
    assert stored.expires_on == today() + timedelta(days=90)
    assert [e.subject_id for e in audit_events("api_token_created")] == [stored.id]
    listed = table_records(ok(client.get("/account/api-tokens")))
    assert len(listed) == 1
    assert listed[0]["Last used"] == "Never"
    assert secret not in client.get("/account/api-tokens").get_data(as_text=True)


def test_a_token_needs_a_name_and_a_lifetime(client, login_as):
    login_as(Role.OFFICER)
    refused = ok(client.post("/account/api-tokens/new", data={"name": " ", "days": "7"}))
    assert error_summary(refused) == [
        ("Enter a name for the token", "#name"),
        ("Select how long it works from the options given", "#days"),
    ]
    assert db.session.execute(select(PersonalAccessToken)).first() is None


def test_the_token_pages_are_for_signed_in_people(client, app_ctx):
    expect(client.get("/account/api-tokens"), 302)
    expect(client.get("/account/api-tokens/new"), 302)


def test_a_lead_departments_minister_reads_the_live_summary_with_a_token(client, app_ctx):
    consultation = factories.consultation()
    factories.submitted_response(consultation=consultation, authority=factories.council())
    office = factories.ministerial_office(department=consultation.department)
    minister = factories.minister(office=office)
    secret = create_token(name="Analyst", days=30, actor=minister).secret
    url = f"/api/v1/consultations/{consultation.reference}/summary"

    anonymous = client.get(url)
    live = client.get(url, headers=bearer(secret))
    again = client.get(url, headers=bearer(secret))

    assert anonymous.status_code == 404
    summary = expect_json(live)
    assert summary["published"] is False
    assert summary["figures"]["overall"]["total"] == 1
    assert live.headers["Cache-Control"] == "private, no-cache"
    expect_json(again)
    token = db.session.execute(select(PersonalAccessToken)).scalar_one()
    assert token.last_used_at is not None
    assert [e.actor_id for e in audit_events("api_token_used")] == [minister.id]  # once a day


def test_a_tokens_last_use_is_noted_to_the_minute_so_most_uses_write_nothing(client, app_ctx):

    person = factories.user(role=Role.SECRETARIAT)
    secret = create_token(name="Analyst", days=30, actor=person).secret
    with count_statements() as first:
        expect_json(client.get("/api/v1/authorities", headers=bearer(secret)))
    assert any(s.startswith("UPDATE personal_access_tokens") for s in first)
    token = db.session.execute(select(PersonalAccessToken)).scalar_one()
    first_use = token.last_used_at

    with count_statements() as again:
        expect_json(client.get("/api/v1/authorities", headers=bearer(secret)))
    assert not any(s.startswith("UPDATE personal_access_tokens") for s in again)
    db.session.refresh(token)
    assert token.last_used_at == first_use

    token.last_used_at = first_use - timedelta(minutes=2)
    db.session.flush()
    expect_json(client.get("/api/v1/authorities", headers=bearer(secret)))
    db.session.refresh(token)
    assert token.last_used_at > first_use - timedelta(minutes=2)


def test_the_web_session_does_not_count_on_the_api_but_a_token_does(client, app_ctx):
    draft = factories.consultation(status=ConsultationStatus.DRAFT)
    secretariat = factories.user(role=Role.SECRETARIAT)
    sign_in(client, secretariat)
    url = f"/api/v1/consultations/{draft.reference}"

    assert client.get(url).status_code == 404
    secret = create_token(name="Mine", days=30, actor=secretariat).secret
    assert client.get(url, headers=bearer(secret)).get_json()["id"] == draft.reference


def test_a_token_never_opens_a_web_page_or_changes_anything(client, app_ctx):
    person = factories.user(role=Role.SECRETARIAT)
    secret = create_token(name="Mine", days=30, actor=person).secret

    expect(client.get("/account", headers=bearer(secret)), 302)
    expect(client.get("/people", headers=bearer(secret)), 302)
    refused = client.post("/api/v1/consultations", headers=bearer(secret))
    assert refused.status_code == 405
    assert refused.mimetype == "application/problem+json"


def test_a_bad_expired_or_revoked_token_is_refused(client, login_as):
    person = login_as(Role.OFFICER)
    made = create_token(name="Old", days=30, actor=person)
    made.token.expires_on = today() - timedelta(days=1)
    _, secret = made_through_the_form(client, name="Current")
    token = db.session.execute(
        select(PersonalAccessToken).where(PersonalAccessToken.name == "Current")
    ).scalar_one()

    for wrong in ("lgc_nothing", made.secret, "Basic abc"):
        headers = {"Authorization": wrong if wrong.startswith("Basic") else f"Bearer {wrong}"}
        refused = client.get("/api/v1/authorities", headers=headers)
        assert refused.status_code == 401
        assert refused.mimetype == "application/problem+json"
        assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    expect_json(client.get("/api/v1/authorities", headers=bearer(secret)))

    expect(
        client.post(f"/account/api-tokens/{token.id}/revoke", data={}),
        302,
        location="/account/api-tokens",
    )
    assert client.get("/api/v1/authorities", headers=bearer(secret)).status_code == 401
    assert [e.subject_id for e in audit_events("api_token_revoked")] == [token.id]
    statuses = {
        r["Name"].split(" Starts")[0]: r["Status"]
        for r in table_records(ok(client.get("/account/api-tokens")))
    }
    assert statuses == {"Current": "Revoked", "Old": "Expired"}


def test_nobody_revokes_another_persons_token(client, login_as):
    owner = factories.user(role=Role.OFFICER)
    token = create_token(name="Theirs", days=30, actor=owner).token
    login_as(Role.SECRETARIAT)

    expect(client.get(f"/account/api-tokens/{token.id}/revoke"), 404)
    expect(client.post(f"/account/api-tokens/{token.id}/revoke", data={}), 404)
    assert token.revoked_at is None
    sign_out(client)
