"""Reading policies for their pages: the loader that answers 404, the list,
the consultations a stage may be made of, and a policy's journey from stage
to stage, with how councils' positions moved between them.

Who sees which position is decided by the rules that decide it for a
council's record of positions (``consultations.positions``), never a copy:
a stage's positions are public once its summary is published; before that
the secretariat, the chair and the lead department's ministers see them all
(``summaries.policy.can_see_live``) and an authority's own people see
their authority's (``positions.may_see_response``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from flask import abort
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import joinedload, selectinload, undefer

from commission.auth.models import User
from commission.auth.roles import Role
from commission.consultations.models import (
    Consultation,
    ConsultationStatus,
    Position,
    Response,
)
from commission.consultations.positions import may_see_response
from commission.consultations.services import effective_status
from commission.extensions import db
from commission.membership.models import Authority
from commission.policies.models import Policy, PolicyStage
from commission.summaries.models import GovernmentReply, Summary, SummarySnapshot
from commission.summaries.policy import can_see_live
from commission.summaries.queries import control_at_response
from commission.timeutil import today

# Where each position sits between support and opposition, for telling which
# way an authority moved. "No position" sits with "neutral": neither for nor
# against.
SCALE = {
    Position.SUPPORT: 3,
    Position.SUPPORT_WITH_AMENDMENTS: 2,
    Position.NEUTRAL: 1,
    Position.NO_POSITION: 1,
    Position.OPPOSE: 0,
}
TOWARDS_SUPPORT = "towards_support"
TOWARDS_OPPOSE = "towards_oppose"
UNCHANGED = "unchanged"
DIRECTION_LABELS = {
    TOWARDS_SUPPORT: "Towards support",
    TOWARDS_OPPOSE: "Towards opposition",
    UNCHANGED: "Unchanged",
}
ALL_AUTHORITIES = "All authorities"


def is_secretariat(user: User) -> bool:
    return bool(user.is_authenticated and Role.SECRETARIAT in user.roles_on(today()))


def stage_visible(consultation: Consultation, user: User) -> bool:
    """A draft consultation is the secretariat's alone, as on its own page."""
    return consultation.status is not ConsultationStatus.DRAFT or is_secretariat(user)


def _with_stages() -> Any:
    return selectinload(Policy.stages).joinedload(PolicyStage.consultation)


def load_policy(slug: str, user: User) -> Policy:
    """The policy at this address, with its stages' consultations; 404 if
    there is none or the viewer may see none of its stages."""
    policy = db.session.execute(
        select(Policy).where(Policy.slug == slug).options(_with_stages())
    ).scalar_one_or_none()
    if policy is None:
        abort(404)
    if not is_secretariat(user) and not any(
        stage_visible(stage.consultation, user) for stage in policy.stages
    ):
        abort(404)
    return policy


def stage_of(policy: Policy, stage_id: int) -> PolicyStage:
    """One of the policy's stages (already loaded with it), or 404."""
    stage = next((s for s in policy.stages if s.id == stage_id), None)
    if stage is None:
        abort(404)
    return stage


@dataclass(frozen=True)
class PolicyLine:
    """A policy in the list, with the stages the viewer may see."""

    policy: Policy
    stages: list[PolicyStage]

    @property
    def latest(self) -> PolicyStage | None:
        return self.stages[-1] if self.stages else None


def policy_lines(user: User) -> list[PolicyLine]:
    """Every policy with a stage the viewer may see (the secretariat sees
    every policy), by name, in two statements."""
    secretariat = is_secretariat(user)
    lines = []
    for policy in db.session.execute(
        select(Policy).options(_with_stages()).order_by(Policy.name, Policy.id)
    ).scalars():
        stages = [s for s in policy.stages if stage_visible(s.consultation, user)]
        if stages or secretariat:
            lines.append(PolicyLine(policy, stages))
    return lines


