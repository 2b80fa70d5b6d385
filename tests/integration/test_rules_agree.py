"""A page and the rule behind it agree: what a page offers, the service
allows, and what it does not offer, the service refuses. Each rule is one
function (``consultations/policy.py``, ``commission/policy.py``) that the
view, the service, the template and the "needs your action" list all ask."""

from __future__ import annotations

import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from commission import policy
from commission.auth.models import Appointment
from commission.auth.roles import Role
from commission.consultations import policy as consultation_policy
from commission.consultations import services as consultation_services
from commission.consultations.models import (
    ConsultationDocument,
    ConsultationStatus,
    Extension,
    Position,
    ResponseStatus,
)
from commission.consultations.services import capacity
from commission.errors import DomainError
from commission.extensions import db
from commission.meetings import policy as meeting_policy
from commission.meetings import services as meeting_services
from commission.meetings.models import MeetingStatus
from commission.notifications.services import signers
from commission.summaries import policy as summary_policy
from commission.summaries import services as summary_services
from commission.timeutil import format_datetime, now_utc, today
from tests import factories
from tests.conftest import audit_events, count_statements
from tests.factories import PDF_BYTES
from tests.pages import error_summary, expect, ok, page, sign_in, sign_out

# A consultation's changes -----------------------------------------------------------------------

CHANGE_LINKS = ("Change the details", "Add a question", "Add a document")


def change_links(client, consultation) -> list[str]:
    """The links on the consultation's page that lead to changing it."""
    shown = ok(client.get(f"/consultations/{consultation.reference}"))
    texts = [a.get_text(" ", strip=True) for a in page(shown).select("main a")]
    return [t for t in texts if t in CHANGE_LINKS or t.startswith(("Change question", "Remove"))]


def details_form(consultation) -> dict[str, object]:
    closes = (now_utc() + timedelta(days=60)).date()
    return {
        "title": "Changed after closing",
        "summary": consultation.summary,
        "department": str(consultation.department_id),
        "lead_office": "",
        "stage": consultation.stage.value,
        "opens_day": [str(d) for d in (1, 2, 2026)],
        "opens_time": "9am",
        "closes_day": [str(closes.day), str(closes.month), str(closes.year)],
        "closes_time": "11:59pm",
    }


@pytest.fixture
def past_closing(app_ctx):
    """Stored as open, but its closing time passed an hour ago: it reads as closed."""
    return factories.consultation(
        title="Past its closing time",
        status=ConsultationStatus.OPEN,
        opens_at=now_utc() - timedelta(days=30),
        closes_at=now_utc() - timedelta(hours=1),
    )


def test_the_rule_reads_a_consultation_past_its_closing_time_as_closed(past_closing):
    assert past_closing.status is ConsultationStatus.OPEN
    assert consultation_policy.effective_status(past_closing) is ConsultationStatus.CLOSED
    assert not consultation_policy.can_change(past_closing)


def test_past_its_closing_time_the_page_offers_no_change_and_the_services_refuse_one(
    client, login_as, past_closing
):
    login_as(Role.SECRETARIAT)
    reference = past_closing.reference
    assert change_links(client, past_closing) == []

    edited = ok(client.post(f"/consultations/{reference}/edit", data=details_form(past_closing)))
    assert error_summary(edited) == [("A closed consultation cannot be changed", "")]

    question = ok(
        client.post(
            f"/consultations/{reference}/questions/new",
            data={"kind": "free_text", "text": "One more?", "hint": ""},
        )
    )
    assert error_summary(question) == [("A closed consultation's questions cannot change", "")]

    document = ok(
        client.post(
            f"/consultations/{reference}/documents/new",
            data={"title": "Late paper", "file": (io.BytesIO(PDF_BYTES), "a.pdf")},
            content_type="multipart/form-data",
        )
    )
    assert error_summary(document) == [("A closed consultation cannot be changed", "#file")]

    db.session.expire_all()
    assert past_closing.title == "Past its closing time"
    assert len(past_closing.questions) == 2
    assert (
        db.session.execute(
            select(func.count(ConsultationDocument.id)).where(
                ConsultationDocument.consultation_id == past_closing.id
            )
        ).scalar_one()
        == 0
    )
    assert audit_events("consultation_updated") == []
    assert audit_events("consultation_document_added") == []


