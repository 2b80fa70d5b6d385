"""Each person chooses which kinds of email they get; every notification can
be unsubscribed from with one click, and undone; account emails always go."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from commission.auth.roles import Role
from commission.extensions import db
from commission.notifications import services
from commission.notifications.models import CHOSEN_TOPICS, OptOut, OutboxMessage, Topic
from commission.notifications.services import deliver_due, set_preferences, unsubscribe_token
from tests import factories
from tests.pages import banner, csrf_token_from, expect, heading, ok, page

BASE = "http://commission.test"


def opted_out_of(user) -> set[str]:
    db.session.expire_all()
    return set(db.session.execute(select(OptOut.topic).where(OptOut.user_id == user.id)).scalars())


def checked(response) -> list[str]:
    return [
        str(box["value"])
        for box in page(response).select('input[name="topics"]')
        if box.has_attr("checked")
    ]


def queue_for(user, topic: Topic = Topic.CONSULTATIONS) -> int:
    return services.enqueue(
        users=[user],
        topic=topic,
        template="consultation_opened",
        subject="Consultation open: Sure Start",
        lines=["A consultation is open."],
        link=f"{BASE}/consultations",
        link_text="Read the consultation",
    )


# Choosing -------------------------------------------------------------------------------------


def test_everyone_gets_every_kind_until_they_choose(client, login_as):
    login_as(Role.OFFICER)
    response = client.get("/account/email")
    expect(response, 200)
    assert heading(response) == "Emails you get"
    assert checked(response) == [t.value for t in CHOSEN_TOPICS]
    labels = [
        label.get_text(strip=True) for label in page(response).select(".govuk-checkboxes__label")
    ]
    assert labels == [t.label for t in CHOSEN_TOPICS]


def test_saving_choices_stores_what_is_left_out(client, login_as):
    user = login_as(Role.OFFICER)
    response = client.post(
        "/account/email", data={"topics": ["meetings", "summaries", "newsletters"]}
    )
    expect(response, 302, location="/account/email")

    shown = client.get("/account/email")
    assert banner(shown) == "Success Your email choices are saved"
    assert checked(shown) == ["meetings", "summaries"]
    assert opted_out_of(user) == {t.value for t in CHOSEN_TOPICS} - {"meetings", "summaries"}

    client.post("/account/email", data={"topics": ["meetings", "consultations"]})
    assert opted_out_of(user) == {t.value for t in CHOSEN_TOPICS} - {"meetings", "consultations"}


def test_choosing_nothing_opts_out_of_every_kind(client, login_as):
    user = login_as(Role.LEADER)
    client.post("/account/email", data={})
    assert opted_out_of(user) == {t.value for t in CHOSEN_TOPICS}
    assert checked(client.get("/account/email")) == []
    assert queue_for(user) == 0


def test_a_choice_without_the_form_token_is_not_saved(client, login_as, csrf_enabled):
    user = login_as(Role.OFFICER)
    response = client.post("/account/email", data={"topics": ["meetings"]})
    assert response.status_code in {200, 400}
    assert opted_out_of(user) == set()

    form = client.get("/account/email")
    client.post(
        "/account/email", data={"topics": ["meetings"], "csrf_token": csrf_token_from(form)}
    )
    assert opted_out_of(user) == {t.value for t in CHOSEN_TOPICS} - {"meetings"}


def test_choosing_emails_needs_signing_in(client, app_ctx):
    response = client.get("/account/email")
    expect(response, 302)
    assert response.headers["Location"].startswith("/sign-in")


# Unsubscribing --------------------------------------------------------------------------------


def test_the_link_in_an_email_unsubscribes_with_one_click(client, app_ctx):
    user = factories.user(role=Role.OFFICER)
    set_preferences(user=user, topics=set(Topic) - {Topic.SUMMARIES})
    queue_for(user)
    [message] = db.session.execute(select(OutboxMessage)).scalars().all()
    link = next(
        line.removeprefix("Unsubscribe: ")
        for line in message.body_text.splitlines()
        if line.startswith("Unsubscribe: ")
    )

    shown = ok(client.get(link.removeprefix(BASE)))
    assert heading(shown) == "You have unsubscribed"
    text = page(shown).select_one("main").get_text(" ", strip=True)
    assert "You will no longer get emails about consultations opened, and extensions granted." in (
        text
    )
    assert opted_out_of(user) == {"summaries", "consultations"}  # the earlier choice is kept
    undo = page(shown).select_one("main form button")
    assert undo.get_text(strip=True) == "Undo: keep getting these emails"
    assert queue_for(user) == 0

    again = client.get(link.removeprefix(BASE))  # a second click changes nothing
    assert heading(again) == "You have unsubscribed"
    assert opted_out_of(user) == {"summaries", "consultations"}


def test_undo_subscribes_again(client, app_ctx, csrf_enabled):
    user = factories.user(role=Role.LEADER)
    set_preferences(user=user, topics=set(Topic) - {Topic.SUMMARIES})
    path = f"/unsubscribe/{unsubscribe_token(user, Topic.MEETINGS)}"
    response = client.get(path)
    assert opted_out_of(user) == {"summaries", "meetings"}

    undone = ok(client.post(path, data={"csrf_token": csrf_token_from(response)}))
    assert heading(undone) == "You are subscribed again"
    assert "You will get emails about meetings scheduled" in page(undone).get_text()
    assert opted_out_of(user) == {"summaries"}


def test_the_mail_clients_one_click_post_unsubscribes_without_a_form_token(
    client, app_ctx, csrf_enabled
):
    """RFC 8058: the mail client POSTs ``List-Unsubscribe=One-Click`` to the
    header's address, with no session and no form token."""
    user = factories.user(role=Role.LEADER)
    path = f"/unsubscribe/{unsubscribe_token(user, Topic.SUMMARIES)}"
    shown = ok(client.post(path, data={"List-Unsubscribe": "One-Click"}))
    assert heading(shown) == "You have unsubscribed"
    assert opted_out_of(user) == {"summaries"}

    again = client.post(path, data={"List-Unsubscribe": "One-Click"})  # a retry changes nothing
    expect(again, 200)
    assert opted_out_of(user) == {"summaries"}


