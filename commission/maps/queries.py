"""What the maps show, each read in ONE statement (whatever the number of
authorities), and made into ``HexMap``s by ``commission.maps.drawing``.

- a consultation's summary: every member authority (and any other that
  submitted) with its response's status and its position on each question;
  frozen with a snapshot (``map`` in its figures), so a published summary's
  maps come from the snapshot, like its figures;
- the authorities directory: political control on a day, with the
  directory's filters;
- a meeting's attendance record: the register's mark for each member.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import String, and_, case, func, literal, or_, select, type_coerce
from sqlalchemy.orm import aliased

from commission.attendance.models import RegisterEntry
from commission.consultations.models import Answer, Consultation, QuestionKind, Response
from commission.extensions import db
from commission.links import authority_link
from commission.maps.drawing import STRATEGIC_KINDS, HexMap, Place, draw, layout_digest
from commission.maps.palettes import (
    ATTENDANCE_CATEGORIES,
    CONTROL_CATEGORIES,
    COVERAGE_CATEGORIES,
    NO_ANSWER,
    NOT_RECORDED,
    PALETTES,
    POSITION_CATEGORIES,
)
from commission.membership.models import (
    Authority,
    Control,
    Region,
    authority_constituents,
)
from commission.membership.queries import (
    DirectoryFilters,
    current_controls,
    directory_statement,
    is_member_expression,
)
from commission.summaries.models import MapRecord

VIEWS = ("positions", "coverage")
REGIONS = [r.value for r in Region]


def _constituent_codes() -> Any:
    """A strategic authority's constituent councils' GSS codes, joined by
    commas (NULL for a council), as a column of the statement it is in."""
    council = aliased(Authority)
    return (
        select(func.aggregate_strings(council.gss_code, ","))
        .select_from(authority_constituents)
        .join(council, council.id == authority_constituents.c.council_id)
        .where(
            authority_constituents.c.strategic_authority_id == Authority.id,
            council.gss_code.is_not(None),
        )
        .correlate(Authority)
        .scalar_subquery()
        .label("constituents")
    )


def _codes(joined: str | None) -> list[str]:
    return sorted(code for code in (joined or "").split(",") if code)


def consultation_records(
    consultation: Consultation, on: date, *, questions: Sequence[int] | None = None
) -> list[MapRecord]:
    """Every authority that is a member on ``on`` or submitted a response,
    with its response's status and its signed-off position on each of the
    consultation's questions (only on the questions numbered in
    ``questions``, from 1, if given: a map of one question reads one
    question's answers), in one statement (a row an answer). What belongs to
    an authority (membership, constituent councils) is worked out once per
    authority, not once per answer."""
    numbers = {q.id: n for n, q in enumerate(consultation.questions)}
    if questions is not None:
        numbers = {id_: n for id_, n in numbers.items() if n + 1 in questions}
    authorities = select(
        Authority.id,
        Authority.name,
        Authority.slug,
        Authority.gss_code,
        type_coerce(Authority.kind, String()).label("kind"),
        type_coerce(Authority.region, String()).label("region"),
        is_member_expression(on).label("member"),
        _constituent_codes(),
    ).subquery("authorities")
    status = case(
        (Response.submitted_at.is_not(None), literal("submitted")),
        (Response.id.is_not(None), literal("draft")),
        else_=literal("not_started"),
    ).label("status")
    answered = and_(Answer.response_id == Response.id, Response.submitted_at.is_not(None))
    if questions is not None:
        answered = and_(answered, Answer.question_id.in_(list(numbers)))
    rows = db.session.execute(
        select(
            authorities,
            status,
            Answer.question_id,
            type_coerce(Answer.submitted_position, String()).label("position"),
        )
        .outerjoin(
            Response,
            and_(
                Response.authority_id == authorities.c.id,
                Response.consultation_id == consultation.id,
            ),
        )
        .outerjoin(Answer, answered)
        .where(or_(authorities.c.member, Response.submitted_at.is_not(None)))
        .order_by(authorities.c.name, authorities.c.id)
    ).all()
    records: dict[int, MapRecord] = {}
    count = len(consultation.questions)
    for row in rows:
        record = records.get(row.id)
        if record is None:
            record = records[row.id] = {
                "name": row.name,
                "slug": row.slug,
                "gss": row.gss_code,
                "kind": row.kind,
                "region": row.region,
                "member": bool(row.member),
                "status": row.status,
                "answers": [None] * count,
                "constituents": _codes(row.constituents),
            }
        if row.question_id in numbers and row.position is not None:
            record["answers"][numbers[row.question_id]] = row.position
    return list(records.values())


@dataclass(frozen=True)
class MapChoice:
    """What a summary's map shows, read from the page's query string: unknown
    values fall back to the first position question, head-count, all of
    England (a stale or hand-made link still shows a map)."""

    view: str
    question: int  # 1-based; 0 when there is no position question
    region: str

    @classmethod
    def from_args(cls, args: Any, questions: Sequence[tuple[int, str, str]]) -> MapChoice:
        position_numbers = [n for n, kind, _ in questions if kind == QuestionKind.POSITION.value]
        view = args.get("map", "")
        number = args.get("question", "")
        chosen = int(number) if number.isdecimal() and len(number) < 6 else 0
        chosen = chosen if chosen in position_numbers else 0
        region = args.get("region", "")
        return cls(
            view=view if view in VIEWS else VIEWS[0],
            question=chosen or (position_numbers[0] if position_numbers else 0),
            region=region if region in REGIONS else "",
        )


def question_choices(consultation: Consultation) -> list[tuple[int, str, str]]:
    """The consultation's questions as the map needs them: number, kind, text."""
    return [(n, q.kind.value, q.text) for n, q in enumerate(consultation.questions, start=1)]