@pytest.mark.parametrize("status", [ConsultationStatus.DRAFT, ConsultationStatus.OPEN])
def test_before_its_closing_time_the_page_offers_changes_and_the_services_make_them(
    client, login_as, status
):
    consultation = factories.consultation(status=status, title="Still open")
    login_as(Role.SECRETARIAT)
    assert consultation_policy.can_change(consultation)
    assert set(CHANGE_LINKS) <= set(change_links(client, consultation))

    expect(
        client.post(
            f"/consultations/{consultation.reference}/edit", data=details_form(consultation)
        ),
        302,
        location=f"/consultations/{consultation.reference}",
    )
    expect(
        client.post(
            f"/consultations/{consultation.reference}/questions/new",
            data={"kind": "free_text", "text": "One more?", "hint": ""},
        ),
        302,
    )
    db.session.expire_all()
    assert consultation.title == "Changed after closing"
    assert [q.text for q in consultation.questions][-1] == "One more?"


# Publishing the summary -------------------------------------------------------------------------


def publish_links(client, consultation) -> list[str]:
    shown = ok(client.get(f"/consultations/{consultation.reference}/summary"))
    return [
        a.get_text(" ", strip=True)
        for a in page(shown).select("main a")
        if a.get_text(" ", strip=True) == "Publish the summary"
    ]


def test_before_its_closing_time_the_summary_page_offers_no_publishing_and_the_service_refuses(
    client, login_as
):
    login_as(Role.SECRETARIAT)
    still_open = factories.consultation(
        status=ConsultationStatus.OPEN,
        opens_at=now_utc() - timedelta(days=10),
        closes_at=now_utc() + timedelta(hours=1),
    )
    url = f"/consultations/{still_open.reference}/summary/publish"
    refusal = "A summary can be published once the consultation has closed"

    assert not consultation_policy.can_publish_summary(still_open)
    assert publish_links(client, still_open) == []
    confirm = ok(client.get(url))
    assert [text for text, _ in error_summary(confirm)] == [refusal]
    assert page(confirm).select("main form") == []
    refused = ok(client.post(url))
    assert [text for text, _ in error_summary(refused)] == [refusal]
    db.session.expire_all()
    assert still_open.status is ConsultationStatus.OPEN
    assert audit_events("summary_published") == []


def test_past_its_closing_time_the_summary_page_offers_publishing_and_the_service_publishes(
    client, login_as, past_closing
):
    login_as(Role.SECRETARIAT)
    url = f"/consultations/{past_closing.reference}/summary/publish"

    assert consultation_policy.can_publish_summary(past_closing)
    assert publish_links(client, past_closing) == ["Publish the summary"]
    confirm = ok(client.get(url))
    assert error_summary(confirm) == []
    assert [b.get_text(strip=True) for b in page(confirm).select("main form button")] == [
        "Publish summary"
    ]
    expect(client.post(url), 302, location=f"/consultations/{past_closing.reference}/summary")
    db.session.expire_all()
    assert past_closing.status is ConsultationStatus.SUMMARY_PUBLISHED
    assert publish_links(client, past_closing) == []
    assert not consultation_policy.can_publish_summary(past_closing)


def test_while_an_extension_runs_the_summary_page_offers_no_publishing_and_the_service_refuses(
    client, login_as, past_closing
):
    """Publishing ends every window: the page waits for the last extension,
    as the service does, and offers publishing once it has passed."""
    secretariat = login_as(Role.SECRETARIAT)
    council = factories.council(name="Kirklees Council")
    closes_at = now_utc() + timedelta(days=3)
    extension = Extension(
        consultation_id=past_closing.id,
        authority_id=council.id,
        closes_at=closes_at,
        reason="Full council meets next week",
    )
    db.session.add(extension)
    db.session.flush()
    url = f"/consultations/{past_closing.reference}/summary/publish"
    refusal = (
        f"Kirklees Council has an extension until {format_datetime(closes_at)}. "
        "Publish the summary once it has passed"
    )

    assert not consultation_policy.can_publish_summary(past_closing)
    assert publish_links(client, past_closing) == []
    confirm = ok(client.get(url))
    assert [text for text, _ in error_summary(confirm)] == [refusal]
    assert page(confirm).select("main form") == []
    with pytest.raises(DomainError, match="has an extension until"):
        summary_services.publish_summary(consultation=past_closing, actor=secretariat)
    assert audit_events("summary_published") == []

    later = closes_at + timedelta(minutes=1)
    assert consultation_policy.can_publish_summary(past_closing, later)
    extension.closes_at = now_utc() - timedelta(minutes=1)
    db.session.flush()
    assert publish_links(client, past_closing) == ["Publish the summary"]


