"""Reading consultations for the pages, and the loader that answers 404 for a
consultation that is not there or that the viewer may not see."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from commission import access
from commission.auth.roles import Role
from commission.consultations.models import (
    Consultation,
    ConsultationStatus,
    Extension,
    Question,
    Response,
)
from commission.extensions import db


def load_consultation(reference: str) -> Consultation:
    """The consultation with this reference and what its pages show; 404 if
    there is none, or if it is a draft and the viewer is not the secretariat."""
    consultation = db.session.execute(
        select(Consultation)
        .where(Consultation.reference == reference)
        .options(
            selectinload(Consultation.questions),
            selectinload(Consultation.documents),
            selectinload(Consultation.department),
            selectinload(Consultation.lead_office),
        )
    ).scalar_one_or_none()
    if consultation is None:
        abort(404)
    if consultation.status is ConsultationStatus.DRAFT and not access.has_role(Role.SECRETARIAT):
        abort(404)
    return consultation


def question_of(consultation: Consultation, question_id: int) -> Question:
    """One of the consultation's questions (already loaded with it), or 404."""
    question = next((q for q in consultation.questions if q.id == question_id), None)
    if question is None:
        abort(404)
    return question


Pair = tuple[int, int]


def responses_and_extensions(
    consultation_ids: list[int], authority_ids: list[int]
) -> tuple[dict[Pair, Response], dict[Pair, Extension]]:
    """Each authority's response to, and extension for, each consultation,
    keyed by (consultation id, authority id), in two statements whatever
    the numbers."""
    if not consultation_ids or not authority_ids:
        return {}, {}
    responses = {
        (r.consultation_id, r.authority_id): r
        for r in db.session.execute(
            select(Response).where(
                Response.consultation_id.in_(consultation_ids),
                Response.authority_id.in_(authority_ids),
            )
        ).scalars()
    }
    extensions = {
        (e.consultation_id, e.authority_id): e
        for e in db.session.execute(
            select(Extension).where(
                Extension.consultation_id.in_(consultation_ids),
                Extension.authority_id.in_(authority_ids),
            )
        ).scalars()
    }
    return responses, extensions