def position_questions(consultation: Consultation) -> list[tuple[int, str]]:
    """The questions a map can show (position questions): number and text."""
    return [
        (n, text)
        for n, kind, text in question_choices(consultation)
        if kind == QuestionKind.POSITION.value
    ]


def summary_map(
    records: Iterable[MapRecord],
    questions: Sequence[tuple[int, str, str]],
    choice: MapChoice,
    *,
    id: str = "summary-map",
    link: Callable[[MapRecord], str] | None = None,
) -> HexMap | None:
    """A summary's map: one question's positions (every authority that
    submitted, as the question's figures count them) or, in the coverage
    view, every member's status. None when there is nothing to map (a
    positions view with no position question)."""
    link = link or (lambda record: authority_link(record["slug"]))
    places = []
    if choice.view == "coverage":
        labels = {c.key: c.label for c in COVERAGE_CATEGORIES}
        for record in records:
            if record["member"]:
                places.append(_place(record, record["status"], labels[record["status"]], link))
        title = "Who has responded"
        categories = COVERAGE_CATEGORIES
        heading = "Response"
    else:
        if not choice.question:
            return None
        labels = {c.key: c.label for c in POSITION_CATEGORIES}
        index = choice.question - 1
        for record in records:
            submitted = record["status"] == "submitted"
            if not (submitted or record["member"]):
                continue
            answers = record["answers"]
            position = answers[index] if submitted and index < len(answers) else None
            key = position if position in labels else NO_ANSWER
            places.append(_place(record, key, labels[key], link))
        title = f"Question {choice.question}: {questions[index][2]}"
        categories = POSITION_CATEGORIES
        heading = "Position"
    return draw(
        id=id,
        title=title,
        categories=categories,
        places=places,
        region=choice.region,
        value_heading=heading,
    )


def _place(record: MapRecord, key: str, value: str, link: Callable[[MapRecord], str]) -> Place:
    return Place(
        name=record["name"],
        gss_code=record["gss"],
        kind=record["kind"],
        region=record["region"],
        category=key,
        value=value,
        href=link(record),
        constituents=tuple(record["constituents"]),
    )