def unlinked_consultations() -> list[Consultation]:
    """Consultations that are no policy's stage yet, newest first."""
    return list(
        db.session.execute(
            select(Consultation)
            .where(~Consultation.id.in_(select(PolicyStage.consultation_id)))
            .order_by(Consultation.opens_at.desc(), Consultation.id.desc())
        ).scalars()
    )


def stage_of_consultation(consultation: Consultation) -> PolicyStage | None:
    """The consultation's place in a policy, with the policy, if it has one."""
    return db.session.execute(
        select(PolicyStage)
        .where(PolicyStage.consultation_id == consultation.id)
        .options(joinedload(PolicyStage.policy))
    ).scalar_one_or_none()


def policy_choices() -> list[tuple[str, str]]:
    """(slug, name) of every policy, for the consultations list's filter."""
    return [
        (slug, name)
        for slug, name in db.session.execute(
            select(Policy.slug, Policy.name).order_by(Policy.name, Policy.id)
        ).all()
    ]


def in_policy(slug: str) -> ColumnElement[bool]:
    """In SQL: the consultation is a stage of the policy with this address."""
    return Consultation.id.in_(
        select(PolicyStage.consultation_id)
        .join(Policy, Policy.id == PolicyStage.policy_id)
        .where(Policy.slug == slug)
    )


# A policy's journey -----------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """A published summary's headline: how many members gave a position, and
    the share of each position given (by head-count)."""

    submitted: int
    members: int
    positions: list[tuple[str, int, float]]


def headline(data: Summary) -> Headline:
    return Headline(
        submitted=data["totals"].get("submitted", 0),
        members=data["members"],
        positions=[
            (row["label"], row["count"], row["percent"])
            for row in data["overall"]["rows"]
            if row["count"]
        ],
    )


@dataclass(frozen=True)
class StageView:
    """One stage as the viewer sees it. ``published``: the summary is
    published, so every position is public; ``all_positions``: the viewer
    may see every authority's position (published, or the live summary's
    audience)."""

    stage: PolicyStage
    consultation: Consultation
    status: ConsultationStatus
    headline: Headline | None
    snapshot: SummarySnapshot | None
    reply: GovernmentReply | None
    published: bool
    all_positions: bool


@dataclass(frozen=True)
class AuthorityMove:
    """One authority's overall position at two consecutive stages, and the
    party in control when it gave the later one."""

    authority: Authority
    earlier: Position
    later: Position
    control: str

    @property
    def direction(self) -> str:
        return direction(self.earlier, self.later)


@dataclass(frozen=True)
class MoveCounts:
    """How many authorities moved each way, in one group (a political
    control at the later response, or all authorities)."""

    group: str
    towards_support: int = 0
    towards_oppose: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.towards_support + self.towards_oppose + self.unchanged


@dataclass(frozen=True)
class Movement:
    """How positions moved from one stage to the next. ``authorities`` are
    those that answered both and whose answers the viewer may see at both;
    ``overall`` (by control, then all authorities) is given only when the
    viewer may see every position at both stages, else None."""

    earlier: StageView
    later: StageView
    authorities: list[AuthorityMove]
    overall: list[MoveCounts] | None


@dataclass(frozen=True)
class Journey:
    policy: Policy
    stages: list[StageView]
    movements: list[Movement]


def direction(earlier: Position, later: Position) -> str:
    """Which way an authority moved: towards support, towards opposition,
    or not at all (on the scale above)."""
    change = SCALE[later] - SCALE[earlier]
    if change > 0:
        return TOWARDS_SUPPORT
    if change < 0:
        return TOWARDS_OPPOSE
    return UNCHANGED


def count_moves(moves: Iterable[AuthorityMove]) -> list[MoveCounts]:
    """The moves counted per control at the later response (by name), then
    for all authorities."""
    tallies: dict[str, dict[str, int]] = {}
    total: dict[str, int] = dict.fromkeys(DIRECTION_LABELS, 0)
    for move in moves:
        group = tallies.setdefault(move.control, dict.fromkeys(DIRECTION_LABELS, 0))
        group[move.direction] += 1
        total[move.direction] += 1
    return [
        *(MoveCounts(name, **counts) for name, counts in sorted(tallies.items())),
        MoveCounts(ALL_AUTHORITIES, **total),
    ]


def _published_snapshots(ids: Sequence[int]) -> dict[int, SummarySnapshot]:
    """Each consultation's latest published snapshot, with its figures (one
    statement)."""
    latest: dict[int, SummarySnapshot] = {}
    if ids:
        for snapshot in db.session.execute(
            select(SummarySnapshot)
            .where(SummarySnapshot.consultation_id.in_(ids), SummarySnapshot.published.is_(True))
            .options(undefer(SummarySnapshot.data))
            .order_by(SummarySnapshot.created_at, SummarySnapshot.id)
        ).scalars():
            latest[snapshot.consultation_id] = snapshot
    return latest


def _published_replies(ids: Sequence[int]) -> dict[int, GovernmentReply]:
    if not ids:
        return {}
    return {
        reply.consultation_id: reply
        for reply in db.session.execute(
            select(GovernmentReply).where(
                GovernmentReply.consultation_id.in_(ids), GovernmentReply.published_at.is_not(None)
            )
        ).scalars()
    }


def _signed_off(ids: Sequence[int]) -> dict[int, dict[int, Response]]:
    """The signed-off responses with an overall position, per consultation
    and authority, with their authorities (one statement). A position stated
    at a meeting is the authority's response when it had no written one."""
    found: dict[int, dict[int, Response]] = {}
    if ids:
        for response in db.session.execute(
            select(Response)
            .where(
                Response.consultation_id.in_(ids),
                Response.submitted_at.is_not(None),
                Response.submitted_position.is_not(None),
            )
            .options(joinedload(Response.authority))
        ).scalars():
            found.setdefault(response.consultation_id, {})[response.authority_id] = response
    return found


