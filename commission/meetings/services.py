"""The rules for meetings, agendas and papers."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import delete, func, select

from commission import signals
from commission.attendance.models import AttendanceReply, MinisterialAttendance, RegisterEntry
from commission.audit import services as audit
from commission.auth.models import User
from commission.consultations.models import Consultation, StatedPosition
from commission.errors import DomainError
from commission.extensions import db
from commission.meetings import policy as meeting_policy
from commission.meetings.models import (
    ACTIVE_STATUSES,
    AgendaChange,
    AgendaItem,
    AgendaItemKind,
    Meeting,
    MeetingStatus,
    Paper,
)
from commission.meetings.uploads import Upload, check_upload
from commission.minutes.models import Action, Decision, Minutes
from commission.storage import storage
from commission.summaries.models import SummarySnapshot
from commission.timeutil import (
    format_date,
    format_datetime,
    format_time,
    last_bank_holiday_year,
    london,
    london_date,
    next_working_day,
    now_utc,
    nth_weekday,
)

ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


@dataclass
class ScheduleRule:
    year: int
    ordinal: str
    weekday: int
    starts: time
    ends: time
    skip_months: set[int] = field(default_factory=set)
    venue: str = ""
    online_link: str = ""

    def describe(self) -> str:
        skipped = ", ".join(calendar.month_name[m] for m in sorted(self.skip_months))
        text = (
            f"The {self.ordinal} {WEEKDAYS[self.weekday]} of each month in {self.year}, "
            f"{self.starts:%H:%M} to {self.ends:%H:%M}, Europe/London"
        )
        return text + (f", except {skipped}" if skipped else "")


@dataclass
class PlannedMeeting:
    day: date
    starts_at: datetime
    ends_at: datetime
    moved_from: date | None = None
    reasons: list[str] = field(default_factory=list)
    clash: Meeting | None = None


def overlapping(
    starts_at: datetime, ends_at: datetime, exclude: Meeting | None = None
) -> Meeting | None:
    """A meeting still going ahead whose time overlaps this one."""
    statement = select(Meeting).where(
        Meeting.status.in_(ACTIVE_STATUSES),
        Meeting.starts_at < ends_at,
        Meeting.ends_at > starts_at,
    )
    if exclude is not None and exclude.id is not None:
        statement = statement.where(Meeting.id != exclude.id)
    return db.session.execute(statement.limit(1)).scalar_one_or_none()


def plan_schedule(rule: ScheduleRule) -> list[PlannedMeeting]:
    """The dates a rule gives, each moved to the next working day when it
    falls on a bank holiday in England, with clashes marked."""
    if rule.ends <= rule.starts:
        raise DomainError("The end time must be after the start time", field="ends")
    if rule.ordinal not in ORDINALS:
        raise DomainError("Select which week of the month", field="ordinal")
    if rule.year > last_bank_holiday_year():
        raise DomainError(
            f"Bank holidays for {rule.year} are not known yet, so its dates cannot be checked. "
            f"Choose {last_bank_holiday_year()} or earlier",
            field="year",
        )
    planned = []
    for month in range(1, 13):
        if month in rule.skip_months:
            continue
        wanted = nth_weekday(rule.year, month, ORDINALS[rule.ordinal], rule.weekday)
        day, reasons = next_working_day(wanted)
        meeting = PlannedMeeting(
            day=day,
            starts_at=london(day, rule.starts),
            ends_at=london(day, rule.ends),
            moved_from=wanted if day != wanted else None,
            reasons=reasons,
        )
        meeting.clash = overlapping(meeting.starts_at, meeting.ends_at)
        planned.append(meeting)
    if not planned:
        raise DomainError(
            "Every month is skipped. Leave at least one month in", field="skip_months"
        )
    return planned


def allocate_slug(day: date, exclude: Meeting | None = None) -> str:
    """``YYYY-MM-DD``, or ``YYYY-MM-DD-2`` (and so on) for later meetings that day."""
    base = day.isoformat()
    taken = set(
        db.session.execute(select(Meeting.slug).where(Meeting.slug.startswith(base))).scalars()
    )
    if exclude is not None:
        taken.discard(exclude.slug)
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def create_schedule(*, rule: ScheduleRule, actor: User) -> list[Meeting]:
    """Create the year's meetings, all or none: any clash refuses the lot."""
    planned = plan_schedule(rule)
    clashes = [p for p in planned if p.clash is not None]
    if clashes:
        days = ", ".join(format_date(p.day) for p in clashes)
        raise DomainError(f"These dates clash with meetings already scheduled: {days}")
    meetings = []
    for plan in planned:
        meeting = Meeting(
            slug=allocate_slug(plan.day),
            starts_at=plan.starts_at,
            ends_at=plan.ends_at,
            venue=rule.venue.strip() or None,
            online_link=rule.online_link.strip() or None,
            status=MeetingStatus.SCHEDULED,
            created_by_id=actor.id,
        )
        db.session.add(meeting)
        db.session.flush()
        meetings.append(meeting)
    signals.meetings_scheduled.send(rule, meetings=meetings, actor=actor)
    return meetings


