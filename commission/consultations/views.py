"""Consultations: the public pages, the secretariat's set-up, and each
authority's response from draft to sign-off."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import joinedload
from werkzeug.routing import BaseConverter
from werkzeug.wrappers.response import Response as HTTPResponse
from wtforms.fields.choices import SelectChoice

from commission import access, policy
from commission.actions import run_action, run_button_action
from commission.auth.roles import Role
from commission.consultations import answers, positions, queries, services
from commission.consultations import policy as consultation_policy
from commission.consultations.forms import (
    AttachmentForm,
    CompareForm,
    ConsultationForm,
    DocumentForm,
    ExtensionForm,
    QuestionForm,
    SectionForm,
    StatedPositionForm,
    build_letter_form,
    build_response_form,
    fill_answers,
    read_answers,
)
from commission.consultations.models import (
    Answer,
    Consultation,
    ConsultationStatus,
    LegislativeStage,
    Position,
    Question,
    QuestionKind,
    QuestionSection,
    Response,
)
from commission.consultations.queries import (
    Parts,
    load_attachment,
    load_consultation,
    load_document,
    load_letter_response,
    load_responding,
)
from commission.consultations.timeline import discussed_at, timeline
from commission.db_types import as_record_id
from commission.errors import DomainError
from commission.exports.pdf import pdf_response
from commission.extensions import db
from commission.forms import ConfirmForm, attach_error
from commission.meetings.models import Meeting, MeetingStatus
from commission.meetings.uploads import Upload
from commission.membership.models import Authority, Department, MinisterialOffice
from commission.membership.queries import load_authority_by_slug
from commission.pagination import paginate_bounded
from commission.policies import queries as policy_queries
from commission.policies.forms import ConsultationFilterForm
from commission.storage import storage
from commission.summaries import policy as summary_policy
from commission.summaries import services as summaries
from commission.summaries.models import Summary
from commission.summaries.queries import compute_summary
from commission.timeutil import format_date, format_datetime, in_london, london, now_utc, today

bp = Blueprint("consultations", __name__)


@bp.context_processor
def _rules() -> dict[str, Any]:
    """The consultation rules the pages ask, the same functions the services do."""
    return {
        "can_change_consultation": consultation_policy.can_change,
        "can_open_consultation": consultation_policy.can_open,
        "can_write_reply_now": summary_policy.can_write_reply_now,
        "can_see_item": policy.can_see_item,
    }


@bp.app_template_filter("kind_number")
def _kind_number(value: float | None, decimals: int = 0) -> str:
    return answers.format_number(value, decimals)


@bp.app_template_global("answer_lines")
def _answer_lines(question: Question, answer: Answer | None, submitted: bool = False) -> list[str]:
    """An answer as the lines check-your-answers, the response and its PDF show."""
    return answers.lines(question, answers.values(answer, submitted=submitted))


@bp.app_template_global("answer_field")
def _answer_field(question: Question) -> str:
    return answers.field_name(question)


REFERENCE = "<consultation:reference>"


class ReferenceConverter(BaseConverter):
    regex = r"LGC-\d{4}-\d{3}"


@bp.record_once
def _register_converter(state: Any) -> None:
    state.app.url_map.converters["consultation"] = ReferenceConverter


def _my_authorities() -> list[Authority]:
    if not current_user.is_authenticated:
        return []
    seen: dict[int, Authority] = {}
    for appointment in current_user.current_appointments(today()):
        if appointment.authority is not None:
            seen[appointment.authority.id] = appointment.authority
    return sorted(seen.values(), key=lambda a: a.name)


# Public pages ----------------------------------------------------------------------


_CLOSED_STATUSES = (
    ConsultationStatus.CLOSED,
    ConsultationStatus.SUMMARY_PUBLISHED,
    ConsultationStatus.REPLY_PUBLISHED,
)


def _closed_at(now: datetime) -> ColumnElement[bool]:
    """In SQL, what ``services.effective_status`` calls closed at ``now``: one
    of the closed statuses, or open with its closing time reached."""
    return or_(
        Consultation.status.in_(_CLOSED_STATUSES),
        and_(Consultation.status == ConsultationStatus.OPEN, Consultation.closes_at <= now),
    )


def _list_filters() -> tuple[ConsultationFilterForm, list[ColumnElement[bool]]]:
    """The list's filters (a policy, a legislative stage) as the form shows
    them and as conditions on the consultations listed."""
    form = ConsultationFilterForm(request.args, policies=policy_queries.policy_choices())
    if request.args.get("policy") or request.args.get("stage"):
        form.validate()
    slug, stage = form.wanted()
    narrowing: list[ColumnElement[bool]] = []
    if slug:
        narrowing.append(policy_queries.in_policy(slug))
    if stage is not None:
        narrowing.append(Consultation.stage == stage)
    return form, narrowing


@bp.get("/consultations")
@access.public
def list_consultations() -> str:
    """Open consultations (soonest closing first) and, for the secretariat,
    drafts: both few at any time, so shown whole, on the first page only.
    Closed consultations grow with history, so they come a page at a time
    (``?page=``, newest closing first), and the viewer's authorities'
    responses and extensions are read only for the consultations shown: the
    page's work is the same after ten years as after one."""
    secretariat = access.has_role(Role.SECRETARIAT)
    now = now_utc()
    filters, narrowing = _list_filters()
    closed = paginate_bounded(
        select(Consultation)
        .where(_closed_at(now), *narrowing)
        .options(joinedload(Consultation.department))
        .order_by(Consultation.closes_at.desc(), Consultation.id.desc()),
        per_page=current_app.config["PAGE_SIZE"],
    )
    if closed.page > 1 and not closed.items:
        abort(404)
    groups: dict[str, list[Consultation]] = {"open": [], "draft": []}
    if closed.page == 1:
        current = queries.open_at(now)
        if secretariat:
            current = or_(current, Consultation.status == ConsultationStatus.DRAFT)
        for consultation in db.session.execute(
            select(Consultation)
            .where(current, *narrowing)
            .options(joinedload(Consultation.department))
            .order_by(Consultation.closes_at, Consultation.id)
        ).scalars():
            key = "draft" if consultation.status is ConsultationStatus.DRAFT else "open"
            groups[key].append(consultation)
    shown = [c.id for c in groups["open"] + list(closed.items)]
    mine = _my_authorities()
    responses, extensions = queries.responses_and_extensions(shown, [a.id for a in mine])
    return render_template(
        "consultations/list.html",
        groups=groups,
        closed=closed,
        mine=mine,
        responses=responses,
        extensions=extensions,
        now=now,
        secretariat=secretariat,
        effective_status=services.effective_status,
        form=filters,
        filter_args=filters.args(),
    )