# Opening a consultation -------------------------------------------------------------------------


def open_links(client, consultation) -> list[str]:
    shown = ok(client.get(f"/consultations/{consultation.reference}"))
    return [
        a.get_text(" ", strip=True)
        for a in page(shown).select("main a")
        if a.get_text(" ", strip=True) == "Open the consultation"
    ]


@pytest.mark.parametrize(
    ("setup", "refusal"),
    [
        ({"questions": 0}, "Add at least one question before opening the consultation"),
        (
            {"closes_at": now_utc() - timedelta(days=1)},
            "The closing date has passed. Change it before opening",
        ),
        ({"status": ConsultationStatus.OPEN}, "Only a draft consultation can be opened"),
    ],
    ids=["no question", "closing date passed", "open already"],
)
def test_a_consultation_that_cannot_open_is_not_offered_opening_and_the_service_refuses(
    client, login_as, setup, refusal
):
    secretariat = login_as(Role.SECRETARIAT)
    fields = {
        "status": ConsultationStatus.DRAFT,
        "opens_at": now_utc() - timedelta(days=30),
        "closes_at": now_utc() + timedelta(days=30),
        **setup,
    }
    consultation = factories.consultation(**fields)
    url = f"/consultations/{consultation.reference}/open"

    assert not consultation_policy.can_open(consultation)
    assert open_links(client, consultation) == []
    confirm = ok(client.get(url))
    assert [text for text, _ in error_summary(confirm)] == [refusal]
    assert page(confirm).select("main form") == []
    with pytest.raises(DomainError, match=refusal):
        consultation_services.open_consultation(consultation=consultation, actor=secretariat)
    assert audit_events("consultation_opened") == []


def test_a_draft_ready_to_open_is_offered_opening_and_the_service_opens_it(client, login_as):
    login_as(Role.SECRETARIAT)
    consultation = factories.consultation(
        status=ConsultationStatus.DRAFT,
        opens_at=now_utc() + timedelta(days=3),
        closes_at=now_utc() + timedelta(days=40),
    )
    url = f"/consultations/{consultation.reference}/open"

    assert consultation_policy.can_open(consultation)
    assert open_links(client, consultation) == ["Open the consultation"]
    confirm = ok(client.get(url))
    assert error_summary(confirm) == []
    assert [b.get_text(strip=True) for b in page(confirm).select("main form button")] == [
        "Open consultation"
    ]
    expect(client.post(url), 302, location=f"/consultations/{consultation.reference}")
    db.session.expire_all()
    assert consultation.status is ConsultationStatus.OPEN
    assert open_links(client, consultation) == []


# The government's reply -------------------------------------------------------------------------


def reply_links(client, consultation) -> list[str]:
    shown = ok(client.get(f"/consultations/{consultation.reference}"))
    return [
        a.get_text(" ", strip=True)
        for a in page(shown).select("main a")
        if a.get_text(" ", strip=True) == "Write the government's reply"
    ]


@pytest.mark.parametrize(
    "status",
    [
        ConsultationStatus.OPEN,
        ConsultationStatus.CLOSED,
        ConsultationStatus.SUMMARY_PUBLISHED,
        ConsultationStatus.REPLY_PUBLISHED,
    ],
    ids=lambda status: status.value,
)
def test_the_consultation_page_offers_the_reply_exactly_when_the_service_saves_it(
    client, login_as, status
):
    secretariat = login_as(Role.SECRETARIAT)
    consultation = factories.consultation(
        status=status,
        opens_at=now_utc() - timedelta(days=60),
        closes_at=now_utc() - timedelta(days=30)
        if status is not ConsultationStatus.OPEN
        else now_utc() + timedelta(days=30),
    )
    allowed = summary_policy.can_write_reply_now(consultation)

    assert allowed is (status is ConsultationStatus.SUMMARY_PUBLISHED)
    assert (reply_links(client, consultation) == ["Write the government's reply"]) is allowed
    save = lambda: summary_services.save_reply(  # noqa: E731
        consultation=consultation, overall="We will legislate", per_question={}, actor=secretariat
    )
    if allowed:
        save()
        assert [e.action for e in audit_events("reply_saved")] == ["reply_saved"]
    else:
        with pytest.raises(DomainError):
            save()
        assert audit_events("reply_saved") == []