def _check_times(starts_at: datetime, ends_at: datetime, exclude: Meeting | None) -> None:
    if ends_at <= starts_at:
        raise DomainError("The meeting must end after it starts", field="ends")
    clash = overlapping(starts_at, ends_at, exclude)
    if clash is not None:
        raise DomainError(
            f"This overlaps the meeting on {format_datetime(clash.starts_at)}",
            field="day",
        )


def create_meeting(
    *,
    starts_at: datetime,
    ends_at: datetime,
    venue: str,
    online_link: str,
    actor: User,
) -> Meeting:
    _check_times(starts_at, ends_at, None)
    meeting = Meeting(
        slug=allocate_slug(london_date(starts_at)),
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue.strip() or None,
        online_link=online_link.strip() or None,
        status=MeetingStatus.DRAFT,
        created_by_id=actor.id,
    )
    db.session.add(meeting)
    db.session.flush()
    audit.record(
        action="meeting_created",
        summary=f"{actor.full_name} added a meeting on {format_datetime(starts_at)}",
        actor=actor,
        subject=meeting,
    )
    return meeting


def update_meeting(
    *,
    meeting: Meeting,
    starts_at: datetime,
    ends_at: datetime,
    venue: str,
    online_link: str,
    actor: User,
) -> Meeting:
    """Change a meeting's time or place. A public meeting keeps its date (its
    address is shared); to move it to another day, postpone it."""
    if not meeting.agenda_editable:
        raise DomainError(f"A meeting that is {meeting.status.label.lower()} cannot be changed")
    new_day = london_date(starts_at)
    if meeting.is_public and new_day != london_date(meeting.starts_at):
        raise DomainError(
            "To move a published meeting to another day, postpone it instead", field="day"
        )
    _check_times(starts_at, ends_at, meeting)
    old_day = london_date(meeting.starts_at)
    moved = (starts_at, ends_at) != (meeting.starts_at, meeting.ends_at)
    changed_place = (venue.strip() or None, online_link.strip() or None) != (
        meeting.venue,
        meeting.online_link,
    )
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.venue, meeting.online_link = venue.strip() or None, online_link.strip() or None
    if new_day != old_day:
        meeting.slug = allocate_slug(new_day, exclude=meeting)
    if moved or changed_place:
        meeting.calendar_sequence += 1
        if moved:
            _agenda_changed(
                meeting,
                f"Time changed to {format_datetime(starts_at)} to {format_time(ends_at)}",
                actor,
            )
    audit.record(
        action="meeting_updated",
        summary=f"{actor.full_name} updated the meeting on {format_datetime(starts_at)}",
        actor=actor,
        subject=meeting,
    )
    db.session.flush()
    return meeting


def confirm_meeting(*, meeting: Meeting, actor: User) -> Meeting:
    refusal = meeting_policy.confirm_refusal(meeting)
    if refusal is not None:
        raise DomainError(refusal)
    meeting.status = MeetingStatus.SCHEDULED
    meeting.calendar_sequence += 1
    signals.meeting_confirmed.send(meeting, actor=actor)
    return meeting


