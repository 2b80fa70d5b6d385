"""Where councils stand: every figure computed by SQL aggregation.

``compute_summary`` returns plain data (numbers, labels, lists) so the same
structure can be shown live, frozen in a snapshot, and exported. The number of
queries depends on the number of dimensions and questions, never on the number
of responses.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import aliased, selectinload

from commission.consultations.models import (
    Answer,
    Consultation,
    Position,
    QuestionKind,
    Response,
)
from commission.extensions import db
from commission.membership.models import (
    AUTHORITY_KIND_LABELS,
    CONTROL_LABELS,
    Authority,
    Control,
    Membership,
    authority_constituents,
)
from commission.membership.queries import current_controls
from commission.summaries.models import AnswerTag, Tag
from commission.timeutil import LONDON, now_utc

POSITIONS = list(Position)
STATUSES = ("submitted", "draft", "not_started")
STATUS_LABELS = {"submitted": "Submitted", "draft": "Draft only", "not_started": "Not started"}
NO_CONTROL = "Not recorded"


def reference_day(consultation: Consultation, at: datetime | None = None) -> date:
    """Membership and control are taken on the closing day, or today if earlier."""
    at = at or now_utc()
    return min(at, consultation.closes_at).astimezone(LONDON).date()


def _members(on: date) -> Any:
    return (
        select(Membership.authority_id)
        .where(
            Membership.joined_on <= on,
            or_(Membership.left_on.is_(None), Membership.left_on >= on),
        )
        .scalar_subquery()
    )


def _control_label(control_column: Any, party_column: Any) -> Any:
    return func.coalesce(
        party_column,
        case(
            {c.value: label for c, label in CONTROL_LABELS.items()},
            value=control_column,
            else_=NO_CONTROL,
        ),
    )


def _position_rows(counts: dict[str, tuple[int, int]]) -> dict[str, Any]:
    """Counts and population per position, with shares of each."""
    total = sum(count for count, _ in counts.values())
    population = sum(people for _, people in counts.values())
    rows = []
    for position in POSITIONS:
        count, people = counts.get(position.value, (0, 0))
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


def _grouped(rows: Any) -> list[dict[str, Any]]:
    """(group, position, count, population) rows into one position table per group."""
    groups: dict[str, dict[str, tuple[int, int]]] = {}
    for group, position, count, people in rows:
        groups.setdefault(group or NO_CONTROL, {})[position] = (count, int(people or 0))
    return [{"group": group, **_position_rows(counts)} for group, counts in sorted(groups.items())]


def _region_label(region: Any) -> str:
    """A region as SQL groups it: the enum, or its stored text."""
    return str(region.value if hasattr(region, "value") else region)


def compute_summary(consultation: Consultation, at: datetime | None = None) -> dict[str, Any]:
    at = at or now_utc()
    on = reference_day(consultation, at)
    members = _members(on)
    control = current_controls(on)
    status = case(
        (Response.submitted_at.is_not(None), literal("submitted")),
        (Response.id.is_not(None), literal("draft")),
        else_=literal("not_started"),
    ).label("status")
    per_member = (
        select(
            Authority.id.label("authority_id"),
            Authority.name,
            Authority.slug,
            Authority.kind,
            Authority.region,
            Authority.population,
            _control_label(control.c.control, control.c.party_name).label("control"),
            status,
        )
        .outerjoin(control, control.c.authority_id == Authority.id)
        .outerjoin(
            Response,
            and_(
                Response.authority_id == Authority.id, Response.consultation_id == consultation.id
            ),
        )
        .where(Authority.id.in_(members))
        .subquery("per_member")
    )

    def coverage_by(column: Any, labels: dict[Any, str] | None = None) -> list[dict[str, Any]]:
        rows = db.session.execute(
            select(column, per_member.c.status, func.count()).group_by(column, per_member.c.status)
        ).all()
        table: dict[str, dict[str, int]] = {}
        for group, state, count in rows:
            label = labels.get(group, str(group)) if labels else str(group)
            table.setdefault(label, dict.fromkeys(STATUSES, 0))[state] = count
        return [
            {"group": group, **counts, "members": sum(counts.values())}
            for group, counts in sorted(table.items())
        ]

    kind_labels: dict[Any, str] = {k.value: label for k, label in AUTHORITY_KIND_LABELS.items()}
    kind_labels.update(AUTHORITY_KIND_LABELS)

    def kind_label(kind: Any) -> str:
        return kind_labels.get(kind, str(kind))

    coverage = {
        "type": coverage_by(per_member.c.kind, kind_labels),
        "region": coverage_by(per_member.c.region),
        "control": coverage_by(per_member.c.control),
    }
    area = aliased(Authority)
    area_rows = db.session.execute(
        select(area.name, per_member.c.status, func.count())
        .join(
            authority_constituents, authority_constituents.c.council_id == per_member.c.authority_id
        )
        .join(area, area.id == authority_constituents.c.strategic_authority_id)
        .where(area.mayoral.is_(True))
        .group_by(area.name, per_member.c.status)
    ).all()
    area_table: dict[str, dict[str, int]] = {}
    for name, state, count in area_rows:
        area_table.setdefault(name, dict.fromkeys(STATUSES, 0))[state] = count
    coverage["area"] = [
        {"group": name, **counts, "members": sum(counts.values())}
        for name, counts in sorted(area_table.items())
    ]
    totals = dict.fromkeys(STATUSES, 0)
    for state, count in db.session.execute(
        select(per_member.c.status, func.count()).group_by(per_member.c.status)
    ).all():
        totals[state] = count
    not_responded = [
        {
            "name": r.name,
            "slug": r.slug,
            "type": kind_label(r.kind),
            "region": _region_label(r.region),
            "control": r.control,
            "status": STATUS_LABELS[r.status],
        }
        for r in db.session.execute(
            select(per_member).where(per_member.c.status != "submitted").order_by(per_member.c.name)
        ).all()
    ]

    submitted = and_(
        Response.consultation_id == consultation.id, Response.submitted_at.is_not(None)
    )
    population = func.coalesce(func.sum(Authority.population), 0)

    def overall_by(group: Any) -> Any:
        return db.session.execute(
            select(group, Response.submitted_position, func.count(Response.id), population)
            .join(Authority, Authority.id == Response.authority_id)
            .where(submitted, Response.submitted_position.is_not(None))
            .group_by(group, Response.submitted_position)
        ).all()

    overall_counts = {
        position.value: (count, int(people))
        for _, position, count, people in overall_by(literal("all"))
    }
    control_at_response = case(
        {c.value: label for c, label in CONTROL_LABELS.items()},
        value=Response.control_at_submission,
        else_=NO_CONTROL,
    )
    by_control = _grouped(overall_by(control_at_response))
    by_kind = _grouped((kind_label(g), p, c, n) for g, p, c, n in overall_by(Authority.kind))
    by_region = _grouped((_region_label(g), p, c, n) for g, p, c, n in overall_by(Authority.region))

    answer_rows = db.session.execute(
        select(Answer.question_id, Answer.submitted_position, func.count(Answer.id), population)
        .join(Response, Response.id == Answer.response_id)
        .join(Authority, Authority.id == Response.authority_id)
        .where(submitted, Answer.submitted_position.is_not(None))
        .group_by(Answer.question_id, Answer.submitted_position)
    ).all()

    def answers_by(group: Any, label: Any = lambda g: g) -> list[tuple[Any, ...]]:
        """(question, group, position, count, population) for one split."""
        return [
            (q, label(g), p, c, n)
            for q, g, p, c, n in db.session.execute(
                select(
                    Answer.question_id,
                    group,
                    Answer.submitted_position,
                    func.count(Answer.id),
                    population,
                )
                .join(Response, Response.id == Answer.response_id)
                .join(Authority, Authority.id == Response.authority_id)
                .where(submitted, Answer.submitted_position.is_not(None))
                .group_by(Answer.question_id, group, Answer.submitted_position)
            ).all()
        ]

    answer_splits = {
        "by_control": answers_by(control_at_response),
        "by_type": answers_by(Authority.kind, kind_label),
        "by_region": answers_by(Authority.region, _region_label),
    }
    comment_counts = dict(
        db.session.execute(
            select(Answer.question_id, func.count(Answer.id))
            .join(Response, Response.id == Answer.response_id)
            .where(submitted, Answer.submitted_comment.is_not(None))
            .group_by(Answer.question_id)
        ).all()
    )
    questions = []
    for number, question in enumerate(consultation.questions, start=1):
        counts = {str(p): (c, int(n or 0)) for q, p, c, n in answer_rows if q == question.id}
        position_question = question.kind is QuestionKind.POSITION
        splits = {
            key: _grouped((g, str(p), c, n) for q, g, p, c, n in rows if q == question.id)
            if position_question
            else []
            for key, rows in answer_splits.items()
        }
        questions.append(
            {
                "id": question.id,
                "number": number,
                "text": question.text,
                "kind": question.kind.value,
                "comments": comment_counts.get(question.id, 0),
                **(
                    _position_rows(counts)
                    if question.kind is QuestionKind.POSITION
                    else {"rows": [], "total": 0, "population": 0}
                ),
                **splits,
            }
        )

    themes: dict[str, dict[str, int]] = {}
    for name, position, count in db.session.execute(
        select(Tag.name, Answer.submitted_position, func.count(AnswerTag.id))
        .join(AnswerTag, AnswerTag.tag_id == Tag.id)
        .join(Answer, Answer.id == AnswerTag.answer_id)
        .join(Response, Response.id == Answer.response_id)
        .where(submitted)
        .group_by(Tag.name, Answer.submitted_position)
    ).all():
        themes.setdefault(name, {})[position.value if position else "none"] = count

    ranked = (
        select(
            Answer.question_id,
            Authority.name.label("authority"),
            Answer.submitted_position,
            Answer.submitted_comment,
            func.row_number()
            .over(
                partition_by=Answer.question_id,
                order_by=(func.length(Answer.submitted_comment).desc(), Authority.name),
            )
            .label("rank"),
        )
        .join(Response, Response.id == Answer.response_id)
        .join(Authority, Authority.id == Response.authority_id)
        .where(submitted, Answer.submitted_comment.is_not(None))
        .subquery()
    )
    numbers = {q.id: n for n, q in enumerate(consultation.questions, start=1)}
    quotations = [
        {
            "question": numbers.get(r.question_id),
            "authority": r.authority,
            "position": r.submitted_position.label if r.submitted_position else "",
            "comment": r.submitted_comment,
        }
        for r in db.session.execute(
            select(ranked).where(ranked.c.rank <= 2).order_by(ranked.c.question_id, ranked.c.rank)
        ).all()
    ]

    return {
        "computed_at": at.isoformat(),
        "reference_day": on.isoformat(),
        "members": sum(totals.values()),
        "totals": totals,
        "coverage": coverage,
        "not_responded": not_responded,
        "overall": _position_rows(overall_counts),
        "by_control": by_control,
        "by_type": by_kind,
        "by_region": by_region,
        "questions": questions,
        "themes": [
            {"tag": tag, "counts": counts, "total": sum(counts.values())}
            for tag, counts in sorted(themes.items())
        ],
        "quotations": quotations,
        "positions": [{"value": p.value, "label": p.label} for p in POSITIONS],
    }


RAW_HEADER = [
    "Reference",
    "GSS code",
    "Authority",
    "Type",
    "Region",
    "Political control at response",
    "Population",
    "Channel",
    "Submitted",
    "Question number",
    "Question",
    "Position",
    "Comment",
]
SUBMITTED_COLUMN = RAW_HEADER.index("Submitted")

NOT_RESPONDED_HEADER = ["Authority", "Type", "Region", "Political control", "Status"]


def raw_rows(consultation: Consultation) -> list[list[Any]]:
    """Every submitted answer for the downloads: one row per authority per
    question, and one for its overall position. Loaded in three statements
    (responses, their answers, their authorities), whatever their number."""
    responses = db.session.execute(
        select(Response)
        .where(Response.consultation_id == consultation.id, Response.submitted_at.is_not(None))
        .options(selectinload(Response.answers), selectinload(Response.authority))
        .join(Authority)
        .order_by(Authority.name)
    ).scalars()
    rows = []
    for response in responses:
        authority = response.authority
        control = (
            CONTROL_LABELS[Control(response.control_at_submission)]
            if response.control_at_submission
            else NO_CONTROL
        )
        base = [
            consultation.reference,
            authority.gss_code or "",
            authority.name,
            AUTHORITY_KIND_LABELS[authority.kind],
            authority.region.value,
            control,
            authority.population,
            response.channel.label,
            response.submitted_at,
        ]
        rows.append(
            [
                *base,
                "Overall",
                "Overall position",
                response.submitted_position.label if response.submitted_position else "",
                response.submitted_comment or "",
            ]
        )
        for number, question in enumerate(consultation.questions, start=1):
            answer = response.answer_for(question.id)
            rows.append(
                [
                    *base,
                    str(number),
                    question.text,
                    answer.submitted_position.label if answer and answer.submitted_position else "",
                    (answer.submitted_comment or "") if answer else "",
                ]
            )
    return rows


def frozen_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """Raw rows as a snapshot stores them (JSON has no dates)."""
    return [[v.isoformat() if isinstance(v, datetime) else v for v in row] for row in rows]


def thawed_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """A snapshot's stored rows, with the submission time a time again."""
    thawed = []
    for row in rows:
        row = list(row)
        if isinstance(row[SUBMITTED_COLUMN], str) and row[SUBMITTED_COLUMN]:
            row[SUBMITTED_COLUMN] = datetime.fromisoformat(row[SUBMITTED_COLUMN])
        thawed.append(row)
    return thawed
