"""Exactly one response per authority, and nothing lost when two people work
on it at once: the database refuses a second response, and a save made from
a form opened before someone else's save is refused with a "changed since
you opened it" page (409) showing both versions, each person's words intact."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from commission.auth.roles import Role
from commission.consultations import services
from commission.consultations.models import Position, Response, ResponseRevision, ResponseStatus
from commission.extensions import db
from tests import factories
from tests.conftest import audit_events
from tests.pages import banner, expect, heading, page, sign_in, summary_list


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


def revision_count() -> int:
    return db.session.execute(select(func.count(ResponseRevision.id))).scalar_one()


def form_data(consultation, version, overall, comment, free_text) -> dict[str, str]:
    q1, q2 = consultation.questions
    return {
        "version": version,
        "overall_position": overall,
        "overall_comment": comment,
        f"position_{q1.id}": overall,
        f"comment_{q1.id}": "",
        f"comment_{q2.id}": free_text,
        "save": "y",
    }


def version_in_form(response) -> str:
    return page(response).select_one("main form input[name=version]")["value"]


@pytest.fixture
def council():
    return factories.council(name="Wigan Council")


@pytest.fixture
def consultation():
    return factories.consultation(title="Sure Start revival", questions=2)


@pytest.fixture
def anna(council):
    return factories.person_at(authority=council, role=Role.OFFICER, full_name="Anna Officer")


@pytest.fixture
def ben(council):
    return factories.person_at(authority=council, role=Role.DEPUTY, full_name="Ben Deputy")


# The database ------------------------------------------------------------------------------------


def test_the_database_allows_one_response_per_authority_per_consultation(app_ctx):
    council = factories.council()
    consultation = factories.consultation()
    factories.draft_response(consultation=consultation, authority=council)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(Response(consultation_id=consultation.id, authority_id=council.id))
        db.session.flush()
    assert db.session.execute(select(func.count(Response.id))).scalar_one() == 1
    # Another authority, or another consultation, is fine.
    factories.draft_response(consultation=consultation, authority=factories.council())
    factories.draft_response(consultation=factories.consultation(), authority=council)
    assert db.session.execute(select(func.count(Response.id))).scalar_one() == 3


# Two people, no response yet --------------------------------------------------------------------


def test_the_second_person_to_start_a_response_sees_both_versions(
    client, consultation, council, anna, ben
):
    sign_in(client, anna)
    opened = client.get(respond_url(consultation, council))
    annas_version = version_in_form(opened)
    assert annas_version == ""

    sign_in(client, ben)
    client.post(
        respond_url(consultation, council),
        data=form_data(consultation, "", "oppose", "Ben's overall view", "Ben's answer"),
    )
    bens = stored(consultation, council)
    assert bens.overall_comment == "Ben's overall view"

    sign_in(client, anna)
    conflict = client.post(
        respond_url(consultation, council),
        data=form_data(consultation, annas_version, "support", "Anna's overall view", "Anna's"),
    )
    expect(conflict, 409)
    assert heading(conflict) == "This response has changed since you opened it"
    text = page(conflict).select_one("main").get_text(" ", strip=True)
    assert "Ben Deputy saved it at" in text
    assert "Nothing you typed has been lost, and nothing was overwritten." in text
    assert summary_list(conflict)["Overall position"] == "Oppose Ben's overall view"
    form = page(conflict).select_one("main form")
    assert form.select_one("textarea[name=overall_comment]").get_text() == "Anna's overall view"
    q2 = consultation.questions[1]
    assert form.select_one(f"textarea[name=comment_{q2.id}]").get_text() == "Anna's"
    assert form.select_one("input[name=overall_position][checked]")["value"] == "support"
    assert version_in_form(conflict) == str(bens.version)
    assert form.select_one("button").get_text(strip=True) == "Save my version"
    discard = form.select_one("a")
    assert discard.get_text(strip=True) == "Discard my changes and keep theirs"
    assert discard["href"] == respond_url(consultation, council)

    after = stored(consultation, council)
    assert after.overall_comment == "Ben's overall view"
    assert after.version == bens.version
    assert revision_count() == 1
    assert len(audit_events("response_saved")) == 1


# Two people, an existing response ----------------------------------------------------------------


def test_a_save_from_a_stale_form_is_refused_and_can_then_replace_theirs(
    client, consultation, council, anna, ben
):
    sign_in(client, anna)
    client.post(
        respond_url(consultation, council),
        data=form_data(consultation, "", "neutral", "First draft", "First answer"),
    )
    opened_by_anna = client.get(respond_url(consultation, council))
    annas_version = version_in_form(opened_by_anna)

    sign_in(client, ben)
    opened_by_ben = client.get(respond_url(consultation, council))
    assert version_in_form(opened_by_ben) == annas_version
    saved = client.post(
        respond_url(consultation, council),
        data=form_data(consultation, annas_version, "oppose", "Ben's rewrite", "Ben's answer"),
    )
    expect(saved, 302)
    bens_version = stored(consultation, council).version
    assert str(bens_version) != annas_version

    sign_in(client, anna)
    conflict = client.post(
        respond_url(consultation, council),
        data=form_data(consultation, annas_version, "support", "Anna's rewrite", "Anna's answer"),
    )
    expect(conflict, 409)
    assert summary_list(conflict)["Overall position"] == "Oppose Ben's rewrite"
    assert "Anna's rewrite" in page(conflict).select_one("textarea[name=overall_comment]").text
    response = stored(consultation, council)
    assert (response.overall_position, response.overall_comment) == (
        Position.OPPOSE,
        "Ben's rewrite",
    )
    assert revision_count() == 2

    # Anna decides her version should stand: she saves it from the conflict page.
    again = client.post(
        respond_url(consultation, council),
        data=form_data(
            consultation, version_in_form(conflict), "support", "Anna's rewrite", "Anna's answer"
        ),
    )
    expect(again, 302)
    response = stored(consultation, council)
    assert (response.overall_position, response.overall_comment) == (
        Position.SUPPORT,
        "Anna's rewrite",
    )
    assert response.updated_by_id == anna.id
    assert revision_count() == 3
    history = client.get(respond_url(consultation, council) + "/history")
    bylines = [p.get_text(strip=True) for p in page(history).select("main p.govuk-body-s")]
    assert [b.split(" (")[0] for b in bylines] == [
        "By Anna Officer",
        "By Ben Deputy",
        "By Anna Officer",
    ]


def test_html_on_the_conflict_page_is_escaped(client, consultation, council, anna, ben):
    script = "<script>alert(1)</script>"
    sign_in(client, ben)
    client.post(
        respond_url(consultation, council),
        data=form_data(consultation, "", "oppose", f"Ben {script}", "x"),
    )
    sign_in(client, anna)
    conflict = client.post(
        respond_url(consultation, council),
        data=form_data(consultation, "", "support", f"Anna {script}", "y"),
    )
    expect(conflict, 409)
    html = conflict.get_data(as_text=True)
    assert script not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2


def test_a_stale_check_page_cannot_sign_off_what_the_signer_has_not_seen(
    client, consultation, council, anna
):
    leader = factories.person_at(authority=council, role=Role.LEADER)
    sign_in(client, anna)
    client.post(
        respond_url(consultation, council),
        data=form_data(consultation, "", "support", "Agreed wording", "Answer"),
        follow_redirects=True,
    )
    seen_version = stored(consultation, council).version

    sign_in(client, leader)
    check = client.get(respond_url(consultation, council) + "/check")
    assert page(check).select_one("main form input[name=version]")["value"] == str(seen_version)

    sign_in(client, anna)
    client.post(
        respond_url(consultation, council),
        data=form_data(consultation, str(seen_version), "oppose", "Changed wording", "Answer"),
        follow_redirects=True,
    )

    sign_in(client, leader)
    result = client.post(
        respond_url(consultation, council) + "/check",
        data={"action": "submit", "version": str(seen_version)},
    )
    assert result.headers["Location"] == respond_url(consultation, council) + "/check"
    again = client.get(result.headers["Location"])
    assert banner(again) == (
        "Important Someone changed this response since you opened it. Check it again below"
    )
    assert summary_list(again)["Overall position"] == "Oppose Changed wording"
    response = stored(consultation, council)
    assert response.status is ResponseStatus.DRAFT
    assert response.submitted_at is None
    assert audit_events("response_submitted") == []


# The service under a real race ----------------------------------------------------------------


def test_two_first_saves_racing_become_a_conflict_not_an_error(
    app_ctx, consultation, council, anna, ben, monkeypatch
):
    """Both people find no response; the second insert hits the unique
    constraint inside a savepoint and is reported as a conflict."""
    data = services.ResponseData(Position.SUPPORT, "Mine", {})
    services.save_draft(
        consultation=consultation, authority=council, data=data, expected_version=None, actor=ben
    )
    db.session.commit()
    real = services.response_for
    calls = []

    def nothing_there_yet(c, a):
        calls.append(1)
        return None if len(calls) == 1 else real(c, a)

    monkeypatch.setattr(services, "response_for", nothing_there_yet)
    with pytest.raises(services.ResponseConflict) as raised:
        services.save_draft(
            consultation=consultation,
            authority=council,
            data=services.ResponseData(Position.OPPOSE, "Also mine", {}),
            expected_version=None,
            actor=anna,
        )
    assert raised.value.response.overall_comment == "Mine"
    monkeypatch.undo()
    assert stored(consultation, council).overall_comment == "Mine"
    assert db.session.execute(select(func.count(Response.id))).scalar_one() == 1


def test_a_write_that_lost_the_race_is_caught_by_the_version_counter(
    app_ctx, consultation, council, anna, ben
):
    """The version check passed, but someone else's write lands before this
    one's: SQLAlchemy's version counter finds no row at the old version."""
    data = services.ResponseData(Position.SUPPORT, "First", {})
    response = services.save_draft(
        consultation=consultation, authority=council, data=data, expected_version=None, actor=ben
    )
    db.session.commit()
    opened = response.version
    # Someone else's save reaches the database behind the session's back.
    db.session.execute(
        text(
            "UPDATE responses SET version = version + 1, overall_comment = 'Theirs' WHERE id = :id"
        ),
        {"id": response.id},
    )
    db.session.commit()
    with pytest.raises(services.ResponseConflict) as raised:
        services.save_draft(
            consultation=consultation,
            authority=council,
            data=services.ResponseData(Position.OPPOSE, "Mine", {}),
            expected_version=opened,
            actor=anna,
        )
    assert raised.value.response.overall_comment == "Theirs"
    assert stored(consultation, council).overall_comment == "Theirs"


def test_a_stale_expected_version_writes_nothing(app_ctx, consultation, council, anna, ben):
    first = services.save_draft(
        consultation=consultation,
        authority=council,
        data=services.ResponseData(Position.SUPPORT, "First", {}),
        expected_version=None,
        actor=ben,
    )
    with pytest.raises(services.ResponseConflict):
        services.save_draft(
            consultation=consultation,
            authority=council,
            data=services.ResponseData(Position.OPPOSE, "Second", {}),
            expected_version=first.version - 1,
            actor=anna,
        )
    assert stored(consultation, council).overall_comment == "First"
