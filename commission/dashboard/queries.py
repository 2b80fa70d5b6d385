"""What the home page and "Your authority" show a signed-in person: what
needs their action now, and for each of their authorities the meetings to
come and the consultations it can respond to.

The dashboard sits above the areas: it reads meetings, attendance,
consultations and minutes, and no area imports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import url_for
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import selectinload

from commission import policy
from commission.attendance import services as attendance
from commission.attendance.models import AttendanceReply, InvitationStatus, MinisterialAttendance
from commission.auth.models import Appointment, User
from commission.auth.roles import Role
from commission.consultations import queries as consultation_queries
from commission.consultations.models import (
    Consultation,
    ConsultationStatus,
    Extension,
    Response,
    ResponseStatus,
)
from commission.consultations.queries import (
    Coverage,
    coverage,
    percent,
    responses_and_extensions,
)
from commission.extensions import db
from commission.meetings.models import AgendaItem, Meeting, MeetingStatus
from commission.membership.models import Authority, Membership, PoliticalControl
from commission.minutes import queries as minutes_queries
from commission.minutes.models import Action, ActionStatus, Decision, OwnerKind
from commission.summaries.models import SummarySnapshot
from commission.timeutil import format_date, format_datetime, london_date, now_utc, today


def next_meeting() -> Meeting | None:
    """The next meeting going ahead that has not ended."""
    return db.session.execute(
        select(Meeting)
        .where(
            Meeting.status.in_({MeetingStatus.SCHEDULED, MeetingStatus.AGENDA_PUBLISHED}),
            Meeting.ends_at >= now_utc(),
        )
        .order_by(Meeting.starts_at)
        .limit(1)
    ).scalar_one_or_none()


# The public home page -----------------------------------------------------------------

PUBLIC_LATEST = 5


@dataclass(frozen=True)
class PublishedSummary:
    consultation: Consultation
    published_at: datetime


@dataclass(frozen=True)
class PublicNews:
    """What the public home page shows below the next meeting."""

    consultations: list[Consultation]
    summaries: list[PublishedSummary]
    decisions: list[Decision]


def public_news(*, member: bool) -> PublicNews:
    """The open consultations (soonest closing first), the latest published
    summaries of positions and the latest decisions in published minutes (a
    decision under a confidential item only for ``member``): a fixed number
    of statements, however many there are."""
    latest = (
        select(
            SummarySnapshot.consultation_id,
            func.max(SummarySnapshot.created_at).label("published_at"),
        )
        .where(SummarySnapshot.published.is_(True))
        .group_by(SummarySnapshot.consultation_id)
        .subquery()
    )
    summaries = [
        PublishedSummary(consultation=consultation, published_at=published_at)
        for consultation, published_at in db.session.execute(
            select(Consultation, latest.c.published_at)
            .join(latest, latest.c.consultation_id == Consultation.id)
            .order_by(latest.c.published_at.desc(), Consultation.id.desc())
            .limit(PUBLIC_LATEST)
        ).all()
    ]
    decisions = list(
        db.session.execute(
            minutes_queries.decisions_statement("", member=member).limit(PUBLIC_LATEST)
        ).scalars()
    )
    return PublicNews(
        consultations=consultation_queries.open_consultations(now_utc()),
        summaries=summaries,
        decisions=decisions,
    )


# "Needs your action" ------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    text: str
    href: str
    due: str


@dataclass(frozen=True)
class _Asker:
    """Who is asking, read once from their current appointments."""

    on: date
    now: datetime
    repliers: list[Authority]  # may say who attends for these
    drafters: dict[int, Authority]  # may draft a response for these
    signing: set[int]  # may sign off for these
    offices: list[int]  # ministerial offices held
    departments: list[int]  # their departments
    chair: bool
    secretariat: bool


def _asker(user: User) -> _Asker:
    now = now_utc()
    on = london_date(now)
    appointments = user.current_appointments(on)
    roles = user.roles_on(on)
    return _Asker(
        on=on,
        now=now,
        repliers=[
            a.authority
            for a in appointments
            if a.authority is not None and a.role in {Role.LEADER, Role.MAYOR, Role.OFFICER}
        ],
        drafters={a.authority.id: a.authority for a in appointments if a.authority is not None},
        signing={
            a.authority.id
            for a in appointments
            if a.authority is not None and policy.signs_off(a, on)
        },
        offices=[a.ministerial_office_id for a in appointments if a.ministerial_office_id],
        departments=[
            a.ministerial_office.department_id
            for a in appointments
            if a.ministerial_office is not None
        ],
        chair=Role.CHAIR in roles,
        secretariat=Role.SECRETARIAT in roles,
    )


def needs_action(user: User) -> list[Task]:
    """Everything waiting on this person, in a fixed order: attendance replies,
    responses to draft or sign off, ministerial invitations, actions due, and
    (the secretariat and the chair) minutes."""
    asker = _asker(user)
    tasks = _attendance_tasks(asker) + _response_tasks(asker) + _invitation_tasks(asker)
    tasks += _action_tasks(asker)
    if asker.secretariat or asker.chair:
        tasks += _minutes_tasks(minutes_work(drafting=asker.secretariat), chair=asker.chair)
    return tasks


def _attendance_tasks(asker: _Asker) -> list[Task]:
    """Meetings in the next 45 days an authority of theirs has not replied to."""
    if not asker.repliers:
        return []
    meetings = list(
        db.session.execute(
            select(Meeting)
            .where(
                Meeting.status.in_([MeetingStatus.SCHEDULED, MeetingStatus.AGENDA_PUBLISHED]),
                Meeting.starts_at > asker.now,
                Meeting.starts_at < asker.now + timedelta(days=45),
            )
            .order_by(Meeting.starts_at)
        ).scalars()
    )
    replied = {
        (row.meeting_id, row.authority_id)
        for row in db.session.execute(
            select(AttendanceReply.meeting_id, AttendanceReply.authority_id).where(
                AttendanceReply.meeting_id.in_([m.id for m in meetings] or [0])
            )
        )
    }
    return [
        Task(
            f"Say who will attend for {authority.name}",
            url_for("attendance.reply", slug=meeting.slug, authority=authority.slug),
            f"Meeting {format_datetime(meeting.starts_at)}",
        )
        for meeting in meetings
        for authority in asker.repliers
        if (meeting.id, authority.id) not in replied and authority.membership_on(asker.on)
    ]


def _response_tasks(asker: _Asker) -> list[Task]:
    """Open consultations (to each authority's own deadline) with no response,
    a draft to finish, or a response ready for them to sign off."""
    if not asker.drafters:
        return []
    consultations = list(
        db.session.execute(
            select(Consultation).where(Consultation.status == ConsultationStatus.OPEN)
        ).scalars()
    )
    consultation_ids = [c.id for c in consultations] or [0]
    responses = {
        (r.consultation_id, r.authority_id): r
        for r in db.session.execute(
            select(Response).where(
                Response.authority_id.in_(list(asker.drafters)),
                Response.consultation_id.in_(consultation_ids),
            )
        ).scalars()
    }
    extended = {
        (e.consultation_id, e.authority_id): e.closes_at
        for e in db.session.execute(
            select(Extension).where(
                Extension.authority_id.in_(list(asker.drafters)),
                Extension.consultation_id.in_(consultation_ids),
            )
        ).scalars()
    }
    tasks = []
    for consultation in consultations:
        for authority_id, authority in asker.drafters.items():
            deadline = max(
                consultation.closes_at,
                extended.get((consultation.id, authority_id), consultation.closes_at),
            )
            if deadline <= asker.now or not authority.membership_on(asker.on):
                continue
            step = _response_step(
                consultation,
                authority,
                responses.get((consultation.id, authority_id)),
                signs_off=authority_id in asker.signing,
            )
            if step is not None:
                tasks.append(Task(*step, f"Closes {format_datetime(deadline)}"))
    return tasks


def _response_step(
    consultation: Consultation, authority: Authority, response: Response | None, *, signs_off: bool
) -> tuple[str, str] | None:
    """What to do next on one authority's response, and where: respond, sign
    off (for those who may) or finish the draft. None once it is done."""
    reference, slug = consultation.reference, authority.slug
    if response is None:
        return (
            f"Respond for {authority.name}: {consultation.title}",
            url_for("consultations.respond", reference=reference, slug=slug),
        )
    if response.status is ResponseStatus.READY and signs_off:
        return (
            f"Sign off {authority.name}'s response: {consultation.title}",
            url_for("consultations.check_answers", reference=reference, slug=slug),
        )
    if response.status is ResponseStatus.DRAFT and not response.awaiting_confirmation:
        return (
            f"Finish {authority.name}'s draft response: {consultation.title}",
            url_for("consultations.respond", reference=reference, slug=slug),
        )
    return None


def _invitation_tasks(asker: _Asker) -> list[Task]:
    """Invitations to meetings to come for the offices they hold (and the
    chair's own) not yet answered."""
    if not (asker.offices or asker.chair):
        return []
    conditions = [MinisterialAttendance.ministerial_office_id.in_(asker.offices or [0])]
    if asker.chair:
        conditions.append(MinisterialAttendance.for_chair.is_(True))
    return [
        Task(
            f"Reply to the invitation for {invitation.invitee}",
            url_for(
                "attendance.respond",
                slug=invitation.meeting.slug,
                invitation_id=invitation.id,
            ),
            f"Meeting {format_datetime(invitation.meeting.starts_at)}",
        )
        for invitation in db.session.execute(
            select(MinisterialAttendance)
            .join(Meeting)
            .options(
                selectinload(MinisterialAttendance.meeting),
                selectinload(MinisterialAttendance.office),
            )
            .where(
                MinisterialAttendance.status == InvitationStatus.INVITED,
                Meeting.status.in_([MeetingStatus.SCHEDULED, MeetingStatus.AGENDA_PUBLISHED]),
                Meeting.starts_at > asker.now,
                or_(*conditions),
            )
        ).scalars()
    ]


def _action_tasks(asker: _Asker) -> list[Task]:
    """Open actions due within a fortnight (or overdue) that their authority,
    their department or (the secretariat) the secretariat owns."""
    authority_ids = list(asker.drafters)
    if not (authority_ids or asker.departments or asker.secretariat):
        return []
    owners: list[ColumnElement[bool]] = [
        (Action.owner_kind == OwnerKind.AUTHORITY)
        & Action.owner_authority_id.in_(authority_ids or [0]),
        (Action.owner_kind == OwnerKind.DEPARTMENT)
        & Action.owner_department_id.in_(asker.departments or [0]),
    ]
    if asker.secretariat:
        owners.append(Action.owner_kind == OwnerKind.SECRETARIAT)
    return [
        Task(
            f"{'Overdue' if action.overdue(asker.on) else 'Due soon'}: {action.text[:80]}",
            url_for("minutes.show_action", action_id=action.id),
            f"Due {format_date(action.due_on)}",
        )
        for action in db.session.execute(
            select(Action)
            .where(
                Action.status.in_([ActionStatus.OPEN, ActionStatus.IN_PROGRESS]),
                Action.due_on <= asker.on + timedelta(days=14),
                or_(*owners),
            )
            .order_by(Action.due_on)
        ).scalars()
    ]


def _minutes_tasks(work: MinutesWork, *, chair: bool) -> list[Task]:
    """Minutes to draft (the secretariat), to approve (the chair) or awaiting
    the chair (the secretariat), and the actions overdue whoever owns them."""
    tasks = [
        Task(
            f"Draft the minutes of the meeting on {format_date(meeting.starts_at)}",
            url_for("minutes.edit_minutes", slug=meeting.slug),
            f"Held {format_date(meeting.starts_at)}",
        )
        for meeting in work.to_draft
    ]
    for meeting in work.awaiting_approval:
        held = format_date(meeting.starts_at)
        if chair:
            tasks.append(
                Task(
                    f"Approve the minutes of the meeting on {held}",
                    url_for("minutes.approve_minutes", slug=meeting.slug),
                    "Drafted by the secretariat",
                )
            )
        else:
            tasks.append(
                Task(
                    f"The minutes of the meeting on {held} await the chair's approval",
                    url_for("minutes.show_minutes", slug=meeting.slug),
                    "Check the draft before the chair approves it",
                )
            )
    if work.overdue_actions:
        count = work.overdue_actions
        tasks.append(
            Task(
                f"{count} {'action is' if count == 1 else 'actions are'} overdue",
                url_for("minutes.list_actions", status="overdue"),
                "Whoever owns them: chase the owners",
            )
        )
    return tasks


# The secretariat's and the chair's home pages -----------------------------------------


@dataclass(frozen=True)
class Readiness:
    """How ready the next meeting is: its agenda, papers, ministers and replies."""

    meeting: Meeting
    items: list[AgendaItem]
    without_papers: list[AgendaItem]
    invited: int
    confirmed: int
    members: int
    without_reply: list[Authority]

    @property
    def replied(self) -> int:
        return self.members - len(self.without_reply)

    @property
    def replied_percent(self) -> int:
        return percent(self.replied, self.members)


def readiness(meeting: Meeting) -> Readiness:
    """The next meeting's readiness, in five statements whatever its size:
    items with their papers, invitations, members and those without a reply
    (the list the reply reminders use)."""
    items = list(
        db.session.execute(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .options(selectinload(AgendaItem.papers))
            .order_by(AgendaItem.position, AgendaItem.id)
        ).scalars()
    )
    invitations = db.session.execute(
        select(MinisterialAttendance.status).where(MinisterialAttendance.meeting_id == meeting.id)
    ).scalars()
    statuses = list(invitations)
    return Readiness(
        meeting=meeting,
        items=items,
        without_papers=[item for item in items if not item.papers],
        invited=len(statuses),
        confirmed=sum(
            1 for s in statuses if s in {InvitationStatus.CONFIRMED, InvitationStatus.STAND_IN}
        ),
        members=len(attendance.member_authorities(meeting)),
        without_reply=attendance.without_reply(meeting),
    )


def consultations_coverage() -> list[Coverage]:
    """Each open consultation with its coverage and the authorities still
    awaited (the reminders' list), soonest closing first."""
    now = now_utc()
    consultations = consultation_queries.open_consultations(now)
    found = coverage(consultations, now)
    return [found[c.id] for c in consultations]


@dataclass(frozen=True)
class MinutesWork:
    to_draft: list[Meeting]
    awaiting_approval: list[Meeting]
    overdue_actions: int


def minutes_work(*, drafting: bool) -> MinutesWork:
    """Minutes to draft (for the secretariat) and awaiting the chair's
    approval, and how many actions are overdue."""
    return MinutesWork(
        to_draft=minutes_queries.minutes_to_draft() if drafting else [],
        awaiting_approval=minutes_queries.minutes_awaiting_approval(),
        overdue_actions=minutes_queries.count_overdue(today()) if drafting else 0,
    )


# "Your authority": what is coming up ------------------------------------------


@dataclass
class Place:
    """One of a person's authorities on "Your authority": what they hold
    there, its standing, its team and what is coming up for it."""

    appointments: list[Appointment]
    authority: Authority
    control: PoliticalControl | None
    membership: Membership | None
    team: list[Appointment]
    can_manage_team: bool
    can_reply: bool
    meetings: list[UpcomingMeeting] = field(default_factory=list)
    consultations: list[OpenConsultation] = field(default_factory=list)


@dataclass(frozen=True)
class UpcomingMeeting:
    meeting: Meeting
    member: bool  # the authority has a seat on the meeting's day, so it replies
    reply: AttendanceReply | None


@dataclass(frozen=True)
class OpenConsultation:
    consultation: Consultation
    response: Response | None
    deadline: datetime

    @property
    def extended(self) -> bool:
        return self.deadline > self.consultation.closes_at


def upcoming_meetings(
    authorities: Sequence[Authority], *, limit: int
) -> dict[int, list[UpcomingMeeting]]:
    """The next meetings members reply for (scheduled or with a published
    agenda, not yet started), with each authority's reply. Two queries, however
    many authorities; memberships must already be loaded."""
    result: dict[int, list[UpcomingMeeting]] = {a.id: [] for a in authorities}
    if not authorities:
        return result
    meetings = list(
        db.session.execute(
            select(Meeting)
            .where(
                Meeting.status.in_([MeetingStatus.SCHEDULED, MeetingStatus.AGENDA_PUBLISHED]),
                Meeting.starts_at > now_utc(),
            )
            .order_by(Meeting.starts_at)
            .limit(limit)
        ).scalars()
    )
    replies: dict[tuple[int, int], AttendanceReply] = {}
    if meetings:
        replies = {
            (reply.meeting_id, reply.authority_id): reply
            for reply in db.session.execute(
                select(AttendanceReply).where(
                    AttendanceReply.meeting_id.in_([m.id for m in meetings]),
                    AttendanceReply.authority_id.in_([a.id for a in authorities]),
                )
            ).scalars()
        }
    for authority in authorities:
        for meeting in meetings:
            day = london_date(meeting.starts_at)
            result[authority.id].append(
                UpcomingMeeting(
                    meeting=meeting,
                    member=authority.membership_on(day) is not None,
                    reply=replies.get((meeting.id, authority.id)),
                )
            )
    return result


def open_consultations(authorities: Sequence[Authority]) -> dict[int, list[OpenConsultation]]:
    """Consultations each authority can respond to now (its extension counts),
    soonest deadline first, with its response so far; none for an authority
    that is not a member today, as only members respond. Three queries,
    however many authorities or consultations (their memberships are loaded
    with them)."""
    result: dict[int, list[OpenConsultation]] = {a.id: [] for a in authorities}
    if not authorities:
        return result
    now = now_utc()
    consultations = list(
        db.session.execute(
            select(Consultation)
            .where(
                Consultation.status == ConsultationStatus.OPEN,
                Consultation.opens_at <= now,
            )
            .options(selectinload(Consultation.department))
        ).scalars()
    )
    if not consultations:
        return result
    responses, extensions = responses_and_extensions(
        [c.id for c in consultations], [a.id for a in authorities]
    )
    on = london_date(now)
    for authority in authorities:
        if authority.membership_on(on) is None:
            continue
        for consultation in consultations:
            deadline = consultation.deadline_with(extensions.get((consultation.id, authority.id)))
            if now >= deadline:
                continue
            result[authority.id].append(
                OpenConsultation(
                    consultation=consultation,
                    response=responses.get((consultation.id, authority.id)),
                    deadline=deadline,
                )
            )
        result[authority.id].sort(key=lambda item: item.deadline)
    return result