def control_map(filters: DirectoryFilters, on: date, *, today: date) -> HexMap:
    """Political control on ``on`` of the authorities the directory's
    filters find, in one statement."""
    control = current_controls(on)
    chosen = directory_statement(filters, on).with_only_columns(Authority.id).order_by(None)
    rows = db.session.execute(
        select(
            Authority.name,
            Authority.slug,
            Authority.gss_code,
            type_coerce(Authority.kind, String()).label("kind"),
            type_coerce(Authority.region, String()).label("region"),
            type_coerce(control.c.control, String()).label("control"),
            control.c.party_name,
            _constituent_codes(),
        )
        .outerjoin(control, control.c.authority_id == Authority.id)
        .where(Authority.id.in_(chosen))
        .order_by(Authority.name)
    ).all()
    labels = {c.key: c.label for c in CONTROL_CATEGORIES}
    places = []
    for row in rows:
        key = row.control if row.control in labels else NOT_RECORDED
        value = (
            row.party_name if row.control == Control.OTHER.value and row.party_name else labels[key]
        )
        places.append(
            Place(
                name=row.name,
                gss_code=row.gss_code,
                kind=row.kind,
                region=row.region,
                category=key,
                value=value,
                href=authority_link(row.slug),
                constituents=tuple(_codes(row.constituents)),
            )
        )
    when = "today" if on == today else f"on {on:%-d %B %Y}"
    return draw(
        id="control-map",
        title=f"Political control {when}",
        categories=CONTROL_CATEGORIES,
        places=places,
        value_heading="Political control",
    )


def constituent_codes(authorities: Iterable[Authority]) -> dict[int, list[str]]:
    """The constituent councils' GSS codes of each strategic authority among
    ``authorities``, in one statement (made even when there is none, so a
    page's statements do not depend on its records)."""
    ids = [a.id for a in authorities if a.kind.value in STRATEGIC_KINDS]
    rows = db.session.execute(
        select(Authority.id, _constituent_codes()).where(Authority.id.in_(ids))
    ).all()
    return {row.id: _codes(row.constituents) for row in rows}


def attendance_map(members: Sequence[Authority], entries: dict[int, RegisterEntry]) -> HexMap:
    """The register of a meeting: each member authority's mark (one
    statement, for the strategic authorities' councils)."""
    codes = constituent_codes(members)
    labels = {c.key: c.label for c in ATTENDANCE_CATEGORIES}
    places = []
    for authority in members:
        entry = entries.get(authority.id)
        key = entry.mark.value if entry is not None else NOT_RECORDED
        places.append(
            Place(
                name=authority.name,
                gss_code=authority.gss_code,
                kind=authority.kind.value,
                region=authority.region.value,
                category=key,
                value=labels[key],
                href=authority_link(authority.slug),
                constituents=tuple(codes.get(authority.id, [])),
            )
        )
    return draw(
        id="attendance-map",
        title="Who came",
        categories=ATTENDANCE_CATEGORIES,
        places=places,
        value_heading="Register",
    )


def briefing_maps(
    records: Sequence[MapRecord], questions: Sequence[tuple[int, str, str]]
) -> list[HexMap]:
    """The briefing's maps: the headline question's (the first position
    question) and who has responded; none without records (a snapshot
    frozen before maps were drawn)."""
    if not records:
        return []
    headline = MapChoice.from_args({}, questions)
    found = [
        summary_map(records, questions, headline, id="question-map"),
        summary_map(
            records, questions, MapChoice("coverage", headline.question, ""), id="responded-map"
        ),
    ]
    return [m for m in found if m is not None]


MAP_TEMPLATES = ("maps/_map.html", "maps/_summary_map.html")


def map_digest() -> str:
    """What a kept page or file drawn with these maps depends on here (the
    layouts' files and the palettes), for its cache key."""
    return json.dumps(
        [
            [(c.key, c.label, c.colour, c.light) for c in categories]
            for categories in PALETTES.values()
        ]
        + [layout_digest()]
    )


@dataclass(frozen=True)
class ControlDay:
    """The day the directory's map shows control on, from ``on-day``,
    ``on-month`` and ``on-year`` in its address (the GOV.UK date pattern);
    today when none is given. A date that is not real or is in the future
    is an error shown on the form, and the map shows today."""

    day: str
    month: str
    year: str
    on: date
    error: str = ""

    @classmethod
    def from_args(cls, args: Any, *, today: date) -> ControlDay:
        parts = [(args.get(f"on-{name}") or "").strip()[:4] for name in ("day", "month", "year")]
        day, month, year = parts
        if not any(parts):
            return cls("", "", "", today)
        if not all(parts):
            missing = [n for n, v in zip(("day", "month", "year"), parts, strict=True) if not v]
            return cls(day, month, year, today, f"The date must include a {missing[0]}")
        try:
            chosen = date(int(year), int(month), int(day))
        except ValueError:
            return cls(day, month, year, today, "The date must be a real date")
        if chosen > today:
            return cls(day, month, year, today, "The date must be today or in the past")
        return cls(day, month, year, chosen)
