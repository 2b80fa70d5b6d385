"""Summaries of where councils stand, their downloads, snapshots and the
government's reply."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers.response import Response as HTTPResponse
from wtforms.fields.choices import SelectChoice

from commission import access, actions, changes
from commission.actions import run_action, run_button_action
from commission.auth.roles import Role
from commission.consultations import policy as consultation_policy
from commission.consultations.models import (
    Consultation,
    Position,
    QuestionKind,
)
from commission.consultations.queries import Parts, load_answer, load_consultation, load_whole
from commission.db_types import as_record_id
from commission.errors import DomainError
from commission.exports.cache import cache_key, cached_body, cached_download, keep, kept_html
from commission.exports.pdf import PDF_MIMETYPE, pdf_bytes, pdf_response, template_digest
from commission.exports.tables import (
    CSV_MIMETYPE,
    XLSX_MIMETYPE,
    Spreadsheet,
    csv_bytes,
    csv_response,
    csv_stream_response,
)
from commission.extensions import db
from commission.forms import ConfirmForm, attach_error
from commission.links import safe_next
from commission.maps.drawing import HexMap
from commission.maps.queries import (
    MAP_TEMPLATES,
    REGIONS,
    MapChoice,
    briefing_maps,
    consultation_records,
    map_digest,
    position_questions,
    question_choices,
    summary_map,
)
from commission.meetings.models import Meeting, MeetingStatus
from commission.membership.models import AuthorityKind, Control, Region
from commission.summaries import policy as summary_policy
from commission.summaries import services
from commission.summaries.charts import chart_digest
from commission.summaries.forms import ADD, ALL_SHOWN, SELECTED, BulkThemesForm
from commission.summaries.kinds import FIGURE_HEADER, figure_rows, question_figure_rows
from commission.summaries.models import (
    MapRecord,
    Summary,
    SummarySnapshot,
    ThemeCount,
)
from commission.summaries.queries import (
    COMMENT_FILTERS,
    NOT_RESPONDED_HEADER,
    all_tags,
    comment_ids,
    comments_page,
    compute_question,
    compute_summary,
    load_snapshot,
    question_from_summary,
    question_lines,
    reference_day,
    tags_by_answer,
)
from commission.summaries.rows import (
    COMMENT_COLUMN,
    RAW_HEADER,
    iter_raw_rows,
    raw_row_source,
    rows_digest,
    thawed_rows,
)
from commission.timeutil import now_utc

bp = Blueprint("summaries", __name__)


@bp.context_processor
def _rules() -> dict[str, Any]:
    """The summary rules the pages ask, the same functions the services do."""
    return {"can_publish_summary": consultation_policy.can_publish_summary}


@bp.app_template_filter("by_question")
def _by_question(items: Iterable[Mapping[str, Any]]) -> dict[Any, list[Mapping[str, Any]]]:
    """A summary's themes or quotations by the number of their question, in
    their order: one pass, where picking each question's out of the whole
    list took a third of the briefing's rendering."""
    grouped: dict[Any, list[Mapping[str, Any]]] = {}
    for item in items:
        grouped.setdefault(item.get("question"), []).append(item)
    return grouped


REF = "/consultations/<consultation:reference>"


FIGURES = "summaries/_figures.html"
CHARTS = "summaries/_charts.html"
KINDS = "summaries/_kinds.html"


def _audience(consultation: Consultation) -> SummarySnapshot | None:
    """None for those who may see the live figures (the summary page's
    audience); otherwise the published snapshot; otherwise 404."""
    if summary_policy.can_see_live(consultation, current_user):
        return None
    snapshot = services.published_snapshot(consultation)
    if snapshot is None:
        abort(404)
    return snapshot


def _map_choice(consultation: Consultation) -> tuple[MapChoice, bool]:
    """The summary's map as the page's address asks for it, and whether its
    hexes link to the responses (the secretariat's: it may read them all)."""
    return (
        MapChoice.from_args(request.args, question_choices(consultation)),
        access.has_role(Role.SECRETARIAT),
    )