def test_undo_without_the_form_token_is_refused(client, app_ctx, csrf_enabled):
    user = factories.user(role=Role.LEADER)
    path = f"/unsubscribe/{unsubscribe_token(user, Topic.MEETINGS)}"
    client.get(path)
    expect(client.post(path), 400)
    assert opted_out_of(user) == {"meetings"}


def test_one_click_with_a_tampered_token_is_not_valid(client, app_ctx, csrf_enabled):
    user = factories.user(role=Role.LEADER)
    path = f"/unsubscribe/{unsubscribe_token(user, Topic.MEETINGS)}x"
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    expect(response, 404)
    assert opted_out_of(user) == set()


def test_unsubscribing_from_one_kind_leaves_the_others(client, app_ctx):
    user = factories.user(role=Role.OFFICER)
    client.get(f"/unsubscribe/{unsubscribe_token(user, Topic.CONSULTATION_REMINDERS)}")
    assert opted_out_of(user) == {"consultation_reminders"}
    assert queue_for(user, Topic.CONSULTATIONS) == 1
    assert queue_for(user, Topic.CONSULTATION_REMINDERS) == 0


@pytest.mark.parametrize("change", ["tamper", "truncate", "other_salt"])
def test_a_tampered_link_is_not_valid(client, app, app_ctx, change):
    from itsdangerous import URLSafeSerializer

    user = factories.user(role=Role.OFFICER)
    token = unsubscribe_token(user, Topic.MEETINGS)
    bad = {
        # A character inside the signature: every bit of it counts (the last
        # character's low bits may not).
        "tamper": token[:-10] + ("A" if token[-10] != "A" else "B") + token[-9:],
        "truncate": token[: len(token) // 2],
        "other_salt": URLSafeSerializer(app.config["SECRET_KEY"], salt="other").dumps(
            {"u": user.id, "t": "meetings"}
        ),
    }[change]
    response = client.get(f"/unsubscribe/{bad}")
    expect(response, 404)
    assert heading(response) == "This link is not valid"
    assert opted_out_of(user) == set()


def test_a_link_for_an_unknown_kind_or_person_is_not_valid(client, app, app_ctx):
    from itsdangerous import URLSafeSerializer

    serializer = URLSafeSerializer(app.config["SECRET_KEY"], salt=services.UNSUBSCRIBE_SALT)
    user = factories.user()
    for payload in ({"u": user.id, "t": "news"}, {"u": 999999, "t": "meetings"}, ["x"]):
        response = client.get(f"/unsubscribe/{serializer.dumps(payload)}")
        expect(response, 404)
        assert heading(response) == "This link is not valid"
    assert opted_out_of(user) == set()


# Account emails --------------------------------------------------------------------------------


def test_account_emails_still_reach_someone_opted_out_of_everything(client, login_as, outbox):
    login_as(Role.SECRETARIAT)
    person = factories.user(role=Role.OFFICER, password=None, email="amira.sheikh@example.gov.uk")
    set_preferences(user=person, topics=set())

    response = client.post(f"/people/{person.id}/resend-invitation")
    expect(response, 302)
    [message] = outbox
    assert message["To"] == "amira.sheikh@example.gov.uk"
    assert message["Subject"] == "You have been invited to the Local Government Commission"
    assert queue_for(person) == 0


def test_a_password_reset_reaches_someone_opted_out_of_everything(client, app_ctx, outbox):
    person = factories.user(role=Role.LEADER, email="tom.ashworth@example.gov.uk")
    set_preferences(user=person, topics=set())
    client.post("/forgot-password", data={"email": "tom.ashworth@example.gov.uk"})
    deliver_due()
    assert [m["Subject"] for m in outbox] == ["Reset your password"]
