"""Freezing the summary for a meeting (later responses do not change it, and
the meeting's agenda links to it), publishing the summary once the
consultation has closed, the government's reply, and the timeline on the
public consultation page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from commission.auth.roles import Role
from commission.consultations.models import ConsultationStatus, Extension, Position
from commission.extensions import db
from commission.meetings.models import MeetingStatus
from commission.membership.models import Authority, Control
from commission.summaries.models import GovernmentReply, SummarySnapshot
from commission.timeutil import LONDON, format_datetime, now_utc, today
from tests import factories
from tests.conftest import audit_events
from tests.pages import (
    banner,
    error_summary,
    expect,
    heading,
    ok,
    page,
    pdf_text,
    read_csv,
    sign_in,
)

# Helpers -----------------------------------------------------------------------------------------


def build(*, closed: bool = False, published: bool = False):
    """Ashford (Labour, 100k) supports and Barton (Conservative, 200k)
    opposes; Carlow has not responded. The lead office is set."""
    now = now_utc()
    if closed or published:
        consultation = factories.consultation(
            opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=2)
        )
    else:
        consultation = factories.consultation(opens_at=now - timedelta(days=10))
    consultation.opened_at = consultation.opens_at
    consultation.lead_office_id = factories.ministerial_office(
        department=consultation.department
    ).id
    for name, control, position in (
        ("Ashford", Control.LABOUR, Position.SUPPORT),
        ("Barton", Control.CONSERVATIVE, Position.OPPOSE),
    ):
        authority = factories.council(name=name, control=control)
        factories.submitted_response(
            consultation=consultation, authority=authority, position=position
        )
    factories.council(name="Carlow")
    if published:
        consultation.status = ConsultationStatus.SUMMARY_PUBLISHED
        factories.summary_snapshot(consultation=consultation, published=True)
    db.session.flush()
    return consultation


def base(consultation) -> str:
    return f"/consultations/{consultation.reference}"


def snapshots(consultation) -> list[SummarySnapshot]:
    db.session.expire_all()
    return list(
        db.session.execute(
            select(SummarySnapshot)
            .where(SummarySnapshot.consultation_id == consultation.id)
            .order_by(SummarySnapshot.id)
        ).scalars()
    )


def coverage_line(response) -> str:
    return page(response).select_one("main p.govuk-body-l").get_text(" ", strip=True)


def lead_minister(consultation):
    return factories.minister(office=consultation.lead_office)


def reply_of(consultation) -> GovernmentReply | None:
    db.session.expire_all()
    return db.session.execute(
        select(GovernmentReply).where(GovernmentReply.consultation_id == consultation.id)
    ).scalar_one_or_none()


@pytest.fixture
def secretariat(client):
    user = factories.user(role=Role.SECRETARIAT)
    sign_in(client, user)
    return user


# Freezing for a meeting --------------------------------------------------------------------------


def test_freezing_for_a_meeting_stores_the_figures(client, secretariat):
    consultation = build()
    meeting = factories.meeting()

    form = client.get(f"{base(consultation)}/summary/freeze")
    assert heading(form) == "Freeze the summary for a meeting"
    options = [o["value"] for o in page(form).select("#meeting option") if o["value"]]
    assert str(meeting.id) in options

    response = client.post(f"{base(consultation)}/summary/freeze", data={"meeting": meeting.id})

    [snapshot] = snapshots(consultation)
    expect(response, 302, location=f"{base(consultation)}/summary/snapshots/{snapshot.id}")
    assert snapshot.meeting_id == meeting.id
    assert snapshot.published is False
    assert snapshot.created_by_id == secretariat.id
    assert snapshot.data["totals"] == {"submitted": 2, "draft": 0, "not_started": 1}
    assert [
        (r["position"], r["count"]) for r in snapshot.data["overall"]["rows"] if r["count"]
    ] == [
        ("support", 1),
        ("oppose", 1),
    ]
    [event] = audit_events("summary_frozen")
    assert consultation.reference in event.summary


def test_freezing_needs_a_meeting(client, secretariat):
    consultation = build()
    factories.meeting()

    shown = ok(client.post(f"{base(consultation)}/summary/freeze", data={"meeting": ""}))

    assert [text for text, _ in error_summary(shown)] == ["Select the meeting"]
    assert snapshots(consultation) == []


def test_a_cancelled_meeting_cannot_be_chosen(client, secretariat):
    consultation = build()
    cancelled = factories.meeting(status=MeetingStatus.CANCELLED)

    form = client.get(f"{base(consultation)}/summary/freeze")
    response = client.post(f"{base(consultation)}/summary/freeze", data={"meeting": cancelled.id})

    assert str(cancelled.id) not in [o["value"] for o in page(form).select("#meeting option")]
    assert [text for text, _ in error_summary(response)] == ["Select the meeting"]
    assert snapshots(consultation) == []


def test_a_draft_consultation_cannot_be_frozen(client, secretariat):
    consultation = factories.consultation(status=ConsultationStatus.DRAFT)
    meeting = factories.meeting()

    response = client.post(f"{base(consultation)}/summary/freeze", data={"meeting": meeting.id})

    assert [text for text, _ in error_summary(response)] == [
        "A draft consultation has no responses to summarise"
    ]
    assert snapshots(consultation) == []


@pytest.mark.parametrize("role", [Role.CHAIR, Role.MINISTER, Role.LEADER, Role.OFFICER])
def test_only_the_secretariat_freezes(client, role):
    consultation = build()
    meeting = factories.meeting()
    sign_in(client, factories.user(role=role))

    expect(client.get(f"{base(consultation)}/summary/freeze"), 403)
    response = client.post(f"{base(consultation)}/summary/freeze", data={"meeting": meeting.id})
    expect(response, 403)
    assert snapshots(consultation) == []


def test_freezing_signed_out_is_sent_to_sign_in(client):
    consultation = build()

    response = client.get(f"{base(consultation)}/summary/freeze")

    expect(response, 302)
    assert "/sign-in" in response.headers["Location"]


def test_a_later_response_changes_the_live_summary_but_not_the_snapshot(client, secretariat):
    consultation = build()
    meeting = factories.meeting()
    client.post(f"{base(consultation)}/summary/freeze", data={"meeting": meeting.id})
    [snapshot] = snapshots(consultation)
    frozen = dict(snapshot.data)

    late = factories.council(name="Dunmore", control=Control.GREEN)
    factories.submitted_response(consultation=consultation, authority=late)

    live = client.get(f"{base(consultation)}/summary")
    assert coverage_line(live) == "3 of 4 member authorities have submitted a position (75%)."
    shown = client.get(f"{base(consultation)}/summary/snapshots/{snapshot.id}")
    expect(shown, 200)
    assert coverage_line(shown) == "2 of 3 member authorities have submitted a position (67%)."
    tag = page(shown).select_one("main .govuk-tag").get_text(strip=True)
    assert tag == "Frozen"
    assert "for the meeting on" in page(shown).select_one("main p.govuk-body").get_text()
    [again] = snapshots(consultation)
    assert again.data == frozen


def test_the_summary_lists_the_snapshots_frozen_for_meetings(client, secretariat):
    consultation = build()
    meeting = factories.meeting()
    snapshot = factories.summary_snapshot(consultation=consultation, meeting=meeting)

    soup = page(client.get(f"{base(consultation)}/summary"))

    hrefs = [a["href"] for a in soup.select("main a")]
    assert f"{base(consultation)}/summary/snapshots/{snapshot.id}" in hrefs


def test_the_meeting_page_links_the_agenda_item_to_the_frozen_summary(client, secretariat):
    consultation = build()
    meeting = factories.meeting(published=True)
    item = factories.agenda_item(meeting=meeting, title="Business rates")
    item.consultation_id = consultation.id
    snapshot = factories.summary_snapshot(consultation=consultation, meeting=meeting)

    soup = page(client.get(f"/meetings/{meeting.slug}"))

    link = soup.select_one(f"#item-{item.id} a[href$='/summary/snapshots/{snapshot.id}']")
    assert link is not None
    assert link.get_text(strip=True) == "Summary of positions frozen for this meeting"
    expect(client.get(link["href"]), 200)


def test_the_meeting_page_links_the_latest_snapshot_for_that_meeting(client, secretariat):
    consultation = build()
    meeting = factories.meeting(published=True)
    item = factories.agenda_item(meeting=meeting)
    item.consultation_id = consultation.id
    factories.summary_snapshot(consultation=consultation, meeting=meeting)
    latest = factories.summary_snapshot(consultation=consultation, meeting=meeting)

    soup = page(client.get(f"/meetings/{meeting.slug}"))

    links = soup.select(f"#item-{item.id} a[href*='/summary/snapshots/']")
    assert [a["href"] for a in links] == [f"{base(consultation)}/summary/snapshots/{latest.id}"]


@pytest.mark.parametrize("role", [None, Role.LEADER, Role.MINISTER])
def test_the_frozen_summary_link_is_shown_only_to_those_who_may_follow_it(client, role):
    consultation = build()
    meeting = factories.meeting(published=True)
    item = factories.agenda_item(meeting=meeting)
    item.consultation_id = consultation.id
    snapshot = factories.summary_snapshot(consultation=consultation, meeting=meeting)
    if role is not None:
        sign_in(client, factories.user(role=role))

    soup = page(client.get(f"/meetings/{meeting.slug}"))

    assert soup.select(f"#item-{item.id} a[href*='/summary/snapshots/']") == []
    expect(client.get(f"{base(consultation)}/summary/snapshots/{snapshot.id}"), 404)


def test_a_snapshot_of_another_consultation_is_not_found(client, secretariat):
    consultation = build()
    other = factories.consultation()
    snapshot = factories.summary_snapshot(consultation=other)

    response = client.get(f"{base(consultation)}/summary/snapshots/{snapshot.id}")

    expect(response, 404)


def csv_rows(response) -> list[list[str]]:
    """The rows of a CSV download, without its header."""
    return read_csv(response)[1:]


def test_a_snapshots_downloads_keep_the_frozen_figures(client, secretariat):
    consultation = build()
    meeting = factories.meeting()
    client.post(f"{base(consultation)}/summary/freeze", data={"meeting": meeting.id})
    [snapshot] = snapshots(consultation)
    factories.submitted_response(
        consultation=consultation, authority=factories.council(name="Dunmore")
    )
    db.session.flush()
    frozen = f"{base(consultation)}/summary/snapshots/{snapshot.id}"

    links = {
        a.get_text(" ", strip=True): a["href"] for a in page(client.get(frozen)).select("main a")
    }
    downloads = f"{base(consultation)}/summary"
    assert links["ministerial briefing pack (PDF)"] == f"{downloads}.pdf?snapshot={snapshot.id}"
    assert links["spreadsheet (XLSX)"] == f"{downloads}.xlsx?snapshot={snapshot.id}"
    assert links["every answer (CSV)"] == f"{downloads}.csv?snapshot={snapshot.id}"
    # The frozen CSV has the two responses frozen, not the later one; the live CSV has three.
    assert {r[2] for r in csv_rows(client.get(links["every answer (CSV)"]))} == {
        "Ashford",
        "Barton",
    }
    live = {r[2] for r in csv_rows(client.get(f"{base(consultation)}/summary.csv"))}
    assert live == {"Ashford", "Barton", "Dunmore"}
    text = pdf_text(client.get(links["ministerial briefing pack (PDF)"]))
    assert "Figures frozen" in text
    assert "2 of 3 member authorities submitted a position." in text
    expect(client.get(links["spreadsheet (XLSX)"]), 200)


@pytest.mark.parametrize("role", [None, Role.LEADER])
def test_a_meeting_snapshots_downloads_have_the_summarys_audience(client, role):
    consultation = build()
    snapshot = factories.summary_snapshot(consultation=consultation, meeting=factories.meeting())
    if role is not None:
        sign_in(client, factories.user(role=role))

    for file_format in ("csv", "xlsx", "pdf"):
        response = client.get(f"{base(consultation)}/summary.{file_format}?snapshot={snapshot.id}")
        expect(response, 404)


def test_a_snapshot_download_of_another_consultation_is_not_found(client, secretariat):
    consultation = build()
    snapshot = factories.summary_snapshot(consultation=factories.consultation())

    response = client.get(f"{base(consultation)}/summary.csv?snapshot={snapshot.id}")

    expect(response, 404)


# Publishing the summary --------------------------------------------------------------------------


def test_publishing_before_the_consultation_closes_is_refused(client, secretariat):
    consultation = build()

    shown = ok(client.post(f"{base(consultation)}/summary/publish"))

    assert [text for text, _ in error_summary(shown)] == [
        "A summary can be published once the consultation has closed"
    ]
    db.session.expire_all()
    assert consultation.status is ConsultationStatus.OPEN
    assert snapshots(consultation) == []


def test_publishing_after_close_freezes_and_publishes(client, secretariat):
    consultation = build(closed=True)

    confirm = client.get(f"{base(consultation)}/summary/publish")
    assert heading(confirm) == "Publish the summary"
    response = client.post(f"{base(consultation)}/summary/publish")

    expect(response, 302, location=f"{base(consultation)}/summary")
    db.session.expire_all()
    assert consultation.status is ConsultationStatus.SUMMARY_PUBLISHED
    [snapshot] = snapshots(consultation)
    assert snapshot.published is True
    assert snapshot.meeting_id is None
    assert snapshot.data["totals"]["submitted"] == 2
    assert [e.subject_id for e in audit_events("summary_published")] == [snapshot.id]
    assert banner(client.get(f"{base(consultation)}/summary")) == "Success Summary published"


def test_publishing_waits_for_the_last_extension(client, secretariat):
    consultation = build(closed=True)
    carlow = db.session.execute(select(Authority).where(Authority.name == "Carlow")).scalar_one()
    closes_at = now_utc() + timedelta(days=3)
    db.session.add(
        Extension(
            consultation_id=consultation.id,
            authority_id=carlow.id,
            closes_at=closes_at,
            reason="Full council meets next week",
        )
    )
    db.session.flush()

    response = client.post(f"{base(consultation)}/summary/publish")

    assert [text for text, _ in error_summary(response)] == [
        f"Carlow has an extension until {format_datetime(closes_at)}. "
        "Publish the summary once it has passed"
    ]
    db.session.expire_all()
    assert consultation.status is ConsultationStatus.OPEN
    assert snapshots(consultation) == []


def test_the_summary_is_published_only_once(client, secretariat):
    consultation = build(published=True)

    response = client.post(f"{base(consultation)}/summary/publish")

    assert [text for text, _ in error_summary(response)] == [
        "The summary has already been published"
    ]
    assert len([s for s in snapshots(consultation) if s.published]) == 1


def test_publishing_makes_the_summary_public(client, secretariat):
    consultation = build(closed=True)
    client.post(f"{base(consultation)}/summary/publish")

    with client.session_transaction() as session:
        session.clear()
    response = client.get(f"{base(consultation)}/summary")

    expect(response, 200)
    assert coverage_line(response) == "2 of 3 member authorities have submitted a position (67%)."
    shown = page(client.get(base(consultation)))
    assert shown.select_one(f"main a[href='{base(consultation)}/summary']") is not None


def test_everyone_downloads_the_published_summary_as_it_was_published(client, secretariat):
    consultation = build(closed=True)
    client.post(f"{base(consultation)}/summary/publish")
    factories.submitted_response(
        consultation=consultation, authority=factories.council(name="Dunmore")
    )
    db.session.flush()
    with client.session_transaction() as session:
        session.clear()

    links = {
        a.get_text(" ", strip=True): a["href"]
        for a in page(client.get(f"{base(consultation)}/summary")).select("main a")
    }
    assert links["every answer (CSV)"] == f"{base(consultation)}/summary.csv"
    assert links["spreadsheet (XLSX)"] == f"{base(consultation)}/summary.xlsx"
    rows = csv_rows(client.get(f"{base(consultation)}/summary.csv"))
    # Two responses, each with its overall row and two questions; not the later one.
    assert [(r[2], r[9]) for r in rows] == [
        ("Ashford", "Overall"),
        ("Ashford", "1"),
        ("Ashford", "2"),
        ("Barton", "Overall"),
        ("Barton", "1"),
        ("Barton", "2"),
    ]
    assert [r[11] for r in rows if r[9] == "Overall"] == ["Support", "Oppose"]
    assert rows[0][8]  # when it was submitted


@pytest.mark.parametrize("role", [Role.CHAIR, Role.MINISTER, Role.LEADER])
def test_only_the_secretariat_publishes_the_summary(client, role):
    consultation = build(closed=True)
    sign_in(client, factories.user(role=role))

    expect(client.post(f"{base(consultation)}/summary/publish"), 403)
    db.session.expire_all()
    assert consultation.status is ConsultationStatus.OPEN
    assert snapshots(consultation) == []


# The government's reply --------------------------------------------------------------------------


def reply_form(consultation, overall: str = "We will phase the changes in.", **per_question):
    data = {"overall": overall}
    for n, question in enumerate(consultation.questions, start=1):
        data[f"q{question.id}"] = per_question.get(f"q{n}", "")
    return data


def test_the_lead_minister_writes_the_reply(client):
    consultation = build(published=True)
    minister = lead_minister(consultation)
    sign_in(client, minister)

    form = ok(client.get(f"{base(consultation)}/reply"))
    assert heading(form) == "The government's reply"
    response = client.post(
        f"{base(consultation)}/reply",
        data=reply_form(consultation, q1="  Transitional relief for three years.  "),
    )

    expect(response, 302)
    reply = reply_of(consultation)
    assert reply.overall == "We will phase the changes in."
    assert reply.per_question == {
        str(consultation.questions[0].id): "Transitional relief for three years."
    }
    assert reply.updated_by_id == minister.id
    assert reply.published_at is None
    assert audit_events("reply_saved")[-1].actor_id == minister.id
    shown = client.get(f"{base(consultation)}/reply")
    assert banner(shown) == "Success Reply saved. It is not public until you publish it"
    assert page(shown).select_one("#overall").get_text() == "We will phase the changes in."


def test_the_secretariat_writes_the_reply_on_the_ministers_behalf(client, secretariat):
    consultation = build(published=True)

    response = client.post(f"{base(consultation)}/reply", data=reply_form(consultation))

    expect(response, 302)
    assert reply_of(consultation).updated_by_id == secretariat.id


@pytest.mark.parametrize("who", ["same department", "other department", "chair", "leader"])
def test_nobody_else_writes_the_reply(client, who):
    consultation = build(published=True)
    person = {
        "same department": lambda: factories.minister(department=consultation.department),
        "other department": lambda: factories.minister(),
        "chair": lambda: factories.user(role=Role.CHAIR),
        "leader": lambda: factories.user(role=Role.LEADER),
    }[who]()
    sign_in(client, person)

    expect(client.get(f"{base(consultation)}/reply"), 403)
    response = client.post(f"{base(consultation)}/reply", data=reply_form(consultation))
    expect(response, 403)
    expect(client.post(f"{base(consultation)}/reply/publish"), 403)
    assert reply_of(consultation) is None
    assert "Write the government's reply" not in page(client.get(base(consultation))).get_text()


def test_writing_the_reply_signed_out_is_sent_to_sign_in(client):
    consultation = build(published=True)

    response = client.post(f"{base(consultation)}/reply", data=reply_form(consultation))

    expect(response, 302)
    assert "/sign-in" in response.headers["Location"]
    assert reply_of(consultation) is None


def test_the_reply_waits_for_the_summary_to_be_published(client):
    consultation = build(closed=True)
    sign_in(client, lead_minister(consultation))

    shown = ok(client.post(f"{base(consultation)}/reply", data=reply_form(consultation)))

    assert [text for text, _ in error_summary(shown)] == [
        "Publish the summary before writing the government's reply"
    ]
    assert reply_of(consultation) is None


def test_each_part_of_the_reply_has_a_length_limit(client, secretariat):
    consultation = build(published=True)

    response = client.post(
        f"{base(consultation)}/reply", data=reply_form(consultation, q1="x" * 10_001)
    )

    assert [text for text, _ in error_summary(response)] == [
        "Each part of the reply must be 10,000 characters or fewer"
    ]
    assert reply_of(consultation) is None


def test_publishing_the_reply_needs_an_overall_reply(client):
    consultation = build(published=True)
    sign_in(client, lead_minister(consultation))
    client.post(f"{base(consultation)}/reply", data=reply_form(consultation, overall="  "))

    response = client.post(f"{base(consultation)}/reply/publish")

    assert [text for text, _ in error_summary(response)] == [
        "Write the overall reply before publishing it"
    ]
    assert reply_of(consultation).published_at is None
    db.session.expire_all()
    assert consultation.status is ConsultationStatus.SUMMARY_PUBLISHED


def test_the_published_reply_shows_on_the_public_consultation_page(client):
    consultation = build(published=True)
    minister = lead_minister(consultation)
    sign_in(client, minister)
    client.post(
        f"{base(consultation)}/reply",
        data=reply_form(
            consultation,
            overall="We will phase the changes in.\nA further paper follows in spring.",
            q1="Transitional relief for three years.",
        ),
    )

    response = client.post(f"{base(consultation)}/reply/publish")

    expect(response, 302, location=base(consultation))
    reply = reply_of(consultation)
    assert reply.published_at is not None
    assert reply.published_by_id == minister.id
    db.session.expire_all()
    assert consultation.status is ConsultationStatus.REPLY_PUBLISHED
    with client.session_transaction() as session:
        session.clear()
    shown = page(client.get(base(consultation)))
    section = shown.find("h2", string="The government's reply")
    assert section is not None
    text = shown.select_one("main").get_text(" ", strip=True)
    assert "We will phase the changes in." in text
    assert "A further paper follows in spring." in text
    assert "1. Question 1? Transitional relief for three years." in text


def test_the_reply_cannot_change_once_published(client, secretariat):
    consultation = build(published=True)
    client.post(f"{base(consultation)}/reply", data=reply_form(consultation))
    client.post(f"{base(consultation)}/reply/publish")

    response = client.post(
        f"{base(consultation)}/reply", data=reply_form(consultation, overall="Changed our mind.")
    )

    assert [text for text, _ in error_summary(response)] == [
        "The government's reply has been published and cannot change"
    ]
    assert reply_of(consultation).overall == "We will phase the changes in."
    again = client.post(f"{base(consultation)}/reply/publish")
    assert [text for text, _ in error_summary(again)] == [
        "The government's reply has already been published"
    ]
    assert len(audit_events("reply_published")) == 1


def test_the_lead_minister_is_offered_the_reply_once_the_summary_is_published(client):
    consultation = build(closed=True)
    sign_in(client, lead_minister(consultation))
    link = "Write the government's reply"

    assert link not in page(client.get(base(consultation))).get_text()
    consultation.status = ConsultationStatus.SUMMARY_PUBLISHED
    factories.summary_snapshot(consultation=consultation, published=True)
    assert link in page(client.get(base(consultation))).get_text()


# The timeline ------------------------------------------------------------------------------------


def timeline(response) -> list[str]:
    soup = page(response)
    heading_ = soup.find("h2", string="Timeline")
    assert heading_ is not None
    return [" ".join(li.get_text().split()) for li in heading_.find_next("ol").select("li")]


def day(value) -> str:
    local = value.astimezone(LONDON)
    return f"{local.day} {local:%B} {local.year}"


def test_the_timeline_shows_each_stage_in_order(client, secretariat):
    consultation = build(published=True)
    held = factories.meeting(
        starts_at=factories.london_time(today() - timedelta(days=5), 10, 30),
        status=MeetingStatus.HELD,
    )
    held.agenda_published_at = held.starts_at - timedelta(days=7)
    item = factories.agenda_item(meeting=held, title="Business rates retention")
    item.consultation_id = consultation.id
    client.post(f"{base(consultation)}/reply", data=reply_form(consultation))
    client.post(f"{base(consultation)}/reply/publish")
    published = next(s for s in snapshots(consultation) if s.published)
    reply = reply_of(consultation)

    with client.session_transaction() as session:
        session.clear()
    events = timeline(client.get(base(consultation)))

    assert events == [
        f"{day(consultation.opens_at)}: Opened for responses",
        f"{day(held.starts_at)}: Discussed at the meeting: Business rates retention",
        f"{day(consultation.closes_at)}: Closed",
        f"{day(published.created_at)}: Summary of positions published",
        f"{day(reply.published_at)}: Government reply published",
    ]


def test_an_open_consultation_has_only_opened_on_its_timeline(client):
    consultation = build()

    assert timeline(client.get(base(consultation))) == [
        f"{day(consultation.opens_at)}: Opened for responses"
    ]


def test_a_meeting_still_to_come_or_cancelled_is_not_a_discussion_on_the_timeline(client):
    consultation = build(closed=True)
    coming = factories.meeting(published=True)
    cancelled = factories.meeting(
        starts_at=factories.london_time(today() - timedelta(days=3), 10, 30),
        status=MeetingStatus.CANCELLED,
    )
    for meeting, title in ((coming, "Coming up"), (cancelled, "Called off")):
        item = factories.agenda_item(meeting=meeting, title=title)
        item.consultation_id = consultation.id

    events = timeline(client.get(base(consultation)))

    assert not any("Discussed" in event for event in events)


@pytest.mark.parametrize("role", [None, Role.LEADER])
def test_a_confidential_item_title_is_not_on_the_public_timeline(client, role):
    consultation = build(closed=True)
    held = factories.meeting(
        starts_at=factories.london_time(today() - timedelta(days=5), 10, 30),
        status=MeetingStatus.HELD,
    )
    held.agenda_published_at = held.starts_at - timedelta(days=7)
    item = factories.agenda_item(meeting=held, title="Council X insolvency", confidential=True)
    item.consultation_id = consultation.id
    if role is not None:
        sign_in(client, factories.user(role=role))

    text = page(client.get(base(consultation))).select_one("main").get_text(" ", strip=True)

    if role is None:
        assert "Council X insolvency" not in text
        assert "Discussed at the meeting: Confidential item" in text
    else:
        assert "Discussed at the meeting: Council X insolvency" in text