# Signing off a council's response ---------------------------------------------------------------


@pytest.fixture
def ready(app_ctx):
    council = factories.council(name="Kirklees Council")
    consultation = factories.consultation(title="Children's services")
    first, second = consultation.questions
    factories.draft_response(
        consultation=consultation,
        authority=council,
        position=Position.SUPPORT,
        comment="We welcome it",
        answers={first.id: (Position.SUPPORT, None), second.id: (None, "Our view")},
    ).status = ResponseStatus.READY
    return SimpleNamespace(council=council, consultation=consultation)


@pytest.mark.parametrize(
    ("role", "sign_off", "signs"),
    [
        (Role.LEADER, False, True),
        (Role.DEPUTY, True, True),
        (Role.DEPUTY, False, False),
        (Role.OFFICER, False, False),
    ],
    ids=["leader", "deputy with sign-off", "deputy without", "officer"],
)
def test_the_task_to_sign_off_appears_exactly_when_the_check_page_lets_the_person_sign_off(
    client, ready, role, sign_off, signs
):
    person = factories.person_at(authority=ready.council, role=role, sign_off=sign_off)
    sign_in(client, person)
    home = ok(client.get("/"))
    tasks = [a.get_text(" ", strip=True) for a in page(home).select(".govuk-task-list__item a")]
    task = "Sign off Kirklees Council's response: Children's services"
    assert (task in tasks) is signs

    check = ok(
        client.get(
            f"/consultations/{ready.consultation.reference}/responses/{ready.council.slug}/check"
        )
    )
    buttons = [b.get_text(" ", strip=True) for b in page(check).select("main form button")]
    assert ("Sign off and submit" in buttons) is signs
    assert capacity(person, ready.council).can_submit is signs


def test_the_sign_off_emails_go_to_exactly_the_people_the_rule_says_sign_off(app_ctx):
    council = factories.council(name="Kirklees Council")
    leader = factories.person_at(authority=council, role=Role.LEADER, full_name="Leader")
    signing = factories.person_at(
        authority=council, role=Role.DEPUTY, full_name="Deputy", sign_off=True
    )
    factories.person_at(authority=council, role=Role.DEPUTY, full_name="Deputy without")
    factories.person_at(
        authority=council,
        role=Role.DEPUTY,
        full_name="Deputy whose delegation ended",
        sign_off_from=today() - timedelta(days=20),
        sign_off_until=today() - timedelta(days=1),
    )
    factories.person_at(authority=council, role=Role.OFFICER, full_name="Officer")
    factories.person_at(
        authority=council, role=Role.DEPUTY, full_name="Account closed", sign_off=True
    ).active = False
    factories.person_at(
        authority=factories.council(), role=Role.LEADER, full_name="Another council's leader"
    )
    db.session.flush()

    by_the_rule = {
        appointment.user.full_name
        for appointment in db.session.execute(select(Appointment)).scalars()
        if appointment.authority_id == council.id
        and appointment.user.active
        and policy.signs_off(appointment, today())
    }
    emailed = {person.full_name for person in signers(council.id)}

    assert emailed == by_the_rule == {leader.full_name, signing.full_name}


def test_finding_who_signs_off_takes_the_same_statements_however_many_deputies(app_ctx):
    council = factories.council()
    factories.person_at(authority=council, role=Role.LEADER)
    factories.person_at(authority=council, role=Role.DEPUTY, sign_off=True)
    db.session.expire_all()
    with count_statements() as few:
        assert len(signers(council.id)) == 2

    for _ in range(4):
        factories.person_at(authority=council, role=Role.DEPUTY, sign_off=True)
        factories.person_at(authority=council, role=Role.DEPUTY)
    db.session.expire_all()
    with count_statements() as many:
        assert len(signers(council.id)) == 6

    assert len(many) == len(few)


# Papers -----------------------------------------------------------------------------------------


