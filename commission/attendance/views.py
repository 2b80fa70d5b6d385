"""Attendance: authorities' replies, ministers' attendance, the register and
the record of who came."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from werkzeug.wrappers.response import Response

from commission import access, changes, policy
from commission.actions import run_action
from commission.attendance import queries, services
from commission.attendance.forms import (
    InviteMinisterForm,
    RegisterForm,
    ReplyForm,
    RespondForm,
)
from commission.attendance.models import (
    InvitationStatus,
    RegisterMark,
    ReplyKind,
)
from commission.auth.models import Appointment, DelegatedPower
from commission.auth.roles import Role
from commission.db_types import as_record_id
from commission.errors import DomainError
from commission.exports.cache import cache_key, kept_html
from commission.exports.pdf import template_digest
from commission.exports.tables import csv_response
from commission.extensions import db
from commission.maps.queries import MAP_TEMPLATES, attendance_map, map_digest
from commission.meetings.models import Meeting
from commission.meetings.queries import load_meeting
from commission.membership.models import (
    Authority,
    AuthorityKind,
    Control,
    MinisterialOffice,
    Region,
)
from commission.timeutil import format_datetime, now_utc, today

bp = Blueprint("attendance", __name__)


def _replying_authorities(meeting: Meeting) -> list[Authority]:
    """Authorities the signed-in person may reply for at this meeting."""
    on = today()
    if access.has_role(Role.SECRETARIAT):
        return services.member_authorities(meeting)
    authorities = {
        a.authority_id: a.authority
        for a in current_user.current_appointments(on)
        if a.authority is not None and a.role in {Role.LEADER, Role.MAYOR, Role.OFFICER}
    }
    day = services.meeting_day(meeting)
    return sorted(
        (a for a in authorities.values() if a is not None and services.is_member_on(a, day)),
        key=lambda a: a.name,
    )


@bp.route("/meetings/<meeting:slug>/reply", methods=["GET", "POST"])
@access.policy("the authority's leader, mayor or officers, or the secretariat")
def reply(slug: str) -> str | Response:
    meeting = load_meeting(slug)
    authorities = _replying_authorities(meeting)
    access.require(bool(authorities))
    wanted = request.args.get("authority")
    authority = next((a for a in authorities if a.slug == wanted), None) if wanted else None
    if authority is None:
        if wanted or len(authorities) != 1:
            if wanted:
                access.require(False)  # not one of the authorities this person replies for
            return render_template(
                "attendance/choose_authority.html", meeting=meeting, authorities=authorities
            )
        authority = authorities[0]
    day = services.meeting_day(meeting)
    deputies = services.substitute_deputies(authority, day)
    current = services.current_reply(meeting, authority)
    form = ReplyForm()
    form.substitute.choices = [("", "Choose a deputy")] + [
        (
            str(d.id),
            d.user.full_name
            + ("" if d.delegated(DelegatedPower.ATTEND, day) else " (not delegated for this date)"),
        )
        for d in deputies
    ]
    if request.method == "GET" and current is not None:
        form.kind.data = current.kind.value
        form.substitute.data = str(current.substitute_appointment_id or "")
        form.substitute_name.data = current.substitute_name
    if form.validate_on_submit():
        substitute: Appointment | None = None
        if form.substitute.data:
            substitute = next((d for d in deputies if str(d.id) == form.substitute.data), None)

        def work() -> Any:
            if form.substitute.data and substitute is None:
                raise DomainError("Choose one of the authority's deputies", field="substitute")
            services.save_reply(
                meeting=meeting,
                authority=authority,
                kind=ReplyKind(form.kind.data),
                substitute=substitute,
                substitute_name=form.substitute_name.data or "",
                actor=current_user,
            )

        outcome = run_action(
            work,
            form=form,
            success=lambda _: f"Reply for {authority.name} sent: {ReplyKind(form.kind.data).label}",
            then=lambda _: url_for("meetings.show_meeting", slug=meeting.slug),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "attendance/reply.html",
        form=form,
        meeting=meeting,
        authority=authority,
        current=current,
        open=meeting.starts_at > now_utc(),
    )


def _reply_rows(meeting: Meeting) -> tuple[list[queries.ReplyRow], dict[str, str]]:
    filters = {key: request.args.get(key, "") for key in ("type", "region", "control")}
    return queries.reply_rows(meeting, **filters), filters


@bp.get("/meetings/<meeting:slug>/replies")
@access.roles(Role.SECRETARIAT)
def list_replies(slug: str) -> str:
    meeting = load_meeting(slug, agenda=False)
    rows, filters = _reply_rows(meeting)
    counts = services.ReplyCounts(expected=len(rows))
    for row in rows:
        if row.reply is not None:
            kind = row.reply.kind
            counts.by_kind[kind] = counts.by_kind.get(kind, 0) + 1
    return render_template(
        "attendance/replies.html",
        meeting=meeting,
        missing=[row for row in rows if row.reply is None],
        answered=[row for row in rows if row.reply is not None],
        counts=counts,
        filters=filters,
        kinds=list(AuthorityKind),
        regions=list(Region),
        controls=list(Control),
        reply_kinds=list(ReplyKind),
    )


@bp.get("/meetings/<meeting:slug>/replies.csv")
@access.roles(Role.SECRETARIAT)
def download_replies(slug: str) -> Response:
    meeting = load_meeting(slug, agenda=False)
    rows, _ = _reply_rows(meeting)
    return csv_response(
        f"replies-{meeting.slug}.csv",
        [
            "GSS code",
            "Authority",
            "Type",
            "Region",
            "Political control",
            "Reply",
            "Substitute",
            "Replied",
            "When",
        ],
        [
            [
                row.authority.gss_code or "",
                row.authority.name,
                row.authority.kind.label,
                row.authority.region.value,
                row.control.label if row.control else "",
                row.reply.kind.label if row.reply else "No reply",
                row.reply.substitute_label if row.reply else "",
                row.reply.replied_by_label if row.reply else "",
                format_datetime(row.reply.replied_at) if row.reply else "",
            ]
            for row in rows
        ],
    )


def _office_choices() -> list[tuple[str, str]]:
    return [
        (value, f"{title} ({group.short_name})")
        for group in queries.offices_by_department()
        for value, title in group.offices
    ]


@bp.route("/meetings/<meeting:slug>/ministers", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def manage_ministers(slug: str) -> str | Response:
    meeting = load_meeting(slug)
    form = InviteMinisterForm()
    office_groups = queries.offices_by_department()
    form.item.choices = [("", "The whole meeting")] + [
        (str(item.id), f"Item {n}: {item.title}") for n, item in enumerate(meeting.items, 1)
    ]
    if form.validate_on_submit():
        for_chair = form.office.data == "chair"
        office = None
        office_id = None if for_chair else as_record_id(form.office.data)
        if office_id is not None:
            office = db.session.get(MinisterialOffice, office_id)
        item = next((i for i in meeting.items if str(i.id) == form.item.data), None)

        def work() -> Any:
            if form.item.data and item is None:
                raise DomainError("Select an item on this meeting's agenda", field="item")
            services.invite_minister(
                meeting=meeting, office=office, for_chair=for_chair, item=item, actor=current_user
            )

        outcome = run_action(
            work,
            form=form,
            success=lambda _: "Invitation recorded",
            then=lambda _: url_for("attendance.manage_ministers", slug=meeting.slug),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "attendance/ministers.html",
        form=form,
        meeting=meeting,
        office_groups=office_groups,
        invitations=services.ministerial_attendances(meeting),
    )


@bp.route("/meetings/<meeting:slug>/ministers/<int:invitation_id>", methods=["GET", "POST"])
@access.policy("the minister holding the invited office, the chair, or the secretariat")
def respond(slug: str, invitation_id: int) -> str | Response:
    meeting = load_meeting(slug)
    invitation = queries.load_invitation(meeting, invitation_id)
    form = RespondForm()
    form.stand_in.choices = [("", "Select the minister standing in"), *_office_choices()]
    if request.method == "GET" and invitation.status is not InvitationStatus.INVITED:
        form.status.data = invitation.status.value
        form.stand_in.data = str(invitation.stand_in_office_id or "")
    if form.validate_on_submit():
        stand_in = None
        stand_in_id = as_record_id(form.stand_in.data)
        if stand_in_id is not None:
            stand_in = db.session.get(MinisterialOffice, stand_in_id)

        def work() -> Any:
            services.respond_to_invitation(
                invitation=invitation,
                status=InvitationStatus(form.status.data),
                stand_in=stand_in,
                actor=current_user,
            )

        outcome = run_action(
            work,
            form=form,
            success=lambda _: f"Reply recorded: {invitation.status.label}",
            then=lambda _: url_for("meetings.show_meeting", slug=meeting.slug),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "attendance/respond.html", form=form, meeting=meeting, invitation=invitation
    )


def _posted_register() -> tuple[dict[int, tuple[RegisterMark, bool]], set[int], set[int]]:
    """The register as posted: each authority's mark (with its late box), the
    authorities ticked late, and those selected. A field naming no record or a
    mark that is not one of the choices is a bad request. Every posted mark
    goes to the service, which refuses an authority that is not a member
    (rather than the view silently dropping it)."""
    late: set[int] = set()
    for key, value in request.form.items():
        if key.startswith("late-") and value == "yes":
            authority_id = as_record_id(key.removeprefix("late-"))
            if authority_id is None:
                abort(400)
            late.add(authority_id)
    marks: dict[int, tuple[RegisterMark, bool]] = {}
    for key, value in request.form.items():
        if not key.startswith("mark-") or not value:
            continue
        authority_id = as_record_id(key.removeprefix("mark-"))
        if authority_id is None or value not in {mark.value for mark in RegisterMark}:
            abort(400)
        marks[authority_id] = (RegisterMark(value), authority_id in late)
    selected: set[int] = set()
    for value in request.form.getlist("selected"):
        authority_id = as_record_id(value)
        if authority_id is None:
            abort(400)
        selected.add(authority_id)
    return marks, late, selected


BULK_ACTIONS = {"present": True, "absent": False}


def _mark_options() -> dict[RegisterMark | None, Markup]:
    """The register's options after its first, for each mark that may be
    selected (and for none): the same five are written for each of hundreds
    of authorities, so they are made once, each value and label escaped."""
    return {
        chosen: Markup(  # noqa: S704 (every value and label escaped)
            "".join(
                f'<option value="{escape(mark.value)}"{" selected" if mark is chosen else ""}>'
                f"{escape(mark.label)}</option>"
                for mark in RegisterMark
            )
        )
        for chosen in (None, *RegisterMark)
    }


MARK_OPTIONS = _mark_options()


@bp.route("/meetings/<meeting:slug>/register", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def take_register(slug: str) -> str | Response:
    """Every member authority with its reply and a mark (opened from the
    replies), filtered by reply, region and type; rows selected with their
    check boxes are marked present or absent at once, and the whole register
    is saved in one request. Works without JavaScript."""
    meeting = load_meeting(slug, agenda=False)
    filters = queries.RegisterFilters.read(request.args)
    form = RegisterForm()
    posted_marks: dict[int, RegisterMark] | None = None
    posted_late: set[int] | None = None
    if form.validate_on_submit():
        marks, late, selected = _posted_register()
        posted_marks, posted_late = {key: mark for key, (mark, _) in marks.items()}, late
        bulk = request.form.get("bulk", "")
        if bulk and bulk not in BULK_ACTIONS:
            abort(400)
        invitations = services.ministerial_attendances(meeting)
        attended = {i.id for i in invitations if request.form.get(f"minister-{i.id}") == "yes"}

        def work() -> tuple[int, int]:
            counts = services.save_register(
                meeting=meeting,
                marks=marks,
                actor=current_user,
                selected=selected,
                selected_present=BULK_ACTIONS.get(bulk),
                late=late,
            )
            services.record_ministers_attended(
                meeting=meeting, attended_ids=attended, actor=current_user
            )
            return counts

        def saved(counts: tuple[int, int]) -> str:
            present, required = counts
            verdict = "quorate" if present >= required else "not quorate"
            marked = f"{len(selected)} marked {bulk}. " if bulk else ""
            return f"Register saved: {marked}{present} present, quorum {required} ({verdict})"

        outcome = run_action(
            work,
            form=form,
            success=saved,
            then=lambda _: url_for(
                "attendance.take_register", slug=meeting.slug, **filters.as_args()
            ),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "attendance/register.html",
        form=form,
        meeting=meeting,
        register=queries.register(meeting, filters),
        filters=filters,
        invitations=services.ministerial_attendances(meeting),
        mark_options=MARK_OPTIONS,
        reply_kinds=list(ReplyKind),
        kinds=list(AuthorityKind),
        regions=list(Region),
        selected={as_record_id(value) for value in form.selected.data or []},
        posted_marks=posted_marks,
        posted_late=posted_late,
        started=meeting.starts_at <= now_utc(),
    )


MAP_FIGURE = "maps/_map_figure.html"


def _kept_attendance_map(meeting: Meeting, register: queries.RecordedRegister) -> Markup:
    """The meeting's map of who came, kept under the change counter (a mark,
    a membership or an authority changed makes a new one), the meeting and
    how the map is drawn: drawing 331 hexes and the map's table was most of
    the page's work, and it is the same for everyone until a record changes."""
    key = cache_key(
        "attendance-map",
        changes.current(),
        meeting.id,
        template_digest(MAP_FIGURE, *MAP_TEMPLATES),
        map_digest(),
    )
    return kept_html(
        key=key,
        subject=f"attendance-map:{meeting.id}",
        render=lambda: render_template(
            MAP_FIGURE, map_data=attendance_map(register.members, register.entries)
        ),
    )