def _summary_map(
    consultation: Consultation,
    snapshot: SummarySnapshot | None,
    data: Summary | None,
    choice: MapChoice,
    responses: bool,
) -> HexMap | None:
    """The figures' map: live in one statement, or from the snapshot (none
    for a snapshot frozen before maps were drawn)."""
    records: list[MapRecord] | None
    if snapshot is None:
        day = date.fromisoformat(data["reference_day"]) if data else reference_day(consultation)
        shown = [choice.question] if choice.view == "positions" else []
        records = consultation_records(consultation, day, questions=shown)
    else:
        records = snapshot.data.get("map")
    if records is None:
        return None

    def link(record: MapRecord) -> str:
        if responses and record["status"] != "not_started":
            return url_for(
                "consultations.response_history",
                reference=consultation.reference,
                slug=record["slug"],
            )
        return url_for("authorities.show_authority", slug=record["slug"])

    return summary_map(records, question_choices(consultation), choice, link=link)


def _figures(
    consultation: Consultation, snapshot: SummarySnapshot | None, *, frozen_page: bool
) -> tuple[str | None, Markup]:
    """When the figures were computed, and the summary page's figures (from
    the coverage to the themes) as HTML: the same for everyone who may see
    them, so they are kept in the download cache. Live figures are kept
    under the Commission's change counter (and the day they are taken on):
    any change to the records computes them again, so they are never out of
    date. A snapshot's are kept under the snapshot. Either way a change to
    the templates makes them again."""
    choice, responses = _map_choice(consultation)
    digest = template_digest(FIGURES, CHARTS, KINDS, *MAP_TEMPLATES) + chart_digest() + map_digest()
    shown = f"{choice.view}:{choice.question}:{choice.region}:{responses}"
    if snapshot is None:
        key = cache_key(
            "summary-figures",
            consultation.id,
            changes.current(),
            reference_day(consultation).isoformat(),
            digest,
            shown,
        )
        subject = f"summary-figures:{consultation.id}:live:{shown}"
    else:
        key = cache_key(
            "summary-figures", consultation.reference, snapshot.id, frozen_page, digest, shown
        )
        subject = f"summary-figures:{consultation.id}:{snapshot.id}:{frozen_page}:{shown}"
    kept = cached_body(key)
    if kept is not None:
        stored = json.loads(kept)
        return stored["computed_at"], Markup(stored["html"])  # noqa: S704 (our own render)
    data = (
        compute_summary(consultation, splits=False, quotations=False)
        if snapshot is None
        else snapshot.data
    )
    html = render_template(
        FIGURES,
        consultation=consultation,
        data=data,
        questions=question_lines(data),
        snapshot=snapshot,
        live=snapshot is None,
        frozen_page=frozen_page,
        hex_map_data=_summary_map(consultation, snapshot, data, choice, responses),
        map_choice=choice,
        map_questions=position_questions(consultation),
        map_regions=REGIONS,
    )
    computed_at = data.get("computed_at")
    keep(
        key=key,
        subject=subject,
        content_type="application/json",
        filename="figures.json",
        body=json.dumps({"computed_at": computed_at, "html": html}).encode(),
    )
    actions.keep_work()
    return computed_at, Markup(html)  # noqa: S704 (rendered just now, escaped by Jinja)


def _summary_page(
    consultation: Consultation, snapshot: SummarySnapshot | None, *, frozen_page: bool
) -> str:
    live = snapshot is None
    computed_at, figures = _figures(consultation, snapshot, frozen_page=frozen_page)
    return render_template(
        "summaries/summary.html",
        consultation=consultation,
        computed_at=computed_at,
        figures=figures,
        snapshot=snapshot,
        live=live,
        frozen_page=frozen_page,
        secretariat=access.has_role(Role.SECRETARIAT),
        snapshots=services.meeting_snapshots(consultation) if live else [],
        published=services.published_snapshot(consultation) if not frozen_page else None,
    )


@bp.get(f"{REF}/summary")
@access.public
def show_summary(reference: str) -> str:
    consultation = load_consultation(reference)
    return _summary_page(consultation, _audience(consultation), frozen_page=False)


