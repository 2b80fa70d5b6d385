"""What each domain event tells whom, by email.

The receivers listen to ``commission.signals``, which the services send
inside the transaction that makes the change, so a notice is queued exactly
when the change is saved. ``connect`` is called once, by ``create_app``; no
area imports this module. The reminders, run by ``flask send-reminders``,
are here too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from blinker import NamedSignal
from flask import after_this_request, current_app, render_template
from sqlalchemy import func, or_, select
from werkzeug.wrappers.response import Response as HTTPResponse

from commission import signals
from commission.attendance.models import InvitationStatus, MinisterialAttendance
from commission.attendance.services import without_reply
from commission.audit import services as audit
from commission.auth.models import User
from commission.auth.roles import AUTHORITY_ROLES, Role
from commission.consultations.models import Consultation, ConsultationStatus, Extension, Response
from commission.consultations.queries import coverage
from commission.errors import DomainError
from commission.extensions import db
from commission.links import external_url
from commission.meetings.models import Meeting, MeetingStatus
from commission.membership.models import Membership
from commission.notifications.models import OutboxMessage, Topic
from commission.notifications.services import (
    deliver_due,
    enqueue,
    office_holders,
    people_at,
    people_with_role,
    queue_password_reset,
    signers,
)
from commission.timeutil import (
    format_date,
    format_datetime,
    london_date,
    now_utc,
    today,
    working_days_before,
)


def member_ids(on: date) -> list[int]:
    return list(
        db.session.execute(
            select(Membership.authority_id).where(
                Membership.joined_on <= on,
                or_(Membership.left_on.is_(None), Membership.left_on >= on),
            )
        ).scalars()
    )


def _members_people(on: date | None = None) -> list[User]:
    on = on or today()
    return people_at(member_ids(on), AUTHORITY_ROLES, on)


def _meeting_link(meeting: Meeting) -> str:
    return external_url("meetings.show_meeting", slug=meeting.slug)


def meetings_scheduled(_rule: Any, *, meetings: list[Meeting], **_: Any) -> None:
    _announce_scheduled(meetings)


def _announce_scheduled(meetings: list[Meeting]) -> None:
    if not meetings:
        return
    dates = ", ".join(format_date(m.starts_at) for m in meetings)
    enqueue(
        users=_members_people(),
        topic=Topic.MEETINGS,
        template="meetings_scheduled",
        subject=f"{len(meetings)} Local Government Commission meetings scheduled"
        if len(meetings) > 1
        else f"Meeting scheduled: {format_date(meetings[0].starts_at, weekday=True)}",
        lines=[
            f"The Commission will meet on: {dates}.",
            "You can reply for your authority from each meeting's page.",
        ],
        link=external_url("meetings.list_meetings")
        if len(meetings) > 1
        else _meeting_link(meetings[0]),
        link_text="See the meetings" if len(meetings) > 1 else "See the meeting",
        dedupe=f"scheduled:{'-'.join(str(m.id) for m in meetings)}",
    )


def meeting_confirmed(meeting: Meeting, **_: Any) -> None:
    """A draft meeting made public: members hear it is scheduled, and ministers
    invited while it was a draft get their invitations now."""
    _announce_scheduled([meeting])
    for invitation in db.session.execute(
        select(MinisterialAttendance).where(
            MinisterialAttendance.meeting_id == meeting.id,
            MinisterialAttendance.status == InvitationStatus.INVITED,
        )
    ).scalars():
        minister_invited(invitation)


def agenda_published(meeting: Meeting, **_: Any) -> None:
    enqueue(
        users=_members_people(),
        topic=Topic.MEETINGS,
        template="agenda_published",
        subject=f"Agenda published: {format_date(meeting.starts_at, weekday=True)}",
        lines=[
            f"The agenda for the meeting on {format_datetime(meeting.starts_at)} is published.",
            "Tell us who will attend for your authority.",
        ],
        link=_meeting_link(meeting),
        link_text="Read the agenda and reply",
        dedupe=f"agenda-published:{meeting.id}:{meeting.agenda_published_at}",
    )


def agenda_changed(meeting: Meeting, *, summary: str, **_: Any) -> None:
    """At most one notice per meeting per day, however many changes."""
    enqueue(
        users=_members_people(),
        topic=Topic.MEETINGS,
        template="agenda_changed",
        subject=f"Agenda updated: {format_date(meeting.starts_at, weekday=True)}",
        lines=[
            f"The agenda for the meeting on {format_datetime(meeting.starts_at)} has "
            f"changed: {summary}.",
            "The meeting page lists every change since the agenda was published, "
            "including any made later today.",
        ],
        link=_meeting_link(meeting),
        link_text="See what changed",
        dedupe=f"agenda-changed:{meeting.id}:{today().isoformat()}",
    )


def meeting_cancelled(meeting: Meeting, **_: Any) -> None:
    _called_off(meeting, None)


def meeting_postponed(
    meeting: Meeting, *, new: Meeting, reinvited: list[MinisterialAttendance], **_: Any
) -> None:
    """Members hear of the new date; ministers invited again hear from the
    new meeting."""
    _called_off(meeting, new)
    for invitation in reinvited:
        minister_invited(invitation)


def _called_off(meeting: Meeting, new: Meeting | None) -> None:
    verb = "postponed" if new is not None else "cancelled"
    lines = [
        f"The meeting on {format_datetime(meeting.starts_at)} has been {verb}"
        + (f": {meeting.status_reason}." if meeting.status_reason else ".")
    ]
    if new is not None:
        lines.append(f"It will now take place on {format_datetime(new.starts_at)}.")
    enqueue(
        users=_members_people(),
        topic=Topic.MEETINGS,
        template=f"meeting_{verb}",
        subject=f"Meeting {verb}: {format_date(meeting.starts_at, weekday=True)}",
        lines=lines,
        link=_meeting_link(new or meeting),
        link_text="See the meeting",
        dedupe=f"{verb}:{meeting.id}",
    )


def minister_invited(invitation: MinisterialAttendance, **_: Any) -> None:
    """Only for a meeting people can see: an invitation to a draft is sent
    when the meeting is confirmed (``meeting_confirmed``), since until then
    its link leads to a page the minister cannot open."""
    meeting = invitation.meeting
    if not meeting.is_public:
        return
    users = (
        people_with_role(Role.CHAIR)
        if invitation.for_chair
        else office_holders(invitation.ministerial_office_id or 0)
    )
    what = f"“{invitation.agenda_item.title}”" if invitation.agenda_item else "the meeting"
    enqueue(
        users=users,
        topic=Topic.MINISTERIAL,
        template="minister_invited",
        subject=f"Invitation: Local Government Commission, {format_date(meeting.starts_at)}",
        lines=[
            f"{invitation.invitee} is invited to {what} on {format_datetime(meeting.starts_at)}.",
            "Confirm, decline or name a minister to stand in.",
        ],
        link=external_url("attendance.respond", slug=meeting.slug, invitation_id=invitation.id),
        link_text="Reply to the invitation",
        dedupe=f"invited:{invitation.id}",
    )


def minister_replied(invitation: MinisterialAttendance, **_: Any) -> None:
    meeting = invitation.meeting
    enqueue(
        users=people_with_role(Role.SECRETARIAT),
        topic=Topic.MINISTERIAL,
        template="minister_replied",
        subject=f"{invitation.invitee}: {invitation.status.label.lower()} for "
        f"{format_date(meeting.starts_at)}",
        lines=[
            f"{invitation.invitee} replied to the invitation for "
            f"{format_datetime(meeting.starts_at)}: {invitation.attending_office} — "
            f"{invitation.status.label.lower()}."
        ],
        link=external_url("attendance.manage_ministers", slug=meeting.slug),
        link_text="See ministers attending",
        dedupe=f"minister-replied:{invitation.id}:{invitation.responded_at}",
    )


def _consultation_link(consultation: Consultation) -> str:
    return external_url("consultations.show_consultation", reference=consultation.reference)


def consultation_opened(consultation: Consultation, **_: Any) -> None:
    enqueue(
        users=_members_people(),
        topic=Topic.CONSULTATIONS,
        template="consultation_opened",
        subject=f"Consultation open: {consultation.title}",
        lines=[
            f"{consultation.department.name} has brought “{consultation.title}” "
            f"({consultation.reference}) to the Commission.",
            f"Your authority's position is due by {format_datetime(consultation.closes_at)}.",
        ],
        link=_consultation_link(consultation),
        link_text="Read the consultation and respond",
        dedupe=f"opened:{consultation.id}",
    )


def extension_granted(extension: Extension, *, consultation: Consultation, **_: Any) -> None:
    enqueue(
        users=people_at([extension.authority_id]),
        topic=Topic.CONSULTATIONS,
        template="extension_granted",
        subject=f"Extension granted: {consultation.reference}",
        lines=[
            f"Your authority now has until {format_datetime(extension.closes_at)} to "
            f"respond to “{consultation.title}”.",
            f"Reason: {extension.reason}",
        ],
        link=external_url(
            "consultations.respond",
            reference=consultation.reference,
            slug=extension.authority.slug,
        ),
        link_text="Go to your authority's response",
        dedupe=f"extension:{extension.id}:{extension.closes_at.isoformat()}",
    )


def response_ready(response: Response, **_: Any) -> None:
    consultation = response.consultation
    enqueue(
        users=signers(response.authority_id),
        topic=Topic.RESPONSES,
        template="response_ready",
        subject=f"Ready for your sign-off: {consultation.reference}",
        lines=[
            f"{response.authority.name}'s response to “{consultation.title}” is ready for sign-off."
        ],
        link=external_url(
            "consultations.check_answers",
            reference=consultation.reference,
            slug=response.authority.slug,
        ),
        link_text="Check and sign off the response",
        dedupe=f"ready:{response.id}:{response.version}",
    )


def response_submitted(response: Response, **_: Any) -> None:
    consultation = response.consultation
    enqueue(
        users=people_at([response.authority_id]),
        topic=Topic.RESPONSES,
        template="response_submitted",
        subject=f"Response {'amended' if response.submission_count > 1 else 'submitted'}: "
        f"{consultation.reference}",
        lines=[
            f"{response.authority.name}'s position on “{consultation.title}” was signed "
            f"off at {format_datetime(response.submitted_at or now_utc())}."
        ],
        link=external_url(
            "consultations.respond", reference=consultation.reference, slug=response.authority.slug
        ),
        link_text="See the response",
        dedupe=f"submitted:{response.id}:{response.submission_count}",
    )


def letter_response_confirmed(response: Response, **_: Any) -> None:
    """The council's leader (or mayor, or a deputy who signs off) learns the
    Commission now holds a response from its letter, which they can withdraw
    or replace before the deadline."""
    consultation = response.consultation
    dated = format_date(response.letter_dated) if response.letter_dated else "recently"
    enqueue(
        users=signers(response.authority_id),
        topic=Topic.RESPONSES,
        template="letter_response_confirmed",
        subject=f"Response recorded from your letter: {consultation.reference}",
        lines=[
            f"The Commission's secretariat has recorded {response.authority.name}'s response "
            f"to “{consultation.title}” from a letter dated {dated}. It now counts as "
            f"{response.authority.name}'s official position.",
            "If it is not what your authority meant to say, you can replace it with a response "
            "of your own, or withdraw it, until responses close.",
        ],
        link=external_url(
            "consultations.respond", reference=consultation.reference, slug=response.authority.slug
        ),
        link_text="See the response",
        dedupe=f"letter:{response.id}:{response.submission_count}",
    )


def summary_published(consultation: Consultation, **_: Any) -> None:
    enqueue(
        users=_members_people(),
        topic=Topic.SUMMARIES,
        template="summary_published",
        subject=f"Summary published: {consultation.title}",
        lines=[f"The summary of councils' positions on “{consultation.title}” is published."],
        link=external_url("summaries.show_summary", reference=consultation.reference),
        link_text="Read the summary",
        dedupe=f"summary:{consultation.id}",
    )


def reply_published(consultation: Consultation, **_: Any) -> None:
    enqueue(
        users=_members_people(),
        topic=Topic.SUMMARIES,
        template="reply_published",
        subject=f"Government reply: {consultation.title}",
        lines=[f"The government has published its reply to councils on “{consultation.title}”."],
        link=_consultation_link(consultation),
        link_text="Read the reply",
        dedupe=f"reply:{consultation.id}",
    )


# Reminders -------------------------------------------------------------------------


def send_reminders(now: datetime | None = None) -> dict[str, int]:
    """Queue the reminders due now. Idempotent: each reminder has a dedupe key
    per person, so running twice never sends one twice."""
    now = now or now_utc()
    return {"reply": _reply_reminders(now), "closing": _closing_reminders(now)}


def _reply_reminders(now: datetime) -> int:
    """Authorities that have not said who will attend an announced meeting,
    from ``REPLY_REMINDER_WORKING_DAYS`` working days before it."""
    on = london_date(now)
    sent = 0
    lead = int(current_app.config["REPLY_REMINDER_WORKING_DAYS"])
    for meeting in db.session.execute(
        select(Meeting).where(
            Meeting.status.in_([MeetingStatus.SCHEDULED, MeetingStatus.AGENDA_PUBLISHED]),
            Meeting.starts_at > now,
        )
    ).scalars():
        day = london_date(meeting.starts_at)
        if on < working_days_before(day, lead):
            continue
        waiting = [authority.id for authority in without_reply(meeting)]
        sent += enqueue(
            users=people_at(waiting, [Role.LEADER, Role.MAYOR, Role.OFFICER], on),
            topic=Topic.ATTENDANCE_REMINDERS,
            template="reply_reminder",
            subject=f"Reminder: who will attend on {format_date(meeting.starts_at)}?",
            lines=[
                f"Your authority has not yet said who will attend the Commission on "
                f"{format_datetime(meeting.starts_at)}."
            ],
            link=external_url("attendance.reply", slug=meeting.slug),
            link_text="Reply now",
            dedupe=f"reply-reminder:{meeting.id}",
        )
    return sent


def _closing_reminders(now: datetime) -> int:
    """Authorities yet to submit a position, on each of the
    ``CLOSING_REMINDER_DAYS`` before their deadline (an extension's, where
    they have one)."""
    on = london_date(now)
    sent = 0
    reminder_days = sorted(
        {int(d) for d in str(current_app.config["CLOSING_REMINDER_DAYS"]).split(",") if d.strip()},
        reverse=True,
    )
    consultations = list(
        db.session.execute(
            select(Consultation).where(
                Consultation.status == ConsultationStatus.OPEN,
                or_(
                    Consultation.closes_at > now,
                    Consultation.id.in_(
                        select(Extension.consultation_id).where(Extension.closes_at > now)
                    ),
                ),
            )
        ).scalars()
    )
    awaited = coverage(consultations, now)
    for consultation in consultations:
        # An authority with an extension is reminded before its own deadline.
        for one in awaited[consultation.id].awaited:
            authority, closes_at, extended = one.authority, one.deadline, one.extended
            days_left = (london_date(closes_at) - on).days
            due = [d for d in reminder_days if days_left <= d]
            if not due:
                continue
            window = min(due)
            key = f"closing-reminder:{consultation.id}:{window}:{authority.id}"
            if extended:  # a new deadline earns its own reminders
                key += f":{closes_at:%Y%m%d%H%M}"
            closes = (
                f"Its extended deadline is {format_datetime(closes_at)}."
                if extended
                else f"The consultation closes {format_datetime(closes_at)}."
            )
            sent += enqueue(
                users=people_at([authority.id], AUTHORITY_ROLES, on),
                topic=Topic.CONSULTATION_REMINDERS,
                template="closing_reminder",
                subject=f"{days_left} {'day' if days_left == 1 else 'days'} left: "
                f"{consultation.title}",
                lines=[
                    f"{authority.name} has not submitted its position on "
                    f"“{consultation.title}”. {closes}"
                ],
                link=external_url(
                    "consultations.respond",
                    reference=consultation.reference,
                    slug=authority.slug,
                ),
                link_text="Go to your authority's response",
                dedupe=key,
            )
    return sent


def password_reset_asked(email: str, **_: Any) -> None:
    """Queue the reset email (the worker decides whether anyone gets it). In
    development, with no worker running, it is sent once the answer has gone
    (``SEND_ACCOUNT_EMAIL_AFTER_RESPONSE``), so the answer never waits for it."""
    queue_password_reset(email=email)
    if current_app.config["SEND_ACCOUNT_EMAIL_AFTER_RESPONSE"] and not current_app.testing:
        app = current_app._get_current_object()  # type: ignore[attr-defined]

        def send_queued() -> None:
            with app.app_context():
                deliver_due()

        @after_this_request
        def then_send(response: HTTPResponse) -> HTTPResponse:
            response.call_on_close(send_queued)
            return response


def feedback_sent(feedback: Any, **_: Any) -> None:
    """Feedback goes to the secretariat's shared mailbox (``SECRETARIAT_EMAIL``),
    through the outbox like every other email, so a mail server that is down
    loses none of it; the secretariat sees it in the outbox too. It belongs to
    no person's choices: nobody opts out of it."""
    context = {
        "feedback": feedback,
        "sent": now_utc(),
        "page_link": (current_app.config.get("PUBLIC_BASE_URL") or "") + feedback.page
        if feedback.page
        else "",
    }
    subject = "Feedback on the service" + (
        f": {feedback.satisfaction.lower()}" if feedback.satisfaction else ""
    )
    db.session.add(
        OutboxMessage(
            recipient=current_app.config["SECRETARIAT_EMAIL"],
            user_id=None,
            topic=Topic.FEEDBACK,
            template="feedback",
            subject=subject,
            body_text=render_template("notifications/feedback.txt", **context, subject=subject),
            body_html=render_template("notifications/feedback.html", **context, subject=subject),
        )
    )
    db.session.flush()


