"""Themes, frozen snapshots, publication and the government's reply."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, select

from commission import signals
from commission.audit import services as audit
from commission.auth.models import User
from commission.auth.roles import Role
from commission.consultations.models import Answer, Consultation, ConsultationStatus
from commission.consultations.policy import publish_summary_refusal
from commission.errors import DomainError
from commission.extensions import db
from commission.maps.queries import consultation_records
from commission.meetings.models import Meeting
from commission.summaries import tallies
from commission.summaries.models import AnswerTag, GovernmentReply, Summary, SummarySnapshot, Tag
from commission.summaries.policy import reply_refusal
from commission.summaries.queries import commented_answers, compute_summary
from commission.summaries.rows import frozen_rows, raw_rows
from commission.timeutil import format_datetime, now_utc, today


def can_write_reply(consultation: Consultation, user: User) -> bool:
    """The lead minister, or the secretariat on their behalf."""
    if not user.is_authenticated:
        return False
    on = today()
    if Role.SECRETARIAT in user.roles_on(on):
        return True
    return consultation.lead_office_id is not None and any(
        a.role is Role.MINISTER and a.ministerial_office_id == consultation.lead_office_id
        for a in user.current_appointments(on)
    )


def published_snapshot(consultation: Consultation) -> SummarySnapshot | None:
    return db.session.execute(
        select(SummarySnapshot)
        .where(
            SummarySnapshot.consultation_id == consultation.id, SummarySnapshot.published.is_(True)
        )
        .order_by(SummarySnapshot.created_at.desc(), SummarySnapshot.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def meeting_snapshots(consultation: Consultation) -> list[SummarySnapshot]:
    return list(
        db.session.execute(
            select(SummarySnapshot)
            .where(
                SummarySnapshot.consultation_id == consultation.id,
                SummarySnapshot.meeting_id.is_not(None),
            )
            .order_by(SummarySnapshot.created_at, SummarySnapshot.id)
        ).scalars()
    )


@dataclass(frozen=True)
class Frozen:
    """A snapshot's columns: the figures (with what its maps are drawn from)
    and every submitted answer as they stand, so the snapshot's downloads are
    frozen with it."""

    data: Summary
    answers: list[list[Any]]


def _frozen(consultation: Consultation) -> Frozen:
    data = compute_summary(consultation)
    data["map"] = consultation_records(consultation, date.fromisoformat(data["reference_day"]))
    return Frozen(data, frozen_rows(raw_rows(consultation)))


def freeze_for_meeting(
    *, consultation: Consultation, meeting: Meeting, actor: User
) -> SummarySnapshot:
    if consultation.status is ConsultationStatus.DRAFT:
        raise DomainError("A draft consultation has no responses to summarise")
    frozen = _frozen(consultation)
    snapshot = SummarySnapshot(
        consultation_id=consultation.id,
        meeting_id=meeting.id,
        published=False,
        created_by_id=actor.id,
        data=frozen.data,
        answers=frozen.answers,
    )
    db.session.add(snapshot)
    db.session.flush()
    audit.record(
        action="summary_frozen",
        summary=f"{actor.full_name} froze the summary of {consultation.reference} for the "
        f"meeting on {format_datetime(meeting.starts_at)}",
        actor=actor,
        subject=snapshot,
    )
    return snapshot


def publish_summary(*, consultation: Consultation, actor: User) -> SummarySnapshot:
    """Publishing freezes the summary as it stands and makes it public, when
    ``consultations.policy.publish_summary_refusal`` has no objection."""
    refusal = publish_summary_refusal(consultation)
    if refusal is not None:
        raise refusal
    frozen = _frozen(consultation)
    snapshot = SummarySnapshot(
        consultation_id=consultation.id,
        published=True,
        created_by_id=actor.id,
        data=frozen.data,
        answers=frozen.answers,
    )
    db.session.add(snapshot)
    consultation.status = ConsultationStatus.SUMMARY_PUBLISHED
    db.session.flush()
    signals.summary_published.send(consultation, snapshot=snapshot, actor=actor)
    return snapshot


def save_reply(
    *, consultation: Consultation, overall: str, per_question: dict[int, str], actor: User
) -> GovernmentReply:
    """Save the government's reply as a draft, while ``summaries.policy.reply_refusal``
    has no objection."""
    refusal = reply_refusal(consultation)
    if refusal is not None:
        raise refusal
    reply = reply_for(consultation)
    if reply is None:
        reply = GovernmentReply(consultation_id=consultation.id)
        db.session.add(reply)
    reply.overall = overall.strip() or None
    reply.per_question = {str(k): v.strip() for k, v in per_question.items() if v.strip()}
    reply.updated_by_id = actor.id
    reply.updated_at = now_utc()
    db.session.flush()
    audit.record(
        action="reply_saved",
        summary=f"{actor.full_name} saved the government's reply to {consultation.reference}",
        actor=actor,
        subject=reply,
    )
    return reply


def publish_reply(*, consultation: Consultation, actor: User) -> GovernmentReply:
    reply = reply_for(consultation)
    if reply is not None and reply.published_at is not None:
        raise DomainError("The government's reply has already been published")
    if reply is None or not reply.overall:
        raise DomainError("Write the overall reply before publishing it")
    if consultation.status is not ConsultationStatus.SUMMARY_PUBLISHED:
        raise DomainError("The reply can be published once the summary is published")
    reply.published_at = now_utc()
    reply.published_by_id = actor.id
    consultation.status = ConsultationStatus.REPLY_PUBLISHED
    db.session.flush()
    signals.reply_published.send(consultation, reply=reply, actor=actor)
    return reply


def reply_for(consultation: Consultation) -> GovernmentReply | None:
    return db.session.execute(
        select(GovernmentReply).where(GovernmentReply.consultation_id == consultation.id)
    ).scalar_one_or_none()


def theme_name(text: str) -> str:
    """A theme as it is kept: spaces collapsed, lower case."""
    return " ".join(text.split()).lower()


def tag_answer(*, answer: Answer, tag_names: list[str], actor: User) -> list[Tag]:
    """Set the themes on a comment (adding new themes as needed)."""
    names = sorted({theme_name(n) for n in tag_names if n.strip()})
    if any(len(n) > 60 for n in names):
        raise DomainError("A theme must be 60 characters or fewer", field="new_tag")
    tags = []
    for name in names:
        tag = db.session.execute(select(Tag).where(Tag.name == name)).scalar_one_or_none()
        if tag is None:
            tag = Tag(name=name)
            db.session.add(tag)
            db.session.flush()
        tags.append(tag)
    existing = {
        t.tag_id: t
        for t in db.session.execute(
            select(AnswerTag).where(AnswerTag.answer_id == answer.id)
        ).scalars()
    }
    wanted = {t.id for t in tags}
    for tag_id, link in existing.items():
        if tag_id not in wanted:
            db.session.delete(link)
    for tag in tags:
        if tag.id not in existing:
            db.session.add(AnswerTag(answer_id=answer.id, tag_id=tag.id, tagged_by_id=actor.id))
    removed = sorted(link.tag.name for tag_id, link in existing.items() if tag_id not in wanted)
    added = sorted(tag.name for tag in tags if tag.id not in existing)
    if added or removed:
        audit.record(
            action="themes_tagged",
            summary=f"{actor.full_name} set the themes of a comment on "
            f"{answer.response.consultation.reference} by {answer.response.authority.name}: "
            f"{', '.join(names) or 'none'}",
            actor=actor,
            subject=answer,
            details={"added": added, "removed": removed},
        )
    db.session.flush()
    return tags


def _question_number(consultation: Consultation, question_id: int) -> int | None:
    return next(
        (n for n, q in enumerate(consultation.questions, start=1) if q.id == question_id), None
    )


@dataclass(frozen=True)
class BulkTagging:
    """What a bulk change did: the theme, and how many comments changed."""

    theme: str
    added: bool
    changed: int
    chosen: int


def tag_comments(
    *,
    consultation: Consultation,
    answer_ids: list[int],
    theme: str,
    add: bool,
    actor: User,
) -> BulkTagging:
    """Add a theme to (or remove it from) many comments of one consultation
    at once, in one audit event naming every comment that changed. Adding
    creates the theme if it is new; a comment that already has it (or, when
    removing, does not) is left as it is. Only submitted comments on this
    consultation can be chosen."""
    name = theme_name(theme)
    if not name:
        raise DomainError("Choose a theme or enter a new one", field="existing_theme")
    if len(name) > 60:
        raise DomainError("A theme must be 60 characters or fewer", field="new_theme")
    chosen = commented_answers(consultation, answer_ids)
    if not chosen:
        raise DomainError("Select the comments to change", field="answers")
    tag = db.session.execute(select(Tag).where(Tag.name == name)).scalar_one_or_none()
    if tag is None and not add:
        raise DomainError(f"There is no theme called “{name}”", field="existing_theme")
    if tag is None:
        tag = Tag(name=name)
        db.session.add(tag)
        db.session.flush()
    ids = [answer.id for answer, _ in chosen]
    having = set(
        db.session.execute(
            select(AnswerTag.answer_id).where(
                AnswerTag.tag_id == tag.id, AnswerTag.answer_id.in_(ids)
            )
        ).scalars()
    )
    if add:
        changed = [(a, council) for a, council in chosen if a.id not in having]
        db.session.add_all(
            AnswerTag(answer_id=a.id, tag_id=tag.id, tagged_by_id=actor.id) for a, _ in changed
        )
    else:
        changed = [(a, council) for a, council in chosen if a.id in having]
        if changed:
            # A bulk delete the session does not see: the figures are told.
            responses = {a.response_id for a, _ in changed}
            with tallies.changing(db.session.connection(), responses):
                db.session.execute(
                    delete(AnswerTag).where(
                        AnswerTag.tag_id == tag.id,
                        AnswerTag.answer_id.in_([a.id for a, _ in changed]),
                    )
                )
    db.session.flush()
    if changed:
        named = [
            f"{council.name} (question {_question_number(consultation, a.question_id)})"
            for a, council in changed
        ]
        shown = ", ".join(named[:10]) + (f" and {len(named) - 10} more" if len(named) > 10 else "")
        audit.record(
            action="comment_themes_added" if add else "comment_themes_removed",
            summary=f"{actor.full_name} {'added' if add else 'removed'} the theme “{name}” "
            f"{'to' if add else 'from'} {_comments(len(changed))} on "
            f"{consultation.reference}: {shown}",
            actor=actor,
            subject=consultation,
            details={
                "theme": name,
                "comments": [
                    {
                        "answer_id": a.id,
                        "authority": council.name,
                        "question": _question_number(consultation, a.question_id),
                    }
                    for a, council in changed
                ],
            },
        )
    return BulkTagging(theme=name, added=add, changed=len(changed), chosen=len(chosen))


def _comments(count: int) -> str:
    return f"{count} comment" if count == 1 else f"{count} comments"


def snapshots_for_meeting(meeting: Meeting) -> dict[int, SummarySnapshot]:
    """Consultation id to the summary frozen for this meeting (the latest)."""
    return {
        s.consultation_id: s
        for s in db.session.execute(
            select(SummarySnapshot)
            .where(SummarySnapshot.meeting_id == meeting.id)
            .order_by(SummarySnapshot.created_at, SummarySnapshot.id)
        ).scalars()
    }