@bp.get(f"{REF}/summary/questions/<int:number>")
@access.public
def show_question(reference: str, number: int) -> str:
    """One question's figures in full (overall and by control, type and
    region): live for the summary's audience, computed for that question
    alone; otherwise from the published snapshot; otherwise 404."""
    consultation = load_consultation(reference)
    snapshot = None
    if not summary_policy.can_see_live(consultation, current_user):
        snapshot = services.published_snapshot(consultation)
        if snapshot is None:
            abort(404)
    return _question_page(consultation, number, snapshot, frozen_page=False)


@bp.get(f"{REF}/summary/snapshots/<int:snapshot_id>")
@access.public
def show_snapshot(reference: str, snapshot_id: int) -> str:
    consultation = load_consultation(reference)
    snapshot = load_snapshot(consultation, snapshot_id)
    return _summary_page(consultation, snapshot, frozen_page=True)


@bp.get(f"{REF}/summary/snapshots/<int:snapshot_id>/questions/<int:number>")
@access.public
def show_snapshot_question(reference: str, snapshot_id: int, number: int) -> str:
    """One question of a frozen summary, for the snapshot's audience."""
    consultation = load_consultation(reference)
    snapshot = load_snapshot(consultation, snapshot_id)
    return _question_page(consultation, number, snapshot, frozen_page=True)


QUESTION_BODY = "summaries/_question_body.html"
MAP_FIGURE = "maps/_map_figure.html"


def _question_page(
    consultation: Consultation,
    number: int,
    snapshot: SummarySnapshot | None,
    *,
    frozen_page: bool,
) -> str:
    """A question's page: live when there is no snapshot; not found when the
    consultation (or the snapshot) has no such question.

    Everything below the header is the same for everyone who may see it, so
    it is kept as the summary's figures are: live figures under the change
    counter and the day they are taken on, a snapshot's under the snapshot,
    and either under the templates. Only a change computes and draws them
    again (the figures by control, type and region, and the map of 331
    hexes, were nearly all of the page's time)."""
    snapshot_figures = None if snapshot is None else question_from_summary(snapshot.data, number)
    if not (
        1 <= number <= len(consultation.questions)
        if snapshot is None
        else snapshot_figures is not None
    ):
        abort(404)
    chosen, responses = _map_choice(consultation)
    choice = MapChoice("positions", number, chosen.region)
    made_from = (
        ("live", consultation.id, changes.current(), reference_day(consultation).isoformat())
        if snapshot is None
        # A snapshot's figures never change, but the header shows the
        # consultation as it is now.
        else (
            "snapshot",
            snapshot.id,
            frozen_page,
            consultation.reference,
            consultation.title,
            consultation.department.name,
        )
    )
    shown = f"{number}:{choice.region}:{responses}"

    def render() -> str:
        figures = compute_question(consultation, number) if snapshot is None else snapshot_figures
        assert figures is not None  # the number was checked above
        position = figures["question"]["kind"] == QuestionKind.POSITION.value
        return render_template(
            QUESTION_BODY,
            consultation=consultation,
            figures=figures,
            snapshot=snapshot,
            live=snapshot is None,
            frozen_page=frozen_page,
            map_data=_summary_map(consultation, snapshot, None, choice, responses)
            if position
            else None,
        )

    body = kept_html(
        key=cache_key(
            "question-page",
            *made_from,
            shown,
            template_digest(QUESTION_BODY, CHARTS, KINDS, MAP_FIGURE, *MAP_TEMPLATES)
            + chart_digest()
            + map_digest(),
        ),
        subject=f"question-page:{consultation.id}:{':'.join(map(str, made_from[:3]))}:{shown}"
        if snapshot is not None
        else f"question-page:{consultation.id}:live:{shown}",
        render=render,
    )
    return render_template(
        "summaries/question.html",
        consultation=consultation,
        number=number,
        snapshot=snapshot,
        frozen_page=frozen_page,
        body=body,
    )


