"""The rules for minutes, decisions and actions."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from commission import signals
from commission.audit import services as audit
from commission.auth.models import User
from commission.auth.roles import Role
from commission.errors import DomainError
from commission.extensions import db
from commission.meetings.models import AgendaItem, Meeting, MeetingStatus
from commission.membership.models import Authority, Department
from commission.minutes.models import (
    Action,
    ActionStatus,
    ActionUpdate,
    Correction,
    Decision,
    MinuteItem,
    Minutes,
    OwnerKind,
    day_prefix,
    month_prefix,
)
from commission.timeutil import format_date, london_date, now_utc, today

HELD = {MeetingStatus.HELD, MeetingStatus.MINUTES_PUBLISHED}


def minutes_for(meeting: Meeting) -> Minutes | None:
    return db.session.execute(
        select(Minutes).where(Minutes.meeting_id == meeting.id)
    ).scalar_one_or_none()


def _check_held(meeting: Meeting) -> None:
    if meeting.status not in HELD:
        raise DomainError("Minutes can be drafted only once the meeting has been held")


def _check_draft(minutes: Minutes | None) -> None:
    if minutes is not None and minutes.published:
        raise DomainError(
            "These minutes are published. Record a correction instead of changing them"
        )


def save_draft(
    *, meeting: Meeting, introduction: str, discussions: dict[int, str], actor: User
) -> Minutes:
    """Write the draft: an introduction and a summary of discussion per item."""
    _check_held(meeting)
    minutes = minutes_for(meeting)
    _check_draft(minutes)
    if minutes is None:
        minutes = Minutes(meeting_id=meeting.id)
        db.session.add(minutes)
    minutes.introduction = introduction.strip() or None
    items = {i.agenda_item_id: i for i in minutes.items}
    for item in meeting.items:
        text = (discussions.get(item.id) or "").strip() or None
        record = items.get(item.id)
        if record is None:
            minutes.items.append(MinuteItem(agenda_item_id=item.id, discussion=text))
        else:
            record.discussion = text
    minutes.updated_at = now_utc()
    minutes.updated_by_id = actor.id
    db.session.flush()
    audit.record(
        action="minutes_saved",
        summary=f"{actor.full_name} saved the draft minutes of {format_date(meeting.starts_at)}",
        actor=actor,
        subject=minutes,
    )
    return minutes


def approve(*, meeting: Meeting, actor: User) -> Minutes:
    """The chair approves the draft, which publishes it."""
    now = now_utc()
    if Role.CHAIR not in actor.roles_on(london_date(now)):
        raise DomainError("Only the chair can approve the minutes")
    _check_held(meeting)
    minutes = minutes_for(meeting)
    if minutes is None:
        raise DomainError("There are no draft minutes to approve")
    _check_draft(minutes)
    minutes.approved_at = now
    minutes.approved_by_id = actor.id
    meeting.status = MeetingStatus.MINUTES_PUBLISHED
    db.session.flush()
    signals.minutes_approved.send(minutes, actor=actor)
    return minutes


def correct(*, meeting: Meeting, text: str, actor: User) -> Correction:
    minutes = minutes_for(meeting)
    if minutes is None or not minutes.published:
        raise DomainError("Only published minutes take corrections; change the draft instead")
    if not text.strip():
        raise DomainError("Describe the correction", field="text")
    correction = Correction(text=text.strip(), made_by_id=actor.id)
    minutes.corrections.append(correction)
    db.session.flush()
    audit.record(
        action="minutes_corrected",
        summary=f"{actor.full_name} corrected the minutes of {format_date(meeting.starts_at)}",
        actor=actor,
        subject=minutes,
    )
    return correction


def _next_number(model: type[Decision] | type[Action], meeting: Meeting) -> int:
    return (
        db.session.execute(
            select(func.coalesce(func.max(model.number), 0)).where(model.meeting_id == meeting.id)
        ).scalar_one()
        + 1
    )


def assign_record_reference(meeting: Meeting) -> None:
    """Fix the prefix of the meeting's references, if not yet fixed: the
    month's, unless another meeting that month already has it."""
    if meeting.record_reference is not None:
        return
    month = month_prefix(meeting)
    taken = db.session.execute(
        select(Meeting.id).where(Meeting.record_reference == month, Meeting.id != meeting.id)
    ).first()
    meeting.record_reference = day_prefix(meeting) if taken else month


