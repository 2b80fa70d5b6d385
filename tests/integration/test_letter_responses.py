"""Responses received by letter or email: the secretariat enters the answers
with the original, a second (different) member confirms before it counts,
the council's leader is told and can withdraw or replace it before the
deadline, and nothing a council has already written is overwritten."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from commission.auth.roles import Role
from commission.consultations.models import (
    Channel,
    Position,
    Response,
    ResponseStatus,
)
from commission.extensions import db
from commission.notifications.models import OutboxMessage
from commission.summaries.queries import compute_summary
from commission.timeutil import now_utc, today
from tests import factories
from tests.conftest import audit_events
from tests.factories import PDF_BYTES, xlsx_bytes
from tests.pages import (
    banner,
    error_summary,
    expect,
    heading,
    main_text,
    ok,
    page,
    pdf_text,
    sign_in,
    table_records,
)


@pytest.fixture
def council():
    return factories.council(name="Wakefield Council")


@pytest.fixture
def consultation():
    return factories.consultation(title="Local audit reform", questions=2)


@pytest.fixture
def leader(council):
    return factories.person_at(authority=council, role=Role.LEADER, full_name="Denise Jeffery")


@pytest.fixture
def officer(council):
    return factories.person_at(authority=council, role=Role.OFFICER, full_name="Sam Ward")


@pytest.fixture
def clerk():
    return factories.user(role=Role.SECRETARIAT, full_name="Ruth Okafor")


@pytest.fixture
def checker():
    return factories.user(role=Role.SECRETARIAT, full_name="Ben Hale")


def letter_form(consultation, council, *, dated=None, filename="letter.pdf", data=PDF_BYTES, **kw):
    dated = dated or today()
    form = {
        "authority": str(council.id),
        "dated": [str(dated.day), str(dated.month), str(dated.year)],
        "file": (io.BytesIO(data), filename),
        "overall_position": kw.pop("overall", "oppose"),
        "overall_comment": "We cannot support the proposals as drafted.",
    }
    for question in consultation.questions:
        if question.kind.value == "position":
            form[f"position_{question.id}"] = kw.get("position", "oppose")
        else:
            form[f"comment_{question.id}"] = kw.get("text", "As our letter sets out")
    form.update(kw.get("extra", {}))
    return form


def enter(client, consultation, form):
    return client.post(
        f"/consultations/{consultation.reference}/letters/new",
        data=form,
        content_type="multipart/form-data",
    )


def stored(consultation, authority) -> Response | None:
    db.session.flush()
    db.session.expire_all()
    return db.session.execute(
        select(Response).where(
            Response.consultation_id == consultation.id, Response.authority_id == authority.id
        )
    ).scalar_one_or_none()


def response_url(consultation, authority) -> str:
    return f"/consultations/{consultation.reference}/responses/{authority.slug}"


def confirm_url(consultation, authority) -> str:
    return response_url(consultation, authority) + "/confirm-letter"


def submitted_count(consultation) -> int:
    return compute_summary(consultation)["totals"]["submitted"]


# Entering --------------------------------------------------------------------------------


def test_the_secretariat_enters_a_response_from_a_letter(client, consultation, council, clerk):
    sign_in(client, clerk)
    shown = ok(client.get(f"/consultations/{consultation.reference}"))
    assert "Enter a response received by letter or email" in main_text(shown)
    form = ok(client.get(f"/consultations/{consultation.reference}/letters/new"))
    assert heading(form) == "Enter a response received by letter or email"

    dated = today() - timedelta(days=1) if today() > consultation.opens_at.date() else today()
    result = enter(client, consultation, letter_form(consultation, council, dated=dated))
    expect(result, 302, location=f"/consultations/{consultation.reference}#letters")
    response = stored(consultation, council)
    assert response.channel is Channel.LETTER
    assert response.letter_dated == dated
    assert response.entered_by_id == clerk.id
    assert response.submitted_at is None and response.awaiting_confirmation
    assert response.overall_position is Position.OPPOSE
    assert response.overall_comment == "We cannot support the proposals as drafted."
    original = response.original_letter
    assert original is not None and original.filename == "letter.pdf"
    assert response.documents() == []  # the original is not a supporting document
    assert [r.action for r in response.revisions] == ["entered from a letter"]
    [event] = audit_events("letter_response_entered")
    assert event.summary.startswith("Ruth Okafor entered Wakefield Council's response to")

    listed = client.get(result.headers["Location"])
    assert "Wakefield Council's response entered" in banner(listed)
    [row] = table_records(listed, "#letters ~ div table")
    assert row["Authority"] == "Wakefield Council"
    assert row["Entered by"] == "Ruth Okafor"
    assert row["Status"] == "Awaiting confirmation"

    # It does not count until it is confirmed.
    assert submitted_count(consultation) == 0
    assert compute_summary(consultation)["totals"]["draft"] == 0


@pytest.mark.parametrize(
    ("change", "message", "href"),
    [
        ({"dated": ["", "", ""]}, "Enter the date of the letter or email", "#dated"),
        ({"authority": ""}, "Select the authority", "#authority"),
        ({"overall_position": ""}, "Select your authority's overall position", "#overall_position"),
    ],
)
def test_entering_a_letter_needs_every_answer(
    client, consultation, council, clerk, change, message, href
):
    sign_in(client, clerk)
    form = letter_form(consultation, council)
    form.update(change)
    refused = ok(enter(client, consultation, form))
    assert error_summary(refused)[0] == (message, href) or (message, href) in error_summary(refused)
    assert stored(consultation, council) is None


def test_a_letter_dated_in_the_future_or_with_a_disguised_original_is_refused(
    client, consultation, council, clerk
):
    sign_in(client, clerk)
    refused = ok(
        enter(
            client,
            consultation,
            letter_form(consultation, council, dated=today() + timedelta(days=2)),
        )
    )
    assert error_summary(refused) == [
        ("The date of the letter must be today or in the past", "#dated")
    ]
    refused = ok(
        enter(
            client,
            consultation,
            letter_form(consultation, council, filename="letter.pdf", data=xlsx_bytes()),
        )
    )
    assert error_summary(refused) == [
        ("The selected file is not a real PDF file. Check the file", "#file")
    ]
    missing = letter_form(consultation, council)
    del missing["file"]
    refused = ok(enter(client, consultation, missing))
    assert error_summary(refused) == [("Select a file", "#file")]
    assert stored(consultation, council) is None


def test_a_letter_cannot_be_entered_over_a_councils_own_draft(client, consultation, council, clerk):
    draft = factories.draft_response(
        consultation=consultation, authority=council, position=Position.SUPPORT, comment="Ours"
    )
    sign_in(client, clerk)
    refused = ok(enter(client, consultation, letter_form(consultation, council)))
    [(message, href)] = error_summary(refused)
    assert href == "#authority"
    assert message.startswith("Wakefield Council's people have started a draft response")
    kept = stored(consultation, council)
    assert kept.id == draft.id and kept.overall_comment == "Ours"
    assert kept.channel is Channel.ONLINE


def test_a_letter_cannot_replace_a_signed_off_response(client, consultation, council, clerk):
    factories.submitted_response(consultation=consultation, authority=council)
    sign_in(client, clerk)
    refused = ok(enter(client, consultation, letter_form(consultation, council)))
    [(message, _)] = error_summary(refused)
    assert message.startswith("Wakefield Council already has a signed-off response (online")
    assert "the council's leader can amend the response online" in message
    assert stored(consultation, council).channel is Channel.ONLINE


@pytest.mark.parametrize("role", [Role.LEADER, Role.OFFICER, Role.CHAIR, Role.MINISTER])
def test_only_the_secretariat_enters_and_confirms_letters(
    client, login_as, consultation, council, clerk, role
):
    factories.letter_response(consultation=consultation, authority=council, entered_by=clerk)
    login_as(role)
    expect(client.get(f"/consultations/{consultation.reference}/letters/new"), 403)
    expect(enter(client, consultation, letter_form(consultation, factories.council())), 403)
    expect(client.get(confirm_url(consultation, council)), 403)
    expect(client.post(confirm_url(consultation, council)), 403)
    expect(client.post(response_url(consultation, council) + "/discard-letter"), 403)
    assert stored(consultation, council).awaiting_confirmation


# Confirming ------------------------------------------------------------------------------


def test_the_person_who_entered_it_cannot_confirm_it(client, consultation, council, clerk):
    factories.letter_response(consultation=consultation, authority=council, entered_by=clerk)
    sign_in(client, clerk)
    shown = ok(client.get(confirm_url(consultation, council)))
    assert "You entered this response, so another member of the secretariat must confirm it" in (
        main_text(shown)
    )
    assert page(shown).select("main form") == []
    refused = ok(client.post(confirm_url(consultation, council)))
    assert error_summary(refused) == [
        (
            "You entered this response, so another member of the secretariat must confirm it",
            "#submit",
        )
    ]
    assert stored(consultation, council).awaiting_confirmation
    assert submitted_count(consultation) == 0


def test_a_second_member_confirms_it_and_the_leader_is_told(
    client, consultation, council, clerk, checker, leader, officer
):
    factories.letter_response(
        consultation=consultation,
        authority=council,
        entered_by=clerk,
        dated=today(),
    )
    sign_in(client, checker)
    shown = ok(client.get(confirm_url(consultation, council)))
    assert heading(shown) == "Confirm Wakefield Council's response from a letter"
    assert "Entered by the secretariat from a letter dated" in main_text(shown)
    assert "Download the original letter or email" in main_text(shown)

    result = client.post(confirm_url(consultation, council))
    expect(result, 302, location=f"/consultations/{consultation.reference}#letters")
    response = stored(consultation, council)
    assert not response.awaiting_confirmation
    assert response.status is ResponseStatus.SUBMITTED
    assert response.confirmed_by_id == checker.id and response.submitted_by_id == checker.id
    assert response.submitted_position is Position.OPPOSE
    assert response.submission_count == 1
    assert submitted_count(consultation) == 1
    [event] = audit_events("letter_response_confirmed")
    assert event.summary.startswith("Ben Hale confirmed Wakefield Council's response")

    told = db.session.execute(select(OutboxMessage.recipient, OutboxMessage.subject)).all()
    assert (leader.email, f"Response recorded from your letter: {consultation.reference}") in told
    assert all(recipient != officer.email for recipient, _ in told)  # the leader is told

    # Confirmed once: a second confirmation is refused, and nothing changes.
    again = ok(client.post(confirm_url(consultation, council)))
    assert error_summary(again) == [("This response is not waiting to be confirmed", "")]
    assert stored(consultation, council).submission_count == 1


def test_the_letter_is_named_wherever_the_response_is_shown(
    client, consultation, council, clerk, checker, leader
):
    factories.letter_response(
        consultation=consultation, authority=council, entered_by=clerk, confirmed_by=checker
    )
    sign_in(client, leader)
    for suffix in ["", "/check", "/confirmation", "/history"]:
        text = main_text(ok(client.get(response_url(consultation, council) + suffix)))
        assert "Entered by the secretariat from a letter dated" in text, suffix
        assert "Confirmed by Ben Hale" in text, suffix
    text = pdf_text(client.get(response_url(consultation, council) + ".pdf"))
    assert "Entered by the secretariat (Ruth Okafor) from a letter dated" in text
    assert "Channel: by letter or email" in text


# While it waits, and after: the council ---------------------------------------------------


def test_the_council_cannot_change_it_while_it_waits(client, consultation, council, clerk, officer):
    factories.letter_response(consultation=consultation, authority=council, entered_by=clerk)
    sign_in(client, officer)
    shown = ok(client.get(response_url(consultation, council)))
    assert "waiting for a second member of the secretariat to confirm it" in main_text(shown)
    assert page(shown).select("main form") == []
    version = stored(consultation, council).version
    refused = ok(
        client.post(
            response_url(consultation, council),
            data={"version": str(version), "overall_position": "support", "save": "y"},
        )
    )
    assert (
        "waiting to be confirmed. You can replace or withdraw it once it is confirmed"
        in (error_summary(refused)[0][0])
    )
    assert stored(consultation, council).overall_position is Position.OPPOSE


def test_the_leader_withdraws_it_before_the_deadline(
    client, consultation, council, clerk, checker, leader
):
    factories.letter_response(
        consultation=consultation, authority=council, entered_by=clerk, confirmed_by=checker
    )
    sign_in(client, leader)
    shown = ok(client.get(response_url(consultation, council)))
    assert "withdraw the response entered from your letter" in main_text(shown)
    url = response_url(consultation, council) + "/withdraw"
    asked = ok(client.get(url))
    assert heading(asked) == "Withdraw the response entered from Wakefield Council's letter?"
    assert submitted_count(consultation) == 1

    expect(client.post(url), 302, location=response_url(consultation, council))
    response = stored(consultation, council)
    assert response.submitted_at is None and response.status is ResponseStatus.DRAFT
    assert response.channel is Channel.ONLINE
    assert response.overall_position is Position.OPPOSE  # kept as the council's draft
    assert response.original_letter is not None  # and the original is kept
    assert submitted_count(consultation) == 0
    assert [r.action for r in response.revisions][:1] == ["letter withdrawn"]
    [event] = audit_events("letter_response_withdrawn")
    assert event.actor_id == leader.id
    expect(client.get(url), 404)  # nothing left to withdraw


def test_the_leader_replaces_it_with_their_own(
    client, consultation, council, clerk, checker, leader
):
    factories.letter_response(
        consultation=consultation, authority=council, entered_by=clerk, confirmed_by=checker
    )
    sign_in(client, leader)
    data = {"version": str(stored(consultation, council).version), "overall_position": "support"}
    for question in consultation.questions:
        if question.kind.value == "position":
            data[f"position_{question.id}"] = "support"
        else:
            data[f"comment_{question.id}"] = "Our own words"
    data["check"] = "y"
    expect(client.post(response_url(consultation, council), data=data), 302)
    # Until the leader signs off, the letter still counts.
    assert stored(consultation, council).submitted_position is Position.OPPOSE
    expect(
        client.post(
            response_url(consultation, council) + "/check",
            data={"action": "submit", "version": str(stored(consultation, council).version)},
        ),
        302,
    )
    response = stored(consultation, council)
    assert response.channel is Channel.ONLINE
    assert response.submitted_position is Position.SUPPORT
    assert response.submitted_by_id == leader.id
    shown = ok(client.get(response_url(consultation, council)))
    assert "Entered by the secretariat from a letter" not in main_text(shown)


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SECRETARIAT])
def test_only_whoever_signs_off_may_withdraw(client, consultation, council, clerk, checker, role):
    factories.letter_response(
        consultation=consultation, authority=council, entered_by=clerk, confirmed_by=checker
    )
    person = (
        checker if role is Role.SECRETARIAT else factories.person_at(authority=council, role=role)
    )
    sign_in(client, person)
    url = response_url(consultation, council) + "/withdraw"
    expect(client.get(url), 403)
    expect(client.post(url), 403)
    assert stored(consultation, council).submitted_at is not None


def test_withdrawing_after_the_deadline_is_refused(client, council, clerk, checker, leader):
    closed = factories.consultation(
        opens_at=now_utc() - timedelta(days=30), closes_at=now_utc() - timedelta(hours=1)
    )
    factories.letter_response(
        consultation=closed,
        authority=council,
        entered_by=clerk,
        confirmed_by=checker,
        dated=today() - timedelta(days=2),
    )
    sign_in(client, leader)
    refused = ok(client.post(response_url(closed, council) + "/withdraw"))
    assert "Responses can no longer be changed" in main_text(refused)
    assert stored(closed, council).submitted_at is not None


def test_a_letter_dated_after_the_deadline_is_refused(client, council, clerk):
    closed = factories.consultation(
        opens_at=now_utc() - timedelta(days=30), closes_at=now_utc() - timedelta(days=3)
    )
    sign_in(client, clerk)
    refused = ok(enter(client, closed, letter_form(closed, council, dated=today())))
    [(message, href)] = error_summary(refused)
    assert href == "#dated"
    assert message.startswith("The letter is dated after Wakefield Council's deadline")
    assert stored(closed, council) is None


def test_the_original_follows_the_response(client, consultation, council, clerk, checker):
    waiting = factories.letter_response(
        consultation=consultation, authority=council, entered_by=clerk
    )
    original = waiting.original_letter
    url = response_url(consultation, council) + f"/documents/{original.id}/{original.filename}"
    chair = factories.user(role=Role.CHAIR)
    sign_in(client, chair)
    expect(client.get(url), 404)  # not counted yet
    sign_in(client, checker)
    expect(client.get(url), 200)
    expect(client.post(confirm_url(consultation, council)), 302)
    sign_in(client, chair)
    expect(client.get(url), 200)


def test_the_consultation_page_lists_letters_in_a_fixed_number_of_statements(
    client, consultation, clerk, checker
):
    from tests.conftest import count_statements

    sign_in(client, checker)
    url = f"/consultations/{consultation.reference}"

    def count() -> int:
        db.session.expire_all()
        with count_statements() as statements:
            ok(client.get(url))
        return len(statements)

    factories.letter_response(
        consultation=consultation, authority=factories.council(), entered_by=clerk
    )
    factories.letter_response(
        consultation=consultation,
        authority=factories.council(),
        entered_by=clerk,
        confirmed_by=checker,
    )
    one = count()
    for _ in range(3):
        factories.letter_response(
            consultation=consultation,
            authority=factories.council(),
            entered_by=factories.user(role=Role.SECRETARIAT),
            confirmed_by=checker,
        )
    assert count() == one
    assert len(table_records(client.get(url), "#letters ~ div table")) == 5


def test_letter_dates_are_plain_dates(app_ctx, consultation, council, clerk):
    response = factories.letter_response(
        consultation=consultation, authority=council, entered_by=clerk, dated=date(2026, 1, 5)
    )
    assert stored(consultation, council).letter_dated == date(2026, 1, 5)
    assert response.display_status == "Entered from a letter; awaiting confirmation"


def test_a_wrong_entry_is_discarded_before_it_is_confirmed(
    client, consultation, council, clerk, checker
):
    factories.letter_response(consultation=consultation, authority=council, entered_by=clerk)
    sign_in(client, clerk)
    shown = ok(client.get(confirm_url(consultation, council)))
    assert "discard this entry" in main_text(shown)
    url = response_url(consultation, council) + "/discard-letter"
    asked = ok(client.get(url))
    assert heading(asked) == "Discard the response entered from Wakefield Council's letter"
    expect(client.post(url), 302, location=f"/consultations/{consultation.reference}#letters")
    assert stored(consultation, council) is None
    [event] = audit_events("letter_response_discarded")
    assert event.details["entered"]["overall_position"] == "oppose"
    # The letter can now be entered again.
    expect(enter(client, consultation, letter_form(consultation, council)), 302)


def test_a_confirmed_response_cannot_be_discarded(client, consultation, council, clerk, checker):
    factories.letter_response(
        consultation=consultation, authority=council, entered_by=clerk, confirmed_by=checker
    )
    sign_in(client, clerk)
    url = response_url(consultation, council) + "/discard-letter"
    expect(client.get(url), 404)
    expect(client.post(url), 404)
    assert stored(consultation, council).submitted_at is not None


def test_an_authority_whose_letter_waits_is_not_reminded(app_ctx, consultation, council, clerk):
    from commission.consultations.queries import coverage

    other = factories.council(name="Awaited Council")
    factories.letter_response(consultation=consultation, authority=council, entered_by=clerk)
    found = coverage([consultation], now_utc())[consultation.id]
    awaited = [a.authority.name for a in found.awaited]
    assert "Awaited Council" in awaited and other.name in awaited
    assert "Wakefield Council" not in awaited
    assert found.submitted == 0 and found.drafts == 0
