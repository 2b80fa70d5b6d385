"""Meetings: the public schedule and pages, the secretariat's scheduling and
agenda builder, papers, the agenda pack and calendar feeds."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.routing import BaseConverter
from werkzeug.wrappers.response import Response

from commission import access, changes, policy
from commission.actions import run_action, run_button_action
from commission.attendance import services as attendance
from commission.attendance.models import ReplyKind
from commission.auth.roles import Role
from commission.consultations import policy as consultation_policy
from commission.consultations.models import Consultation
from commission.db_types import as_record_id
from commission.errors import DomainError
from commission.exports import pack
from commission.exports.cache import cache_key, cached_download
from commission.exports.calendar import calendar_response
from commission.exports.pdf import kept_pdf_response
from commission.extensions import db
from commission.forms import ConfirmForm, attach_error
from commission.meetings import policy as meeting_policy
from commission.meetings import services
from commission.meetings.forms import (
    AgendaItemForm,
    MeetingForm,
    PaperForm,
    PostponeForm,
    ReasonForm,
    ScheduleForm,
)
from commission.meetings.models import (
    PUBLIC_STATUSES,
    AgendaItem,
    AgendaItemKind,
    Meeting,
    MeetingStatus,
    Paper,
)
from commission.meetings.queries import load_item, load_meeting, load_paper, with_agenda
from commission.meetings.uploads import Upload, size_label
from commission.minutes.models import Minutes
from commission.minutes.services import minutes_for
from commission.pagination import year_pages
from commission.storage import storage
from commission.summaries.policy import can_see_snapshot
from commission.summaries.services import snapshots_for_meeting
from commission.timeutil import format_datetime, in_london, london, now_utc, today

bp = Blueprint("meetings", __name__)


@bp.context_processor
def _rules() -> dict[str, Any]:
    """The rules the meeting pages ask, the same functions the views and
    services do: who sees what, and where the meeting may go next."""
    return {
        "can_see_item": policy.can_see_item,
        "papers_listed": policy.papers_listed,
        "can_confirm": meeting_policy.can_confirm,
        "can_publish_agenda": meeting_policy.can_publish_agenda,
        "can_mark_held": meeting_policy.can_mark_held,
        "can_postpone": meeting_policy.can_postpone,
        "can_cancel": meeting_policy.can_cancel,
        "can_delete": meeting_policy.can_delete,
        "consultation_status": consultation_policy.effective_status,
    }


class MeetingSlugConverter(BaseConverter):
    regex = r"\d{4}-\d{2}-\d{2}(?:-\d+)?"


@bp.record_once
def _register_converter(state: Any) -> None:
    state.app.url_map.converters["meeting"] = MeetingSlugConverter


def _meeting_times(form: Any) -> tuple[Any, Any]:
    return (
        london(form.day.data, form.starts.time),
        london(form.day.data, form.ends.time),
    )


def _back_to(meeting: Meeting) -> Response:
    return redirect(url_for("meetings.show_meeting", slug=meeting.slug))


# Public ------------------------------------------------------------------------


UPCOMING_LIMIT = 24


@bp.get("/meetings")
@access.public
def list_meetings() -> str:
    """A year of meetings at a time (``?year=2027``), by default the year of
    the next meeting not yet ended, or this year: ten years of monthly
    meetings on one page would be slow to send and to read. Without a year
    the upcoming meetings are listed whatever their year (two years of
    monthly meetings at most). Drafts are for the secretariat only. A year
    before the first meeting's or after the last one's, or anything that is
    not a year, is not found."""
    now = now_utc()
    statuses = set(PUBLIC_STATUSES)
    secretariat = access.has_role(Role.SECRETARIAT)
    if secretariat:
        statuses.add(MeetingStatus.DRAFT)
    visible = Meeting.status.in_(statuses)
    requested = (request.args.get("year") or "").strip()
    this_year = in_london(now).year
    years = year_pages(
        Meeting.starts_at,
        visible=visible,
        next_row=select(Meeting.starts_at)
        .where(visible, Meeting.ends_at >= now)
        .order_by(Meeting.ends_at)
        .limit(1),
        requested=requested,
        this_year=this_year,
    )
    if years is None:
        abort(404)
    meetings = list(
        db.session.execute(
            select(Meeting)
            .where(visible, Meeting.starts_at >= years.starts, Meeting.starts_at < years.ends)
            .order_by(Meeting.starts_at)
        ).scalars()
    )
    if requested:
        upcoming = [m for m in meetings if m.ends_at >= now]
    else:
        # The page people land on lists what is coming whatever its year, so
        # in December next January's meeting is there too.
        upcoming = list(
            db.session.execute(
                select(Meeting)
                .where(visible, Meeting.ends_at >= now)
                .order_by(Meeting.starts_at)
                .limit(UPCOMING_LIMIT)
            ).scalars()
        )
    past = [m for m in reversed(meetings) if m.ends_at < now]
    return render_template(
        "meetings/list.html",
        upcoming=upcoming,
        past=past,
        secretariat=secretariat,
        years=years,
        this_year=this_year,
    )


@bp.get("/meetings.ics")
@access.public
def calendar_feed() -> Response:
    """Every public meeting, for calendar apps. They ask again every few
    hours, each subscriber's app on its own, for a feed that changes a few
    times a month: so it is kept under the change counter (any change to a
    record makes a new one) and the address it is served at, and sent
    compressed, with 304 to an app that holds it (``cached_download``)."""

    def make() -> bytes:
        meetings = db.session.execute(
            select(Meeting).where(Meeting.status.in_(PUBLIC_STATUSES)).order_by(Meeting.starts_at)
        ).scalars()
        return calendar_response(
            meetings, filename="meetings.ics", name="Local Government Commission", show_links=False
        ).get_data()

    return cached_download(
        key=cache_key("meetings.ics", changes.current(), request.host_url),
        subject="meetings.ics",
        filename="meetings.ics",
        content_type="text/calendar",
        make=make,
        inline=True,
    )


@bp.get("/meetings/<meeting:slug>")
@access.public
def show_meeting(slug: str) -> str:
    meeting = load_meeting(slug)
    secretariat = access.has_role(Role.SECRETARIAT)
    invitations = attendance.ministerial_attendances(meeting)
    government: dict[int | None, list[Any]] = {}
    for invitation in invitations:
        if invitation.confirmed or secretariat:
            government.setdefault(invitation.agenda_item_id, []).append(invitation)
    my_replies = []
    my_invitations = []
    if current_user.is_authenticated and not secretariat:
        day = attendance.meeting_day(meeting)
        for appointment in current_user.current_appointments(today()):
            authority = appointment.authority
            if (
                authority is not None
                and appointment.role in {Role.LEADER, Role.MAYOR, Role.OFFICER}
                and attendance.is_member_on(authority, day)
            ):
                my_replies.append((authority, attendance.current_reply(meeting, authority)))
        my_invitations = [i for i in invitations if attendance.can_respond(i, current_user)]
    return render_template(
        "meetings/show.html",
        meeting=meeting,
        member=policy.is_commission_person(),
        secretariat=secretariat,
        government=government,
        my_replies=my_replies,
        my_invitations=my_invitations,
        replies_open=meeting.status in attendance.REPLYING_STATUSES
        and meeting.starts_at > now_utc(),
        snapshots={
            consultation_id: snapshot
            for consultation_id, snapshot in snapshots_for_meeting(meeting).items()
            if can_see_snapshot(snapshot, current_user)
        },
        previous_minutes=_previous_minutes(meeting),
        minutes=minutes_for(meeting),
    )


def _previous_minutes(meeting: Meeting) -> Meeting | None:
    """The last meeting before this one whose minutes are published, for the
    "minutes of the last meeting" item."""
    return db.session.execute(
        select(Meeting)
        .join(Minutes, Minutes.meeting_id == Meeting.id)
        .where(Meeting.starts_at < meeting.starts_at, Minutes.approved_at.is_not(None))
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    ).scalar_one_or_none()


@bp.get("/meetings/<meeting:slug>.ics")
@access.public
def meeting_calendar(slug: str) -> Response:
    meeting = load_meeting(slug)
    return calendar_response(
        [meeting],
        filename=f"meeting-{meeting.slug}.ics",
        name=f"Local Government Commission {meeting.slug}",
        show_links=policy.is_commission_person(),
    )


@bp.get("/meetings/<meeting:slug>/agenda.pdf")
@access.public
def agenda_pack(slug: str) -> Response:
    """The bound agenda pack (cover, contents, agenda, then every paper the
    reader may download, in agenda order: ``exports.pack``); restricted items
    and papers only for signed-in members, and the public pack says how many
    it leaves out. Once the agenda is public the pack is kept (under the
    change counter, and its content and papers' files), members' and the
    public's apart, so asking again reads neither the agenda nor the papers."""
    meeting = load_meeting(slug, agenda=False)
    if not (meeting.agenda_is_public or access.has_role(Role.SECRETARIAT)):
        abort(404)
    member = policy.is_commission_person()

    def context() -> dict[str, Any]:
        members = attendance.member_authorities(meeting)
        replies = attendance.replies_by_authority(meeting)
        replied: dict[ReplyKind, list[Any]] = {kind: [] for kind in ReplyKind}
        for authority in members:
            if authority.id in replies:
                replied[replies[authority.id].kind].append((authority, replies[authority.id]))
        agenda = with_agenda(meeting)
        shown = [
            (number, item)
            for number, (item, _) in enumerate(agenda.timed_items(), start=1)
            if policy.can_see_item(item)
        ]
        papers = pack.papers_in_order(shown, policy.papers_listed)
        current = sum(1 for item in agenda.items for paper in item.papers if not paper.superseded)
        return {
            "meeting": agenda,
            "papers": papers,
            "left_out": current - len(papers),
            "placed": {},
            "total_pages": pack.PLACEHOLDER,
            "member": member,
            "generated": now_utc(),
            "expected": attendance.reply_counts(meeting, [a.id for a in members]),
            "replied": replied,
            "reply_kinds": list(ReplyKind),
            "ministers": attendance.confirmed_ministers(meeting, member=member),
        }

    audience = "member" if member else "public"
    return kept_pdf_response(
        "meetings/agenda_pack.html",
        f"agenda-{meeting.slug}.pdf",
        subject=f"agenda-pack:{meeting.id}:{audience}" if meeting.agenda_is_public else None,
        context=context,
        maker=pack.bind,
    )


@bp.get("/papers/<int:paper_id>/<path:filename>")
@access.public
def download_paper(paper_id: int, filename: str) -> Response:
    paper = load_paper(paper_id)
    data = storage().read(paper.storage_key)
    return Response(
        data,
        mimetype=paper.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{paper.filename}"',
            # Shared caches may keep only what anyone may download.
            "Cache-Control": "public, max-age=300"
            if paper.public
            and not paper.agenda_item.confidential
            and paper.agenda_item.meeting.agenda_is_public
            else "private, no-store",
        },
    )