def _summary_spreadsheet(data: Summary, rows: Iterable[list[Any]]) -> bytes:
    """The headline, a sheet per question, then every answer and the answers
    with a comment, both written in one pass over the rows."""
    spreadsheet = Spreadsheet()
    headline = spreadsheet.sheet("Headline", ["Figure", "Value", "", "", ""], [28, 12])
    for row in (
        [["Member authorities", data["members"]]]
        + [[label, data["totals"][key]] for key, label in STATUS_ROWS]
        + [[""], ["Overall position", "Authorities", "Share", "Population", "Population share"]]
        + [
            [r["label"], r["count"], r["percent"], r["population"], r["weighted"]]
            for r in data["overall"]["rows"]
        ]
    ):
        spreadsheet.append(headline, row)
    for question in data["questions"]:
        sheet = spreadsheet.sheet(f"Q{question['number']}", POSITION_HEADER, [24])
        spreadsheet.append(sheet, [question["text"]])
        for r in question["rows"]:
            spreadsheet.append(
                sheet, [r["label"], r["count"], r["percent"], r["population"], r["weighted"]]
            )
        if "figures" in question:
            spreadsheet.append(sheet, [""])
            spreadsheet.append(sheet, ["Split", "Group", "Answer", "Measure", "Value"])
            for row in question_figure_rows(question):
                spreadsheet.append(sheet, row)
    _themes_sheet(spreadsheet, data)
    widths = [RAW_WIDTHS.get(heading, len(heading)) for heading in RAW_HEADER]
    raw = spreadsheet.sheet("Raw responses", RAW_HEADER, widths)
    comments = spreadsheet.sheet("Comments", RAW_HEADER, widths)
    for row in rows:
        spreadsheet.append(raw, row)
        if row[COMMENT_COLUMN]:
            spreadsheet.append(comments, row)
    return spreadsheet.to_bytes()


def _themes_sheet(spreadsheet: Spreadsheet, data: Summary) -> None:
    """Comments tagged with each theme by position: every question together,
    then each question (a summary frozen before themes were counted per
    question has the first part only)."""
    positions = data["positions"]
    sheet = spreadsheet.sheet(
        "Themes",
        ["Question", "Theme", *[p["label"] for p in positions], "Free-text answers", "All"],
        [16, 28],
    )

    def counts(theme: ThemeCount) -> list[Any]:
        return [
            *[theme["counts"].get(p["value"], 0) for p in positions],
            theme["counts"].get("none", 0),
            theme["total"],
        ]

    for theme in data["themes"]:
        spreadsheet.append(sheet, ["All questions", theme["tag"], *counts(theme)])
    for question_theme in data.get("question_themes", []):
        spreadsheet.append(
            sheet,
            [f"Q{question_theme['question']}", question_theme["tag"], *counts(question_theme)],
        )


STATUS_ROWS = (("submitted", "Submitted"), ("draft", "Draft only"), ("not_started", "Not started"))
POSITION_HEADER = ["Position", "Authorities", "Share", "Population", "Population share"]
# Bounded guesses at how wide the raw columns need to be, so the sheet's
# widths are set before its rows are written.
RAW_WIDTHS = {
    "Reference": 13,
    "GSS code": 10,
    "Authority": 32,
    "Type": 22,
    "Region": 24,
    "Political control at response": 18,
    "Submitted": 20,
    "Question": 50,
    "Position": 22,
    "Comment": 60,
    "Themes": 30,
    "Answer": 40,
}