@pytest.fixture
def agenda(app_ctx):
    """A published agenda: an open item with a public and a members-only
    paper and a superseded public one, and a confidential item with a public
    paper."""
    meeting = factories.meeting(published=True)
    open_item = factories.agenda_item(meeting=meeting, title="Fair funding review")
    secret = factories.agenda_item(meeting=meeting, title="Pay negotiations", confidential=True)
    papers = SimpleNamespace(
        public=factories.paper(item=open_item, title="Public briefing"),
        restricted=factories.paper(item=open_item, title="Members' briefing", public=False),
        old=factories.paper(item=open_item, title="Earlier briefing"),
        confidential=factories.paper(item=secret, title="Pay offer"),
    )
    papers.old.superseded_by = papers.public
    db.session.flush()
    return SimpleNamespace(meeting=meeting, papers=papers)


def linked_papers(client, meeting) -> dict[str, str]:
    """Title to download link of each paper the meeting page lists."""
    shown = ok(client.get(f"/meetings/{meeting.slug}"))
    return {
        a.get_text(" ", strip=True): str(a["href"])
        for a in page(shown).select("main a[href*='/papers/']")
    }


@pytest.mark.parametrize(
    ("viewer", "listed"),
    [
        (None, {"Public briefing"}),
        (Role.OFFICER, {"Public briefing", "Members' briefing", "Earlier briefing", "Pay offer"}),
        (
            Role.SECRETARIAT,
            {"Public briefing", "Members' briefing", "Earlier briefing", "Pay offer"},
        ),
    ],
    ids=["public", "member", "secretariat"],
)
def test_the_meeting_page_links_exactly_the_papers_that_download(
    client, login_as, agenda, viewer, listed
):
    sign_out(client)
    if viewer is not None:
        login_as(viewer)
    links = linked_papers(client, agenda.meeting)
    assert set(links) == listed
    for paper in vars(agenda.papers).values():
        response = client.get(f"/papers/{paper.id}/{paper.filename}")
        if paper.title in links:
            expect(response, 200)
            assert links[paper.title] == f"/papers/{paper.id}/{paper.filename}"
        elif paper.title == "Earlier briefing":
            # Superseded papers are listed for the record to members only;
            # the public may still follow an old link to a public one.
            expect(response, 200)
        else:
            expect(response, 404)


# A meeting's next step --------------------------------------------------------------------------

STATES = {
    "draft": (MeetingStatus.DRAFT, timedelta(days=7)),
    "scheduled": (MeetingStatus.SCHEDULED, timedelta(days=7)),
    "agenda published": (MeetingStatus.AGENDA_PUBLISHED, timedelta(days=7)),
    "under way": (MeetingStatus.AGENDA_PUBLISHED, -timedelta(hours=1)),
    "held": (MeetingStatus.HELD, -timedelta(days=7)),
    "cancelled": (MeetingStatus.CANCELLED, timedelta(days=7)),
}


def _postpone(meeting, actor):
    later = meeting.starts_at + timedelta(days=21)
    meeting_services.postpone_meeting(
        meeting=meeting,
        starts_at=later,
        ends_at=later + timedelta(hours=2),
        reason="The venue is closed",
        actor=actor,
    )


STEPS = {
    "Confirm the meeting": (meeting_policy.can_confirm, meeting_services.confirm_meeting),
    "Publish the agenda": (meeting_policy.can_publish_agenda, meeting_services.publish_agenda),
    "Record the meeting as held": (meeting_policy.can_mark_held, meeting_services.mark_held),
    "Postpone the meeting": (meeting_policy.can_postpone, _postpone),
    "Cancel the meeting": (
        meeting_policy.can_cancel,
        lambda meeting, actor: meeting_services.cancel_meeting(
            meeting=meeting, reason="No business", actor=actor
        ),
    ),
    "Delete draft meeting": (meeting_policy.can_delete, meeting_services.delete_meeting),
}


def manage_links(client, meeting) -> set[str]:
    shown = ok(client.get(f"/meetings/{meeting.slug}"))
    return {a.get_text(" ", strip=True) for a in page(shown).select("main a")} & set(STEPS)


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("step", list(STEPS))
def test_the_meeting_page_offers_a_step_exactly_when_the_service_takes_it(
    client, login_as, state, step
):
    secretariat = login_as(Role.SECRETARIAT)
    status, starts_in = STATES[state]
    meeting = factories.meeting(starts_at=now_utc() + starts_in, status=status)
    factories.agenda_item(meeting=meeting, title="Fair funding review")
    rule, service = STEPS[step]
    allowed = rule(meeting)

    assert (step in manage_links(client, meeting)) is allowed
    if allowed:
        service(meeting=meeting, actor=secretariat)
    else:
        with pytest.raises(DomainError):
            service(meeting=meeting, actor=secretariat)


