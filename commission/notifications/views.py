"""Email preferences, one-click unsubscribe, the outbox, and personal calendars."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers.response import Response

from commission import access, actions
from commission.actions import run_action, run_button_action
from commission.attendance.models import MinisterialAttendance
from commission.auth.models import User
from commission.auth.roles import AUTHORITY_ROLES, Role
from commission.consultations.models import Consultation, ConsultationStatus
from commission.consultations.queries import Parts, coverage, load_consultation
from commission.consultations.services import deadline_for
from commission.exports.calendar import calendar_response
from commission.extensions import csrf, db
from commission.forms import ConfirmForm
from commission.links import external_url
from commission.meetings.models import PUBLIC_STATUSES, Meeting
from commission.notifications import events, services
from commission.notifications.models import (
    CHOSEN_TOPICS,
    OptOut,
    OutboxMessage,
    OutboxStatus,
    Topic,
)
from commission.notifications.queries import load_calendar_owner, load_outbox_message
from commission.pagination import paginate
from commission.timeutil import now_utc, today

bp = Blueprint("notifications", __name__)


@bp.route("/account/email", methods=["GET", "POST"])
@access.signed_in
def email_preferences() -> str | Response:
    form = ConfirmForm()
    if form.validate_on_submit():
        values = {t.value for t in CHOSEN_TOPICS}
        chosen = {Topic(v) for v in request.form.getlist("topics") if v in values}
        outcome = run_action(
            lambda: services.set_preferences(user=current_user, topics=chosen),
            form=form,
            success="Your email choices are saved",
            then=lambda _: url_for("notifications.email_preferences"),
        )
        if outcome is not None:
            return outcome
    blocked = {
        o.topic
        for o in db.session.execute(
            select(OptOut).where(OptOut.user_id == current_user.id)
        ).scalars()
    }
    return render_template(
        "notifications/preferences.html", form=form, topics=list(CHOSEN_TOPICS), blocked=blocked
    )


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@access.public
@csrf.exempt  # the signed token is the authority; a mail client's one-click POST has no form token
def unsubscribe(token: str) -> str | tuple[str, int]:
    """One click from an email: the link itself unsubscribes, and so does the
    mail client's one-click POST (RFC 8058, ``List-Unsubscribe=One-Click``);
    the page offers to undo it, which needs the page's form token."""
    found = services.read_unsubscribe_token(token)
    if found is None:
        return render_template("notifications/unsubscribe.html", invalid=True, form=None), 404
    user, topic = found
    form = ConfirmForm()
    current = {
        o.topic
        for o in db.session.execute(select(OptOut).where(OptOut.user_id == user.id)).scalars()
    }
    wanted = {t for t in CHOSEN_TOPICS if t.value not in current}
    one_click = request.form.get("List-Unsubscribe") == "One-Click"
    resubscribed = request.method == "POST" and not one_click
    if resubscribed:
        if not form.validate_on_submit():
            abort(400)
        services.set_preferences(user=user, topics=wanted | {topic})
    else:
        services.set_preferences(user=user, topics=wanted - {topic})
    actions.keep_work()  # saved before the page is sent: it answers in place, not by redirect
    return render_template(
        "notifications/unsubscribe.html",
        invalid=False,
        form=form,
        topic=topic,
        resubscribed=resubscribed,
    )


@bp.get("/outbox")
@access.roles(Role.SECRETARIAT)
def list_outbox() -> str:
    status = request.args.get("status", "")
    statement = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status in {s.value for s in OutboxStatus}:
        statement = statement.where(OutboxMessage.status == OutboxStatus(status))
    page = paginate(statement, per_page=current_app.config["PAGE_SIZE"])
    return render_template(
        "notifications/outbox.html",
        page=page,
        status=status,
        statuses=list(OutboxStatus),
        form=ConfirmForm(),
    )