def _live_download(consultation: Consultation, file_format: str) -> HTTPResponse:
    """Live figures: the CSV streams as the answers are read; the briefing
    and the spreadsheet are kept in the download cache under their content.
    The spreadsheet's key is the figures and a digest of every answer row,
    so an unchanged consultation's spreadsheet is written once, and any
    change to an answer, a figure or an authority's details gives a new one.
    The rows are read once, for the digest and, if no spreadsheet is kept
    for them, to write one: a few megabytes for 331 councils by 25
    questions, where reading them again took a tenth of the making."""
    consultation = load_whole(consultation)
    name = f"{consultation.reference}-summary"
    source = raw_row_source(consultation)
    if file_format == "csv":
        return csv_stream_response(f"{name}.csv", RAW_HEADER, iter_raw_rows(source))
    if file_format == "pdf":
        return pdf_response(
            BRIEFING,
            f"{name}.pdf",
            cache_subject=f"briefing:{consultation.id}",
            consultation=consultation,
            data=compute_summary(consultation, splits=False),
            snapshot=None,
            generated=now_utc(),
            maps=briefing_maps(
                consultation_records(
                    consultation,
                    reference_day(consultation),
                    questions=[MapChoice.from_args({}, question_choices(consultation)).question],
                ),
                question_choices(consultation),
            ),
        )
    data = compute_summary(consultation, splits=False, quotations=False)
    figures = {key: value for key, value in data.items() if key != "computed_at"}
    rows = list(iter_raw_rows(source))
    return cached_download(
        key=cache_key("summary", "xlsx", consultation.id, figures, rows_digest(rows)),
        subject=f"summary-live:{consultation.id}:xlsx",
        filename=f"{name}.xlsx",
        content_type=XLSX_MIMETYPE,
        make=lambda: _summary_spreadsheet(data, rows),
    )


BRIEFING = "summaries/briefing_pdf.html"


def _briefing_cover(consultation: Consultation) -> list[Any]:
    """What the briefing shows of the consultation itself (its cover and
    footer)."""
    return [
        consultation.reference,
        consultation.title,
        consultation.department.name,
        consultation.stage.value,
        consultation.closes_at,
        consultation.is_demo,
    ]


def _snapshot_download(
    consultation: Consultation, snapshot: SummarySnapshot, file_format: str, *, name: str
) -> HTTPResponse:
    """A snapshot never changes, so each of its files is made once and then
    served from the download cache, keyed by the snapshot (never edited);
    the briefing's key adds what it shows of the consultation and the
    digest of its templates, so a second request neither renders nor reads
    the figures."""
    subject = f"summary-snapshot:{snapshot.id}:{file_format}"
    if file_format == "pdf":
        return cached_download(
            key=cache_key(
                "summary",
                "pdf",
                snapshot.id,
                snapshot.created_at,
                _briefing_cover(consultation),
                template_digest(BRIEFING, "pdf/print.css", CHARTS, *MAP_TEMPLATES),
                chart_digest(),
                map_digest(),
            ),
            subject=subject,
            filename=f"{name}.pdf",
            content_type=PDF_MIMETYPE,
            inline=True,
            make=lambda: _snapshot_briefing(consultation, snapshot),
        )
    key = cache_key("summary", file_format, snapshot.id, snapshot.created_at)
    if file_format == "csv":
        return cached_download(
            key=key,
            subject=subject,
            filename=f"{name}.csv",
            content_type=CSV_MIMETYPE,
            make=lambda: csv_bytes(RAW_HEADER, _snapshot_rows(snapshot)),
        )
    return cached_download(
        key=key,
        subject=subject,
        filename=f"{name}.xlsx",
        content_type=XLSX_MIMETYPE,
        make=lambda: _summary_spreadsheet(snapshot.data, _snapshot_rows(snapshot)),
    )


def _snapshot_briefing(consultation: Consultation, snapshot: SummarySnapshot) -> bytes:
    """A snapshot's briefing: its figures are the snapshot's; of the
    consultation it shows its cover (read with it) and its questions' text
    (read, all at once, when first asked for)."""
    return pdf_bytes(
        BRIEFING,
        consultation=consultation,
        data=snapshot.data,
        snapshot=snapshot,
        generated=now_utc(),
        maps=briefing_maps(snapshot.data.get("map") or [], question_choices(consultation)),
    )


def _snapshot_rows(snapshot: SummarySnapshot) -> Iterator[list[Any]]:
    return thawed_rows(snapshot.answers or [])