def cancel_meeting(*, meeting: Meeting, reason: str, actor: User) -> Meeting:
    """Call off a public meeting: it stays listed as cancelled, with the
    reason. A draft was never announced, so it is deleted instead."""
    if not meeting_policy.can_cancel(meeting):
        if meeting.status is MeetingStatus.DRAFT:
            raise DomainError("A draft meeting is not cancelled: delete it instead")
        raise DomainError(f"A meeting that is {meeting.status.label.lower()} cannot be cancelled")
    if not reason.strip():
        raise DomainError("Enter why the meeting is cancelled", field="reason")
    meeting.status = MeetingStatus.CANCELLED
    meeting.status_reason = reason.strip()
    meeting.calendar_sequence += 1
    signals.meeting_cancelled.send(meeting, reason=reason.strip(), actor=actor)
    return meeting


def delete_meeting(*, meeting: Meeting, actor: User) -> None:
    """Delete a draft, which was never announced: with it go its agenda items,
    their papers, its agenda changes and any ministers invited to it (an
    invitation to a draft is not sent until the meeting is confirmed). The
    papers' stored files stay, as when an item is removed: files are kept by
    checksum and may belong to other papers too."""
    if not meeting_policy.can_delete(meeting):
        if meeting.status in meeting_policy.ANNOUNCED:
            raise DomainError(
                f"A meeting that is {meeting.status.label.lower()} is public and is not deleted: "
                "cancel or postpone it instead"
            )
        raise DomainError(f"A meeting that is {meeting.status.label.lower()} cannot be deleted")
    kept = _records_of(meeting)
    if kept:
        raise DomainError(f"This meeting cannot be deleted: it has {', '.join(kept)}")
    items = list(meeting.items)
    papers = [paper for item in items for paper in item.papers]
    invited = db.session.execute(
        select(func.count(MinisterialAttendance.id)).where(
            MinisterialAttendance.meeting_id == meeting.id
        )
    ).scalar_one()
    audit.record(
        action="meeting_deleted",
        summary=f"{actor.full_name} deleted the draft meeting on "
        f"{format_datetime(meeting.starts_at)}",
        actor=actor,
        subject=meeting,
        details={
            "slug": meeting.slug,
            "starts_at": meeting.starts_at.isoformat(),
            "agenda_items": [item.title for item in items],
            "papers": [{"title": p.title, "checksum": p.checksum} for p in papers],
            "ministerial_invitations": invited,
        },
    )
    db.session.execute(
        delete(MinisterialAttendance).where(MinisterialAttendance.meeting_id == meeting.id)
    )
    db.session.execute(delete(AttendanceReply).where(AttendanceReply.meeting_id == meeting.id))
    db.session.delete(meeting)
    db.session.flush()


def _records_of(meeting: Meeting) -> list[str]:
    """What a meeting that went ahead leaves behind, which deleting would lose.
    A draft has none of these; the check keeps the record safe if it ever does."""
    checks = [
        ("minutes", Minutes.meeting_id),
        ("decisions", Decision.meeting_id),
        ("actions", Action.meeting_id),
        ("a register", RegisterEntry.meeting_id),
        ("stated positions", StatedPosition.meeting_id),
        ("summaries frozen for it", SummarySnapshot.meeting_id),
        ("a postponed meeting moved to it", Meeting.postponed_to_id),
    ]
    return [
        name
        for name, column in checks
        if db.session.execute(select(column).where(column == meeting.id).limit(1)).first()
        is not None
    ]


def postpone_meeting(
    *, meeting: Meeting, starts_at: datetime, ends_at: datetime, reason: str, actor: User
) -> Meeting:
    """Move a public meeting to a new date: the old one is marked postponed
    (with the reason, shown publicly) and points to the new one, which takes
    the agenda. A draft is moved by changing its date."""
    if not meeting_policy.can_postpone(meeting):
        if meeting.status is MeetingStatus.DRAFT:
            raise DomainError("A draft meeting is not postponed: change its date instead")
        raise DomainError(f"A meeting that is {meeting.status.label.lower()} cannot be postponed")
    if not reason.strip():
        raise DomainError("Enter why the meeting is postponed", field="reason")
    _check_times(starts_at, ends_at, meeting)
    new = Meeting(
        slug=allocate_slug(london_date(starts_at)),
        starts_at=starts_at,
        ends_at=ends_at,
        venue=meeting.venue,
        online_link=meeting.online_link,
        status=MeetingStatus.SCHEDULED,
        created_by_id=actor.id,
    )
    db.session.add(new)
    for item in list(meeting.items):
        item.meeting = new
    meeting.status = MeetingStatus.POSTPONED
    meeting.status_reason = reason.strip()
    meeting.postponed_to = new
    meeting.calendar_sequence += 1
    db.session.flush()
    reinvited = _invite_again(meeting, new, actor)
    signals.meeting_postponed.send(
        meeting, new=new, reason=reason.strip(), reinvited=reinvited, actor=actor
    )
    return new


