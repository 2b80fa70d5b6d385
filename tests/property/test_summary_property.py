"""On random small consultations, the summary's figures equal a plain
reference computation written here, in Python, from the same records.

Each example builds a handful of authorities (random type, region, population,
membership that may start after or end before the reference day, political
control that may change before or after it), a consultation of 1 to 4
questions closing in the past or the future, and for each authority no
response, a draft, or a submitted response (its control at submission, an
overall position or none, answers with or without positions and comments),
some with extensions. Every example runs in a savepoint that is rolled back,
so examples do not see each other's records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commission.consultations.models import (
    Answer,
    Channel,
    Extension,
    Position,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
)
from commission.extensions import db
from commission.membership.models import (
    AUTHORITY_KIND_LABELS,
    CONTROL_LABELS,
    AuthorityKind,
    Control,
    Membership,
    PoliticalControl,
    Region,
)
from commission.summaries.queries import compute_summary
from commission.timeutil import LONDON, now_utc
from tests import factories

CONTROLS = [c for c in Control if c is not Control.OTHER]
NOT_RECORDED = "Not recorded"

# Strategies --------------------------------------------------------------------------------------

positions = st.sampled_from(list(Position))
comments = st.none() | st.sampled_from(["Yes.", "We need the funding to follow.", "No"])
days = st.integers(min_value=-400, max_value=5)


@dataclass
class AuthoritySpec:
    kind: AuthorityKind
    region: Region
    population: int | None
    joined: int | None  # days from the reference day; None: never a member
    left: int | None
    controls: list[tuple[Control, int]]  # (control, days from the reference day)
    response: str  # "none", "draft" or "submitted"
    control_at_submission: Control | None
    overall: Position | None
    answers: list[tuple[Position | None, str | None]] = field(default_factory=list)
    extension: bool = False


@st.composite
def authority_specs(draw: Any, questions: int) -> AuthoritySpec:
    joined = draw(st.none() | days)
    return AuthoritySpec(
        kind=draw(st.sampled_from(list(AuthorityKind))),
        region=draw(st.sampled_from(list(Region))),
        population=draw(st.none() | st.integers(min_value=1_000, max_value=1_500_000)),
        joined=joined,
        left=draw(st.none() | days) if joined is not None else None,
        controls=draw(
            st.lists(
                st.tuples(st.sampled_from(CONTROLS), days), max_size=3, unique_by=lambda c: c[1]
            )
        ),
        response=draw(st.sampled_from(["none", "draft", "submitted"])),
        control_at_submission=draw(st.none() | st.sampled_from(CONTROLS)),
        overall=draw(st.none() | positions),
        answers=draw(
            st.lists(
                st.tuples(st.none() | positions, comments), min_size=questions, max_size=questions
            )
        ),
        extension=draw(st.booleans()),
    )


@st.composite
def consultations(draw: Any) -> tuple[list[QuestionKind], int, list[AuthoritySpec]]:
    kinds = draw(
        st.lists(
            st.sampled_from([QuestionKind.POSITION, QuestionKind.FREE_TEXT]), min_size=1, max_size=4
        )
    )
    closes_in = draw(st.sampled_from([-9, -2, 3, 20]))
    authorities = draw(st.lists(authority_specs(len(kinds)), min_size=1, max_size=6))
    return kinds, closes_in, authorities


# Building the records ----------------------------------------------------------------------------


def build(kinds: list[QuestionKind], closes_in: int, specs: list[AuthoritySpec], now: datetime):
    consultation = factories.consultation(
        opens_at=now - timedelta(days=30), closes_at=now + timedelta(days=closes_in), questions=0
    )
    for n, kind in enumerate(kinds, start=1):
        consultation.questions.append(
            Question(position=n, kind=kind, text=f"Question {n}?", required=True)
        )
    db.session.flush()
    on = min(now, consultation.closes_at).astimezone(LONDON).date()
    built = []
    for spec in specs:
        authority = factories.council(
            kind=spec.kind,
            region=spec.region,
            population=spec.population,
            control=None,
            member=False,
        )
        if spec.joined is not None:
            joined = on + timedelta(days=spec.joined)
            left = on + timedelta(days=spec.left) if spec.left is not None else None
            db.session.add(
                Membership(
                    authority=authority,
                    joined_on=joined,
                    left_on=left if left is None or left >= joined else joined,
                )
            )
        for control, offset in spec.controls:
            db.session.add(
                PoliticalControl(
                    authority=authority, control=control, effective_from=on + timedelta(days=offset)
                )
            )
        if spec.extension:
            db.session.add(
                Extension(
                    consultation_id=consultation.id,
                    authority_id=authority.id,
                    closes_at=consultation.closes_at + timedelta(days=7),
                    reason="Full council meets later",
                )
            )
        if spec.response != "none":
            submitted = spec.response == "submitted"
            response = Response(
                consultation_id=consultation.id,
                authority_id=authority.id,
                status=ResponseStatus.SUBMITTED if submitted else ResponseStatus.DRAFT,
                channel=Channel.ONLINE,
                overall_position=spec.overall,
                submitted_position=spec.overall if submitted else None,
                submitted_at=now - timedelta(days=1) if submitted else None,
                submission_count=1 if submitted else 0,
                control_at_submission=(
                    spec.control_at_submission.value
                    if submitted and spec.control_at_submission
                    else None
                ),
            )
            for question, (position, comment) in zip(
                consultation.questions, spec.answers, strict=True
            ):
                if question.kind is QuestionKind.FREE_TEXT:
                    position = None
                response.answers.append(
                    Answer(
                        question_id=question.id,
                        position=position,
                        comment=comment,
                        submitted_position=position if submitted else None,
                        submitted_comment=comment if submitted else None,
                    )
                )
            db.session.add(response)
        built.append(authority)
    db.session.flush()
    return consultation, on, [authority.name for authority in built]


# The reference computation -----------------------------------------------------------------------


def position_table(chosen: list[tuple[Position, int]]) -> dict[str, Any]:
    """(position, population) of each responding authority into counts and shares."""
    total = len(chosen)
    population = sum(people for _, people in chosen)
    rows = []
    for position in Position:
        count = sum(1 for p, _ in chosen if p is position)
        people = sum(n for p, n in chosen if p is position)
        rows.append(
            {
                "position": position.value,
                "label": position.label,
                "count": count,
                "percent": round(100 * count / total, 1) if total else 0.0,
                "population": people,
                "weighted": round(100 * people / population, 1) if population else 0.0,
            }
        )
    return {"rows": rows, "total": total, "population": population}


def split_tables(chosen: list[tuple[str, Position, int]]) -> list[dict[str, Any]]:
    groups = sorted({group for group, _, _ in chosen})
    return [
        {"group": g, **position_table([(p, n) for group, p, n in chosen if group == g])}
        for g in groups
    ]


def coverage_table(members: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """(group, status) of each member into members by status per group."""
    table = []
    for group in sorted({g for g, _ in members}):
        statuses = [s for g, s in members if g == group]
        counts = {s: statuses.count(s) for s in ("submitted", "draft", "not_started")}
        table.append({"group": group, **counts, "members": len(statuses)})
    return table


def quotations(consultation, specs: list[AuthoritySpec], names: list[str]) -> list[dict[str, Any]]:
    """The two longest signed-off comments on each question, the council
    first by name among comments of one length."""
    quoted = []
    for number, question in enumerate(consultation.questions, start=1):
        said = sorted(
            (
                (-len(comment), name, position, comment)
                for spec, name in zip(specs, names, strict=True)
                if spec.response == "submitted"
                for position, comment in [spec.answers[number - 1]]
                if comment is not None
            ),
            key=lambda said: (said[0], said[1]),
        )
        quoted += [
            {
                "question": number,
                "authority": name,
                "position": position.label
                if position and question.kind is QuestionKind.POSITION
                else "",
                "comment": comment,
            }
            for _, name, position, comment in said[:2]
        ]
    return quoted


def expected(consultation, on: date, specs: list[AuthoritySpec]) -> dict[str, Any]:
    members = []
    responded = []  # (spec, control label at submission) of submitted responses
    for spec in specs:
        joined = on + timedelta(days=spec.joined) if spec.joined is not None else None
        left = on + timedelta(days=spec.left) if spec.left is not None else None
        if joined is not None and left is not None and left < joined:
            left = joined
        is_member = joined is not None and joined <= on and (left is None or left >= on)
        status = {"none": "not_started", "draft": "draft", "submitted": "submitted"}[spec.response]
        earlier = [(offset, c) for c, offset in spec.controls if offset <= 0]
        control = CONTROL_LABELS[max(earlier, key=lambda e: e[0])[1]] if earlier else NOT_RECORDED
        if is_member:
            members.append((spec, control, status))
        if spec.response == "submitted":
            at_submission = (
                CONTROL_LABELS[spec.control_at_submission]
                if spec.control_at_submission
                else NOT_RECORDED
            )
            responded.append((spec, at_submission))

    def people(spec: AuthoritySpec) -> int:
        return spec.population or 0

    overall = [(s, c) for s, c in responded if s.overall is not None]
    questions = []
    for number, question in enumerate(consultation.questions, start=1):
        answered = [
            (s, c, s.answers[number - 1][0])
            for s, c in responded
            if question.kind is QuestionKind.POSITION and s.answers[number - 1][0] is not None
        ]
        position_question = question.kind is QuestionKind.POSITION
        questions.append(
            {
                "number": number,
                "comments": sum(1 for s, _ in responded if s.answers[number - 1][1] is not None),
                **(
                    position_table([(p, people(s)) for s, _, p in answered])
                    if position_question
                    else {"rows": [], "total": 0, "population": 0}
                ),
                "by_control": split_tables([(c, p, people(s)) for s, c, p in answered])
                if position_question
                else [],
                "by_type": split_tables(
                    [(AUTHORITY_KIND_LABELS[s.kind], p, people(s)) for s, _, p in answered]
                )
                if position_question
                else [],
                "by_region": split_tables([(s.region.value, p, people(s)) for s, _, p in answered])
                if position_question
                else [],
            }
        )
    return {
        "members": len(members),
        "totals": {
            s: sum(1 for *_, status in members if status == s)
            for s in ("submitted", "draft", "not_started")
        },
        "coverage": {
            "type": coverage_table([(AUTHORITY_KIND_LABELS[s.kind], st) for s, _, st in members]),
            "region": coverage_table([(s.region.value, st) for s, _, st in members]),
            "control": coverage_table([(c, st) for _, c, st in members]),
        },
        "overall": position_table([(s.overall, people(s)) for s, _ in overall]),
        "by_control": split_tables([(c, s.overall, people(s)) for s, c in overall]),
        "by_type": split_tables(
            [(AUTHORITY_KIND_LABELS[s.kind], s.overall, people(s)) for s, _ in overall]
        ),
        "by_region": split_tables([(s.region.value, s.overall, people(s)) for s, _ in overall]),
        "questions": questions,
    }


# The property ------------------------------------------------------------------------------------


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=consultations())
def test_the_summary_equals_a_reference_computation(app_ctx, case):
    kinds, closes_in, specs = case
    savepoint = db.session.begin_nested()
    try:
        now = now_utc()
        consultation, on, names = build(kinds, closes_in, specs, now)

        data = compute_summary(consultation, now)

        want = expected(consultation, on, specs)
        assert data["reference_day"] == on.isoformat()
        assert data["members"] == want["members"]
        assert data["totals"] == want["totals"]
        for key in ("type", "region", "control"):
            assert data["coverage"][key] == want["coverage"][key], key
        for key in ("overall", "by_control", "by_type", "by_region"):
            assert data[key] == want[key], key
        got = [
            {k: q[k] for k in want["questions"][0]}  # the figures the reference computes
            for q in data["questions"]
        ]
        assert got == want["questions"]
        assert data["quotations"] == quotations(consultation, specs, names)
    finally:
        savepoint.rollback()
