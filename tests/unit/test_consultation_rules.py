"""The small rules of consultations: how references are numbered, when an
open consultation counts as closed, who may draft, mark ready and submit an
authority's response, what a submission still needs, and what each saved
revision changed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_login import AnonymousUserMixin

from commission.auth.models import DelegatedPower
from commission.auth.roles import Role
from commission.consultations.models import (
    Answer,
    Consultation,
    ConsultationStatus,
    Position,
    Question,
    QuestionKind,
    Response,
    ResponseRevision,
    ResponseStatus,
)
from commission.consultations.services import (
    Capacity,
    capacity,
    effective_status,
    missing_answers,
    next_reference,
    revision_changes,
)
from commission.timeutil import today
from tests import factories

# next_reference ---------------------------------------------------------------------------------


def _in_year(year: int) -> dict[str, datetime]:
    return {
        "opens_at": datetime(year, 2, 1, 9, tzinfo=UTC),
        "closes_at": datetime(year, 3, 31, 23, tzinfo=UTC),
    }


def test_the_first_reference_of_a_year_is_001(app_ctx):
    assert next_reference(2027) == "LGC-2027-001"


def test_references_count_up_within_the_year_the_consultation_opens(app_ctx):
    first = factories.consultation(**_in_year(2027))
    second = factories.consultation(**_in_year(2027))
    assert (first.reference, second.reference) == ("LGC-2027-001", "LGC-2027-002")
    assert next_reference(2027) == "LGC-2027-003"


def test_each_year_has_its_own_sequence(app_ctx):
    factories.consultation(**_in_year(2027))
    factories.consultation(**_in_year(2027))
    later = factories.consultation(**_in_year(2028))
    assert later.reference == "LGC-2028-001"
    assert next_reference(2029) == "LGC-2029-001"
    assert next_reference(2027) == "LGC-2027-003"


# effective_status -------------------------------------------------------------------------------

CLOSES = datetime(2027, 3, 31, 22, 59, tzinfo=UTC)


def _consultation(status: ConsultationStatus) -> Consultation:
    return Consultation(status=status, opens_at=CLOSES - timedelta(days=60), closes_at=CLOSES)


@pytest.mark.parametrize(
    ("status", "at", "expected"),
    [
        (ConsultationStatus.OPEN, CLOSES - timedelta(seconds=1), ConsultationStatus.OPEN),
        (ConsultationStatus.OPEN, CLOSES, ConsultationStatus.CLOSED),
        (ConsultationStatus.OPEN, CLOSES + timedelta(days=3), ConsultationStatus.CLOSED),
        (ConsultationStatus.DRAFT, CLOSES + timedelta(days=3), ConsultationStatus.DRAFT),
        (ConsultationStatus.CLOSED, CLOSES - timedelta(days=3), ConsultationStatus.CLOSED),
        (
            ConsultationStatus.SUMMARY_PUBLISHED,
            CLOSES + timedelta(days=3),
            ConsultationStatus.SUMMARY_PUBLISHED,
        ),
        (
            ConsultationStatus.REPLY_PUBLISHED,
            CLOSES + timedelta(days=3),
            ConsultationStatus.REPLY_PUBLISHED,
        ),
    ],
)
def test_an_open_consultation_past_its_closing_time_is_closed(status, at, expected):
    assert effective_status(_consultation(status), at) is expected


def test_effective_status_defaults_to_now():
    now = datetime.now(UTC)
    still_open = Consultation(
        status=ConsultationStatus.OPEN,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(hours=1),
    )
    closed = Consultation(
        status=ConsultationStatus.OPEN,
        opens_at=now - timedelta(days=2),
        closes_at=now - timedelta(minutes=1),
    )
    assert effective_status(still_open) is ConsultationStatus.OPEN
    assert effective_status(closed) is ConsultationStatus.CLOSED


# capacity ---------------------------------------------------------------------------------------

FULL = Capacity(can_view=True, can_draft=True, can_mark_ready=True, can_submit=True)
NOTHING = Capacity()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.LEADER, FULL),
        (Role.OFFICER, Capacity(can_view=True, can_draft=True, can_mark_ready=True)),
        (Role.DEPUTY, Capacity(can_view=True, can_draft=True)),
    ],
)
def test_capacity_at_a_council(app_ctx, role, expected):
    council = factories.council()
    person = factories.person_at(authority=council, role=role)
    assert capacity(person, council) == expected


def test_a_mayor_can_do_everything_for_their_strategic_authority(app_ctx):
    authority = factories.strategic_authority(mayoral=True)
    mayor = factories.person_at(authority=authority, role=Role.MAYOR)
    assert capacity(mayor, authority) == FULL


def test_a_deputy_with_sign_off_delegated_today_can_submit_but_not_mark_ready(app_ctx):
    council = factories.council()
    deputy = factories.person_at(authority=council, role=Role.DEPUTY, sign_off=True)
    assert capacity(deputy, council) == Capacity(can_view=True, can_draft=True, can_submit=True)


@pytest.mark.parametrize(
    ("starts", "ends"),
    [
        (-30, -1),  # ended yesterday
        (1, 30),  # starts tomorrow
    ],
)
def test_a_sign_off_delegation_must_cover_today(app_ctx, starts, ends):
    council = factories.council()
    deputy = factories.person_at(
        authority=council,
        role=Role.DEPUTY,
        sign_off_from=today() + timedelta(days=starts),
        sign_off_until=today() + timedelta(days=ends),
    )
    assert capacity(deputy, council) == Capacity(can_view=True, can_draft=True)


def test_a_delegation_ending_today_still_covers_today(app_ctx):
    council = factories.council()
    deputy = factories.person_at(authority=council, role=Role.DEPUTY, sign_off_until=today())
    assert capacity(deputy, council).can_submit is True


def test_a_deputy_delegated_only_to_attend_cannot_submit(app_ctx):
    council = factories.council()
    deputy = factories.user()
    held = factories.appointment(user=deputy, role=Role.DEPUTY, authority=council)
    factories.delegation(appointment=held, power=DelegatedPower.ATTEND)
    assert capacity(deputy, council).can_submit is False


def test_the_secretariat_can_read_every_response_but_change_none(app_ctx):
    council = factories.council()
    secretariat = factories.user(role=Role.SECRETARIAT)
    assert capacity(secretariat, council) == Capacity(can_view=True)


@pytest.mark.parametrize("role", [Role.MINISTER, Role.CHAIR])
def test_government_has_no_part_in_a_council_response(app_ctx, role):
    council = factories.council()
    assert capacity(factories.user(role=role), council) == NOTHING


@pytest.mark.parametrize("role", [Role.LEADER, Role.OFFICER, Role.DEPUTY])
def test_people_at_another_council_have_no_part(app_ctx, role):
    mine, theirs = factories.council(), factories.council()
    person = factories.person_at(authority=mine, role=role, sign_off=role is Role.DEPUTY)
    assert capacity(person, theirs) == NOTHING


def test_a_leader_whose_appointment_has_ended_has_no_part(app_ctx):
    council = factories.council()
    former = factories.user()
    factories.appointment(
        user=former,
        role=Role.LEADER,
        authority=council,
        starts_on=today() - timedelta(days=400),
        ends_on=today() - timedelta(days=1),
    )
    assert capacity(former, council) == NOTHING


def test_someone_not_signed_in_has_no_part(app_ctx):
    assert capacity(AnonymousUserMixin(), factories.council()) == NOTHING


# missing_answers --------------------------------------------------------------------------------


def _questions() -> Consultation:
    consultation = Consultation()
    consultation.questions = [
        Question(id=11, position=1, kind=QuestionKind.POSITION, text="A?", required=True),
        Question(id=12, position=2, kind=QuestionKind.POSITION, text="B?", required=False),
        Question(id=13, position=3, kind=QuestionKind.FREE_TEXT, text="C?", required=True),
        Question(id=14, position=4, kind=QuestionKind.FREE_TEXT, text="D?", required=False),
    ]
    return consultation


def _response(overall: Position | None, answers: dict[int, tuple[Position | None, str | None]]):
    return Response(
        overall_position=overall,
        answers=[
            Answer(question_id=qid, position=pos, comment=text)
            for qid, (pos, text) in answers.items()
        ],
    )


def test_an_empty_response_misses_every_required_answer():
    assert missing_answers(_response(None, {}), _questions()) == [
        ("overall_position", "Select your authority's overall position"),
        ("position_11", "Select a position for question 1"),
        ("comment_13", "Enter an answer to question 3"),
    ]


def test_a_complete_response_misses_nothing():
    response = _response(
        Position.OPPOSE, {11: (Position.NEUTRAL, None), 13: (None, "Funding must follow")}
    )
    assert missing_answers(response, _questions()) == []


def test_a_comment_does_not_stand_in_for_a_position():
    response = _response(
        Position.SUPPORT, {11: (None, "We have views"), 13: (None, "Funding must follow")}
    )
    assert missing_answers(response, _questions()) == [
        ("position_11", "Select a position for question 1")
    ]


def test_a_required_free_text_answer_left_empty_is_not_answered():
    # Whitespace is stored as empty (None) by the service; either way it is not an answer.
    for empty in (None, ""):
        response = _response(Position.SUPPORT, {11: (Position.SUPPORT, None), 13: (None, empty)})
        assert missing_answers(response, _questions()) == [
            ("comment_13", "Enter an answer to question 3")
        ]


def test_optional_questions_can_be_left_unanswered():
    response = _response(
        Position.NO_POSITION,
        {11: (Position.SUPPORT, None), 12: (None, None), 13: (None, "Yes"), 14: (None, None)},
    )
    assert missing_answers(response, _questions()) == []


# revision_changes -------------------------------------------------------------------------------


def _snapshot(overall=None, comment=None, answers=None, status="draft"):
    return {
        "status": status,
        "overall_position": overall,
        "overall_comment": comment,
        "answers": {
            str(qid): {"position": pos, "comment": text}
            for qid, (pos, text) in (answers or {}).items()
        },
    }


def _history(*snapshots):
    response = Response(status=ResponseStatus.DRAFT)
    response.revisions = [
        ResponseRevision(id=n, version=n, action=action, snapshot=snap)
        for n, (action, snap) in enumerate(snapshots, start=1)
    ]
    return response


def _as_rows(changes):
    return [(c.label, c.before, c.after) for c in changes]


def test_the_first_save_changes_everything_from_not_answered():
    response = _history(
        ("draft saved", _snapshot("support", "Broadly", {11: ("oppose", None), 13: (None, "X")}))
    )
    [(revision, changes)] = revision_changes(response, _questions())
    assert revision.action == "draft saved"
    assert _as_rows(changes) == [
        ("Overall position", "Not answered", "Support: “Broadly”"),
        ("Question 1", "Not answered", "Oppose"),
        ("Question 3", "Not answered", "“X”"),
    ]


def test_later_saves_list_only_what_changed_newest_first():
    first = _snapshot("support", None, {11: ("oppose", None), 13: (None, "X")})
    second = _snapshot("support", None, {11: ("neutral", "On balance"), 13: (None, "X")})
    ready = _snapshot("support", None, {11: ("neutral", "On balance"), 13: (None, "X")}, "ready")
    response = _history(("draft saved", first), ("draft saved", second), ("ready", ready))
    newest, middle, oldest = revision_changes(response, _questions())
    assert newest[0].action == "ready"
    assert newest[1] == []
    assert _as_rows(middle[1]) == [("Question 1", "Oppose", "Neutral: “On balance”")]
    assert len(oldest[1]) == 3


def test_clearing_an_answer_shows_it_as_not_answered():
    before = _snapshot("support", "Keep", {13: (None, "X")})
    after = _snapshot("support", None, {13: (None, None)})
    response = _history(("draft saved", before), ("draft saved", after))
    newest, _ = revision_changes(response, _questions())
    assert _as_rows(newest[1]) == [
        ("Overall position", "Support: “Keep”", "Support"),
        ("Question 3", "“X”", "Not answered"),
    ]