def _invite_again(old: Meeting, new: Meeting, actor: User) -> list[MinisterialAttendance]:
    """Ministers invited to a postponed meeting are invited afresh to the new
    one, to the same items: a reply was for the old date, so each must confirm
    again. The old invitations stay with the postponed meeting, so ministers'
    own calendars still receive its cancellation."""
    invitations: list[MinisterialAttendance] = []
    for before in db.session.execute(
        select(MinisterialAttendance)
        .where(MinisterialAttendance.meeting_id == old.id)
        .order_by(MinisterialAttendance.id)
    ).scalars():
        invitation = MinisterialAttendance(
            meeting_id=new.id,
            agenda_item_id=before.agenda_item_id,
            for_chair=before.for_chair,
            ministerial_office_id=before.ministerial_office_id,
            invited_by_id=actor.id,
        )
        db.session.add(invitation)
        invitations.append(invitation)
    db.session.flush()
    return invitations


def mark_held(*, meeting: Meeting, actor: User) -> Meeting:
    refusal = meeting_policy.mark_held_refusal(meeting)
    if refusal is not None:
        raise DomainError(refusal)
    meeting.status = MeetingStatus.HELD
    audit.record(
        action="meeting_held",
        summary=f"{actor.full_name} recorded the meeting on {format_datetime(meeting.starts_at)} "
        "as held",
        actor=actor,
        subject=meeting,
    )
    return meeting


def publish_agenda(*, meeting: Meeting, actor: User) -> Meeting:
    """Publish a scheduled meeting's agenda (``meetings.policy.publish_agenda_refusal``
    says when). A draft is confirmed first, so its date is announced and its
    ministers' invitations go out in order."""
    refusal = meeting_policy.publish_agenda_refusal(meeting)
    if refusal is not None:
        raise DomainError(refusal)
    meeting.status = MeetingStatus.AGENDA_PUBLISHED
    meeting.agenda_published_at = now_utc()
    meeting.calendar_sequence += 1
    signals.agenda_published.send(meeting, actor=actor)
    return meeting


# Agenda items ------------------------------------------------------------------


def _agenda_changed(meeting: Meeting, summary: str, actor: User) -> None:
    """After publication every change is recorded and shown on the meeting page."""
    if meeting.agenda_published_at is None:
        return
    now = now_utc()
    meeting.agenda_updated_at = now
    meeting.changes.append(AgendaChange(summary=summary[:500], actor_id=actor.id, occurred_at=now))
    signals.agenda_changed.send(meeting, summary=summary, actor=actor)


def _public_name(item: AgendaItem) -> str:
    """How an item is named in the changes listed publicly: a confidential
    item's title is for members only."""
    return "Confidential item" if item.confidential else item.title


def _public_paper_name(paper: Paper, item: AgendaItem) -> str:
    return paper.title if paper.public and not item.confidential else "paper for members only"


def _check_editable(meeting: Meeting) -> None:
    if not meeting.agenda_editable:
        raise DomainError(
            f"The agenda of a meeting that is {meeting.status.label.lower()} cannot be changed"
        )


@dataclass
class ItemDetails:
    kind: AgendaItemKind
    title: str
    duration_minutes: int
    presenter: str = ""
    description: str = ""
    confidential: bool = False
    consultation_id: int | None = None


def _check_item(details: ItemDetails) -> None:
    if details.duration_minutes <= 0:
        raise DomainError("Duration must be 1 minute or more", field="duration_minutes")
    if details.duration_minutes > 8 * 60:
        raise DomainError(
            "Duration must be 480 minutes (8 hours) or fewer", field="duration_minutes"
        )
    if (
        details.consultation_id is not None
        and db.session.get(Consultation, details.consultation_id) is None
    ):
        raise DomainError("Select a consultation from the list", field="consultation")