@bp.get(f"{REF}/summary.<any(csv, xlsx, pdf):file_format>")
@access.public
def download_summary(reference: str, file_format: str) -> HTTPResponse:
    """Once the summary is published, the published snapshot for everyone
    (the summary of record: its figures, answers and themes as they stood
    then); before, live for the summary's audience and not found for others.
    ``?snapshot=<id>`` gives a frozen summary's own downloads;
    ``summary.csv?list=not-responded`` the member
    authorities without a submitted position, for chasing (live audience only).
    Every check is made before a file is made, streamed or taken from the
    download cache."""
    consultation = load_consultation(reference, parts=Parts.OWN)
    if request.args.get("list") == "not-responded":
        return _download_not_responded(consultation, file_format)
    if request.args.get("list") == "figures":
        return _download_figures(consultation, file_format)
    snapshot_id = as_record_id(request.args.get("snapshot"))
    if snapshot_id is not None:
        snapshot = load_snapshot(consultation, snapshot_id)
        return _snapshot_download(
            consultation,
            snapshot,
            file_format,
            name=f"{consultation.reference}-summary-{snapshot.created_at:%Y-%m-%d}-{snapshot.id}",
        )
    published = services.published_snapshot(consultation)
    if published is None:
        if not summary_policy.can_see_live(consultation, current_user):
            abort(404)
        return _live_download(consultation, file_format)
    return _snapshot_download(
        consultation, published, file_format, name=f"{consultation.reference}-summary"
    )


def _download_figures(consultation: Consultation, file_format: str) -> HTTPResponse:
    """Every question's figures (positions, choices, numbers, rankings),
    overall and split, as a CSV: a frozen snapshot's (``?snapshot=<id>``),
    or the published snapshot's once published,
    live before for the summary's audience, not found for others."""
    if file_format != "csv":
        abort(404)
    snapshot_id = as_record_id(request.args.get("snapshot"))
    published = (
        load_snapshot(consultation, snapshot_id)
        if snapshot_id is not None
        else services.published_snapshot(consultation)
    )
    if published is not None:
        data = published.data
    elif summary_policy.can_see_live(consultation, current_user):
        data = compute_summary(load_whole(consultation), quotations=False)
    else:
        abort(404)
    return csv_response(
        f"{consultation.reference}-figures.csv",
        FIGURE_HEADER,
        list(figure_rows(data.get("questions") or [])),
    )


def _download_not_responded(consultation: Consultation, file_format: str) -> HTTPResponse:
    if file_format != "csv" or not summary_policy.can_see_live(consultation, current_user):
        abort(404)
    data = compute_summary(load_whole(consultation), splits=False, quotations=False)
    return csv_response(
        f"{consultation.reference}-not-responded.csv",
        NOT_RESPONDED_HEADER,
        [
            [a["name"], a["type"], a["region"], a["control"], a["status"]]
            for a in data["not_responded"]
        ],
    )


def _comment_filters() -> dict[str, str]:
    """The comments page's filters, from the address (the bulk form is sent
    to an address carrying them too)."""
    return {key: (request.args.get(key) or "").strip()[:200] for key in COMMENT_FILTERS}


def _comments_page(
    consultation: Consultation, filters: dict[str, str], form: BulkThemesForm | None
) -> str:
    page = comments_page(
        consultation,
        filters,
        page=request.args.get("page", 1, type=int) or 1,
        per_page=current_app.config["PAGE_SIZE"],
    )
    tags = all_tags()
    if form is not None:
        form.existing_theme.choices = [
            SelectChoice("", "Choose a theme"),
            *[SelectChoice(t.name, t.name) for t in tags],
        ]
        form.scope.choices = [
            SelectChoice(SELECTED, "The comments I have ticked above"),
            SelectChoice(ALL_SHOWN, f"All {_comment_count(page.total)} these filters show"),
        ]
    return render_template(
        "summaries/comments.html",
        consultation=consultation,
        page=page,
        filters=filters,
        tags_by_answer=tags_by_answer([answer.id for answer, _ in page.items]),
        numbers={q.id: n for n, q in enumerate(consultation.questions, start=1)},
        all_tags=tags,
        positions=list(Position),
        controls=list(Control),
        kinds=list(AuthorityKind),
        regions=list(Region),
        secretariat=form is not None,
        form=form or ConfirmForm(),
        selected={str(v) for v in (form.answers.data or [])} if form is not None else set(),
        bulk_action=_comments_address("summaries.tag_comments", consultation.reference, filters),
    )


