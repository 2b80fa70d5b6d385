"""The audit log listens to the domain events (``commission.signals``) and
records each one, in the same transaction as the change. A change that
announces no event is recorded by its service calling ``record`` itself.

``connect`` is called once, by ``create_app``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from blinker import NamedSignal

from commission import signals
from commission.attendance.models import MinisterialAttendance
from commission.audit.services import record
from commission.auth.models import User
from commission.consultations.models import Consultation, Extension, Response
from commission.meetings.models import Meeting
from commission.minutes.models import Minutes
from commission.summaries.models import GovernmentReply, SummarySnapshot
from commission.timeutil import format_date, format_datetime


def meetings_scheduled(rule: Any, *, meetings: list[Meeting], actor: User, **_: Any) -> None:
    record(
        action="meetings_scheduled",
        summary=f"{actor.full_name} scheduled {len(meetings)} meetings: {rule.describe()}",
        actor=actor,
        details={"slugs": [m.slug for m in meetings]},
    )


def meeting_confirmed(meeting: Meeting, *, actor: User, **_: Any) -> None:
    record(
        action="meeting_scheduled",
        summary=f"{actor.full_name} confirmed the meeting on {format_datetime(meeting.starts_at)}",
        actor=actor,
        subject=meeting,
    )


def meeting_cancelled(meeting: Meeting, *, reason: str, actor: User, **_: Any) -> None:
    record(
        action="meeting_cancelled",
        summary=f"{actor.full_name} cancelled the meeting on {format_datetime(meeting.starts_at)}",
        actor=actor,
        subject=meeting,
        details={"reason": reason},
    )


def meeting_postponed(
    meeting: Meeting,
    *,
    new: Meeting,
    reason: str,
    reinvited: list[MinisterialAttendance],
    actor: User,
    **_: Any,
) -> None:
    record(
        action="meeting_postponed",
        summary=f"{actor.full_name} postponed the meeting on {format_datetime(meeting.starts_at)} "
        f"to {format_datetime(new.starts_at)}",
        actor=actor,
        subject=meeting,
        details={
            "reason": reason,
            "new_meeting_id": new.id,
            "ministers_invited_again": [i.id for i in reinvited],
        },
    )


def agenda_published(meeting: Meeting, *, actor: User, **_: Any) -> None:
    record(
        action="agenda_published",
        summary=f"{actor.full_name} published the agenda for {format_datetime(meeting.starts_at)}",
        actor=actor,
        subject=meeting,
    )


def minister_invited(invitation: MinisterialAttendance, *, actor: User, **_: Any) -> None:
    who = (
        "The chair"
        if invitation.for_chair
        else (invitation.office.title if invitation.office else "")
    )
    item = invitation.agenda_item
    record(
        action="minister_invited",
        summary=f"{actor.full_name} invited {who} to "
        f"{('“' + item.title + '” at ') if item else ''}the meeting on "
        f"{format_datetime(invitation.meeting.starts_at)}",
        actor=actor,
        subject=invitation,
    )


def minister_replied(invitation: MinisterialAttendance, *, actor: User, **_: Any) -> None:
    record(
        action="minister_replied",
        summary=f"{actor.full_name} replied for {invitation.invitee}: {invitation.status.label}",
        actor=actor,
        subject=invitation,
    )


def consultation_opened(consultation: Consultation, *, actor: User, **_: Any) -> None:
    record(
        action="consultation_opened",
        summary=f"{actor.full_name} opened {consultation.reference} until "
        f"{format_datetime(consultation.closes_at)}",
        actor=actor,
        subject=consultation,
    )


def extension_granted(
    extension: Extension, *, consultation: Consultation, actor: User, **_: Any
) -> None:
    record(
        action="extension_granted",
        summary=f"{actor.full_name} gave {extension.authority.name} until "
        f"{format_datetime(extension.closes_at)} to respond to {consultation.reference}",
        actor=actor,
        subject=extension,
        details={"reason": extension.reason},
    )


def response_ready(response: Response, *, actor: User, **_: Any) -> None:
    record(
        action="response_ready",
        summary=f"{actor.full_name} marked {response.authority.name}'s response to "
        f"{response.consultation.reference} ready for sign-off",
        actor=actor,
        subject=response,
    )


def response_submitted(response: Response, *, amended: bool, actor: User, **_: Any) -> None:
    record(
        action="response_amended" if amended else "response_submitted",
        summary=f"{actor.full_name} {'amended' if amended else 'submitted'} "
        f"{response.authority.name}'s response to {response.consultation.reference}",
        actor=actor,
        subject=response,
    )


def letter_response_confirmed(response: Response, *, actor: User, **_: Any) -> None:
    entered = response.entered_by.full_name if response.entered_by else "someone"
    record(
        action="letter_response_confirmed",
        summary=f"{actor.full_name} confirmed {response.authority.name}'s response to "
        f"{response.consultation.reference} entered by {entered} from a letter dated "
        f"{format_date(response.letter_dated) if response.letter_dated else 'unknown'}",
        actor=actor,
        subject=response,
    )


def summary_published(
    consultation: Consultation, *, snapshot: SummarySnapshot, actor: User, **_: Any
) -> None:
    record(
        action="summary_published",
        summary=f"{actor.full_name} published the summary of {consultation.reference}",
        actor=actor,
        subject=snapshot,
    )


def reply_published(
    consultation: Consultation, *, reply: GovernmentReply, actor: User, **_: Any
) -> None:
    record(
        action="reply_published",
        summary=f"{actor.full_name} published the government's reply to {consultation.reference}",
        actor=actor,
        subject=reply,
    )


def minutes_approved(minutes: Minutes, *, actor: User, **_: Any) -> None:
    record(
        action="minutes_approved",
        summary=f"{actor.full_name} approved the minutes of "
        f"{format_date(minutes.meeting.starts_at)}",
        actor=actor,
        subject=minutes,
    )


def feedback_sent(
    feedback: Any, *, actor: User | None, ip_address: str | None = None, **_: Any
) -> None:
    """Recorded without the words or the reply address: those are in the
    email to the secretariat, and the audit log is read more widely."""
    record(
        action="feedback_sent",
        summary=f"{actor.full_name if actor else 'A visitor'} sent feedback on the service"
        + (f" from {feedback.page}" if feedback.page else ""),
        actor=actor,
        ip_address=ip_address,
        details={"satisfaction": feedback.satisfaction, "page": feedback.page},
    )


RECEIVERS: dict[NamedSignal, Callable[..., None]] = {
    signals.meetings_scheduled: meetings_scheduled,
    signals.meeting_confirmed: meeting_confirmed,
    signals.meeting_cancelled: meeting_cancelled,
    signals.meeting_postponed: meeting_postponed,
    signals.agenda_published: agenda_published,
    signals.minister_invited: minister_invited,
    signals.minister_replied: minister_replied,
    signals.consultation_opened: consultation_opened,
    signals.extension_granted: extension_granted,
    signals.response_ready: response_ready,
    signals.response_submitted: response_submitted,
    signals.letter_response_confirmed: letter_response_confirmed,
    signals.summary_published: summary_published,
    signals.reply_published: reply_published,
    signals.minutes_approved: minutes_approved,
    signals.feedback_sent: feedback_sent,
}


def connect() -> None:
    """Listen to every event the audit log records. Connecting again (a
    second app in one process) replaces, never doubles, a receiver."""
    for signal, receiver in RECEIVERS.items():
        signal.connect(receiver, weak=False)