@bp.get(f"/consultations/{REFERENCE}")
@access.public
def show_consultation(reference: str) -> str:
    consultation = load_consultation(reference)
    items = discussed_at(consultation)
    mine = []
    for authority in _my_authorities():
        extension = services.extension_for(consultation, authority)
        deadline = consultation.deadline_with(extension)
        mine.append(
            {
                "authority": authority,
                "response": services.response_for(consultation, authority),
                "deadline": deadline,
                "extension": extension,
                "open": services.window_open(consultation, authority, deadline=deadline),
            }
        )
    published = summaries.published_snapshot(consultation)
    reply = summaries.reply_for(consultation)
    secretariat = access.has_role(Role.SECRETARIAT)
    return render_template(
        "consultations/show.html",
        consultation=consultation,
        status=services.effective_status(consultation),
        timeline=[
            (event.at, event.text) for event in timeline(consultation, items, published, reply)
        ],
        summary_visible=published is not None
        or summary_policy.can_see_live(consultation, current_user),
        reply=reply,
        can_write_reply=summaries.can_write_reply(consultation, current_user),
        items=items,
        mine=mine,
        secretariat=secretariat,
        # Only the secretariat is shown whether the questions can still change.
        questions_locked=secretariat and bool(services.response_count(consultation)),
        stated=services.stated_positions(consultation),
        letters=services.letter_responses(consultation) if secretariat else [],
        policy_stage=policy_queries.stage_of_consultation(consultation),
    )


@bp.get("/consultations/documents/<int:document_id>/<path:filename>")
@access.public
def download_document(document_id: int, filename: str) -> HTTPResponse:
    document = load_document(document_id)
    return HTTPResponse(
        storage().read(document.storage_key),
        mimetype=document.content_type,
        headers={"Content-Disposition": f'attachment; filename="{document.filename}"'},
    )


# Setting up --------------------------------------------------------------------------


def _set_choices(form: ConsultationForm) -> None:
    form.department.choices = [("", "Select a department")] + [
        (str(d.id), d.name)
        for d in db.session.execute(select(Department).order_by(Department.name)).scalars()
    ]
    offices = db.session.execute(
        select(MinisterialOffice.id, MinisterialOffice.title, Department.short_name)
        .join(Department)
        .order_by(Department.name, MinisterialOffice.rank, MinisterialOffice.title)
    ).all()
    form.lead_office.choices = [("", "Select the lead minister")] + [
        (str(o.id), f"{o.title} ({o.short_name})") for o in offices
    ]


def _details(form: ConsultationForm) -> services.ConsultationDetails:
    department = db.session.get(Department, int(form.department.data or 0))
    if department is None:
        raise DomainError("Select the department", field="department")
    office = None
    if form.lead_office.data:
        office = db.session.get(MinisterialOffice, int(form.lead_office.data))
        if office is None:
            raise DomainError("Select the lead minister", field="lead_office")
    assert form.opens_day.data and form.closes_day.data
    assert form.opens_time.time and form.closes_time.time
    return services.ConsultationDetails(
        title=form.title.data or "",
        summary=form.summary.data or "",
        department=department,
        lead_office=office,
        stage=LegislativeStage(form.stage.data),
        opens_at=london(form.opens_day.data, form.opens_time.time),
        closes_at=london(form.closes_day.data, form.closes_time.time),
    )