def _comment_count(count: int | None) -> str:
    if count is None:
        return "the comments"
    return f"{count:,} comment" if count == 1 else f"{count:,} comments"


@bp.get(f"{REF}/summary/comments")
@access.public
def list_comments(reference: str) -> str:
    consultation = load_consultation(reference, parts=Parts.QUESTIONS)
    if not (
        summary_policy.can_see_live(consultation, current_user)
        or services.published_snapshot(consultation) is not None
    ):
        abort(404)  # the same audience as the summary
    form = BulkThemesForm(formdata=None) if access.has_role(Role.SECRETARIAT) else None
    return _comments_page(consultation, _comment_filters(), form)


@bp.post(f"{REF}/summary/comments/themes")
@access.roles(Role.SECRETARIAT)
def tag_comments(reference: str) -> str | HTTPResponse:
    """Add a theme to, or remove it from, the comments ticked on the page or
    every comment the filters show; a refusal shows the page again with the
    error and the ticks kept."""
    consultation = load_consultation(reference, parts=Parts.QUESTIONS)
    filters = _comment_filters()
    form = BulkThemesForm()
    if form.validate_on_submit():

        def work() -> services.BulkTagging:
            if form.new_theme.data and form.existing_theme.data:
                raise DomainError(
                    "Choose an existing theme or enter a new one, not both", field="new_theme"
                )
            if form.scope.data == ALL_SHOWN:
                chosen = comment_ids(consultation, filters)
            else:
                chosen = [
                    i for i in (as_record_id(v) for v in form.answers.data or []) if i is not None
                ]
            return services.tag_comments(
                consultation=consultation,
                answer_ids=chosen,
                theme=form.new_theme.data or form.existing_theme.data or "",
                add=form.change.data == ADD,
                actor=current_user,
            )

        outcome = run_action(
            work,
            form=form,
            success=_bulk_message,
            then=_comments_address("summaries.list_comments", reference, filters),
        )
        if outcome is not None:
            return outcome
    return _comments_page(consultation, filters, form)


def _comments_address(endpoint: str, reference: str, filters: dict[str, str]) -> str:
    """The comments page (or its bulk form) with the same filters and page."""
    values: dict[str, Any] = {k: v for k, v in filters.items() if v}
    if (page := request.args.get("page", 1, type=int) or 1) > 1:
        values["page"] = page
    return url_for(endpoint, reference=reference, **values)


def _bulk_message(done: services.BulkTagging) -> str:
    unchanged = done.chosen - done.changed
    if done.added:
        also = f" ({unchanged} already had it)" if unchanged else ""
        return f"Theme “{done.theme}” added to {_comment_count(done.changed)}{also}"
    also = f" ({unchanged} did not have it)" if unchanged else ""
    return f"Theme “{done.theme}” removed from {_comment_count(done.changed)}{also}"


