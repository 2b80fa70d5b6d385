"""The deadline rush's starting point, built on an empty PostgreSQL database.

The database is wiped (its ``public`` schema dropped and re-created) and
migrated to the latest schema; the reference data is loaded the way
``flask seed`` loads it (without the demo); then one open consultation with
position questions and, for each of the first N member councils, a leader and
an officer, and the officer's response marked ready for sign-off. People,
appointments, responses, answers and revisions go in as bulk INSERTs; every
account gets the same password, hashed once (Argon2 is slow on purpose).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import flask_migrate
from flask import Flask
from sqlalchemy import insert, select, text

from commission.auth.models import Appointment, User
from commission.auth.passwords import hash_password
from commission.auth.roles import Role
from commission.consultations.models import (
    Answer,
    Channel,
    Consultation,
    ConsultationStatus,
    LegislativeStage,
    Position,
    Question,
    QuestionKind,
    Response,
    ResponseRevision,
    ResponseStatus,
)
from commission.consultations.services import next_reference
from commission.extensions import db
from commission.membership.models import COUNCIL_KINDS, Authority, Department, Membership
from commission.seeding.reference import load_reference_data
from commission.timeutil import LONDON, now_utc, today

PASSWORD = "rush-hour-sign-off-password-2026"  # noqa: S105
POSITIONS = [p for p in Position if p is not Position.NO_POSITION]


@dataclass(frozen=True)
class Leader:
    user_id: int
    email: str
    authority_id: int
    slug: str
    response_id: int


@dataclass(frozen=True)
class Scenario:
    reference: str
    consultation_id: int
    questions: int
    initial_version: int
    initial_revisions: int
    leaders: list[Leader]


def wipe_and_migrate(app: Flask) -> None:
    """Drop everything in the database and build the latest schema."""
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        db.engine.dispose()
        flask_migrate.upgrade()


def build(app: Flask, *, authorities: int, questions: int, closes_in: timedelta) -> Scenario:
    """Seed reference data and the rush: everything committed, ready to serve."""
    with app.app_context():
        load_reference_data()
        db.session.commit()
        now = now_utc()
        councils = _member_councils(authorities)
        consultation = _consultation(now, questions, closes_in)
        password_hash = hash_password(PASSWORD)
        leaders = _people(councils, Role.LEADER, "leader", password_hash, now)
        officers = _people(councils, Role.OFFICER, "officer", password_hash, now)
        responses = _responses(consultation, councils, officers, now)
        db.session.commit()
        return Scenario(
            reference=consultation.reference,
            consultation_id=consultation.id,
            questions=len(consultation.questions),
            initial_version=1,
            initial_revisions=1,
            leaders=[
                Leader(
                    user_id=leaders[a.id][0],
                    email=leaders[a.id][1],
                    authority_id=a.id,
                    slug=a.slug,
                    response_id=responses[a.id],
                )
                for a in councils
            ],
        )


def _member_councils(count: int) -> list[Authority]:
    on = today()
    councils = list(
        db.session.execute(
            select(Authority)
            .join(Membership, Membership.authority_id == Authority.id)
            .where(
                Authority.kind.in_(list(COUNCIL_KINDS)),
                Membership.joined_on <= on,
                Membership.left_on.is_(None),
            )
            .order_by(Authority.name)
        ).scalars()
    )
    if len(councils) < count:
        raise SystemExit(f"Only {len(councils)} member councils in the seed data, not {count}")
    return councils[:count]


def _consultation(now: datetime, questions: int, closes_in: timedelta) -> Consultation:
    department = db.session.execute(select(Department).order_by(Department.name)).scalars().first()
    assert department is not None, "the seed data has departments"
    opens_at = now - timedelta(days=28)
    consultation = Consultation(
        reference=next_reference(opens_at.astimezone(LONDON).year),
        title="Reforming local audit: the deadline rush",
        summary="What government proposes, and what it wants councils' views on.",
        department=department,
        stage=LegislativeStage.GREEN_PAPER,
        status=ConsultationStatus.OPEN,
        opens_at=opens_at,
        opened_at=opens_at,
        closes_at=now + closes_in,
    )
    for n in range(1, questions + 1):
        consultation.questions.append(
            Question(
                position=n,
                kind=QuestionKind.POSITION,
                text=f"Do you agree with proposal {n}?",
                hint="Tell us why, with evidence from your area.",
                required=True,
            )
        )
    db.session.add(consultation)
    db.session.flush()
    return consultation


def _people(
    councils: list[Authority], role: Role, label: str, password_hash: str, now: datetime
) -> dict[int, tuple[int, str]]:
    """One person holding ``role`` at each council: authority id -> (user id, email)."""
    emails = {a.id: f"{label}.{a.slug}@rush.example.gov.uk" for a in councils}
    db.session.execute(
        insert(User),
        [
            {
                "email": emails[a.id],
                "full_name": f"{label.capitalize()} of {a.name}"[:200],
                "password_hash": password_hash,
                "active": True,
                "session_token": secrets.token_hex(16),
                "password_set_at": now,
                "created_at": now,
            }
            for a in councils
        ],
    )
    ids = dict(
        db.session.execute(
            select(User.email, User.id).where(User.email.in_(list(emails.values())))
        ).all()
    )
    db.session.execute(
        insert(Appointment),
        [
            {
                "user_id": ids[emails[a.id]],
                "role": role,
                "authority_id": a.id,
                "authority_is_mayoral": a.mayoral,
                "starts_on": today() - timedelta(days=400),
                "created_at": now,
            }
            for a in councils
        ],
    )
    return {a.id: (ids[emails[a.id]], emails[a.id]) for a in councils}


def _responses(
    consultation: Consultation,
    councils: list[Authority],
    officers: dict[int, tuple[int, str]],
    now: datetime,
) -> dict[int, int]:
    """Each council's response, every question answered and marked ready for
    sign-off by its officer: authority id -> response id."""
    overall = {a.id: POSITIONS[n % len(POSITIONS)] for n, a in enumerate(councils)}
    db.session.execute(
        insert(Response),
        [
            {
                "consultation_id": consultation.id,
                "authority_id": a.id,
                "status": ResponseStatus.READY,
                "channel": Channel.ONLINE,
                "overall_position": overall[a.id],
                "overall_comment": f"{a.name} broadly welcomes the proposals.",
                "submission_count": 0,
                "version": 1,
                "updated_at": now,
                "updated_by_id": officers[a.id][0],
            }
            for a in councils
        ],
    )
    ids = dict(
        db.session.execute(
            select(Response.authority_id, Response.id).where(
                Response.consultation_id == consultation.id
            )
        ).all()
    )
    answers: dict[int, dict[str, dict[str, Any]]] = {}
    rows = []
    for n, authority in enumerate(councils):
        answers[authority.id] = {}
        for question in consultation.questions:
            position = POSITIONS[(n + question.position) % len(POSITIONS)]
            comment = (
                f"Our evidence on proposal {question.position}." if question.position % 3 else None
            )
            rows.append(
                {
                    "response_id": ids[authority.id],
                    "question_id": question.id,
                    "position": position,
                    "comment": comment,
                }
            )
            answers[authority.id][str(question.id)] = {
                "position": position.value,
                "comment": comment,
            }
    db.session.execute(insert(Answer), rows)
    db.session.execute(
        insert(ResponseRevision),
        [
            {
                "response_id": ids[a.id],
                "version": 1,
                "action": "ready for sign-off",
                "saved_at": now,
                "saved_by_id": officers[a.id][0],
                "snapshot": {
                    "status": ResponseStatus.READY.value,
                    "overall_position": overall[a.id].value,
                    "overall_comment": f"{a.name} broadly welcomes the proposals.",
                    "answers": answers[a.id],
                },
            }
            for a in councils
        ],
    )
    return {a.id: ids[a.id] for a in councils}
