"""The outbox sent through a real SMTP server (aiosmtpd on localhost): what
arrives, what happens when the server goes down part-way through a batch,
retries with backoff, failure after the last attempt, and the secretariat's
outbox page."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from commission.auth.roles import Role
from commission.errors import DomainError
from commission.extensions import db
from commission.notifications import services
from commission.notifications.models import OptOut, OutboxMessage, OutboxStatus, Topic
from commission.timeutil import now_utc
from tests import factories
from tests.pages import banner, csrf_token_from, expect, heading, ok, page, table_rows

BASE = "http://commission.test"


def queue_for(people, *, subject: str = "Agenda published: Tuesday 8 December 2026") -> None:
    services.enqueue(
        users=people,
        topic=Topic.MEETINGS,
        template="agenda_published",
        subject=subject,
        lines=["The agenda for the meeting is published.", "Tell us who will attend."],
        link=f"{BASE}/meetings/2026-12-08",
        link_text="Read the agenda and reply",
    )


def stored(status: OutboxStatus | None = None) -> list[OutboxMessage]:
    db.session.expire_all()
    statement = select(OutboxMessage).order_by(OutboxMessage.id)
    if status is not None:
        statement = statement.where(OutboxMessage.status == status)
    return list(db.session.execute(statement).scalars())


def people(count: int):
    council = factories.council()
    return [
        factories.person_at(authority=council, role=Role.OFFICER, full_name=f"Officer {n}")
        for n in range(1, count + 1)
    ]


def make_due() -> None:
    """As if the backoff had passed."""
    for message in stored(OutboxStatus.QUEUED):
        message.next_attempt_at = now_utc() - timedelta(seconds=1)
    db.session.flush()


# What arrives ---------------------------------------------------------------------------------


def test_a_queued_message_arrives_with_text_and_html_parts_and_list_unsubscribe(
    client, app_ctx, mail_server
):
    [person] = people(1)
    queue_for([person])

    assert services.deliver_due() == (1, 0)

    [envelope] = mail_server.handler.envelopes
    assert envelope.rcpt_tos == [person.email]
    [message] = mail_server.handler.messages()
    assert message["Subject"] == "Agenda published: Tuesday 8 December 2026"
    assert message["To"] == person.email
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = message.get_body(("html",)).get_content().replace("\r\n", "\n")
    assert "Dear Officer 1," in text
    assert f"Read the agenda and reply:\n{BASE}/meetings/2026-12-08" in text
    assert f'<a href="{BASE}/meetings/2026-12-08"' in html
    assert "Read the agenda and reply</a>" in html

    unsubscribe = message["List-Unsubscribe"]
    assert unsubscribe.startswith(f"<{BASE}/unsubscribe/") and unsubscribe.endswith(">")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"  # RFC 8058
    # On the wire the address is plain, not RFC 2047-encoded, so mail clients can use it.
    raw_lines = envelope.content.decode("ascii").splitlines()
    assert f"List-Unsubscribe: {unsubscribe}" in raw_lines
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw_lines
    assert f"Unsubscribe: {unsubscribe[1:-1]}" in text
    assert f'href="{unsubscribe[1:-1]}"' in html

    [sent] = stored()
    assert sent.status is OutboxStatus.SENT
    assert sent.attempts == 1
    assert sent.sent_at is not None
    assert sent.last_error is None

    # The header's address unsubscribes with one request.
    response = client.get(unsubscribe[1:-1].removeprefix(BASE))
    assert heading(response) == "You have unsubscribed"
    assert db.session.execute(
        select(OptOut.topic).where(OptOut.user_id == person.id)
    ).scalars().all() == ["meetings"]


def test_sending_again_sends_nothing_twice(app_ctx, mail_server):
    queue_for(people(3))
    assert services.deliver_due() == (3, 0)
    assert services.deliver_due() == (0, 0)
    assert len(mail_server.handler.envelopes) == 3


def test_a_message_not_yet_due_waits(app_ctx, mail_server):
    queue_for(people(1))
    [message] = stored()
    message.next_attempt_at = now_utc() + timedelta(minutes=5)
    db.session.flush()
    assert services.deliver_due() == (0, 0)
    assert mail_server.handler.envelopes == []
    assert stored()[0].attempts == 0


def test_a_message_queued_before_its_recipient_opted_out_is_withdrawn(
    client, login_as, app_ctx, mail_server
):
    opting_out, deactivated, still_wanting = people(3)
    queue_for([opting_out, deactivated, still_wanting])
    services.set_preferences(user=opting_out, topics=set(Topic) - {Topic.MEETINGS})
    deactivated.active = False
    db.session.flush()

    assert services.deliver_due() == (1, 0)
    assert mail_server.handler.recipients() == [still_wanting.email]
    by_person = {m.user_id: m for m in stored()}
    assert by_person[opting_out.id].status is OutboxStatus.WITHDRAWN
    assert by_person[opting_out.id].last_error == "Not sent: the person has turned off these emails"
    assert by_person[deactivated.id].status is OutboxStatus.WITHDRAWN
    assert by_person[deactivated.id].last_error == "Not sent: the account has been deactivated"
    assert by_person[opting_out.id].attempts == 0
    assert services.deliver_due() == (0, 0)
    assert mail_server.handler.recipients() == [still_wanting.email]

    login_as(Role.SECRETARIAT)
    withdrawn = client.get("/outbox?status=withdrawn")
    assert sorted(row[3] for row in table_rows(withdrawn)) == [
        "Withdrawn Not sent: the account has been deactivated",
        "Withdrawn Not sent: the person has turned off these emails",
    ]
    with pytest.raises(DomainError):
        services.resend(message=by_person[opting_out.id])


# The server goes down part-way ------------------------------------------------------------------


def test_a_server_down_mid_batch_loses_nothing_and_sends_nothing_twice(
    app_ctx, mail_server, monkeypatch
):
    recipients = people(5)
    queue_for(recipients)
    first_server = mail_server.handler
    real_send = services.send
    handed_over = []

    def send_then_fail_after_two(email):
        if len(handed_over) == 2:
            mail_server.stop()  # the mail server goes down after two messages
        handed_over.append(email.to)
        real_send(email)

    monkeypatch.setattr(services, "send", send_then_fail_after_two)
    started = now_utc()
    assert services.deliver_due() == (2, 3)

    assert first_server.recipients() == [p.email for p in recipients[:2]]
    sent = stored(OutboxStatus.SENT)
    assert [m.recipient for m in sent] == [p.email for p in recipients[:2]]
    assert all(m.attempts == 1 and m.sent_at is not None for m in sent)
    waiting = stored(OutboxStatus.QUEUED)
    assert [m.recipient for m in waiting] == [p.email for p in recipients[2:]]
    for message in waiting:
        assert message.attempts == 1
        assert message.last_error  # why it failed, for the outbox page
        assert message.sent_at is None
        # Backoff: the first retry is two minutes on.
        assert started + timedelta(minutes=1) < message.next_attempt_at
        assert message.next_attempt_at <= now_utc() + timedelta(minutes=2)

    # The server is back but the retry is not due yet: nothing happens.
    second_server = mail_server.start()
    assert services.deliver_due() == (0, 0)
    assert second_server.envelopes == []

    # Time passes: the rest arrive, each exactly once, and nothing is sent again.
    make_due()
    assert services.deliver_due() == (3, 0)
    assert services.deliver_due() == (0, 0)
    assert second_server.recipients() == [p.email for p in recipients[2:]]
    everything = Counter(first_server.recipients() + second_server.recipients())
    assert everything == Counter(p.email for p in recipients)
    assert all(m.status is OutboxStatus.SENT for m in stored())
    assert [m.attempts for m in stored()] == [1, 1, 2, 2, 2]
    assert all(m.last_error is None for m in stored())


def test_retries_back_off_and_the_last_attempt_marks_the_message_failed(app_ctx, smtp_config):
    queue_for(people(1))  # nothing listens on MAIL_PORT
    gaps = []
    for attempt in range(1, services.MAX_ATTEMPTS + 1):
        make_due()
        before = now_utc()
        assert services.deliver_due() == (0, 1)
        [message] = stored()
        assert message.attempts == attempt
        assert message.last_error
        if attempt < services.MAX_ATTEMPTS:
            assert message.status is OutboxStatus.QUEUED
            gaps.append(round((message.next_attempt_at - before).total_seconds() / 60))
    assert gaps == [2, 4, 8, 16, 32]
    [message] = stored()
    assert message.status is OutboxStatus.FAILED
    assert message.attempts == services.MAX_ATTEMPTS
    make_due()
    assert services.deliver_due() == (0, 0)  # a failed message is not retried by itself


def test_the_send_outbox_command_reports_what_it_did(app, app_ctx, mail_server):
    queue_for(people(2))
    result = app.test_cli_runner().invoke(args=["send-outbox"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "2 sent, 0 failed (will retry)"
    assert len(mail_server.handler.envelopes) == 2


def test_the_send_outbox_command_when_the_server_is_down(app, app_ctx, smtp_config):
    queue_for(people(2))
    result = app.test_cli_runner().invoke(args=["send-outbox"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "0 sent, 2 failed (will retry)"
    assert len(stored(OutboxStatus.QUEUED)) == 2


# The outbox page --------------------------------------------------------------------------------


def test_the_secretariat_sees_the_outbox(client, login_as):
    login_as(Role.SECRETARIAT)
    person = factories.user(email="joanna.pike@example.gov.uk")
    factories.outbox_message(user=person)
    queued = factories.outbox_message(user=person, status=OutboxStatus.QUEUED)
    queued.attempts, queued.last_error, queued.subject = 0, None, "Consultation open: Sure Start"

    shown = ok(client.get("/outbox"))
    assert heading(shown) == "Outbox"
    rows = table_rows(shown)
    assert [row[1:] for row in rows] == [
        ["joanna.pike@example.gov.uk", "Consultation open: Sure Start", "Queued"],
        [
            "joanna.pike@example.gov.uk",
            "Agenda published",
            "Failed after 6 attempts Connection refused Send again to joanna.pike@example.gov.uk",
        ],
    ]

    failed_only = client.get("/outbox?status=failed")
    assert [row[2] for row in table_rows(failed_only)] == ["Agenda published"]
    assert (
        page(failed_only).select_one("main [role=status]").get_text(" ", strip=True) == "1 message"
    )


def test_a_failed_message_is_sent_again_by_the_secretariat(
    client, login_as, csrf_enabled, mail_server
):
    login_as(Role.SECRETARIAT)
    person = factories.user(email="joanna.pike@example.gov.uk")
    message = factories.outbox_message(user=person)
    message_id = message.id

    outbox_page = client.get("/outbox")
    form = page(outbox_page).select_one(f'form[action="/outbox/{message_id}/resend"]')
    assert form is not None
    response = client.post(
        f"/outbox/{message_id}/resend", data={"csrf_token": csrf_token_from(outbox_page)}
    )
    expect(response, 302, location="/outbox")
    assert banner(client.get("/outbox")) == (
        "Success The message to joanna.pike@example.gov.uk will be sent again"
    )
    [again] = stored()
    assert again.status is OutboxStatus.QUEUED
    assert again.attempts == 0

    send_page = client.get("/outbox")
    response = client.post("/outbox/send", data={"csrf_token": csrf_token_from(send_page)})
    expect(response, 302)
    assert banner(client.get("/outbox")) == (
        "Success 1 sent, 0 could not be sent and will be retried"
    )
    assert mail_server.handler.recipients() == ["joanna.pike@example.gov.uk"]
    [sent] = stored()
    assert sent.status is OutboxStatus.SENT
    assert sent.attempts == 1


def test_sending_again_without_the_form_token_is_refused(client, login_as, csrf_enabled):
    login_as(Role.SECRETARIAT)
    message = factories.outbox_message(user=factories.user())
    response = client.post(f"/outbox/{message.id}/resend")
    expect(response, 400)
    assert stored()[0].status is OutboxStatus.FAILED


def test_sending_again_an_unknown_message_is_not_found(client, login_as):
    login_as(Role.SECRETARIAT)
    expect(client.post("/outbox/999999/resend"), 404)


def test_a_message_already_sent_is_not_sent_again(client, login_as):
    login_as(Role.SECRETARIAT)
    message = factories.outbox_message(user=factories.user(), status=OutboxStatus.SENT)
    response = client.post(f"/outbox/{message.id}/resend")
    expect(response, 302)
    assert banner(client.get("/outbox")) == (
        "Important Only a message that could not be sent can be sent again"
    )
    assert stored()[0].status is OutboxStatus.SENT


@pytest.mark.parametrize(
    "role", [Role.LEADER, Role.OFFICER, Role.DEPUTY, Role.MINISTER, Role.CHAIR]
)
def test_the_outbox_is_forbidden_to_everyone_but_the_secretariat(client, login_as, role):
    login_as(role)
    message = factories.outbox_message(user=factories.user())
    expect(client.get("/outbox"), 403)
    expect(client.post(f"/outbox/{message.id}/resend"), 403)
    expect(client.post("/outbox/send"), 403)
    assert stored()[0].status is OutboxStatus.FAILED


def test_the_outbox_asks_someone_signed_out_to_sign_in(client, app_ctx):
    response = client.get("/outbox")
    expect(response, 302)
    assert response.headers["Location"].startswith("/sign-in")


def test_an_unexpected_error_fails_one_message_and_the_rest_are_sent(
    app_ctx, mail_server, monkeypatch
):
    recipients = people(3)
    queue_for(recipients)
    real_send = services.send

    def broken_for_the_second(email):
        if email.to == recipients[1].email:
            raise ValueError("a header could not be encoded")
        real_send(email)

    monkeypatch.setattr(services, "send", broken_for_the_second)
    assert services.deliver_due() == (2, 1)
    assert mail_server.handler.recipients() == [recipients[0].email, recipients[2].email]
    [waiting] = stored(OutboxStatus.QUEUED)
    assert waiting.recipient == recipients[1].email
    assert waiting.last_error == "a header could not be encoded"