def _consultation_form(consultation: Consultation | None) -> str | HTTPResponse:
    form = ConsultationForm()
    _set_choices(form)
    if request.method == "GET":
        if consultation is None:
            form.opens_time.data, form.closes_time.data = "9am", "11:59pm"
        else:
            form.title.data, form.summary.data = consultation.title, consultation.summary
            form.department.data = str(consultation.department_id)
            form.lead_office.data = str(consultation.lead_office_id or "")
            form.stage.data = consultation.stage.value
            opens, closes = (
                in_london(consultation.opens_at),
                in_london(consultation.closes_at),
            )
            form.opens_day.data, form.opens_time.data = opens.date(), f"{opens:%H:%M}"
            form.closes_day.data, form.closes_time.data = closes.date(), f"{closes:%H:%M}"
    if form.validate_on_submit():

        def work() -> Consultation:
            details = _details(form)
            if consultation is None:
                return services.create_consultation(details=details, actor=current_user)
            services.update_consultation(
                consultation=consultation, details=details, actor=current_user
            )
            return consultation

        outcome = run_action(
            work,
            form=form,
            success=lambda saved: f"{saved.reference} saved",
            then=lambda saved: url_for(
                "consultations.show_consultation", reference=saved.reference
            ),
        )
        if outcome is not None:
            return outcome
    return render_template("consultations/form.html", form=form, consultation=consultation)