# Reminding the authorities still awaited, on request ----------------------------------

AWAITED_REMINDER = "awaited_reminder"
REMINDER_INTERVAL = timedelta(days=1)


def _awaited_key(consultation: Consultation) -> str:
    return f"{AWAITED_REMINDER}:{consultation.id}:"


def last_awaited_reminder(consultation: Consultation) -> datetime | None:
    """When the secretariat last reminded the authorities still awaited on
    this consultation (the time the reminder was queued), if ever."""
    last: datetime | None = db.session.execute(
        select(func.max(OutboxMessage.created_at)).where(
            OutboxMessage.template == AWAITED_REMINDER,
            OutboxMessage.dedupe_key.startswith(_awaited_key(consultation), autoescape=True),
        )
    ).scalar_one()
    return last


def next_awaited_reminder(consultation: Consultation, now: datetime) -> datetime | None:
    """When another reminder may go, if not now (``reminder_allowed_from``)."""
    return reminder_allowed_from(last_awaited_reminder(consultation), now)


def reminder_allowed_from(last: datetime | None, now: datetime) -> datetime | None:
    """When another reminder may go after one ``last`` queued, if not now: a
    day after it, so nobody is reminded of the same consultation twice in a
    day."""
    if last is not None and now < last + REMINDER_INTERVAL:
        return last + REMINDER_INTERVAL
    return None


