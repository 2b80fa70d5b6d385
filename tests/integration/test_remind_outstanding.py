"""Who the secretariat's reminder goes to (``consultations.queries.coverage``,
read as plain columns), and that the remind page, shown or refused, runs as
many statements for many authorities as for few."""

from __future__ import annotations

from datetime import timedelta

import pytest

from commission.auth.roles import Role
from commission.consultations.models import Extension
from commission.consultations.queries import coverage
from commission.extensions import db
from commission.notifications import events
from commission.timeutil import now_utc
from tests import factories
from tests.conftest import count_statements
from tests.pages import error_summary, ok, sign_in


def extend(consultation, authority, closes_at) -> None:
    db.session.add(
        Extension(
            consultation_id=consultation.id,
            authority_id=authority.id,
            closes_at=closes_at,
            reason="Elections",
        )
    )
    db.session.flush()


@pytest.mark.parametrize("closed", [False, True], ids=["open", "closing time passed"])
def test_the_awaited_are_the_members_who_have_not_submitted_and_still_can(app_ctx, closed):
    now = now_utc()
    closes = now - timedelta(hours=1) if closed else now + timedelta(days=5)
    consultation = factories.consultation(
        title="Adult social care", opens_at=now - timedelta(days=20), closes_at=closes
    )
    secretariat = factories.user(role=Role.SECRETARIAT)
    confirmer = factories.user(role=Role.SECRETARIAT)
    factories.council(name="Allerdale Council")  # nothing yet
    factories.council(name="Outside Council", member=False)
    factories.submitted_response(
        consultation=consultation, authority=factories.council(name="Bolton Council")
    )
    factories.draft_response(
        consultation=consultation, authority=factories.council(name="Kirklees Council")
    )
    factories.letter_response(
        consultation=consultation,
        authority=factories.council(name="Leeds Council"),
        entered_by=secretariat,
    )
    factories.letter_response(
        consultation=consultation,
        authority=factories.council(name="Oldham Council"),
        entered_by=secretariat,
        confirmed_by=confirmer,
    )
    wigan = factories.council(name="Wigan Council")
    extend(consultation, wigan, closes + timedelta(days=7))
    extend(consultation, factories.council(name="Bury Council"), closes - timedelta(days=7))
    york = factories.council(name="York Council")
    factories.draft_response(consultation=consultation, authority=york)
    extend(consultation, york, closes + timedelta(days=2))

    found = coverage([consultation], now)[consultation.id]

    awaited = {
        one.authority.name: (one.authority.slug, one.deadline, one.extended, one.drafting)
        for one in found.awaited
    }
    assert awaited["Wigan Council"] == (wigan.slug, closes + timedelta(days=7), True, False)
    assert awaited["York Council"] == (york.slug, closes + timedelta(days=2), True, True)
    # Submitted, or a letter waiting to be confirmed, or confirmed: not awaited.
    assert not {"Bolton Council", "Leeds Council", "Oldham Council"} & set(awaited)
    assert "Outside Council" not in awaited
    assert found.submitted == 2  # Bolton, and Oldham's confirmed letter
    if closed:
        assert list(awaited) == ["Wigan Council", "York Council"]
    else:
        assert [name for name in awaited if name not in {"Wigan Council", "York Council"}] == [
            "Allerdale Council",
            "Bury Council",
            "Kirklees Council",
        ]
        assert awaited["Kirklees Council"][1:] == (closes, False, True)


def remind_url(consultation) -> str:
    return f"/consultations/{consultation.reference}/remind"


def add_awaited(consultation, count: int) -> None:
    """``count`` more authorities awaited: a third with nothing yet, a third
    with a draft, a third with an extension."""
    for n in range(count):
        authority = factories.council()
        factories.person_at(authority=authority, role=Role.LEADER)
        if n % 3 == 1:
            factories.draft_response(consultation=consultation, authority=authority)
        if n % 3 == 2:
            extend(consultation, authority, consultation.closes_at + timedelta(days=3))


def statements_for(client, consultation, method: str) -> tuple[int, object]:
    """The statements the page runs, asked for a second time: the first
    request also saves what the test made before it."""
    getattr(client, method)(remind_url(consultation))
    with count_statements() as statements:
        response = getattr(client, method)(remind_url(consultation))
    return len(statements), ok(response)


def test_the_page_reads_as_much_for_many_authorities_as_for_few(client, app_ctx):
    consultation = factories.consultation(title="Adult social care")
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    add_awaited(consultation, 2)
    few, shown = statements_for(client, consultation, "get")
    assert len(shown.select("details li")) == 2
    add_awaited(consultation, 25)
    many, shown = statements_for(client, consultation, "get")
    assert len(shown.select("details li")) == 27
    assert many == few


def test_a_refused_reminder_reads_as_much_for_many_authorities_as_for_few(client, app_ctx):
    consultation = factories.consultation(title="Adult social care")
    secretariat = factories.user(role=Role.SECRETARIAT)
    add_awaited(consultation, 2)
    events.remind_awaited(consultation=consultation, actor=secretariat)
    sign_in(client, secretariat)
    few, refused = statements_for(client, consultation, "post")
    [(message, _)] = error_summary(refused)
    assert "went less than a day ago" in message
    add_awaited(consultation, 25)
    many, refused = statements_for(client, consultation, "post")
    assert len(refused.select("details li")) == 27
    assert many == few
