"""The response window, enforced on the server: after the closing time a
response is read-only and every change is refused; the secretariat can give
one authority an extension (a new deadline and a reason), which re-opens the
window for that authority only and is shown to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from commission.auth.roles import Role
from commission.consultations.models import Extension, Position, Response, ResponseStatus
from commission.extensions import db
from commission.timeutil import LONDON, format_datetime, now_utc, today
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
    table_rows,
)

FORBIDDEN_ROLES = [Role.LEADER, Role.OFFICER, Role.MINISTER, Role.CHAIR]


def respond_url(consultation, authority) -> str:
    return f"/consultations/{consultation.reference}/responses/{authority.slug}"


def stored(consultation, authority) -> Response | None:
    db.session.flush()
    db.session.expire_all()
    return db.session.execute(
        select(Response).where(
            Response.consultation_id == consultation.id, Response.authority_id == authority.id
        )
    ).scalar_one_or_none()


def extensions() -> list[Extension]:
    return list(db.session.execute(select(Extension).order_by(Extension.id)).scalars())


def form_data(consultation, version="", overall="support") -> dict[str, str]:
    q1, q2 = consultation.questions
    return {
        "version": str(version),
        "overall_position": overall,
        "overall_comment": "Late thoughts",
        f"position_{q1.id}": overall,
        f"comment_{q1.id}": "",
        f"comment_{q2.id}": "Our answer",
        "save": "y",
    }


CLOSED_AT = now_utc().replace(microsecond=0) - timedelta(days=2)


@pytest.fixture
def closed():
    return factories.consultation(
        title="The English Deal",
        opens_at=CLOSED_AT - timedelta(days=60),
        closes_at=CLOSED_AT,
        questions=2,
    )


@pytest.fixture
def council():
    return factories.council(name="Wakefield Council")


@pytest.fixture
def officer(council):
    return factories.person_at(authority=council, role=Role.OFFICER)


@pytest.fixture
def leader(council):
    return factories.person_at(authority=council, role=Role.LEADER)


def closed_message(consultation) -> str:
    return (
        f"This consultation closed on {format_datetime(consultation.closes_at)}. "
        "Responses can no longer be changed"
    )


# After closing time -------------------------------------------------------------------------------


def test_after_closing_time_the_response_page_is_read_only(client, closed, council, officer):
    factories.draft_response(consultation=closed, authority=council, position=Position.NEUTRAL)
    sign_in(client, officer)
    shown = ok(client.get(respond_url(closed, council)))
    assert page(shown).select("main form") == []
    assert "This consultation is closed, so the response can no longer be changed." in main_text(
        shown
    )
    assert summary_list(shown)["Overall position"] == "Neutral"
    check = client.get(respond_url(closed, council) + "/check")
    assert page(check).select("main form") == []
    assert page(check).select(".govuk-summary-list__actions") == []


def test_after_closing_time_a_save_is_refused(client, closed, council, officer):
    existing = factories.draft_response(
        consultation=closed, authority=council, position=Position.NEUTRAL
    )
    sign_in(client, officer)
    shown = ok(client.post(respond_url(closed, council), data=form_data(closed, existing.version)))
    assert error_summary(shown) == [(closed_message(closed), "")]
    after = stored(closed, council)
    assert after.overall_position is Position.NEUTRAL
    assert after.version == existing.version
    assert audit_events("response_saved") == []


def test_after_closing_time_a_first_save_creates_nothing(client, closed, council, officer):
    sign_in(client, officer)
    response = client.post(respond_url(closed, council), data=form_data(closed))
    assert error_summary(response) == [(closed_message(closed), "")]
    assert stored(closed, council) is None
    assert "Wakefield Council has not responded. The consultation is closed." in main_text(response)


@pytest.mark.parametrize("action", ["submit", "ready"])
def test_after_closing_time_sign_off_is_refused(client, closed, council, leader, action):
    draft = factories.draft_response(
        consultation=closed,
        authority=council,
        position=Position.SUPPORT,
        answers={
            closed.questions[0].id: (Position.SUPPORT, None),
            closed.questions[1].id: (None, "Answer"),
        },
    )
    sign_in(client, leader)
    response = client.post(
        respond_url(closed, council) + "/check",
        data={"action": action, "version": str(draft.version)},
    )
    assert error_summary(response) == [(closed_message(closed), "")]
    after = stored(closed, council)
    assert after.status is ResponseStatus.DRAFT
    assert after.submitted_at is None


def test_an_amendment_not_signed_off_in_time_does_not_replace_the_submitted_response(
    client, closed, council, officer
):
    response = factories.submitted_response(
        consultation=closed, authority=council, position=Position.SUPPORT
    )
    response.status = ResponseStatus.DRAFT  # an amendment was being drafted
    response.overall_position = Position.OPPOSE
    sign_in(client, officer)
    shown = client.get(respond_url(closed, council))
    assert "Status: Submitted; amendment draft." in main_text(shown)
    assert summary_list(shown)["Overall position"] == "Support"


def test_the_consultation_page_says_responses_are_closed(client, closed, council, officer):
    sign_in(client, officer)
    shown = client.get(f"/consultations/{closed.reference}")
    inset = " ".join(page(shown).select_one("main .govuk-inset-text").get_text(" ").split())
    assert "Responses are closed." in inset
    assert "See the response" in inset
    assert page(shown).select_one("main .govuk-tag").get_text(strip=True) == "Closed"


def test_the_secretariat_can_still_reach_extensions_after_closing_time(client, closed):
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    shown = client.get(f"/consultations/{closed.reference}")
    link = page(shown).select_one(f"a[href='/consultations/{closed.reference}/extensions']")
    assert link is not None
    assert link.get_text(strip=True) == "Extensions"


# Extensions -------------------------------------------------------------------------------------


@pytest.fixture
def secretariat(client):
    person = factories.user(role=Role.SECRETARIAT, full_name="Sam Secretariat")
    sign_in(client, person)
    return person


def extension_data(authority, day, time="5pm", reason="Full council meets after the deadline"):
    return {
        "authority": str(authority.id) if authority else "",
        "day": [str(day.day), str(day.month), str(day.year)] if day else ["", "", ""],
        "time": time,
        "reason": reason,
    }


@pytest.mark.parametrize("role", [*FORBIDDEN_ROLES, None], ids=lambda r: r or "anonymous")
@pytest.mark.parametrize("method", ["get", "post"])
def test_only_the_secretariat_grants_extensions(client, closed, council, role, method):
    if role is not None:
        sign_in(client, factories.user(role=role))
    response = getattr(client, method)(
        f"/consultations/{closed.reference}/extensions",
        data=extension_data(council, today() + timedelta(days=7)),
    )
    if role is None:
        expect(response, 302)
        assert response.headers["Location"].startswith("/sign-in?next=")
    else:
        expect(response, 403)
    assert extensions() == []


def test_the_extensions_page(client, secretariat, closed, council):
    response = client.get(f"/consultations/{closed.reference}/extensions")
    assert heading(response) == "Extensions"
    assert "No extensions have been granted." in main_text(response)
    assert page(response).select_one("input[name=time]")["value"] == "11:59pm"
    options = [o.get_text() for o in page(response).select("select[name=authority] option")]
    assert "Wakefield Council" in options


def test_granting_an_extension(client, secretariat, closed, council):
    new_day = today() + timedelta(days=7)
    response = client.post(
        f"/consultations/{closed.reference}/extensions", data=extension_data(council, new_day)
    )
    assert response.headers["Location"] == f"/consultations/{closed.reference}/extensions"
    [extension] = extensions()
    assert extension.consultation_id == closed.id
    assert extension.authority_id == council.id
    assert extension.closes_at == datetime.combine(
        new_day, datetime.min.time().replace(hour=17), tzinfo=LONDON
    ).astimezone(UTC)
    assert extension.reason == "Full council meets after the deadline"
    assert extension.granted_by_id == secretariat.id
    [event] = audit_events("extension_granted")
    assert event.summary == (
        f"Sam Secretariat gave Wakefield Council until {format_datetime(extension.closes_at)} "
        f"to respond to {closed.reference}"
    )
    assert event.details == {"reason": "Full council meets after the deadline"}
    page_after = client.get(response.headers["Location"])
    assert banner(page_after) == "Success Extension granted to Wakefield Council"
    assert (
        f"Wakefield Council: until {format_datetime(extension.closes_at)} "
        "(Full council meets after the deadline)"
    ) in main_text(page_after)


def test_granting_again_moves_the_same_extension(client, secretariat, closed, council):
    client.post(
        f"/consultations/{closed.reference}/extensions",
        data=extension_data(council, today() + timedelta(days=3)),
    )
    client.post(
        f"/consultations/{closed.reference}/extensions",
        data=extension_data(council, today() + timedelta(days=9), reason="Still waiting"),
    )
    [extension] = extensions()
    assert extension.reason == "Still waiting"
    assert extension.closes_at.astimezone(LONDON).date() == today() + timedelta(days=9)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"reason": "   "}, [("Enter the reason for the extension", "#reason")]),
        ({"authority": ""}, [("Select the authority", "#authority")]),
        ({"day": ["", "", ""]}, [("Enter the new deadline", "#day")]),
        ({"reason": "x" * 501}, [("Reason must be 500 characters or fewer", "#reason")]),
    ],
)
def test_extensions_that_cannot_be_granted(
    client, secretariat, closed, council, overrides, expected
):
    data = extension_data(council, today() + timedelta(days=7))
    data.update(overrides)
    shown = ok(client.post(f"/consultations/{closed.reference}/extensions", data=data))
    assert error_summary(shown) == expected
    assert extensions() == []


def test_an_extension_must_end_after_the_closing_date(client, secretariat, closed, council):
    day = (closed.closes_at - timedelta(days=1)).astimezone(LONDON).date()
    response = client.post(
        f"/consultations/{closed.reference}/extensions", data=extension_data(council, day)
    )
    assert error_summary(response) == [
        (
            f"The new deadline must be after the closing date, {format_datetime(closed.closes_at)}",
            "#day",
        )
    ]
    assert extensions() == []


def test_a_draft_consultation_gets_no_extensions(client, secretariat, council):
    from commission.consultations.models import ConsultationStatus

    draft = factories.consultation(status=ConsultationStatus.DRAFT)
    response = client.post(
        f"/consultations/{draft.reference}/extensions",
        data=extension_data(council, today() + timedelta(days=60)),
    )
    assert error_summary(response) == [
        ("Extensions can be granted only for an open consultation", "")
    ]
    assert extensions() == []


def test_an_extension_reopens_the_window_for_that_authority_only(client, closed, council, officer):
    other = factories.council(name="Leeds Council")
    other_officer = factories.person_at(authority=other, role=Role.OFFICER)
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    client.post(
        f"/consultations/{closed.reference}/extensions",
        data=extension_data(council, today() + timedelta(days=7)),
    )
    [extension] = extensions()

    sign_in(client, officer)
    shown = client.get(respond_url(closed, council))
    assert page(shown).select_one("main form") is not None
    assert (
        f"Responses close {format_datetime(extension.closes_at)}. Wakefield Council has an "
        "extension: Full council meets after the deadline."
    ) in main_text(shown)
    saved = client.post(respond_url(closed, council), data=form_data(closed))
    expect(saved, 302)
    assert stored(closed, council).overall_comment == "Late thoughts"
    consultation_page = client.get(f"/consultations/{closed.reference}")
    inset = " ".join(page(consultation_page).select_one(".govuk-inset-text").get_text(" ").split())
    assert (
        f"Extension granted until {format_datetime(extension.closes_at)}: "
        "Full council meets after the deadline."
    ) in inset
    assert "Work on the response" in inset

    sign_in(client, other_officer)
    refused = client.post(respond_url(closed, other), data=form_data(closed))
    assert error_summary(refused) == [(closed_message(closed), "")]
    assert stored(closed, other) is None
    assert "extension" not in main_text(client.get(respond_url(closed, other)))


def test_an_extension_that_has_run_out_closes_the_window_again(client, closed, council, officer):
    db.session.add(
        Extension(
            consultation_id=closed.id,
            authority_id=council.id,
            closes_at=now_utc() - timedelta(hours=1),
            reason="A short extension",
        )
    )
    sign_in(client, officer)
    refused = client.post(respond_url(closed, council), data=form_data(closed))
    assert error_summary(refused)[0][0].startswith("This consultation closed on ")
    assert stored(closed, council) is None


def test_the_list_shows_an_authority_its_extended_deadline_and_days_left(
    client, closed, council, officer
):
    extension = Extension(
        consultation_id=closed.id,
        authority_id=council.id,
        closes_at=now_utc() + timedelta(days=5, hours=2),
        reason="Full council meets after the deadline",
    )
    db.session.add(extension)
    sign_in(client, officer)
    [row] = table_rows(client.get("/consultations"))
    assert row[2].endswith("Closed")
    assert row[3] == f"Not started Extended to {format_datetime(extension.closes_at)}: 5 days left"

    other_officer = factories.person_at(authority=factories.council(), role=Role.OFFICER)
    sign_in(client, other_officer)
    [row] = table_rows(client.get("/consultations"))
    assert row[3] == "Not started"


def test_the_confirmation_gives_the_extended_deadline_for_amendments(
    client, closed, council, leader
):
    extension = Extension(
        consultation_id=closed.id,
        authority_id=council.id,
        closes_at=now_utc() + timedelta(days=5),
        reason="Full council meets after the deadline",
    )
    db.session.add(extension)
    factories.submitted_response(consultation=closed, authority=council)
    sign_in(client, leader)
    shown = client.get(respond_url(closed, council) + "/confirmation")
    assert (
        f"You can amend the response until responses close on "
        f"{format_datetime(extension.closes_at)}."
    ) in main_text(shown)


def test_after_closing_time_the_check_page_says_it_is_closed(client, closed, council, leader):
    factories.draft_response(consultation=closed, authority=council, position=Position.NEUTRAL)
    sign_in(client, leader)
    check = client.get(respond_url(closed, council) + "/check")
    text = main_text(check)
    assert (
        "This consultation is closed, so the response can no longer be changed or signed off."
        in (text)
    )
    assert "Before it can be signed off" not in text
    assert page(check).select("main form") == []