@bp.post(f"{REF}/summary/comments/<int:answer_id>/themes")
@access.roles(Role.SECRETARIAT)
def tag_comment(reference: str, answer_id: int) -> HTTPResponse:
    consultation = load_consultation(reference, parts=Parts.QUESTIONS)
    answer = load_answer(consultation, answer_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    names = request.form.getlist("tags") + (request.form.get("new_tag") or "").split(",")
    return run_button_action(
        lambda: services.tag_answer(answer=answer, tag_names=names, actor=current_user),
        success="Themes saved",
        then=lambda: (
            safe_next(request.form.get("next"))
            or url_for("summaries.list_comments", reference=reference)
        ),
    )


@bp.route(f"{REF}/summary/freeze", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def freeze_summary(reference: str) -> str | HTTPResponse:
    consultation = load_consultation(reference)
    meetings = list(
        db.session.execute(
            select(Meeting)
            .where(
                Meeting.status.in_(
                    [MeetingStatus.SCHEDULED, MeetingStatus.AGENDA_PUBLISHED, MeetingStatus.HELD]
                )
            )
            .order_by(Meeting.starts_at)
        ).scalars()
    )
    form = ConfirmForm()
    if form.validate_on_submit():
        meeting = next((m for m in meetings if str(m.id) == request.form.get("meeting")), None)

        def work() -> Any:
            if meeting is None:
                raise DomainError("Select the meeting", field="meeting")
            return services.freeze_for_meeting(
                consultation=consultation, meeting=meeting, actor=current_user
            )

        outcome = run_action(
            work,
            form=form,
            success="Summary frozen for the meeting",
            then=lambda snapshot: url_for(
                "summaries.show_snapshot", reference=reference, snapshot_id=snapshot.id
            ),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "summaries/freeze.html", form=form, consultation=consultation, meetings=meetings
    )


@bp.route(f"{REF}/summary/publish", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def publish_summary(reference: str) -> str | HTTPResponse:
    consultation = load_consultation(reference)
    refusal = consultation_policy.publish_summary_refusal(consultation)
    form = ConfirmForm()
    if form.validate_on_submit():

        def work() -> Any:
            services.publish_summary(consultation=consultation, actor=current_user)

        outcome = run_action(
            work,
            form=form,
            success=lambda _: "Summary published",
            then=lambda _: url_for("summaries.show_summary", reference=reference),
        )
        if outcome is not None:
            return outcome
    if refusal is not None and not form.form_errors:
        # Not yet (or no longer) publishable: the page says why and offers no button.
        attach_error(form, refusal)
    return render_template(
        "consultations/confirm.html",
        form=form,
        consultation=consultation,
        title="Publish the summary",
        explanation="The summary is frozen as it stands and published for everyone. Later "
        "changes to responses do not change it.",
        button=None if refusal is not None else "Publish summary",
        warning=False,
    )


@bp.route(f"{REF}/reply", methods=["GET", "POST"])
@access.policy("the lead minister, or the secretariat on their behalf")
def edit_reply(reference: str) -> str | HTTPResponse:
    consultation = load_consultation(reference)
    access.require(services.can_write_reply(consultation, current_user))
    reply = services.reply_for(consultation)
    form = ConfirmForm()
    values: dict[str, str] = {
        "overall": (reply.overall or "") if reply else "",
        **{f"q{q}": text for q, text in (reply.per_question if reply else {}).items()},
    }
    if form.validate_on_submit():
        values = {
            key: request.form.get(key) or ""
            for key in ["overall", *[f"q{q.id}" for q in consultation.questions]]
        }

        def work() -> Any:
            if any(len(v) > 10000 for v in values.values()):
                raise DomainError("Each part of the reply must be 10,000 characters or fewer")
            services.save_reply(
                consultation=consultation,
                overall=values["overall"] or "",
                per_question={q.id: values.get(f"q{q.id}") or "" for q in consultation.questions},
                actor=current_user,
            )

        outcome = run_action(
            work,
            form=form,
            success=lambda _: "Reply saved. It is not public until you publish it",
            then=lambda _: url_for("summaries.edit_reply", reference=reference),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "summaries/reply_form.html",
        form=form,
        consultation=consultation,
        reply=reply,
        values=values,
    )


@bp.route(f"{REF}/reply/publish", methods=["GET", "POST"])
@access.policy("the lead minister, or the secretariat on their behalf")
def publish_reply(reference: str) -> str | HTTPResponse:
    consultation = load_consultation(reference)
    access.require(services.can_write_reply(consultation, current_user))
    form = ConfirmForm()
    if form.validate_on_submit():

        def work() -> Any:
            services.publish_reply(consultation=consultation, actor=current_user)

        outcome = run_action(
            work,
            form=form,
            success=lambda _: "The government's reply is published",
            then=lambda _: url_for("consultations.show_consultation", reference=reference),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "consultations/confirm.html",
        form=form,
        consultation=consultation,
        title="Publish the government's reply",
        explanation="The reply will be public on the consultation's page and cannot be changed "
        "afterwards.",
        button="Publish reply",
        warning=False,
    )