def _movement(
    earlier: StageView,
    later: StageView,
    responses: dict[int, dict[int, Response]],
    user: User,
) -> Movement:
    before = responses.get(earlier.consultation.id, {})
    after = responses.get(later.consultation.id, {})
    every = []
    for authority_id in before.keys() & after.keys():
        first, second = before[authority_id], after[authority_id]
        if first.submitted_position is None or second.submitted_position is None:
            continue
        every.append(
            AuthorityMove(
                authority=second.authority,
                earlier=first.submitted_position,
                later=second.submitted_position,
                control=control_at_response(second.control_at_submission),
            )
        )
    every.sort(key=lambda move: (move.authority.name, move.authority.id))
    both_visible = earlier.all_positions and later.all_positions
    shown = [
        move
        for move in every
        if both_visible
        or (
            may_see_response(
                earlier.consultation, move.authority, user, published=earlier.published
            )
            and may_see_response(
                later.consultation, move.authority, user, published=later.published
            )
        )
    ]
    return Movement(earlier, later, shown, count_moves(every) if both_visible else None)


def journey(policy: Policy, user: User) -> Journey:
    """The stages the viewer may see, in order, each with its published
    headline and reply, and how positions moved between each stage and the
    next: five statements after the policy is loaded, however many stages
    and authorities."""
    stages = [s for s in policy.stages if stage_visible(s.consultation, user)]
    ids = [s.consultation_id for s in stages]
    snapshots = _published_snapshots(ids)
    replies = _published_replies(ids)
    responses = _signed_off(ids)
    views = []
    for stage in stages:
        consultation = stage.consultation
        snapshot = snapshots.get(consultation.id)
        published = snapshot is not None
        views.append(
            StageView(
                stage=stage,
                consultation=consultation,
                status=effective_status(consultation),
                headline=headline(snapshot.data) if snapshot is not None else None,
                snapshot=snapshot,
                reply=replies.get(consultation.id),
                published=published,
                all_positions=published or can_see_live(consultation, user),
            )
        )
    movements = [_movement(earlier, later, responses, user) for earlier, later in pairwise(views)]
    return Journey(policy, views, movements)
