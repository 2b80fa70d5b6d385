"""Signing off at the deadline: a leader who double-clicks "Sign off and
submit" signs off once, and the second click shows the response as it now is,
never an error page.

Two clicks are two requests. When the second reads the response before the
first has committed, both pass the version check; the second's write then finds
no row at the version it read (SQLAlchemy's version counter) and is refused.
The tests make that happen by changing the row's version behind the session's
back between the check and the write, as the first click's commit does.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, text

from commission.auth.roles import Role
from commission.consultations import services
from commission.consultations.models import Position, Response, ResponseRevision, ResponseStatus
from commission.extensions import db
from commission.notifications.models import OutboxMessage
from tests import factories
from tests.conftest import audit_events
from tests.pages import banner, expect, page, sign_in, summary_list


@pytest.fixture
def council():
    return factories.council(name="Wigan Council")


@pytest.fixture
def consultation():
    return factories.consultation(title="Sure Start revival", questions=2)


@pytest.fixture
def leader(council):
    return factories.person_at(authority=council, role=Role.LEADER, full_name="Lena Leader")


@pytest.fixture
def ready(consultation, council) -> Response:
    """A response with every question answered, ready to sign off."""
    first, second = consultation.questions
    response = factories.draft_response(
        consultation=consultation,
        authority=council,
        position=Position.SUPPORT,
        comment="We welcome it",
        answers={first.id: (Position.SUPPORT, None), second.id: (None, "Our view")},
    )
    db.session.commit()
    return response


def the_other_click_lands_first(monkeypatch: pytest.MonkeyPatch, response_id: int) -> None:
    """After this request has checked the version, the row moves on, as when
    another request for the same response commits in between."""
    real = services.missing_answers
    landed: list[int] = []

    def check_then_lose_the_race(*args: Any) -> Any:
        problems = real(*args)
        if not landed:
            landed.append(response_id)
            db.session.execute(
                text("UPDATE responses SET version = version + 1 WHERE id = :id"),
                {"id": response_id},
            )
        return problems

    monkeypatch.setattr(services, "missing_answers", check_then_lose_the_race)


def revisions(response_id: int) -> int:
    return db.session.execute(
        select(func.count(ResponseRevision.id)).where(ResponseRevision.response_id == response_id)
    ).scalar_one()


def notices() -> int:
    return db.session.execute(select(func.count(OutboxMessage.id))).scalar_one()


def check_url(consultation, council) -> str:
    return f"/consultations/{consultation.reference}/responses/{council.slug}/check"


def test_a_sign_off_that_lost_the_race_is_a_conflict_and_keeps_nothing(
    app_ctx, consultation, council, leader, ready, monkeypatch
):
    version, revisions_before, notices_before = ready.version, revisions(ready.id), notices()
    the_other_click_lands_first(monkeypatch, ready.id)

    with pytest.raises(services.ResponseConflict) as raised:
        services.submit_response(
            consultation=consultation, authority=council, expected_version=version, actor=leader
        )

    assert raised.value.response.id == ready.id
    assert revisions(ready.id) == revisions_before
    assert notices() == notices_before
    assert audit_events("response_submitted") == []


def test_marking_ready_that_lost_the_race_is_a_conflict_too(
    app_ctx, consultation, council, leader, ready, monkeypatch
):
    the_other_click_lands_first(monkeypatch, ready.id)

    with pytest.raises(services.ResponseConflict):
        services.mark_ready(
            consultation=consultation,
            authority=council,
            expected_version=ready.version,
            actor=leader,
        )

    assert audit_events("response_ready") == []


def test_the_losing_click_shows_the_response_not_an_error_page(
    client, consultation, council, leader, ready, monkeypatch
):
    sign_in(client, leader)
    shown = page(client.get(check_url(consultation, council)))
    version = shown.select_one("main form input[name=version]")["value"]
    the_other_click_lands_first(monkeypatch, ready.id)

    result = client.post(
        check_url(consultation, council), data={"action": "submit", "version": version}
    )

    expect(result, 302, location=check_url(consultation, council))
    again = client.get(result.headers["Location"])
    assert banner(again) == (
        "Important Someone changed this response since you opened it. Check it again below"
    )
    assert summary_list(again)["Overall position"] == "Support We welcome it"
    assert audit_events("response_submitted") == []


def test_a_double_click_signs_off_once(client, consultation, council, leader, ready):
    sign_in(client, leader)
    shown = page(client.get(check_url(consultation, council)))
    version = shown.select_one("main form input[name=version]")["value"]
    form = {"action": "submit", "version": version}

    first = client.post(check_url(consultation, council), data=form)
    second = client.post(check_url(consultation, council), data=form)

    assert first.headers["Location"].endswith("/confirmation")
    assert second.headers["Location"] == check_url(consultation, council)
    db.session.expire_all()
    stored = db.session.get(Response, ready.id)
    assert stored.status is ResponseStatus.SUBMITTED
    assert stored.submission_count == 1
    assert stored.submitted_by_id == leader.id
    assert [e.subject_id for e in audit_events("response_submitted")] == [ready.id]
    assert audit_events("response_amended") == []
    assert revisions(ready.id) == 1


@pytest.mark.parametrize("version", ["abc", "1e9", "", "²", "-1", "99999999999999999999"])
def test_a_tampered_version_is_treated_as_out_of_date_not_an_error(
    client, consultation, council, leader, ready, version
):
    sign_in(client, leader)

    result = client.post(
        check_url(consultation, council), data={"action": "submit", "version": version}
    )

    expect(result, 302, location=check_url(consultation, council))
    assert banner(client.get(result.headers["Location"])) == (
        "Important Someone changed this response since you opened it. Check it again below"
    )
    db.session.expire_all()
    assert db.session.get(Response, ready.id).status is not ResponseStatus.SUBMITTED
    assert audit_events("response_submitted") == []