def _check_item(meeting: Meeting, item: AgendaItem | None) -> None:
    if item is not None and item.meeting_id != meeting.id:
        raise DomainError("Choose an item on this meeting's agenda", field="item")


def add_decision(*, meeting: Meeting, text: str, item: AgendaItem | None, actor: User) -> Decision:
    _check_held(meeting)
    _check_draft(minutes_for(meeting))
    _check_item(meeting, item)
    if not text.strip():
        raise DomainError("Enter the decision", field="text")
    assign_record_reference(meeting)
    decision = Decision(
        meeting_id=meeting.id,
        number=_next_number(Decision, meeting),
        text=text.strip(),
        agenda_item_id=item.id if item else None,
    )
    db.session.add(decision)
    db.session.flush()
    decision.meeting = meeting
    audit.record(
        action="decision_recorded",
        summary=f"{actor.full_name} recorded decision {decision.reference}",
        actor=actor,
        subject=decision,
    )
    return decision


def add_action(
    *,
    meeting: Meeting,
    text: str,
    item: AgendaItem | None,
    owner_kind: OwnerKind,
    authority: Authority | None,
    department: Department | None,
    due_on: date,
    actor: User,
) -> Action:
    """Actions are part of the minutes, so none is added once they are published."""
    _check_held(meeting)
    _check_draft(minutes_for(meeting))
    _check_item(meeting, item)
    if not text.strip():
        raise DomainError("Enter the action", field="text")
    if owner_kind is OwnerKind.AUTHORITY and authority is None:
        raise DomainError("Select the authority that owns the action", field="authority")
    if owner_kind is OwnerKind.DEPARTMENT and department is None:
        raise DomainError("Select the department that owns the action", field="department")
    assign_record_reference(meeting)
    action = Action(
        meeting_id=meeting.id,
        number=_next_number(Action, meeting),
        text=text.strip(),
        agenda_item_id=item.id if item else None,
        owner_kind=owner_kind,
        owner_authority_id=authority.id
        if owner_kind is OwnerKind.AUTHORITY and authority
        else None,
        owner_department_id=department.id
        if owner_kind is OwnerKind.DEPARTMENT and department
        else None,
        due_on=due_on,
        created_by_id=actor.id,
    )
    db.session.add(action)
    db.session.flush()
    action.meeting = meeting
    audit.record(
        action="action_recorded",
        summary=f"{actor.full_name} recorded action {action.reference} for {action.owner_name}",
        actor=actor,
        subject=action,
    )
    return action


def can_update(action: Action, user: User) -> bool:
    """Owners (the authority's people, the department's ministers) and the
    secretariat update an action."""
    if not user.is_authenticated:
        return False
    on = today()
    if Role.SECRETARIAT in user.roles_on(on):
        return True
    for appointment in user.current_appointments(on):
        if action.owner_kind is OwnerKind.AUTHORITY and appointment.authority_id == (
            action.owner_authority_id
        ):
            return True
        if (
            action.owner_kind is OwnerKind.DEPARTMENT
            and appointment.ministerial_office is not None
            and appointment.ministerial_office.department_id == action.owner_department_id
        ):
            return True
    return False


def update_action(*, action: Action, status: ActionStatus, note: str, actor: User) -> ActionUpdate:
    if not can_update(action, actor):
        raise DomainError("Only the action's owner or the secretariat can update it")
    if status == action.status and not note.strip():
        raise DomainError("Change the status or add a note", field="note")
    action.status = status
    update = ActionUpdate(status=status, note=note.strip() or None, made_by_id=actor.id)
    action.updates.append(update)
    db.session.flush()
    audit.record(
        action="action_updated",
        summary=f"{actor.full_name} updated {action.reference}: {status.label}",
        actor=actor,
        subject=action,
    )
    return update