# Scheduling --------------------------------------------------------------------


def _schedule_rule(form: ScheduleForm) -> services.ScheduleRule:
    assert form.starts.time is not None and form.ends.time is not None
    return services.ScheduleRule(
        year=int(form.year.data or 0),
        ordinal=form.ordinal.data or "",
        weekday=int(form.weekday.data or 0),
        starts=form.starts.time,
        ends=form.ends.time,
        skip_months={int(m) for m in form.skip_months.data or []},
        venue=form.venue.data or "",
        online_link=form.online_link.data or "",
    )


@bp.route("/meetings/schedule", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def schedule_meetings() -> str | Response:
    """Step 1: a rule. Step 2: a preview of every date (with moved dates
    explained). Step 3: confirm, creating them all or none."""
    form = ScheduleForm()
    if request.method == "GET":
        form.year.data = today().year + 1
        form.ordinal.data = "second"
        form.weekday.data = "1"
        form.starts.data, form.ends.data = "10:30", "13:00"
        form.skip_months.data = ["8"]
    plan = None
    if form.validate_on_submit():
        rule = _schedule_rule(form)
        if request.form.get("confirm") == "yes":
            outcome = run_action(
                lambda: services.create_schedule(rule=rule, actor=current_user),
                form=form,
                success=lambda meetings: f"{len(meetings)} meetings scheduled for {rule.year}",
                then=lambda _: url_for("meetings.list_meetings"),
            )
            if outcome is not None:
                return outcome
        else:
            try:
                plan = services.plan_schedule(rule)
            except DomainError as error:
                attach_error(form, error)  # a preview only reads: nothing to roll back
            else:
                return render_template(
                    "meetings/schedule_preview.html",
                    form=form,
                    plan=plan,
                    rule=rule,
                    clashes=any(p.clash for p in plan),
                )
    return render_template("meetings/schedule_form.html", form=form)


@bp.route("/meetings/new", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def create_meeting() -> str | Response:
    form = MeetingForm()
    if request.method == "GET":
        form.starts.data, form.ends.data = "10:30", "13:00"
    if form.validate_on_submit():
        starts_at, ends_at = _meeting_times(form)

        def work() -> Any:
            return services.create_meeting(
                starts_at=starts_at,
                ends_at=ends_at,
                venue=form.venue.data or "",
                online_link=form.online_link.data or "",
                actor=current_user,
            )

        outcome = run_action(
            work,
            form=form,
            success=lambda meeting: "Meeting added as a draft. Confirm it to publish the date",
            then=lambda meeting: _back_to(meeting),
        )
        if outcome is not None:
            return outcome
    return render_template("meetings/meeting_form.html", form=form, meeting=None)


@bp.route("/meetings/<meeting:slug>/edit", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def edit_meeting(slug: str) -> str | Response:
    meeting = load_meeting(slug)
    form = MeetingForm()
    if request.method == "GET":
        local_start = in_london(meeting.starts_at)
        form.day.data = local_start.date()
        form.starts.data = f"{local_start:%H:%M}"
        form.ends.data = f"{in_london(meeting.ends_at):%H:%M}"
        form.venue.data = meeting.venue
        form.online_link.data = meeting.online_link
    if form.validate_on_submit():
        starts_at, ends_at = _meeting_times(form)

        def work() -> Any:
            services.update_meeting(
                meeting=meeting,
                starts_at=starts_at,
                ends_at=ends_at,
                venue=form.venue.data or "",
                online_link=form.online_link.data or "",
                actor=current_user,
            )

        outcome = run_action(
            work,
            form=form,
            success=lambda _: "Meeting updated",
            then=lambda _: _back_to(meeting),
        )
        if outcome is not None:
            return outcome
    return render_template("meetings/meeting_form.html", form=form, meeting=meeting)


STATUS_ACTIONS = {
    "confirm": (
        services.confirm_meeting,
        meeting_policy.confirm_refusal,
        "Confirm the meeting",
        "The date is now public",
        "The date, time and place will be public and in the calendar feed.",
    ),
    "publish": (
        services.publish_agenda,
        meeting_policy.publish_agenda_refusal,
        "Publish the agenda",
        "Agenda published",
        "The agenda and its public papers will be public. Changes after this are shown as updates.",
    ),
    "held": (
        services.mark_held,
        meeting_policy.mark_held_refusal,
        "Record the meeting as held",
        "Meeting recorded as held",
        "The agenda can no longer be changed.",
    ),
}


@bp.route("/meetings/<meeting:slug>/<any(confirm, publish, held):action>", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def change_status(slug: str, action: str) -> str | Response:
    """A confirmation step before a change of status. A step the meeting
    cannot take now says why in place of the button (the rule the service
    refuses by)."""
    meeting = load_meeting(slug)
    service, refused, title, done, explanation = STATUS_ACTIONS[action]
    refusal = refused(meeting)
    form = ConfirmForm()
    if form.validate_on_submit():

        def work() -> Any:
            service(meeting=meeting, actor=current_user)

        outcome = run_action(
            work,
            form=form,
            success=lambda _: done,
            then=lambda _: _back_to(meeting),
        )
        if outcome is not None:
            return outcome
    if refusal is not None and not form.form_errors:
        attach_error(form, DomainError(refusal))
    return render_template(
        "meetings/confirm.html",
        form=form,
        meeting=meeting,
        title=title,
        explanation=explanation,
        button=None if refusal is not None else title,
    )


@bp.route("/meetings/<meeting:slug>/cancel", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def cancel_meeting(slug: str) -> str | Response:
    meeting = load_meeting(slug)
    form = ReasonForm()
    if form.validate_on_submit():

        def work() -> Any:
            services.cancel_meeting(
                meeting=meeting, reason=form.reason.data or "", actor=current_user
            )

        outcome = run_action(
            work,
            form=form,
            success=lambda _: "Meeting cancelled",
            then=lambda _: _back_to(meeting),
        )
        if outcome is not None:
            return outcome
    return render_template("meetings/cancel_form.html", form=form, meeting=meeting)


@bp.route("/meetings/<meeting:slug>/delete", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def delete_meeting(slug: str) -> str | Response:
    """A draft was never announced, so it is deleted rather than cancelled."""
    meeting = load_meeting(slug)
    form = ConfirmForm()
    if form.validate_on_submit():
        when = meeting.starts_at

        def work() -> Any:
            services.delete_meeting(meeting=meeting, actor=current_user)

        outcome = run_action(
            work,
            form=form,
            success=lambda _: f"Draft meeting on {format_datetime(when)} deleted",
            then=lambda _: url_for("meetings.list_meetings"),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "meetings/delete_form.html",
        form=form,
        meeting=meeting,
        papers=sum(len(item.papers) for item in meeting.items),
    )


@bp.route("/meetings/<meeting:slug>/postpone", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def postpone_meeting(slug: str) -> str | Response:
    meeting = load_meeting(slug)
    form = PostponeForm()
    if request.method == "GET":
        form.starts.data = f"{in_london(meeting.starts_at):%H:%M}"
        form.ends.data = f"{in_london(meeting.ends_at):%H:%M}"
    if form.validate_on_submit():
        starts_at, ends_at = _meeting_times(form)

        def work() -> Any:
            return services.postpone_meeting(
                meeting=meeting,
                starts_at=starts_at,
                ends_at=ends_at,
                reason=form.reason.data or "",
                actor=current_user,
            )

        outcome = run_action(
            work,
            form=form,
            success=lambda new: "Meeting postponed. The agenda has moved to the new date",
            then=lambda new: _back_to(new),
        )
        if outcome is not None:
            return outcome
    return render_template("meetings/postpone_form.html", form=form, meeting=meeting)


# The agenda builder ------------------------------------------------------------


@bp.get("/meetings/<meeting:slug>/agenda")
@access.roles(Role.SECRETARIAT)
def edit_agenda(slug: str) -> str:
    """The agenda in order; after a move (``?moved=<item id>``) the moved item
    takes the focus, so a keyboard or screen reader user carries on from it."""
    meeting = load_meeting(slug)
    return render_template(
        "meetings/agenda_builder.html",
        meeting=meeting,
        form=ConfirmForm(),
        moved=as_record_id(request.args.get("moved")),
    )


def _item_details(form: AgendaItemForm) -> services.ItemDetails:
    return services.ItemDetails(
        kind=AgendaItemKind(form.kind.data),
        title=form.title.data or "",
        duration_minutes=int(form.duration_minutes.data or 0),
        presenter=form.presenter.data or "",
        description=form.description.data or "",
        confidential=bool(form.confidential.data),
        consultation_id=as_record_id(form.consultation.data),
    )


def _consultation_choices() -> list[tuple[str, str]]:
    return [("", "None")] + [
        (str(c.id), f"{c.reference}: {c.title}")
        for c in db.session.execute(
            select(Consultation).order_by(Consultation.reference.desc())
        ).scalars()
    ]


def _item_form(meeting: Meeting, item: AgendaItem | None) -> str | Response:
    form = AgendaItemForm(obj=item) if request.method == "GET" and item else AgendaItemForm()
    form.consultation.choices = _consultation_choices()
    if request.method == "GET" and item is not None:
        form.consultation.data = str(item.consultation_id or "")
    if request.method == "GET" and item is None:
        form.duration_minutes.data = 15
    if form.validate_on_submit():

        def work() -> Any:
            if item is None:
                services.add_item(meeting=meeting, details=_item_details(form), actor=current_user)
            else:
                services.update_item(item=item, details=_item_details(form), actor=current_user)

        outcome = run_action(
            work,
            form=form,
            success=lambda _: "Agenda item saved",
            then=lambda _: url_for("meetings.edit_agenda", slug=meeting.slug),
        )
        if outcome is not None:
            return outcome
    return render_template("meetings/item_form.html", form=form, meeting=meeting, item=item)


@bp.route("/meetings/<meeting:slug>/agenda/items/new", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def add_item(slug: str) -> str | Response:
    return _item_form(load_meeting(slug), None)


@bp.route("/meetings/<meeting:slug>/agenda/items/<int:item_id>/edit", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def edit_item(slug: str, item_id: int) -> str | Response:
    meeting = load_meeting(slug)
    return _item_form(meeting, load_item(meeting, item_id))


@bp.route("/meetings/<meeting:slug>/agenda/items/<int:item_id>/remove", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def remove_item(slug: str, item_id: int) -> str | Response:
    meeting = load_meeting(slug)
    item = load_item(meeting, item_id)
    form = ConfirmForm()
    if form.validate_on_submit():

        def work() -> Any:
            services.remove_item(item=item, actor=current_user)

        outcome = run_action(
            work,
            form=form,
            success=lambda _: f"Removed '{item.title}' from the agenda",
            then=lambda _: url_for("meetings.edit_agenda", slug=meeting.slug),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "meetings/confirm.html",
        form=form,
        meeting=meeting,
        title=f"Remove '{item.title}' from the agenda",
        explanation="Its papers are removed with it.",
        button="Remove item",
        warning=True,
    )


@bp.post("/meetings/<meeting:slug>/agenda/items/<int:item_id>/move")
@access.roles(Role.SECRETARIAT)
def move_item(slug: str, item_id: int) -> Response:
    meeting = load_meeting(slug)
    item = load_item(meeting, item_id)
    form = ConfirmForm()
    direction = request.form.get("direction")
    if not form.validate_on_submit() or direction not in {"up", "down"}:
        abort(400)
    return run_button_action(
        lambda: services.move_item(item=item, direction=direction, actor=current_user),
        success=lambda: (
            f"Moved '{item.title}' {direction}: it is now item {item.position} "
            f"of {len(meeting.items)}"
        ),
        # No fragment: a browser gives the focus to an autofocus element only
        # when the address targets no element.
        then=lambda: url_for("meetings.edit_agenda", slug=meeting.slug, moved=item.id),
    )


# Papers ------------------------------------------------------------------------


def _paper_form(meeting: Meeting, item: AgendaItem, replaces: Paper | None) -> str | Response:
    form = PaperForm()
    if request.method == "GET" and replaces is not None:
        form.title.data = replaces.title
        form.visibility.data = "public" if replaces.public else "restricted"
    if form.validate_on_submit():
        upload = form.file.data

        def work() -> Any:
            if upload is None or not getattr(upload, "filename", ""):
                raise DomainError("Select a file", field="file")
            return services.add_paper(
                item=item,
                upload=Upload(filename=upload.filename or "", data=upload.read()),
                title=form.title.data or "",
                public=form.visibility.data == "public",
                actor=current_user,
                replaces=replaces,
            )

        outcome = run_action(
            work,
            form=form,
            success=lambda paper: f"Paper '{paper.title}' uploaded",
            then=lambda paper: url_for("meetings.edit_agenda", slug=meeting.slug),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "meetings/paper_form.html",
        form=form,
        meeting=meeting,
        item=item,
        replaces=replaces,
        max_size=size_label(current_app.config["PAPER_MAX_BYTES"]),
    )


@bp.route("/meetings/<meeting:slug>/agenda/items/<int:item_id>/papers/new", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def add_paper(slug: str, item_id: int) -> str | Response:
    meeting = load_meeting(slug)
    return _paper_form(meeting, load_item(meeting, item_id), None)


@bp.route(
    "/meetings/<meeting:slug>/agenda/items/<int:item_id>/papers/<int:paper_id>/replace",
    methods=["GET", "POST"],
)
@access.roles(Role.SECRETARIAT)
def replace_paper(slug: str, item_id: int, paper_id: int) -> str | Response:
    meeting = load_meeting(slug)
    item = load_item(meeting, item_id)
    paper = next((p for p in item.papers if p.id == paper_id and not p.superseded), None)
    if paper is None:
        abort(404)
    return _paper_form(meeting, item, paper)
