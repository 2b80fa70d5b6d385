"""Minutes, decisions and the action log."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, literal, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers.response import Response

from commission import access, policy
from commission.actions import run_action
from commission.auth.roles import Role
from commission.errors import DomainError
from commission.exports.pdf import kept_pdf_response
from commission.exports.tables import csv_response
from commission.extensions import db
from commission.forms import ConfirmForm, GovDateField
from commission.meetings.models import Meeting
from commission.meetings.queries import ITEMS, load_meeting
from commission.membership.models import Authority, Department
from commission.minutes import queries, services
from commission.minutes.models import Action, ActionStatus, OwnerKind
from commission.minutes.queries import minutes_record
from commission.pagination import paginate_bounded
from commission.timeutil import london_date, now_utc, today

bp = Blueprint("minutes", __name__)

SLUG = "/meetings/<meeting:slug>"


@bp.get(f"{SLUG}/minutes")
@access.public
def show_minutes(slug: str) -> str:
    meeting = load_meeting(slug, agenda=ITEMS)
    minutes = queries.load_minutes_page(meeting)
    return render_template(
        "minutes/show.html",
        meeting=meeting,
        minutes=minutes,
        record=minutes_record(meeting),
        secretariat=access.has_role(Role.SECRETARIAT),
        chair=access.has_role(Role.CHAIR),
        member=bool(access.current_roles()),
    )


@bp.get(f"{SLUG}/minutes.pdf")
@access.public
def minutes_pdf(slug: str) -> Response:
    """The minutes as a PDF. Once approved they are kept (under the change
    counter and their content), so a correction or a change to the record
    makes a new file, and asking again reads nothing they show."""
    meeting = load_meeting(slug, agenda=ITEMS)
    minutes = queries.load_minutes(meeting)
    member = bool(access.current_roles())

    def context() -> dict[str, Any]:
        return {
            "meeting": meeting,
            "minutes": queries.minutes_in_full(meeting),
            "record": minutes_record(meeting),
            "member": member,
            "generated": now_utc(),
        }

    audience = "member" if member else "public"
    return kept_pdf_response(
        "minutes/minutes_pdf.html",
        f"minutes-{meeting.slug}.pdf",
        subject=f"minutes:{meeting.id}:{audience}" if minutes.published else None,
        context=context,
    )


@bp.route(f"{SLUG}/minutes/edit", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def edit_minutes(slug: str) -> str | Response:
    meeting = load_meeting(slug)
    minutes = services.minutes_for(meeting)
    form = ConfirmForm()
    values = {"introduction": (minutes.introduction or "") if minutes else ""}
    for item in meeting.items:
        values[f"item-{item.id}"] = (minutes.discussion_for(item.id) or "") if minutes else ""
    if form.validate_on_submit():
        values = {key: request.form.get(key) or "" for key in values}

        def work() -> Any:
            if any(len(v) > 20000 for v in values.values()):
                raise DomainError("Each part must be 20,000 characters or fewer")
            services.save_draft(
                meeting=meeting,
                introduction=values["introduction"],
                discussions={item.id: values[f"item-{item.id}"] for item in meeting.items},
                actor=current_user,
            )

        outcome = run_action(
            work,
            form=form,
            success=lambda _: "Draft minutes saved",
            then=lambda _: url_for("minutes.show_minutes", slug=meeting.slug),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "minutes/edit.html", form=form, meeting=meeting, values=values, minutes=minutes
    )


@bp.route(f"{SLUG}/minutes/approve", methods=["GET", "POST"])
@access.roles(Role.CHAIR)
def approve_minutes(slug: str) -> str | Response:
    meeting = load_meeting(slug)
    form = ConfirmForm()
    if form.validate_on_submit():

        def work() -> Any:
            services.approve(meeting=meeting, actor=current_user)

        outcome = run_action(
            work,
            form=form,
            success=lambda _: "Minutes approved and published",
            then=lambda _: url_for("minutes.show_minutes", slug=meeting.slug),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "meetings/confirm.html",
        form=form,
        meeting=meeting,
        title="Approve the minutes",
        explanation="The minutes will be published on the meeting page. After this they change "
        "only by corrections, which are shown as corrections.",
        button="Approve and publish",
    )


@bp.route(f"{SLUG}/minutes/correct", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def correct_minutes(slug: str) -> str | Response:
    meeting = load_meeting(slug)
    form = ConfirmForm()
    text = ""
    if form.validate_on_submit():
        text = request.form.get("text") or ""

        def work() -> Any:
            if len(text) > 5000:
                raise DomainError("The correction must be 5,000 characters or fewer", field="text")
            services.correct(meeting=meeting, text=text, actor=current_user)

        outcome = run_action(
            work,
            form=form,
            success=lambda _: "Correction recorded",
            then=lambda _: url_for("minutes.show_minutes", slug=meeting.slug),
        )
        if outcome is not None:
            return outcome
    return render_template("minutes/correct.html", form=form, meeting=meeting, text=text)


def _item_choices(meeting: Meeting) -> list[tuple[str, str]]:
    return [("", "Not linked to an item")] + [
        (str(item.id), f"Item {n}: {item.title}") for n, item in enumerate(meeting.items, 1)
    ]


def _chosen_item(meeting: Meeting) -> Any:
    value = request.form.get("item") or ""
    return next((i for i in meeting.items if str(i.id) == value), None)


@bp.route(f"{SLUG}/decisions/new", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def add_decision(slug: str) -> str | Response:
    meeting = load_meeting(slug)
    form = ConfirmForm()
    values = {"text": "", "item": ""}
    if form.validate_on_submit():
        values = {"text": request.form.get("text") or "", "item": request.form.get("item") or ""}

        def work() -> Any:
            if len(values["text"]) > 5000:
                raise DomainError("The decision must be 5,000 characters or fewer", field="text")
            return services.add_decision(
                meeting=meeting, text=values["text"], item=_chosen_item(meeting), actor=current_user
            )

        outcome = run_action(
            work,
            form=form,
            success=lambda decision: f"Decision {decision.reference} recorded",
            then=lambda decision: url_for("minutes.show_minutes", slug=meeting.slug),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "minutes/decision_form.html",
        form=form,
        meeting=meeting,
        values=values,
        items=_item_choices(meeting),
    )


class ActionForm(ConfirmForm):
    due_on = GovDateField(
        "Due by",
        description="For example, 31 3 2027",
        required=True,
        required_message="Enter the date the action is due",
    )


@bp.route(f"{SLUG}/actions/new", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def add_action(slug: str) -> str | Response:
    meeting = load_meeting(slug)
    form = ActionForm()
    keys = ("text", "item", "owner_kind", "authority", "department")
    values = dict.fromkeys(keys, "")
    values["owner_kind"] = OwnerKind.SECRETARIAT.value
    authorities = list(db.session.execute(select(Authority).order_by(Authority.name)).scalars())
    departments = list(db.session.execute(select(Department).order_by(Department.name)).scalars())
    if form.validate_on_submit():
        values = {key: request.form.get(key) or "" for key in keys}

        def work() -> Any:
            if len(values["text"]) > 5000:
                raise DomainError("The action must be 5,000 characters or fewer", field="text")
            try:
                owner_kind = OwnerKind(values["owner_kind"])
            except ValueError:
                raise DomainError("Select who owns the action", field="owner_kind") from None
            assert form.due_on.data is not None
            return services.add_action(
                meeting=meeting,
                text=values["text"],
                item=_chosen_item(meeting),
                owner_kind=owner_kind,
                authority=next((a for a in authorities if str(a.id) == values["authority"]), None),
                department=next(
                    (d for d in departments if str(d.id) == values["department"]), None
                ),
                due_on=form.due_on.data,
                actor=current_user,
            )

        outcome = run_action(
            work,
            form=form,
            success=lambda action: f"Action {action.reference} recorded",
            then=lambda action: url_for("minutes.show_minutes", slug=meeting.slug),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "minutes/action_form.html",
        form=form,
        meeting=meeting,
        values=values,
        items=_item_choices(meeting),
        authorities=authorities,
        departments=departments,
        owner_kinds=list(OwnerKind),
    )


def _actions_statement(filters: dict[str, str]) -> Any:
    statement = (
        select(Action)
        .join(Meeting, Meeting.id == Action.meeting_id)
        .options(
            selectinload(Action.meeting),
            selectinload(Action.owner_authority),
            selectinload(Action.owner_department),
        )
        .order_by(Action.due_on, Action.id)
    )
    if not policy.is_commission_person():
        statement = statement.where(queries.not_confidential(Action.agenda_item_id))
    if filters["status"] in {s.value for s in ActionStatus}:
        statement = statement.where(Action.status == ActionStatus(filters["status"]))
    elif filters["status"] == "overdue":
        statement = statement.where(queries.overdue(today()))
    if filters["meeting"]:
        statement = statement.where(Meeting.slug == filters["meeting"])
    if filters["owner"]:
        owner = filters["owner"].lower()
        statement = statement.where(
            or_(
                Action.owner_authority_id.in_(
                    select(Authority.id).where(
                        func.lower(Authority.name).contains(owner, autoescape=True)
                    )
                ),
                Action.owner_department_id.in_(
                    select(Department.id).where(
                        func.lower(Department.name).contains(owner, autoescape=True)
                    )
                ),
                (Action.owner_kind == OwnerKind.SECRETARIAT)
                & literal("commission secretariat").contains(owner, autoescape=True),
            )
        )
    return statement


def _action_filters() -> dict[str, str]:
    return {
        key: (request.args.get(key) or "").strip()[:200] for key in ("status", "meeting", "owner")
    }


@bp.get("/actions")
@access.signed_in
def list_actions() -> str:
    filters = _action_filters()
    page = paginate_bounded(_actions_statement(filters), per_page=current_app.config["PAGE_SIZE"])
    meetings = list(
        db.session.execute(
            select(Meeting)
            .where(Meeting.id.in_(select(Action.meeting_id)))
            .order_by(Meeting.starts_at.desc())
        ).scalars()
    )
    return render_template(
        "minutes/actions.html",
        page=page,
        filters=filters,
        on=today(),
        statuses=list(ActionStatus),
        meetings=meetings,
    )


@bp.get("/actions.csv")
@access.signed_in
def download_actions() -> Response:
    actions = db.session.execute(_actions_statement(_action_filters())).scalars()
    on = today()
    return csv_response(
        f"actions-{on.isoformat()}.csv",
        ["Reference", "Action", "Owner", "Due", "Status", "Overdue", "Meeting"],
        [
            [
                a.reference,
                a.text,
                a.owner_name,
                a.due_on,
                a.status.label,
                "Yes" if a.overdue(on) else "No",
                a.meeting.slug,
            ]
            for a in actions
        ],
    )


@bp.route("/actions/<int:action_id>", methods=["GET", "POST"])
@access.policy("any signed-in person reads; the action's owner or the secretariat updates")
def show_action(action_id: int) -> str | Response:
    action = queries.load_action(action_id)
    can_update = services.can_update(action, current_user)
    form = ConfirmForm()
    if request.method == "POST":
        access.require(can_update)
        if form.validate_on_submit():
            try:
                status = ActionStatus(request.form.get("status") or "")
            except ValueError:
                status = None

            def work() -> Any:
                if status is None:
                    raise DomainError("Select the status", field="status")
                note = request.form.get("note") or ""
                if len(note) > 2000:
                    raise DomainError("The note must be 2,000 characters or fewer", field="note")
                services.update_action(action=action, status=status, note=note, actor=current_user)

            outcome = run_action(
                work,
                form=form,
                success=lambda _: f"{action.reference} updated",
                then=lambda _: url_for("minutes.show_action", action_id=action.id),
            )
            if outcome is not None:
                return outcome
    return render_template(
        "minutes/action.html",
        action=action,
        form=form,
        can_update=can_update,
        statuses=list(ActionStatus),
        on=today(),
    )


def _decisions_statement(query: str) -> Any:
    return queries.decisions_statement(query, member=policy.is_commission_person())


def _decisions_query() -> str:
    return (request.args.get("q") or "").strip()[:200]


@bp.get("/decisions")
@access.public
def search_decisions() -> str:
    query = _decisions_query()
    page = paginate_bounded(_decisions_statement(query), per_page=current_app.config["PAGE_SIZE"])
    return render_template("minutes/decisions.html", page=page, query=query)


@bp.get("/decisions.csv")
@access.public
def download_decisions() -> Response:
    """The decisions the search found, every page. A confidential item's
    title is left out, as on the page, even where its decision is shown."""
    decisions = db.session.execute(_decisions_statement(_decisions_query())).scalars()
    return csv_response(
        f"decisions-{today().isoformat()}.csv",
        ["Reference", "Meeting date", "Item", "Decision"],
        [
            [
                d.reference,
                london_date(d.meeting.starts_at),
                d.agenda_item.title
                if d.agenda_item is not None and not d.agenda_item.confidential
                else "",
                d.text,
            ]
            for d in decisions
        ],
    )
