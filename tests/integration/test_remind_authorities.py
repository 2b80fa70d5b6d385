"""The secretariat reminds the authorities that have not responded to a
consultation, from its home page: a confirmation page, then one email per
person at each authority still awaited (its own deadline named), queued
through the outbox and audited; refused if a reminder went less than a day
ago or nobody is awaited."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from commission.auth.roles import Role
from commission.consultations.models import Extension
from commission.errors import DomainError
from commission.extensions import db
from commission.membership.models import Authority
from commission.notifications import events
from commission.notifications.models import OutboxMessage, Topic
from commission.notifications.services import set_preferences
from commission.timeutil import format_datetime, now_utc
from tests import factories
from tests.conftest import audit_events
from tests.pages import banner, error_summary, expect, heading, main_text, ok, page, sign_in


def remind_url(consultation) -> str:
    return f"/consultations/{consultation.reference}/remind"


def reminders() -> list[OutboxMessage]:
    return list(
        db.session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.template == "awaited_reminder")
            .order_by(OutboxMessage.recipient)
        ).scalars()
    )


@pytest.fixture
def cast(app_ctx):
    awaited = factories.council(name="Kirklees Council")
    extended = factories.council(name="Wigan Council")
    submitted = factories.council(name="Bolton Council")
    outsider = factories.council(name="Outside Council", member=False)
    closes = now_utc() + timedelta(days=5)
    consultation = factories.consultation(title="Adult social care", closes_at=closes)
    factories.submitted_response(consultation=consultation, authority=submitted)
    factories.draft_response(consultation=consultation, authority=awaited)
    later = closes + timedelta(days=7)
    db.session.add(
        Extension(
            consultation_id=consultation.id,
            authority_id=extended.id,
            closes_at=later,
            reason="Elections",
        )
    )
    db.session.flush()
    return SimpleNamespace(
        consultation=consultation,
        closes=closes,
        later=later,
        leader=factories.person_at(authority=awaited, role=Role.LEADER, full_name="Tom Ashworth"),
        officer=factories.person_at(authority=awaited, role=Role.OFFICER),
        extended_leader=factories.person_at(authority=extended, role=Role.LEADER),
        submitted_leader=factories.person_at(authority=submitted, role=Role.LEADER),
        outsider_leader=factories.person_at(authority=outsider, role=Role.LEADER),
        secretariat=factories.user(role=Role.SECRETARIAT, full_name="Sam Secretariat"),
    )


def test_the_confirmation_page_names_who_will_be_reminded(client, cast):
    sign_in(client, cast.secretariat)
    shown = ok(client.get(remind_url(cast.consultation)))
    assert heading(shown) == "Remind the authorities that have not responded"
    text = main_text(shown)
    assert "1 of 3 member authorities (33%) have submitted a position." in text
    assert "each of the 2 authorities that have not submitted a position" in text
    assert [li.get_text(" ", strip=True) for li in shown.select("details li")] == [
        f"Kirklees Council: draft started, closes {format_datetime(cast.closes)}",
        f"Wigan Council: extended to {format_datetime(cast.later)}",
    ]
    button = shown.select_one("main form button")
    assert button.get_text(strip=True) == "Remind the 2 authorities"
    assert reminders() == []


def test_reminding_queues_one_email_per_person_naming_each_deadline(client, cast):
    set_preferences(user=cast.officer, topics=set(Topic) - {Topic.CONSULTATION_REMINDERS})
    sign_in(client, cast.secretariat)
    response = client.post(remind_url(cast.consultation))
    expect(response, 302)
    assert response.headers["Location"] == "/"
    assert banner(client.get("/")) == (
        "Success Reminder queued for the 2 authorities that have not responded to "
        "“Adult social care”"
    )
    queued = reminders()
    assert sorted(m.recipient for m in queued) == sorted(
        [cast.leader.email, cast.extended_leader.email]
    )
    by_recipient = {m.recipient: m for m in queued}
    to_leader = by_recipient[cast.leader.email]
    assert to_leader.subject == "Reminder: Adult social care"
    assert to_leader.topic is Topic.CONSULTATION_REMINDERS
    assert (
        "Kirklees Council has not yet submitted its position on “Adult social care”. "
        f"The consultation closes {format_datetime(cast.closes)}."
    ) in to_leader.body_text
    assert f"/consultations/{cast.consultation.reference}/responses/" in to_leader.body_text
    assert (
        f"Its extended deadline is {format_datetime(cast.later)}."
        in by_recipient[cast.extended_leader.email].body_text
    )
    [event] = audit_events("awaited_reminder_sent")
    assert event.summary == (
        "Sam Secretariat reminded the 2 authorities that have not responded to "
        "“Adult social care” (2 people)"
    )
    assert event.subject_id == cast.consultation.id


def test_a_second_reminder_within_a_day_is_refused(client, cast):
    sign_in(client, cast.secretariat)
    expect(client.post(remind_url(cast.consultation)), 302)
    sent = reminders()
    allowed_from = sent[0].created_at + timedelta(days=1)

    shown = ok(client.get(remind_url(cast.consultation)))
    assert (
        f"A reminder went less than a day ago. Another can be sent from "
        f"{format_datetime(allowed_from)}."
    ) in main_text(shown)
    assert shown.select_one("main form") is None

    refused = ok(client.post(remind_url(cast.consultation)))
    assert error_summary(refused) == [
        (
            "A reminder about “Adult social care” went less than a day ago. Another can be "
            f"sent from {format_datetime(allowed_from)}",
            "",
        )
    ]
    assert len(reminders()) == len(sent)
    assert len(audit_events("awaited_reminder_sent")) == 1


def test_a_day_later_the_reminder_can_go_again(cast):
    events.remind_awaited(consultation=cast.consultation, actor=cast.secretariat)
    first = len(reminders())
    with pytest.raises(DomainError):
        events.remind_awaited(
            consultation=cast.consultation,
            actor=cast.secretariat,
            now=now_utc() + timedelta(hours=23),
        )
    later = now_utc() + timedelta(days=1, minutes=1)
    assert (
        events.remind_awaited(consultation=cast.consultation, actor=cast.secretariat, now=later)
        == 2
    )
    assert len(reminders()) == 2 * first


def test_nobody_awaited_is_refused(client, cast, app_ctx):
    done = factories.consultation(title="Devolution")
    for member in db.session.execute(select(Authority)).scalars():
        if member.membership_on(now_utc().date()) is not None:
            factories.submitted_response(consultation=done, authority=member)
    sign_in(client, cast.secretariat)
    shown = ok(client.get(remind_url(done)))
    assert "No member authority is still awaited" in main_text(shown)
    assert shown.select_one("main form") is None
    refused = ok(client.post(remind_url(done)))
    assert [text for text, _ in error_summary(refused)] == [
        "No member authority is still awaited on “Devolution”: every one has submitted "
        "its position or its deadline has passed"
    ]
    assert reminders() == []


def test_the_form_carries_its_csrf_token(client, cast, csrf_enabled):
    sign_in(client, cast.secretariat)
    expect(client.post(remind_url(cast.consultation)), 400)
    assert reminders() == []
    token = page(client.get(remind_url(cast.consultation))).select_one("input[name=csrf_token]")
    expect(client.post(remind_url(cast.consultation), data={"csrf_token": token["value"]}), 302)
    assert len(reminders()) == 3  # the leader and officer of one, the leader of the other


def test_an_unknown_consultation_is_not_found(client, cast):
    sign_in(client, cast.secretariat)
    expect(client.get("/consultations/NOPE-1/remind"), 404)


@pytest.mark.parametrize(
    "role", [Role.CHAIR, Role.MINISTER, Role.LEADER, Role.MAYOR, Role.DEPUTY, Role.OFFICER]
)
def test_only_the_secretariat_reminds(client, cast, login_as, role):
    login_as(role)
    expect(client.get(remind_url(cast.consultation)), 403)
    expect(client.post(remind_url(cast.consultation)), 403)
    assert reminders() == []
    assert audit_events("awaited_reminder_sent") == []


def test_anonymous_people_are_sent_to_sign_in(client, cast):
    for response in (
        client.get(remind_url(cast.consultation)),
        client.post(remind_url(cast.consultation)),
    ):
        expect(response, 302)
        assert "/sign-in" in response.headers["Location"]
    assert reminders() == []