@bp.post("/outbox/<int:message_id>/resend")
@access.roles(Role.SECRETARIAT)
def resend_message(message_id: int) -> Response:
    message = load_outbox_message(message_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return run_button_action(
        lambda: services.resend(message=message),
        success=lambda: f"The message to {message.recipient} will be sent again",
        then=lambda: url_for("notifications.list_outbox"),
    )


@bp.post("/outbox/send")
@access.roles(Role.SECRETARIAT)
def send_outbox() -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    sent, failed = services.deliver_due()
    flash(f"{sent} sent, {failed} could not be sent and will be retried", "success")
    return redirect(url_for("notifications.list_outbox"))


@bp.route("/consultations/<reference>/remind", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def remind_authorities(reference: str) -> str | Response:
    """Confirm, then queue a reminder to every authority still awaited on a
    consultation (at most once a day)."""
    consultation = load_consultation(reference, parts=Parts.OWN)
    now = now_utc()
    form = ConfirmForm()
    if form.validate_on_submit():
        outcome = run_action(
            lambda: events.remind_awaited(consultation=consultation, actor=current_user),
            form=form,
            success=lambda count: (
                f"Reminder queued for the {count} authorities that have not "
                f"responded to “{consultation.title}”"
            ),
            then=lambda _: url_for("dashboard.home"),
        )
        if outcome is not None:
            return outcome
    last = events.last_awaited_reminder(consultation)
    return render_template(
        "notifications/remind.html",
        form=form,
        consultation=consultation,
        coverage=coverage([consultation], now)[consultation.id],
        allowed_from=events.reminder_allowed_from(last, now),
        last=last,
    )


@bp.route("/account/calendar", methods=["GET", "POST"])
@access.signed_in
def personal_calendar() -> str | Response:
    form = ConfirmForm()
    if form.validate_on_submit():
        outcome = run_action(
            lambda: services.renew_calendar_token(user=current_user),
            form=form,
            success="Your calendar address has changed. The old address no longer works",
            then=lambda _: url_for("notifications.personal_calendar"),
        )
        if outcome is not None:
            return outcome
    feed = (
        external_url("notifications.calendar_feed", token=current_user.calendar_token)
        if current_user.calendar_token
        else None
    )
    return render_template("notifications/calendar.html", form=form, feed=feed)


@bp.get("/calendar/<token>.ics")
@access.public
def calendar_feed(token: str) -> Response:
    """Meetings and consultation deadlines that concern this person. The
    address is the secret; resetting it stops the old one working."""
    return personal_calendar_response(load_calendar_owner(token))


def personal_calendar_response(user: User) -> Response:
    on = today()
    roles = user.roles_on(on)
    appointments = user.current_appointments(on)
    meetings = select(Meeting).where(Meeting.status.in_(PUBLIC_STATUSES))
    if not roles & (set(AUTHORITY_ROLES) | {Role.SECRETARIAT, Role.CHAIR}):
        offices = [a.ministerial_office_id for a in appointments if a.ministerial_office_id]
        meetings = meetings.where(
            Meeting.id.in_(
                select(MinisterialAttendance.meeting_id).where(
                    MinisterialAttendance.ministerial_office_id.in_(offices or [0])
                )
            )
        )
    deadlines = []
    authorities = [a.authority for a in appointments if a.authority is not None]
    if authorities or roles & {Role.SECRETARIAT, Role.CHAIR}:
        for consultation in db.session.execute(
            select(Consultation).where(Consultation.status == ConsultationStatus.OPEN)
        ).scalars():
            closes = (
                deadline_for(consultation, authorities[0])
                if len(authorities) == 1
                else consultation.closes_at
            )
            deadlines.append((consultation, closes))
    return calendar_response(
        db.session.execute(meetings.order_by(Meeting.starts_at)).scalars(),
        filename="my-commission.ics",
        name=f"Local Government Commission: {user.full_name}",
        show_links=True,
        deadlines=deadlines,
    )