def test_an_empty_agenda_is_not_offered_for_publishing_and_the_service_refuses_it(client, login_as):
    """An agenda needs an item: the meeting page offers no publishing, the
    confirmation page says why and has no button, and the service refuses;
    with an item the page offers it and the service publishes."""
    secretariat = login_as(Role.SECRETARIAT)
    meeting = factories.meeting(status=MeetingStatus.SCHEDULED)
    url = f"/meetings/{meeting.slug}/publish"
    refusal = "Add at least one agenda item before publishing the agenda"

    assert not meeting_policy.can_publish_agenda(meeting)
    assert "Publish the agenda" not in manage_links(client, meeting)
    confirm = ok(client.get(url))
    assert [text for text, _ in error_summary(confirm)] == [refusal]
    assert page(confirm).select("main form") == []
    refused = ok(client.post(url))
    assert [text for text, _ in error_summary(refused)] == [refusal]
    with pytest.raises(DomainError, match=refusal):
        meeting_services.publish_agenda(meeting=meeting, actor=secretariat)
    db.session.expire_all()
    assert meeting.status is MeetingStatus.SCHEDULED

    factories.agenda_item(meeting=meeting, title="Fair funding review")
    assert "Publish the agenda" in manage_links(client, meeting)
    confirm = ok(client.get(url))
    assert error_summary(confirm) == []
    assert [b.get_text(strip=True) for b in page(confirm).select("main form button")] == [
        "Publish the agenda"
    ]
    expect(client.post(url), 302)
    db.session.expire_all()
    assert meeting.status is MeetingStatus.AGENDA_PUBLISHED


@pytest.mark.parametrize("state", ["draft", "held", "under way"])
def test_a_status_step_the_meeting_cannot_take_has_no_button(client, login_as, state):
    """The confirmation page of each status step asks the step's rule: a step
    the meeting cannot take says why, as the service would, in place of the
    button."""
    secretariat = login_as(Role.SECRETARIAT)
    status, starts_in = STATES[state]
    meeting = factories.meeting(starts_at=now_utc() + starts_in, status=status)
    factories.agenda_item(meeting=meeting, title="Fair funding review")
    for action, step in (
        ("confirm", "Confirm the meeting"),
        ("publish", "Publish the agenda"),
        ("held", "Record the meeting as held"),
    ):
        rule, service = STEPS[step]
        confirm = ok(client.get(f"/meetings/{meeting.slug}/{action}"))
        buttons = [b.get_text(strip=True) for b in page(confirm).select("main form button")]
        if rule(meeting):
            assert (buttons, error_summary(confirm)) == ([step], [])
            continue
        assert buttons == []
        with pytest.raises(DomainError) as refused:
            service(meeting=meeting, actor=secretariat)
        assert [text for text, _ in error_summary(confirm)] == [refused.value.message]


def test_the_delete_page_offers_deleting_exactly_a_draft(client, login_as):
    login_as(Role.SECRETARIAT)
    draft = factories.meeting(status=MeetingStatus.DRAFT)
    announced = factories.meeting(status=MeetingStatus.SCHEDULED)

    buttons = page(ok(client.get(f"/meetings/{draft.slug}/delete"))).select("main form button")
    assert [b.get_text(strip=True) for b in buttons] == ["Delete draft meeting"]
    refused = ok(client.get(f"/meetings/{announced.slug}/delete"))
    assert page(refused).select("main form button") == []
    assert "public: cancel or postpone it instead" in page(refused).get_text(" ")


def test_the_agenda_shows_a_consultation_past_its_closing_time_as_closed(
    client, login_as, past_closing
):
    login_as(Role.SECRETARIAT)
    meeting = factories.meeting(published=True)
    item = factories.agenda_item(meeting=meeting, title="Children's services")
    item.consultation_id = past_closing.id
    db.session.flush()

    shown = page(ok(client.get(f"/meetings/{meeting.slug}"))).get_text(" ")

    assert past_closing.status is ConsultationStatus.OPEN
    assert "· Closed, closed" in " ".join(shown.split())