def remind_awaited(*, consultation: Consultation, actor: User, now: datetime | None = None) -> int:
    """Queue a reminder to the people of every authority still awaited on the
    consultation (``consultations.queries.coverage``: members that have not
    submitted and whose own deadline is ahead), each naming its deadline.
    Refused when none is awaited, or when a reminder went less than a day
    ago. Returns how many authorities were reminded."""
    now = now or now_utc()
    if Role.SECRETARIAT not in actor.roles_on(london_date(now)):
        raise DomainError("Only the secretariat can send reminders")
    awaited = coverage([consultation], now)[consultation.id].awaited
    if not awaited:
        raise DomainError(
            f"No member authority is still awaited on “{consultation.title}”: every one has "
            "submitted its position or its deadline has passed"
        )
    allowed_from = next_awaited_reminder(consultation, now)
    if allowed_from is not None:
        raise DomainError(
            f"A reminder about “{consultation.title}” went less than a day ago. Another can be "
            f"sent from {format_datetime(allowed_from)}"
        )
    on = london_date(now)
    people = 0
    for one in awaited:
        closes = (
            f"Its extended deadline is {format_datetime(one.deadline)}."
            if one.extended
            else f"The consultation closes {format_datetime(one.deadline)}."
        )
        people += enqueue(
            users=people_at([one.authority.id], AUTHORITY_ROLES, on),
            topic=Topic.CONSULTATION_REMINDERS,
            template=AWAITED_REMINDER,
            subject=f"Reminder: {consultation.title}",
            lines=[
                f"{one.authority.name} has not yet submitted its position on "
                f"“{consultation.title}”. {closes}"
            ],
            link=external_url(
                "consultations.respond",
                reference=consultation.reference,
                slug=one.authority.slug,
            ),
            link_text="Go to your authority's response",
            dedupe=f"{_awaited_key(consultation)}{now:%Y%m%d%H%M%S}:{one.authority.id}",
        )
    audit.record(
        action="awaited_reminder_sent",
        summary=f"{actor.full_name} reminded the {len(awaited)} authorities that have not "
        f"responded to “{consultation.title}” ({people} people)",
        actor=actor,
        subject=consultation,
        details={"authorities": len(awaited), "people": people},
    )
    return len(awaited)


RECEIVERS: dict[NamedSignal, Callable[..., None]] = {
    signals.password_reset_asked: password_reset_asked,
    signals.meetings_scheduled: meetings_scheduled,
    signals.meeting_confirmed: meeting_confirmed,
    signals.meeting_cancelled: meeting_cancelled,
    signals.meeting_postponed: meeting_postponed,
    signals.agenda_published: agenda_published,
    signals.agenda_changed: agenda_changed,
    signals.minister_invited: minister_invited,
    signals.minister_replied: minister_replied,
    signals.consultation_opened: consultation_opened,
    signals.extension_granted: extension_granted,
    signals.response_ready: response_ready,
    signals.response_submitted: response_submitted,
    signals.letter_response_confirmed: letter_response_confirmed,
    signals.summary_published: summary_published,
    signals.reply_published: reply_published,
    signals.feedback_sent: feedback_sent,
}


def connect() -> None:
    """Listen to every event that tells someone something. Connecting again
    (a second app in one process) replaces, never doubles, a receiver."""
    for signal, receiver in RECEIVERS.items():
        signal.connect(receiver, weak=False)