def add_item(*, meeting: Meeting, details: ItemDetails, actor: User) -> AgendaItem:
    _check_editable(meeting)
    _check_item(details)
    item = AgendaItem(
        position=(max((i.position for i in meeting.items), default=0) + 1),
        kind=details.kind,
        title=details.title.strip(),
        duration_minutes=details.duration_minutes,
        presenter=details.presenter.strip() or None,
        description=details.description.strip() or None,
        confidential=details.confidential,
        consultation_id=details.consultation_id,
    )
    meeting.items.append(item)
    _agenda_changed(meeting, f"Item added: {_public_name(item)}", actor)
    db.session.flush()
    _record_item("agenda_item_added", "added", item, actor)
    return item


def _record_item(action: str, done: str, item: AgendaItem, actor: User) -> None:
    audit.record(
        action=action,
        summary=f"{actor.full_name} {done} the item “{item.title}” on the agenda of "
        f"{format_datetime(item.meeting.starts_at)}",
        actor=actor,
        subject=item,
    )


def update_item(*, item: AgendaItem, details: ItemDetails, actor: User) -> AgendaItem:
    meeting = item.meeting
    _check_editable(meeting)
    _check_item(details)
    before = (
        item.kind,
        item.title,
        item.duration_minutes,
        item.presenter,
        item.description,
        item.confidential,
        item.consultation_id,
    )
    item.kind = details.kind
    item.title = details.title.strip()
    item.duration_minutes = details.duration_minutes
    item.presenter = details.presenter.strip() or None
    item.description = details.description.strip() or None
    item.confidential = details.confidential
    item.consultation_id = details.consultation_id
    after = (
        item.kind,
        item.title,
        item.duration_minutes,
        item.presenter,
        item.description,
        item.confidential,
        item.consultation_id,
    )
    if before != after:
        _agenda_changed(meeting, f"Item changed: {_public_name(item)}", actor)
        _record_item("agenda_item_changed", "changed", item, actor)
    db.session.flush()
    return item


def remove_item(*, item: AgendaItem, actor: User) -> None:
    meeting = item.meeting
    _check_editable(meeting)
    name = _public_name(item)
    _record_item("agenda_item_removed", "removed", item, actor)
    meeting.items.remove(item)
    _renumber(meeting)
    _agenda_changed(meeting, f"Item removed: {name}", actor)
    db.session.flush()


def move_item(*, item: AgendaItem, direction: str, actor: User) -> None:
    meeting = item.meeting
    _check_editable(meeting)
    items = list(meeting.items)
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(items):
        return
    items[index], items[other] = items[other], items[index]
    for position, each in enumerate(items, start=1):
        each.position = position
    _agenda_changed(meeting, f"Item moved {direction}: {_public_name(item)}", actor)
    _record_item("agenda_item_moved", f"moved {direction}", item, actor)
    db.session.flush()
    db.session.expire(meeting, ["items"])


def _renumber(meeting: Meeting) -> None:
    for position, each in enumerate(meeting.items, start=1):
        each.position = position


# Papers ------------------------------------------------------------------------


def add_paper(
    *,
    item: AgendaItem,
    upload: Upload,
    title: str,
    public: bool,
    actor: User,
    replaces: Paper | None = None,
) -> Paper:
    """Attach a paper, checked by content, size and type. Replacing keeps the
    old paper, marked as superseded."""
    _check_editable(item.meeting)
    if replaces is not None and replaces.superseded:
        raise DomainError("This paper has already been replaced")
    checked = check_upload(upload)
    stored = storage().save(upload.data)
    paper = Paper(
        title=title.strip() or checked.filename,
        filename=checked.filename,
        content_type=checked.content_type,
        size=stored.size,
        checksum=stored.checksum,
        storage_key=stored.key,
        public=public,
        uploaded_by_id=actor.id,
    )
    item.papers.append(paper)
    db.session.flush()
    if replaces is not None:
        replaces.superseded_by = paper
        _agenda_changed(item.meeting, f"Paper replaced: {_public_paper_name(paper, item)}", actor)
    else:
        _agenda_changed(item.meeting, f"Paper added: {_public_paper_name(paper, item)}", actor)
    audit.record(
        action="paper_replaced" if replaces else "paper_added",
        summary=f"{actor.full_name} {'replaced' if replaces else 'added'} the paper "
        f"{paper.title} on {item.title}",
        actor=actor,
        subject=paper,
        details={"checksum": paper.checksum, "size": paper.size},
    )
    return paper