@bp.route("/consultations/new", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def create_consultation() -> str | HTTPResponse:
    return _consultation_form(None)


@bp.route(f"/consultations/{REFERENCE}/edit", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def edit_consultation(reference: str) -> str | HTTPResponse:
    return _consultation_form(load_consultation(reference))


def _question_form(consultation: Consultation, question: Question | None) -> str | HTTPResponse:
    form = QuestionForm(obj=question) if request.method == "GET" and question else QuestionForm()
    form.section.choices = [SelectChoice("", "No section")] + [
        SelectChoice(str(section.id), section.title) for section in consultation.sections
    ]
    if request.method == "GET" and question is None:
        form.kind.data = QuestionKind.POSITION.value
        form.required.data = True
        form.decimals.data = "0"
    elif request.method == "GET" and question is not None:
        form.fill(question)
    if form.validate_on_submit():
        try:
            kind = QuestionKind(form.kind.data)
        except ValueError:
            abort(400)
        details = services.QuestionDetails(
            kind=kind,
            text=form.text.data or "",
            hint=form.hint.data or "",
            required=bool(form.required.data),
            section_id=as_record_id(form.section.data) if form.section.data else None,
            **form.settings(),
        )

        def work() -> Any:
            if question is None:
                services.add_question(
                    consultation=consultation, details=details, actor=current_user
                )
            else:
                services.update_question(question=question, details=details, actor=current_user)

        outcome = run_action(
            work,
            form=form,
            success=lambda _: "Question saved",
            then=lambda _: url_for(
                "consultations.show_consultation",
                reference=consultation.reference,
                _anchor="questions",
            ),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "consultations/question_form.html", form=form, consultation=consultation, question=question
    )


@bp.route(f"/consultations/{REFERENCE}/questions/new", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def add_question(reference: str) -> str | HTTPResponse:
    return _question_form(load_consultation(reference), None)


@bp.route(f"/consultations/{REFERENCE}/questions/<int:question_id>/edit", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def edit_question(reference: str, question_id: int) -> str | HTTPResponse:
    consultation = load_consultation(reference)
    return _question_form(consultation, queries.question_of(consultation, question_id))


@bp.route(f"/consultations/{REFERENCE}/questions/<int:question_id>/remove", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def remove_question(reference: str, question_id: int) -> str | HTTPResponse:
    consultation = load_consultation(reference)
    question = queries.question_of(consultation, question_id)
    form = ConfirmForm()
    if form.validate_on_submit():

        def work() -> Any:
            services.remove_question(question=question, actor=current_user)

        outcome = run_action(
            work,
            form=form,
            success=lambda _: "Question removed",
            then=lambda _: url_for("consultations.show_consultation", reference=reference),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "consultations/confirm.html",
        form=form,
        consultation=consultation,
        title="Remove this question",
        explanation=question.text,
        button="Remove question",
        warning=True,
    )


@bp.post(f"/consultations/{REFERENCE}/questions/<int:question_id>/move")
@access.roles(Role.SECRETARIAT)
def move_question(reference: str, question_id: int) -> HTTPResponse:
    consultation = load_consultation(reference)
    question = queries.question_of(consultation, question_id)
    direction = request.form.get("direction")
    if not ConfirmForm().validate_on_submit() or direction not in {"up", "down"}:
        abort(400)
    return run_button_action(
        lambda: services.move_question(question=question, direction=direction, actor=current_user),
        then=lambda: url_for(
            "consultations.show_consultation", reference=reference, _anchor="questions"
        ),
    )


# Sections ------------------------------------------------------------------------------


def _section_of(consultation: Consultation, section_id: int) -> QuestionSection:
    section = next((s for s in consultation.sections if s.id == section_id), None)
    if section is None:
        abort(404)
    return section


def _section_form(
    consultation: Consultation, section: QuestionSection | None
) -> str | HTTPResponse:
    form = SectionForm(obj=section) if request.method == "GET" and section else SectionForm()
    if form.validate_on_submit():
        details = services.SectionDetails(
            title=form.title.data or "", introduction=form.introduction.data or ""
        )

        def work() -> Any:
            if section is None:
                services.add_section(consultation=consultation, details=details, actor=current_user)
            else:
                services.update_section(section=section, details=details, actor=current_user)

        outcome = run_action(
            work,
            form=form,
            success=lambda _: "Section saved",
            then=lambda _: url_for(
                "consultations.show_consultation",
                reference=consultation.reference,
                _anchor="sections",
            ),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "consultations/section_form.html", form=form, consultation=consultation, section=section
    )


@bp.route(f"/consultations/{REFERENCE}/sections/new", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def add_section(reference: str) -> str | HTTPResponse:
    return _section_form(load_consultation(reference), None)


@bp.route(f"/consultations/{REFERENCE}/sections/<int:section_id>/edit", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def edit_section(reference: str, section_id: int) -> str | HTTPResponse:
    consultation = load_consultation(reference)
    return _section_form(consultation, _section_of(consultation, section_id))


@bp.route(f"/consultations/{REFERENCE}/sections/<int:section_id>/remove", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def remove_section(reference: str, section_id: int) -> str | HTTPResponse:
    consultation = load_consultation(reference)
    section = _section_of(consultation, section_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        outcome = run_action(
            lambda: services.remove_section(section=section, actor=current_user),
            form=form,
            success=lambda _: "Section removed",
            then=lambda _: url_for("consultations.show_consultation", reference=reference),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "consultations/confirm.html",
        form=form,
        consultation=consultation,
        title="Remove this section",
        explanation=f"{section.title}. Its questions stay, in no section.",
        button="Remove section",
        warning=True,
    )


@bp.post(f"/consultations/{REFERENCE}/sections/<int:section_id>/move")
@access.roles(Role.SECRETARIAT)
def move_section(reference: str, section_id: int) -> HTTPResponse:
    consultation = load_consultation(reference)
    section = _section_of(consultation, section_id)
    direction = request.form.get("direction")
    if not ConfirmForm().validate_on_submit() or direction not in {"up", "down"}:
        abort(400)
    return run_button_action(
        lambda: services.move_section(section=section, direction=direction, actor=current_user),
        then=lambda: url_for(
            "consultations.show_consultation", reference=reference, _anchor="sections"
        ),
    )


@bp.get(f"/consultations/{REFERENCE}/preview")
@access.roles(Role.SECRETARIAT)
def preview(reference: str) -> str:
    """The response form exactly as a council sees it, without saving."""
    consultation = load_consultation(reference)
    form = build_response_form(consultation.questions, services.comment_limit())
    return render_template(
        "consultations/respond.html",
        form=form,
        consultation=consultation,
        authority=None,
        response=None,
        capacity=services.Capacity(can_view=True),
        preview=True,
        deadline=consultation.closes_at,
        limit=services.comment_limit(),
    )


@bp.route(f"/consultations/{REFERENCE}/open", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def open_consultation(reference: str) -> str | HTTPResponse:
    consultation = load_consultation(reference)
    refusal = consultation_policy.open_refusal(consultation)
    form = ConfirmForm()
    if form.validate_on_submit():

        def work() -> Any:
            services.open_consultation(consultation=consultation, actor=current_user)

        outcome = run_action(
            work,
            form=form,
            success=lambda _: f"{consultation.reference} is open for responses",
            then=lambda _: url_for("consultations.show_consultation", reference=reference),
        )
        if outcome is not None:
            return outcome
    if refusal is not None and not form.form_errors:
        # Not (or no longer) to be opened: the page says why and offers no button.
        attach_error(form, refusal)
    count = len(consultation.questions)
    questions = f"{count} question" if count == 1 else f"{count} questions"
    return render_template(
        "consultations/confirm.html",
        form=form,
        consultation=consultation,
        title="Open the consultation",
        explanation=f"Member authorities will be able to respond to its {questions} "
        f"until {format_datetime(consultation.closes_at)}. "
        "Questions cannot change once any authority has started a response.",
        button=None if refusal is not None else "Open consultation",
        warning=False,
    )


@bp.route(f"/consultations/{REFERENCE}/documents/new", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def add_document(reference: str) -> str | HTTPResponse:
    consultation = load_consultation(reference)
    form = DocumentForm()
    if form.validate_on_submit():
        upload = form.file.data

        def work() -> Any:
            if upload is None or not getattr(upload, "filename", ""):
                raise DomainError("Select a file", field="file")
            services.add_document(
                consultation=consultation,
                upload=Upload(filename=upload.filename or "", data=upload.read()),
                title=form.title.data or "",
                actor=current_user,
            )

        outcome = run_action(
            work,
            form=form,
            success=lambda _: "Document added",
            then=lambda _: url_for("consultations.show_consultation", reference=reference),
        )
        if outcome is not None:
            return outcome
    return render_template("consultations/document_form.html", form=form, consultation=consultation)


def _authority_choices() -> list[tuple[str, str]]:
    """Every authority, by name, for a select: their ids and names only, as
    plain rows; building hundreds of whole records took longer than the query."""
    rows = db.session.execute(select(Authority.id, Authority.name).order_by(Authority.name))
    return [("", "Select an authority")] + [(str(id_), name) for id_, name in rows]


@bp.route(f"/consultations/{REFERENCE}/extensions", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def manage_extensions(reference: str) -> str | HTTPResponse:
    consultation = load_consultation(reference, parts=Parts.OWN)
    form = ExtensionForm()
    form.authority.choices = _authority_choices()
    if form.validate_on_submit():
        authority = db.session.get(Authority, int(form.authority.data or 0))

        def work() -> Authority:
            if authority is None:
                raise DomainError("Select the authority", field="authority")
            assert form.day.data and form.time.time
            services.grant_extension(
                consultation=consultation,
                authority=authority,
                closes_at=london(form.day.data, form.time.time),
                reason=form.reason.data or "",
                actor=current_user,
            )
            return authority

        outcome = run_action(
            work,
            form=form,
            success=lambda granted: f"Extension granted to {granted.name}",
            then=lambda _: url_for("consultations.manage_extensions", reference=reference),
        )
        if outcome is not None:
            return outcome
    if request.method == "GET":
        form.time.data = "11:59pm"
    return render_template(
        "consultations/extensions.html",
        form=form,
        consultation=consultation,
        extensions=queries.extensions_granted(consultation),
    )


@bp.route(f"/consultations/{REFERENCE}/stated", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def record_stated(reference: str) -> str | HTTPResponse:
    consultation = load_consultation(reference)
    form = StatedPositionForm()
    form.authority.choices = _authority_choices()
    meetings = list(
        db.session.execute(
            select(Meeting)
            .where(
                Meeting.status.in_(
                    [
                        MeetingStatus.AGENDA_PUBLISHED,
                        MeetingStatus.HELD,
                        MeetingStatus.MINUTES_PUBLISHED,
                    ]
                ),
                Meeting.starts_at <= now_utc(),
            )
            .order_by(Meeting.starts_at.desc())
        ).scalars()
    )
    form.meeting.choices = [("", "Select the meeting")] + [
        (str(m.id), format_date(m.starts_at, weekday=True)) for m in meetings
    ]
    if form.validate_on_submit():
        authority = db.session.get(Authority, int(form.authority.data or 0))
        meeting = next((m for m in meetings if str(m.id) == form.meeting.data), None)

        def work() -> Authority:
            if meeting is None:
                raise DomainError("Select the meeting", field="meeting")
            if authority is None:
                raise DomainError("Select the authority", field="authority")
            services.record_stated_position(
                consultation=consultation,
                authority=authority,
                meeting=meeting,
                position=Position(form.position.data),
                comment=form.comment.data or "",
                actor=current_user,
            )
            return authority

        outcome = run_action(
            work,
            form=form,
            success=lambda stated_by: f"Position stated by {stated_by.name} recorded",
            then=lambda _: url_for("consultations.show_consultation", reference=reference),
        )
        if outcome is not None:
            return outcome
    return render_template("consultations/stated_form.html", form=form, consultation=consultation)


# Responding ----------------------------------------------------------------------------


def _upload(field: Any) -> Upload:
    """What a file field sent; no file selected is an empty upload, which
    the services refuse with "Select a file"."""
    sent = field.data
    if sent is None or not getattr(sent, "filename", ""):
        return Upload(filename="", data=b"")
    return Upload(filename=sent.filename or "", data=sent.read())


def _response_data(form: FlaskForm, consultation: Consultation) -> services.ResponseData:
    def position(value: Any) -> Position | None:
        try:
            return Position(value) if value else None
        except ValueError:
            return None

    return services.ResponseData(
        overall_position=position(form.overall_position.data),
        overall_comment=form.overall_comment.data or "",
        answers=read_answers(form, consultation.questions),
    )


def _fill(form: FlaskForm, response: Response, consultation: Consultation) -> None:
    form.version.data = str(response.version)
    form.overall_position.data = (
        response.overall_position.value if response.overall_position else None
    )
    form.overall_comment.data = response.overall_comment
    fill_answers(form, response, consultation.questions)


RESPONSE_POLICY = "the authority's leader, mayor, deputies and officers, or the secretariat"


@bp.route(f"/consultations/{REFERENCE}/responses/<slug>", methods=["GET", "POST"])
@access.policy(RESPONSE_POLICY)
def respond(reference: str, slug: str) -> str | HTTPResponse | tuple[str, int]:
    consultation, authority, capacity = load_responding(reference, slug)
    response = services.response_for(consultation, authority)
    limit = services.comment_limit()
    form = build_response_form(consultation.questions, limit)
    if request.method == "GET" and response is not None:
        _fill(form, response, consultation)
    if form.validate_on_submit():
        if not capacity.can_draft:
            abort(403)
        data = _response_data(form, consultation)
        version = _form_version(form.version.data)

        def conflict_page(conflict: services.ResponseConflict) -> HTTPResponse:
            """Someone saved since this person opened the response: both
            versions are shown, so neither person's words are lost."""
            page = render_template(
                "consultations/conflict.html",
                form=form,
                consultation=consultation,
                authority=authority,
                theirs=conflict.response,
                limit=limit,
            )
            return make_response(page, 409)

        def saved_draft(saved: Response) -> str:
            if form.check.data:
                return url_for("consultations.check_answers", reference=reference, slug=slug)
            flash(
                f"Draft saved ({in_london(saved.updated_at):%-I:%M%p})".lower().replace(
                    "draft", "Draft", 1
                ),
                "success",
            )
            return url_for("consultations.respond", reference=reference, slug=slug)

        outcome = run_action(
            lambda: services.save_draft(
                consultation=consultation,
                authority=authority,
                data=data,
                expected_version=version,
                actor=current_user,
            ),
            form=form,
            then=saved_draft,
            handle={services.ResponseConflict: conflict_page},
        )
        if outcome is not None:
            return outcome
    return render_template(
        "consultations/respond.html",
        form=form,
        consultation=consultation,
        authority=authority,
        response=response,
        capacity=capacity,
        preview=False,
        limit=limit,
        deadline=services.deadline_for(consultation, authority),
        open=services.window_open(consultation, authority),
        extension=services.extension_for(consultation, authority),
        stated=services.stated_positions(consultation, authority),
    )


def _form_version(raw: str | None) -> int | None:
    """The version of the response a form was made from; None when the field
    is missing or is not a plain number (a tampered form), which the caller
    treats as out of date rather than failing on it."""
    return as_record_id(raw)


@bp.route(f"/consultations/{REFERENCE}/responses/<slug>/check", methods=["GET", "POST"])
@access.policy(RESPONSE_POLICY)
def check_answers(reference: str, slug: str) -> str | HTTPResponse:
    consultation, authority, capacity = load_responding(reference, slug)
    response = services.response_for(consultation, authority)
    if response is None:
        return redirect(url_for("consultations.respond", reference=reference, slug=slug))
    form = ConfirmForm()
    if form.validate_on_submit():
        action = request.form.get("action")
        version = _form_version(request.form.get("version"))

        def work() -> None:
            if version is None:
                raise services.ResponseConflict(response)
            if action == "submit":
                services.submit_response(
                    consultation=consultation,
                    authority=authority,
                    expected_version=version,
                    actor=current_user,
                )
            elif action == "ready":
                services.mark_ready(
                    consultation=consultation,
                    authority=authority,
                    expected_version=version,
                    actor=current_user,
                )
            else:
                abort(400)

        def changed_since(_: services.ResponseConflict) -> HTTPResponse:
            flash(
                "Someone changed this response since you opened it. Check it again below", "warning"
            )
            return redirect(url_for("consultations.check_answers", reference=reference, slug=slug))

        def done(_: None) -> str:
            if action == "submit":
                return url_for("consultations.confirmation", reference=reference, slug=slug)
            flash("Marked ready for sign-off", "success")
            return url_for("consultations.check_answers", reference=reference, slug=slug)

        outcome = run_action(
            work,
            form=form,
            then=done,
            handle={services.ResponseConflict: changed_since},
        )
        if outcome is not None:
            return outcome
    return render_template(
        "consultations/check.html",
        form=form,
        consultation=consultation,
        authority=authority,
        response=response,
        capacity=capacity,
        missing=services.missing_answers(response, consultation),
        open=services.window_open(consultation, authority),
    )


@bp.get(f"/consultations/{REFERENCE}/responses/<slug>/confirmation")
@access.policy(RESPONSE_POLICY)
def confirmation(reference: str, slug: str) -> str:
    consultation, authority, _ = load_responding(reference, slug)
    response = services.response_for(consultation, authority)
    if response is None or response.submitted_at is None:
        abort(404)
    return render_template(
        "consultations/confirmation.html",
        consultation=consultation,
        authority=authority,
        response=response,
        deadline=services.deadline_for(consultation, authority),
    )


@bp.get(f"/consultations/{REFERENCE}/responses/<slug>/history")
@access.policy(RESPONSE_POLICY)
def response_history(reference: str, slug: str) -> str:
    consultation, authority, _ = load_responding(reference, slug)
    response = services.response_for(consultation, authority)
    if response is None:
        abort(404)
    return render_template(
        "consultations/history.html",
        consultation=consultation,
        authority=authority,
        response=response,
        revisions=services.revision_changes(response, consultation),
    )


@bp.get(f"/consultations/{REFERENCE}/responses/<slug>.pdf")
@access.policy(RESPONSE_POLICY)
def response_pdf(reference: str, slug: str) -> HTTPResponse:
    consultation, authority, _ = load_responding(reference, slug)
    response = services.response_for(consultation, authority)
    if response is None or response.submitted_at is None:
        abort(404)
    return pdf_response(
        "consultations/response_pdf.html",
        f"{consultation.reference}-{authority.slug}.pdf",
        consultation=consultation,
        authority=authority,
        response=response,
        generated=now_utc(),
    )


# Comparing authorities' answers ---------------------------------------------------------


@bp.get(f"/consultations/{REFERENCE}/compare")
@access.public
def compare(reference: str) -> str:
    """Chosen authorities' answers side by side, or beside all members'
    figures, for those who may see each response (and the summary, for the
    figures)."""
    consultation = load_consultation(reference)
    choices = positions.compare_choices(consultation, current_user)
    form = CompareForm(
        request.args, authorities=[(choice.slug, choice.name) for choice in choices.values()]
    )
    comparison = None
    if request.args and form.validate():
        summary: Summary | None = None
        if form.with_all:
            published = summaries.published_snapshot(consultation)
            if summary_policy.can_see_live(consultation, current_user):
                summary = compute_summary(consultation, splits=False, quotations=False)
            elif published is not None:
                summary = published.data
            else:
                form.compare_with.errors = [
                    "All members' answers can be compared once the summary of positions "
                    "is published"
                ]
        if not form.errors:
            comparison = positions.compare(
                consultation, list(form.authority.data or []), summary=summary
            )
    return render_template(
        "consultations/compare.html",
        consultation=consultation,
        form=form,
        choices=choices,
        comparison=comparison,
    )


# Supporting documents -------------------------------------------------------------------


@bp.route(f"/consultations/{REFERENCE}/responses/<slug>/documents/new", methods=["GET", "POST"])
@access.policy(RESPONSE_POLICY)
def add_attachment(reference: str, slug: str) -> str | HTTPResponse:
    consultation, authority, capacity = load_responding(reference, slug)
    access.require(capacity.can_draft)
    form = AttachmentForm()
    if form.validate_on_submit():
        upload = _upload(form.file)
        outcome = run_action(
            lambda: services.add_attachment(
                consultation=consultation,
                authority=authority,
                upload=upload,
                title=form.title.data or "",
                actor=current_user,
            ),
            form=form,
            success=lambda attached: f"{attached.title} attached",
            then=lambda _: url_for(
                "consultations.respond", reference=reference, slug=slug, _anchor="documents"
            ),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "consultations/attachment_form.html",
        form=form,
        consultation=consultation,
        authority=authority,
        response=services.response_for(consultation, authority),
        types=services.ATTACHMENT_LABEL,
        limit=services.attachment_limit(),
        open=services.window_open(consultation, authority),
    )


@bp.route(
    f"/consultations/{REFERENCE}/responses/<slug>/documents/<int:attachment_id>/remove",
    methods=["GET", "POST"],
)
@access.policy(RESPONSE_POLICY)
def remove_attachment(reference: str, slug: str, attachment_id: int) -> str | HTTPResponse:
    consultation, authority, capacity = load_responding(reference, slug)
    access.require(capacity.can_draft)
    attachment = load_attachment(services.response_for(consultation, authority), attachment_id)
    if attachment.original or not attachment.in_working:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        title = attachment.title
        outcome = run_action(
            lambda: services.remove_attachment(
                consultation=consultation,
                authority=authority,
                attachment=attachment,
                actor=current_user,
            ),
            form=form,
            success=f"{title} removed",
            then=lambda _: url_for(
                "consultations.respond", reference=reference, slug=slug, _anchor="documents"
            ),
        )
        if outcome is not None:
            return outcome
    signed_off = attachment.response.submitted_at is not None
    return render_template(
        "consultations/remove_attachment.html",
        form=form,
        consultation=consultation,
        authority=authority,
        attachment=attachment,
        signed_off=signed_off,
    )


@bp.get(
    f"/consultations/{REFERENCE}/responses/<slug>/documents/<int:attachment_id>/<path:filename>"
)
@access.public
def download_attachment(
    reference: str, slug: str, attachment_id: int, filename: str
) -> HTTPResponse:
    """A response's document, for those who may see it
    (``positions.may_download``); not found for anyone else, as a draft's
    document is."""
    consultation = load_consultation(reference)
    authority = load_authority_by_slug(slug)
    attachment = load_attachment(services.response_for(consultation, authority), attachment_id)
    if not positions.may_download(attachment, current_user):
        abort(404)
    return HTTPResponse(
        storage().read(attachment.storage_key),
        mimetype=attachment.content_type,
        headers={"Content-Disposition": f'attachment; filename="{attachment.filename}"'},
    )


# Responses received by letter or email ----------------------------------------------------


@bp.route(f"/consultations/{REFERENCE}/letters/new", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def enter_letter(reference: str) -> str | HTTPResponse:
    consultation = load_consultation(reference)
    if consultation.status is ConsultationStatus.DRAFT:
        abort(404)
    form = build_letter_form(consultation.questions)
    form.authority.choices = _authority_choices()
    if form.validate_on_submit():
        authority = db.session.get(Authority, as_record_id(form.authority.data) or 0)
        data = _response_data(form, consultation)
        upload = _upload(form.file)

        def work() -> Authority:
            if authority is None:
                raise DomainError("Select the authority", field="authority")
            services.enter_letter_response(
                consultation=consultation,
                authority=authority,
                dated=form.dated.data,
                data=data,
                upload=upload,
                actor=current_user,
            )
            return authority

        outcome = run_action(
            work,
            form=form,
            success=lambda entered: (
                f"{entered.name}'s response entered. Another member of "
                "the secretariat must confirm it before it counts"
            ),
            then=lambda _: url_for(
                "consultations.show_consultation", reference=reference, _anchor="letters"
            ),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "consultations/letter_form.html",
        form=form,
        consultation=consultation,
        limit=services.comment_limit(),
        types=services.ATTACHMENT_LABEL,
        size_limit=services.attachment_limit(),
    )


@bp.route(f"/consultations/{REFERENCE}/responses/<slug>/confirm-letter", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def confirm_letter(reference: str, slug: str) -> str | HTTPResponse:
    consultation, authority, response = load_letter_response(reference, slug, awaiting=False)
    form = ConfirmForm()
    if form.validate_on_submit():
        outcome = run_action(
            lambda: services.confirm_letter_response(response=response, actor=current_user),
            form=form,
            success=f"{authority.name}'s response from its letter confirmed. It now counts",
            then=lambda _: url_for(
                "consultations.show_consultation", reference=reference, _anchor="letters"
            ),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "consultations/confirm_letter.html",
        form=form,
        consultation=consultation,
        authority=authority,
        response=response,
        entered_by_me=response.entered_by_id == current_user.id,
    )


@bp.route(f"/consultations/{REFERENCE}/responses/<slug>/discard-letter", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def discard_letter(reference: str, slug: str) -> str | HTTPResponse:
    consultation, authority, response = load_letter_response(reference, slug, awaiting=True)
    form = ConfirmForm()
    if form.validate_on_submit():
        outcome = run_action(
            lambda: services.discard_letter_response(response=response, actor=current_user),
            form=form,
            success=f"The response entered from {authority.name}'s letter is discarded",
            then=lambda _: url_for(
                "consultations.show_consultation", reference=reference, _anchor="letters"
            ),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "consultations/confirm.html",
        form=form,
        consultation=consultation,
        title=f"Discard the response entered from {authority.name}'s letter",
        explanation="It has not been confirmed, so it has never counted. Discard it if it was "
        "entered for the wrong authority or with wrong answers; you can then enter the "
        "letter again. The audit log keeps what it said.",
        button="Discard the entry",
        warning=True,
    )


@bp.route(f"/consultations/{REFERENCE}/responses/<slug>/withdraw", methods=["GET", "POST"])
@access.policy(RESPONSE_POLICY)
def withdraw_letter(reference: str, slug: str) -> str | HTTPResponse:
    consultation, authority, capacity = load_responding(reference, slug)
    access.require(capacity.can_submit)
    response = services.response_for(consultation, authority)
    if response is None or not response.from_letter or response.confirmed_at is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        outcome = run_action(
            lambda: services.withdraw_letter_response(
                consultation=consultation, authority=authority, actor=current_user
            ),
            form=form,
            success="The response from your letter is withdrawn. It no longer counts",
            then=lambda _: url_for("consultations.respond", reference=reference, slug=slug),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "consultations/withdraw_letter.html",
        form=form,
        consultation=consultation,
        authority=authority,
        response=response,
        deadline=services.deadline_for(consultation, authority),
    )
