"""Feedback on the service (linked from the phase banner) reaches the
secretariat's mailbox through the outbox, audited and limited per address;
the accessibility statement names how to report a problem and the
enforcement procedure."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from commission.auth.roles import Role
from commission.extensions import db
from commission.notifications.models import OutboxMessage, OutboxStatus, Topic
from commission.notifications.services import deliver_due
from tests.conftest import audit_events
from tests.pages import error_summary, expect, form_fields, heading, main_text, ok, page

WORDS = "The agenda pack could show the papers' page counts.\nThanks."


def feedback_messages() -> list[OutboxMessage]:
    return list(
        db.session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.topic == Topic.FEEDBACK)
            .order_by(OutboxMessage.id)
        ).scalars()
    )


def send(client, **overrides):
    data = {"satisfaction": "satisfied", "details": WORDS, "reply_to": "", "page": "/meetings"}
    data.update(overrides)
    return client.post("/feedback", data=data)


def test_the_phase_banner_links_to_feedback_from_the_page_the_person_is_on(client):
    shown = ok(client.get("/about?section=data"))
    link = page(shown).select_one(".govuk-phase-banner a")
    assert link.get_text(strip=True) == "feedback"
    assert link["href"] == "/feedback?from=/about?section%3Ddata"

    form = ok(client.get(link["href"]))
    assert heading(form) == "Give feedback on the Local Government Commission service"
    assert form_fields(form)["page"] == "/about?section=data"
    # On the feedback page itself the banner's link does not point back at itself.
    assert page(form).select_one(".govuk-phase-banner a")["href"] == "/feedback"


def test_feedback_from_a_visitor_is_queued_for_the_secretariat_and_audited(app, client, outbox):
    sent = send(client, reply_to=" Someone@Example.org ")

    expect(sent, 302, location="/feedback/sent")
    confirmation = ok(client.get("/feedback/sent"))
    assert "Feedback sent" in main_text(confirmation)
    assert "Your feedback has gone to the Commission secretariat." in main_text(confirmation)

    [message] = feedback_messages()
    assert message.recipient == app.config["SECRETARIAT_EMAIL"]
    assert message.user_id is None
    assert message.subject == "Feedback on the service: satisfied"
    assert "How satisfied: Satisfied" in message.body_text
    assert "From the page: /meetings" in message.body_text
    assert "Not signed in" in message.body_text
    assert "Reply to: Someone@Example.org" in message.body_text
    assert WORDS in message.body_text
    assert "<p>Thanks.</p>" in message.body_html

    [event] = audit_events("feedback_sent")
    assert event.actor is None
    assert event.summary == "A visitor sent feedback on the service from /meetings"
    assert event.details == {"satisfaction": "Satisfied", "page": "/meetings"}
    assert WORDS not in str(event.details)

    # It is delivered by the outbox worker like every other email.
    assert deliver_due() == (1, 0)
    assert message.status is OutboxStatus.SENT
    assert outbox[-1]["To"] == app.config["SECRETARIAT_EMAIL"]


def test_feedback_from_a_signed_in_person_names_them(client, login_as):
    person = login_as(Role.OFFICER, full_name="Priya Officer")
    expect(send(client, satisfaction=""), 302, location="/feedback/sent")
    [message] = feedback_messages()
    assert message.subject == "Feedback on the service"
    assert f"Signed in as: Priya Officer <{person.email}>" in message.body_text
    assert "How satisfied: not said" in message.body_text
    [event] = audit_events("feedback_sent")
    assert event.actor_id == person.id


def test_html_in_feedback_is_escaped_in_the_email(client):
    expect(send(client, details="<script>alert(1)</script>"), 302)
    [message] = feedback_messages()
    assert "<script>" not in message.body_html
    assert "&lt;script&gt;" in message.body_html


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"details": ""}, [("Enter how we could improve this service", "#details")]),
        ({"details": "   "}, [("Enter how we could improve this service", "#details")]),
        ({"details": "x" * 2001}, [("Feedback must be 2,000 characters or fewer", "#details")]),
        (
            {"reply_to": "not an address"},
            [
                (
                    "Enter an email address in the correct format, like name@example.gov.uk",
                    "#reply_to",
                )
            ],
        ),
        (
            {"satisfaction": "ecstatic"},
            [
                (
                    "Select overall, how did you feel about the service you used today "
                    "from the options given",
                    "#satisfaction",
                )
            ],
        ),
    ],
)
def test_feedback_is_checked_and_kept_when_refused(client, data, errors):
    refused = ok(send(client, **data))
    assert error_summary(refused) == errors
    fields = form_fields(refused)
    assert fields["page"] == "/meetings"
    assert feedback_messages() == []
    assert audit_events("feedback_sent") == []


def test_a_page_that_is_not_on_the_service_is_not_kept(client):
    expect(send(client, page="https://elsewhere.example/phish"), 302)
    [message] = feedback_messages()
    assert "From the page: not known" in message.body_text


def test_feedback_is_limited_per_address(app, client):
    limit = app.config["FEEDBACK_MAX_PER_ADDRESS"]
    for _ in range(limit):
        expect(send(client), 302, location="/feedback/sent")
    refused = send(client)
    expect(refused, 429)
    assert heading(refused) == "Too many attempts"
    assert len(feedback_messages()) == limit


def test_feedback_needs_its_security_token(client, csrf_enabled):
    refused = send(client)
    expect(refused, 400)
    assert feedback_messages() == []


def test_people_do_not_choose_feedback_emails(client, login_as):
    login_as(Role.SECRETARIAT)
    choices = [
        box["value"] for box in page(client.get("/account/email")).select("input[name=topics]")
    ]
    assert "feedback" not in choices
    assert "meetings" in choices


def test_the_accessibility_statement_says_how_to_report_a_problem(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SECRETARIAT_EMAIL", "access@commission.example.gov.uk")
    statement = ok(client.get("/accessibility"))
    text = main_text(statement)
    assert "Reporting accessibility problems with this service" in text
    assert "email the Commission secretariat at access@commission.example.gov.uk" in text
    mail_links = {a["href"] for a in statement.select("main a[href^='mailto:']")}
    assert mail_links == {"mailto:access@commission.example.gov.uk"}
    assert statement.select_one("main a[href='/feedback?from=/accessibility']") is not None
    assert "Enforcement procedure" in text
    eass = statement.select_one("main a[href='https://www.equalityadvisoryservice.com/']")
    assert eass.get_text(strip=True) == "contact the Equality Advisory and Support Service (EASS)"
    assert "Equality and Human Rights Commission (EHRC) is responsible for enforcing" in text