@bp.get("/meetings/<meeting:slug>/attendance")
@access.public
def show_attendance(slug: str) -> str:
    """Who came: public once the meeting is held."""
    meeting, held = queries.load_held_record(slug)
    register = queries.recorded_register(meeting)
    members = register.members
    return render_template(
        "attendance/record.html",
        attendance_map=_kept_attendance_map(meeting, register),
        meeting=meeting,
        by_mark=register.by_mark,
        entries=register.entries,
        not_recorded=register.not_recorded,
        invitations=services.confirmed_ministers(meeting, member=policy.is_commission_person()),
        held=held,
        member_count=len(members),
    )


@bp.get("/meetings/<meeting:slug>/attendance.csv")
@access.public
def download_attendance(slug: str) -> Response:
    """The record as the page shows it: every member authority with its mark,
    in the page's order, then the ministers (a confidential item named only
    for people who may see it)."""
    meeting, _ = queries.load_held_record(slug)
    register = queries.recorded_register(meeting)
    rows: list[list[Any]] = []
    for mark, authorities in register.by_mark.items():
        for authority in authorities:
            late = "Yes" if register.entries[authority.id].late else "No"
            rows.append(
                [authority.name, authority.kind.label, authority.region.value, mark.label, late]
            )
    for authority in register.not_recorded:
        rows.append(
            [authority.name, authority.kind.label, authority.region.value, "Not recorded", ""]
        )
    invitations = services.confirmed_ministers(meeting, member=policy.is_commission_person())
    if invitations:
        rows.append([])
        rows.append(["Minister", "For item", "Attended"])
        for invitation in invitations:
            rows.append(
                [
                    invitation.attending_office,
                    invitation.agenda_item.title if invitation.agenda_item else "",
                    invitation.attendance_label,
                ]
            )
    return csv_response(
        f"attendance-{meeting.slug}.csv",
        ["Authority", "Type", "Region", "Register", "Arrived late"],
        rows,
    )
