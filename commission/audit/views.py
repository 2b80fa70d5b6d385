"""The audit log, for the secretariat."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from threading import Lock
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers.response import Response

from commission import access
from commission.audit import queries
from commission.audit.forms import AuditFilterForm
from commission.audit.models import AuditEvent
from commission.audit.queries import (
    RECORD_TYPES,
    AuditFilter,
    describe,
    filtered_events,
    record_name,
    records_of,
    with_records,
)
from commission.auth.roles import Role
from commission.exports.tables import csv_stream_response
from commission.extensions import db
from commission.pagination import COUNT_BOUND, Cursor, bounded_count, keyset_page
from commission.timeutil import format_datetime, today

bp = Blueprint("audit", __name__)


def recorded_actions() -> list[str]:
    """Every action the log holds, for the filter, read as a loose index scan:
    each step asks the (action, occurred_at, id) index for the next action
    after the last one found, so the cost follows the few dozen kinds of
    action, not the hundreds of thousands of events (a DISTINCT would read
    every event)."""
    found = select(db.func.min(AuditEvent.action).label("action")).cte(
        "recorded_actions", recursive=True
    )
    following = select(
        select(db.func.min(AuditEvent.action))
        .where(AuditEvent.action > found.c.action)
        .scalar_subquery()
    ).where(found.c.action.is_not(None))
    found = found.union_all(following)
    statement = select(found.c.action).where(found.c.action.is_not(None)).order_by(found.c.action)
    return list(db.session.execute(statement).scalars())


def _cursor_of(event: AuditEvent) -> Cursor:
    return Cursor(at=event.occurred_at, id=event.id)


def _filter_form() -> AuditFilterForm:
    form = AuditFilterForm(request.args, actions=recorded_actions())
    # Checked when anything is asked for, in any of an argument's values (a
    # date's three boxes share one name).
    if any(value.strip() for values in request.args.listvalues() for value in values):
        form.validate()
    return form


FilterKey = tuple[tuple[tuple[str, tuple[str, ...]], ...], tuple[str, ...]]
FILTER_FIELDS_KEPT = 256
_filter_fields_kept: OrderedDict[FilterKey, Markup] = OrderedDict()
_filter_fields_lock = Lock()


def filter_fields(form: AuditFilterForm) -> Markup:
    """The filter's fields as HTML. Their GOV.UK macros (two date inputs of
    three boxes each, two selects, two inputs) were two fifths of the audit
    log's time, yet what they show follows from the filter in the address
    and the actions the log holds alone (a GET search: no token), so each
    server keeps the HTML of the last ``FILTER_FIELDS_KEPT`` filters asked for.
    Fields showing an error are made every time: whether the form is checked
    depends on more of the address than the filter."""
    if form.errors:
        return Markup(render_template("audit/_filter_fields.html", form=form))  # noqa: S704 (rendered by the server)
    key: FilterKey = (
        tuple((name, tuple(request.args.getlist(name))) for name in FILTER_FIELDS),
        tuple(str(value) for value, *_ in form.action.choices),
    )
    with _filter_fields_lock:
        html = _filter_fields_kept.get(key)
        if html is not None:
            _filter_fields_kept.move_to_end(key)
            return html
    html = Markup(render_template("audit/_filter_fields.html", form=form))  # noqa: S704 (rendered by the server)
    with _filter_fields_lock:
        _filter_fields_kept[key] = html
        while len(_filter_fields_kept) > FILTER_FIELDS_KEPT:
            _filter_fields_kept.popitem(last=False)
    return html


# The filter's fields as they appear in the address, kept on every link.
FILTER_FIELDS = ("action", "who", "record_type", "record_id", "from_day", "to_day")


def _filter_args() -> dict[str, list[str]]:
    return {
        name: [value[:100] for value in request.args.getlist(name)]
        for name in FILTER_FIELDS
        if any(value.strip() for value in request.args.getlist(name))
    }


def _page_of(events: Any) -> Any:
    return keyset_page(
        events,
        at=AuditEvent.occurred_at,
        id=AuditEvent.id,
        before=Cursor.parse(request.args.get("before")),
        after=Cursor.parse(request.args.get("after")),
        per_page=current_app.config["PAGE_SIZE"],
        cursor_of=_cursor_of,
        options=[joinedload(AuditEvent.actor)],
    )


@bp.get("/audit")
@access.roles(Role.SECRETARIAT)
def list_events() -> str:
    """Newest first, a page at a time by position (``?before=`` / ``?after=``
    an event's cursor), never by counting every event: the log only grows.
    A link whose cursor is not one shows the newest events. Filtered by what
    happened, who did it, the record it was about or changed, and the days."""
    form = _filter_form()
    events = filtered_events(form.wanted())
    page = _page_of(events)
    return render_template(
        "audit/list.html",
        form=form,
        filter_fields=filter_fields(form),
        page=page,
        records=records_of(page.items),
        audit_queries=queries,
        total=bounded_count(events, bound=COUNT_BOUND),
        bound=COUNT_BOUND,
        filters=_filter_args(),
    )


def action_label(action: str) -> str:
    """``sign_in_failed`` as the filter on the page shows it: "Sign in failed"."""
    return action.replace("_", " ").capitalize()


def _csv_rows(wanted: AuditFilter) -> Iterator[list[Any]]:
    statement = (
        filtered_events(wanted)
        .options(joinedload(AuditEvent.actor), with_records())
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )
    # A thousand events at a time, each batch's records read in one statement.
    offset_id: tuple[Any, int] | None = None
    while True:
        batch_statement = statement
        if offset_id is not None:
            at, event_id = offset_id
            batch_statement = batch_statement.where(
                (AuditEvent.occurred_at < at)
                | ((AuditEvent.occurred_at == at) & (AuditEvent.id < event_id))
            )
        batch = list(db.session.execute(batch_statement.limit(1000)).unique().scalars())
        for event in batch:
            yield [
                format_datetime(event.occurred_at),
                event.actor.full_name if event.actor is not None else "Not signed in",
                action_label(event.action),
                event.summary,
                event.subject_type or "",
                event.subject_id,
                "\n".join(describe(record) for record in event.records),
                event.ip_address or "",
            ]
        if len(batch) < 1000:
            return
        offset_id = (batch[-1].occurred_at, batch[-1].id)


@bp.get("/audit.csv")
@access.roles(Role.SECRETARIAT)
def download_events() -> Response:
    """The audit log as filtered, every event, newest first, times in London,
    with what each change did to each record. Events are read a thousand at a
    time (with their records) and sent as they are written, never the whole
    log in memory at once."""
    return csv_stream_response(
        f"audit-log-{today().isoformat()}.csv",
        [
            "When",
            "Who",
            "Action",
            "What happened",
            "Subject",
            "Subject ID",
            "What changed",
            "Network address",
        ],
        _csv_rows(_filter_form().wanted()),
    )


@bp.get("/audit/history/<record_type>/<int:record_id>")
@access.roles(Role.SECRETARIAT)
def record_history(record_type: str, record_id: int) -> str:
    """Everything the log holds about one record: the events about it and
    those that changed it, newest first, with the fields each changed."""
    if record_type not in RECORD_TYPES:
        abort(404)
    events = filtered_events(AuditFilter(record_type=record_type, record_id=record_id))
    page = _page_of(events)
    name, where = record_name(record_type, record_id)
    return render_template(
        "audit/history.html",
        kind=RECORD_TYPES[record_type],
        record_type=record_type,
        record_id=record_id,
        name=name,
        back=url_for(where[0], **where[1]) if where else None,
        page=page,
        records=records_of(page.items),
        audit_queries=queries,
    )
