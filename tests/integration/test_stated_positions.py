"""Positions stated at meetings: the secretariat records, against a meeting
that has started, the position an authority's representative stated in the
room. With no response yet it becomes the authority's response (channel
"stated at a meeting"); otherwise the written response is untouched and the
stated position is shown beside it."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import select

from commission.auth.roles import Role
from commission.consultations.models import (
    Channel,
    ConsultationStatus,
    Position,
    Response,
    ResponseRevision,
    ResponseStatus,
    StatedPosition,
)
from commission.extensions import db
from commission.meetings.models import MeetingStatus
from commission.timeutil import LONDON, format_date, now_utc, today
from tests import factories
from tests.conftest import audit_events
from tests.pages import (
    banner,
    error_summary,
    expect,
    heading,
    main_text,
    ok,
    page,
    sign_in,
    summary_list,
)

FORBIDDEN_ROLES = [Role.LEADER, Role.OFFICER, Role.MINISTER, Role.CHAIR]


def stored(consultation, authority) -> Response | None:
    db.session.flush()
    db.session.expire_all()
    return db.session.execute(
        select(Response).where(
            Response.consultation_id == consultation.id, Response.authority_id == authority.id
        )
    ).scalar_one_or_none()


def stated() -> list[StatedPosition]:
    return list(db.session.execute(select(StatedPosition).order_by(StatedPosition.id)).scalars())


@pytest.fixture
def consultation():
    return factories.consultation(title="The English Deal", questions=2)


@pytest.fixture
def council():
    return factories.council(name="Bolton Council")


@pytest.fixture
def held():
    """A meeting that started yesterday morning, with its agenda published."""
    return factories.meeting(
        starts_at=factories.london_time(today() - timedelta(days=1), 10, 30), published=True
    )


@pytest.fixture
def secretariat(client):
    person = factories.user(role=Role.SECRETARIAT, full_name="Sam Secretariat")
    sign_in(client, person)
    return person


def stated_data(meeting, authority, position="oppose", comment="Not without new money"):
    data = {
        "meeting": str(meeting.id) if meeting else "",
        "authority": str(authority.id) if authority else "",
        "comment": comment,
    }
    if position is not None:
        data["position"] = position
    return data


def url(consultation) -> str:
    return f"/consultations/{consultation.reference}/stated"


# Who may record ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*FORBIDDEN_ROLES, None], ids=lambda r: r or "anonymous")
@pytest.mark.parametrize("method", ["get", "post"])
def test_only_the_secretariat_records_stated_positions(
    client, consultation, council, held, role, method
):
    if role is not None:
        sign_in(client, factories.user(role=role))
    response = getattr(client, method)(url(consultation), data=stated_data(held, council))
    if role is None:
        expect(response, 302)
        assert response.headers["Location"].startswith("/sign-in?next=")
    else:
        expect(response, 403)
    assert stated() == []
    assert stored(consultation, council) is None


# The form ---------------------------------------------------------------------------------------


def test_the_form_offers_only_meetings_that_have_started(client, secretariat, consultation, held):
    factories.meeting(published=True)  # next week
    factories.meeting(
        starts_at=factories.london_time(today() - timedelta(days=8), 10, 30),
        status=MeetingStatus.DRAFT,
    )
    response = client.get(url(consultation))
    assert heading(response) == "Record a position stated at a meeting"
    options = [o.get_text() for o in page(response).select("select[name=meeting] option")]
    assert options == [
        "Select the meeting",
        f"{held.starts_at.astimezone(LONDON):%A %-d %B %Y}",
    ]
    link = page(client.get(f"/consultations/{consultation.reference}")).select_one(
        f"a[href='{url(consultation)}']"
    )
    assert link.get_text(strip=True) == "Record a position stated at a meeting"


# With no response: the stated position becomes the response --------------------------------------


def test_a_stated_position_becomes_the_response_of_an_authority_with_none(
    client, secretariat, consultation, council, held
):
    result = client.post(url(consultation), data=stated_data(held, council, comment="  Oppose  "))
    assert result.headers["Location"] == f"/consultations/{consultation.reference}"

    [record] = stated()
    assert (record.authority_id, record.meeting_id, record.position, record.comment) == (
        council.id,
        held.id,
        Position.OPPOSE,
        "Oppose",
    )
    assert record.recorded_by_id == secretariat.id

    response = stored(consultation, council)
    assert response.channel is Channel.STATED_AT_MEETING
    assert response.status is ResponseStatus.SUBMITTED
    assert response.overall_position is Position.OPPOSE
    assert response.submitted_position is Position.OPPOSE
    assert response.submitted_comment == "Oppose"
    assert response.submitted_at == held.starts_at
    assert response.submitted_by_id == secretariat.id
    assert response.submission_count == 1
    assert response.control_at_submission == "labour"
    [revision] = db.session.execute(
        select(ResponseRevision).where(ResponseRevision.response_id == response.id)
    ).scalars()
    assert revision.action == "stated at meeting"
    [event] = audit_events("position_stated")
    assert event.summary.startswith(
        "Sam Secretariat recorded Bolton Council's position stated at the meeting on "
    )
    assert event.summary.endswith(": Oppose")

    shown = client.get(result.headers["Location"])
    assert banner(shown) == "Success Position stated by Bolton Council recorded"
    assert (
        f"Positions stated at meetings Bolton Council: Oppose (stated at the meeting on "
        f"{format_date(held.starts_at)}): “Oppose”"
    ) in main_text(shown)

    officer = factories.person_at(authority=council, role=Role.OFFICER)
    sign_in(client, officer)
    own = client.get(f"/consultations/{consultation.reference}/responses/{council.slug}")
    assert "Status: Submitted." in main_text(own)
    assert "Recorded from a position stated at a meeting." in main_text(own)
    listing = client.get("/consultations")
    assert page(listing).select("tbody tr td")[-1].get_text(strip=True) == "Submitted"


def test_the_pdf_of_a_stated_response_says_it_was_stated_not_signed_off(
    client, secretariat, consultation, council, held
):
    client.post(url(consultation), data=stated_data(held, council))
    pdf = client.get(f"/consultations/{consultation.reference}/responses/{council.slug}.pdf")
    assert pdf.mimetype == "application/pdf"
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf.data, capture_output=True, check=True
    )
    text = " ".join(result.stdout.decode().split())
    assert "Stated at the meeting on " in text
    assert "recorded by Sam Secretariat. Channel: stated at a meeting." in text
    assert "Signed off by" not in text


def test_the_secretariat_reads_a_stated_response_as_submitted(
    client, secretariat, consultation, council, held
):
    client.post(url(consultation), data=stated_data(held, council, position="support", comment=""))
    response = client.get(f"/consultations/{consultation.reference}/responses/{council.slug}")
    rows = summary_list(response)
    assert rows["Overall position"] == "Support"
    assert rows["1. Question 1?"] == "Not answered"
    assert stored(consultation, council).submitted_comment is None


# With a written response: kept beside it ---------------------------------------------------------


def test_a_stated_position_is_kept_beside_a_written_response(
    client, secretariat, consultation, council, held
):
    written = factories.submitted_response(
        consultation=consultation, authority=council, position=Position.SUPPORT
    )
    version, submitted_at = written.version, written.submitted_at
    client.post(url(consultation), data=stated_data(held, council, position="neutral"))

    [record] = stated()
    assert record.position is Position.NEUTRAL
    response = stored(consultation, council)
    assert response.id == written.id
    assert response.channel is Channel.ONLINE
    assert response.submitted_position is Position.SUPPORT
    assert response.overall_position is Position.SUPPORT
    assert response.version == version
    assert response.submitted_at == submitted_at
    assert response.submission_count == 1
    assert len(audit_events("position_stated")) == 1

    shown = client.get(f"/consultations/{consultation.reference}")
    assert "Bolton Council: Neutral (stated at the meeting on" in main_text(shown)


def test_the_authority_sees_its_stated_position_beside_its_written_response(
    client, secretariat, consultation, council, held
):
    factories.submitted_response(
        consultation=consultation, authority=council, position=Position.SUPPORT
    )
    client.post(url(consultation), data=stated_data(held, council, position="neutral"))
    officer = factories.person_at(authority=council, role=Role.OFFICER)
    sign_in(client, officer)
    own = main_text(client.get(f"/consultations/{consultation.reference}/responses/{council.slug}"))
    assert (
        f"Positions stated at meetings Neutral (stated at the meeting on "
        f"{format_date(held.starts_at)}): “Not without new money” Recorded by the secretariat "
        "and kept beside Bolton Council's written response."
    ) in own
    other = factories.council(name="Wigan Council")
    sign_in(client, factories.person_at(authority=other, role=Role.OFFICER))
    theirs = main_text(
        client.get(f"/consultations/{consultation.reference}/responses/{other.slug}")
    )
    assert "Positions stated at meetings" not in theirs


def test_the_comment_limit_comes_from_configuration(
    client, app, secretariat, consultation, council, held
):
    app.config["COMMENT_MAX_LENGTH"] = 20
    try:
        response = client.post(url(consultation), data=stated_data(held, council, comment="z" * 21))
    finally:
        app.config["COMMENT_MAX_LENGTH"] = 5000
    assert error_summary(response) == [("The comment must be 20 characters or fewer", "#comment")]
    assert stated() == []
    assert stored(consultation, council) is None


def test_a_longer_configured_limit_and_line_breaks_counted_once(
    client, app, secretariat, consultation, council, held
):
    app.config["COMMENT_MAX_LENGTH"] = 8000
    try:
        long = client.post(url(consultation), data=stated_data(held, council, comment="z" * 6000))
    finally:
        app.config["COMMENT_MAX_LENGTH"] = 5000
    assert error_summary(long) == []
    [recorded] = stated()
    assert len(recorded.comment) == 6000

    other = factories.council(name="Salford City Council")
    lines = "\r\n".join(["y" * 249] * 20)  # 4,980 characters and 19 line breaks
    client.post(url(consultation), data=stated_data(held, other, comment=lines))
    assert [len(s.comment) for s in stated()] == [6000, 4999]


def test_a_stated_position_leaves_a_draft_response_alone(
    client, secretariat, consultation, council, held
):
    draft = factories.draft_response(
        consultation=consultation, authority=council, position=Position.OPPOSE
    )
    client.post(url(consultation), data=stated_data(held, council, position="support"))
    response = stored(consultation, council)
    assert response.id == draft.id
    assert response.status is ResponseStatus.DRAFT
    assert response.overall_position is Position.OPPOSE
    assert response.submitted_at is None
    assert [s.position for s in stated()] == [Position.SUPPORT]


def test_html_in_a_stated_comment_is_escaped(client, secretariat, consultation, council, held):
    client.post(
        url(consultation), data=stated_data(held, council, comment="<img src=x onerror=alert(1)>")
    )
    shown = client.get(f"/consultations/{consultation.reference}")
    html = shown.get_data(as_text=True)
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


# Refusals ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"position": None}, [("Select the position stated", "#position")]),
        ({"meeting": None}, [("Select the meeting", "#meeting")]),
        ({"authority": None}, [("Select the authority", "#authority")]),
    ],
)
def test_positions_that_cannot_be_recorded(
    client, secretariat, consultation, council, held, overrides, expected
):
    data = stated_data(
        None if "meeting" in overrides else held,
        None if "authority" in overrides else council,
        position=overrides.get("position", "oppose"),
    )
    shown = ok(client.post(url(consultation), data=data))
    assert error_summary(shown) == expected
    assert stated() == []
    assert stored(consultation, council) is None


def test_a_meeting_that_has_not_started_cannot_be_chosen(
    client, secretariat, consultation, council
):
    upcoming = factories.meeting(published=True)
    response = client.post(url(consultation), data=stated_data(upcoming, council))
    assert error_summary(response) == [("Select the meeting", "#meeting")]
    assert stated() == []


def test_a_draft_consultation_takes_no_stated_positions(client, secretariat, council, held):
    draft = factories.consultation(status=ConsultationStatus.DRAFT)
    response = client.post(url(draft), data=stated_data(held, council))
    assert error_summary(response) == [("This consultation is not open yet", "")]
    assert stated() == []


def test_a_position_stated_while_open_can_be_recorded_after_closing(
    client, secretariat, council, held
):
    closed = factories.consultation(
        opens_at=now_utc() - timedelta(days=60), closes_at=now_utc() - timedelta(hours=1)
    )
    client.post(url(closed), data=stated_data(held, council))
    assert stored(closed, council).channel is Channel.STATED_AT_MEETING
