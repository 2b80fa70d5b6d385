"""An authority's one response: officers and deputies draft it, an officer
marks it ready, the leader or mayor (or a deputy with sign-off delegated
today) submits it, and it can be amended until the window closes. Every save
is a revision; the list page shows each of the viewer's authorities' status."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from commission.auth.roles import Role
from commission.consultations.models import (
    Channel,
    ConsultationStatus,
    Position,
    Response,
    ResponseRevision,
    ResponseStatus,
)
from commission.extensions import db
from commission.timeutil import now_utc
from tests import factories
from tests.conftest import audit_events, count_statements
from tests.pages import (
    banner,
    csrf_token_from,
    error_summary,
    expect,
    heading,
    main_text,
    ok,
    page,
    pdf_text,
    sign_in,
    summary_list,
    table_rows,
)

# Helpers -----------------------------------------------------------------------------------------


def stored(consultation, authority) -> Response | None:
    db.session.flush()
    db.session.expire_all()
    return db.session.execute(
        select(Response).where(
            Response.consultation_id == consultation.id, Response.authority_id == authority.id
        )
    ).scalar_one_or_none()


def revisions(response: Response) -> list[ResponseRevision]:
    return list(
        db.session.execute(
            select(ResponseRevision)
            .where(ResponseRevision.response_id == response.id)
            .order_by(ResponseRevision.id)
        ).scalars()
    )


def answers(consultation, *, overall="support", comment="", version="", button="save", **per_q):
    """Form data: the overall position and, for each question in order, the
    position (position questions) and comment given as q1=..., c1=..."""
    data = {"version": str(version), "overall_position": overall, "overall_comment": comment}
    if overall is None:
        del data["overall_position"]
    for n, question in enumerate(consultation.questions, start=1):
        if question.kind.value == "position":
            chosen = per_q.get(f"q{n}", "support")
            if chosen is not None:
                data[f"position_{question.id}"] = chosen
        data[f"comment_{question.id}"] = per_q.get(f"c{n}", "Our answer" if n > 1 else "")
    data[button] = "y"
    return data


def respond_url(consultation, authority) -> str:
    return f"/consultations/{consultation.reference}/responses/{authority.slug}"


@pytest.fixture
def council():
    return factories.council(name="Kirklees Council")


@pytest.fixture
def consultation():
    return factories.consultation(title="Delivering the Sure Start revival", questions=3)


@pytest.fixture
def officer(council):
    return factories.person_at(authority=council, role=Role.OFFICER, full_name="Joanna Pike")


@pytest.fixture
def leader(council):
    return factories.person_at(authority=council, role=Role.LEADER, full_name="Tom Ashworth")


def save(client, consultation, council, **kwargs):
    version = kwargs.pop("version", None)
    if version is None:
        existing = stored(consultation, council)
        version = existing.version if existing else ""
    result = client.post(
        respond_url(consultation, council), data=answers(consultation, version=version, **kwargs)
    )
    if result.status_code == 302:
        # As a browser would: follow the redirect, which shows (and uses up) the flash.
        result.followed = client.get(result.headers["Location"])
    return result


def check_action(client, consultation, council, action):
    response = stored(consultation, council)
    return client.post(
        respond_url(consultation, council) + "/check",
        data={"action": action, "version": str(response.version)},
    )


# The list page -----------------------------------------------------------------------------------


def test_the_list_shows_open_consultations_with_days_left(client, leader, council):
    sign_in(client, leader)
    soon = factories.consultation(
        title="Closing soon", closes_at=now_utc() + timedelta(days=3, hours=2)
    )
    later = factories.consultation(
        title="Closing later", closes_at=now_utc() + timedelta(days=12, hours=2)
    )
    factories.consultation(title="Not yet", status=ConsultationStatus.DRAFT)
    response = client.get("/consultations")
    assert heading(response) == "Consultations"
    rows = table_rows(response)
    assert [r[0] for r in rows] == [
        f"Closing soon {soon.reference} · Green paper",
        f"Closing later {later.reference} · Green paper",
    ]
    assert rows[0][2].endswith("Open 3 days left")
    assert rows[1][2].endswith("Open 12 days left")
    assert rows[0][3] == "Not started"
    headers = [th.get_text(strip=True) for th in page(response).select("table thead th")]
    assert headers == ["Consultation", "Department", "Closes", "Kirklees Council"]
    assert "Not yet" not in main_text(response)


def test_the_list_shows_each_of_the_viewers_authorities_status(client, council):
    other = factories.council(name="Barnsley Council")
    person = factories.person_at(authority=council, role=Role.OFFICER)
    factories.appointment(user=person, role=Role.DEPUTY, authority=other)
    draft = factories.consultation(title="A draft", closes_at=now_utc() + timedelta(days=5))
    ready = factories.consultation(title="B ready", closes_at=now_utc() + timedelta(days=6))
    submitted = factories.consultation(title="C submitted", closes_at=now_utc() + timedelta(days=7))
    amended = factories.consultation(title="D amended", closes_at=now_utc() + timedelta(days=8))
    amending = factories.consultation(title="E amending", closes_at=now_utc() + timedelta(days=9))
    factories.draft_response(consultation=draft, authority=council)
    factories.draft_response(consultation=ready, authority=council).status = ResponseStatus.READY
    factories.submitted_response(consultation=submitted, authority=council)
    factories.submitted_response(consultation=amended, authority=council).submission_count = 2
    factories.submitted_response(
        consultation=amending, authority=council
    ).status = ResponseStatus.DRAFT
    factories.submitted_response(consultation=draft, authority=other)
    sign_in(client, person)
    rows = table_rows(client.get("/consultations"))
    assert [(r[0].split(" LGC")[0], r[3], r[4]) for r in rows] == [
        ("A draft", "Submitted", "Draft"),
        ("B ready", "Not started", "Ready for sign-off"),
        ("C submitted", "Not started", "Submitted"),
        ("D amended", "Not started", "Amended"),
        ("E amending", "Not started", "Submitted; amendment draft"),
    ]


def test_closed_consultations_are_listed_separately(client, leader, council):
    sign_in(client, leader)
    closed = factories.consultation(
        title="English Deal",
        opens_at=now_utc() - timedelta(days=90),
        closes_at=now_utc() - timedelta(days=30),
    )
    factories.submitted_response(consultation=closed, authority=council)
    response = client.get("/consultations")
    assert "There are no open consultations." in main_text(response)
    caption = page(response).select_one("table caption").get_text(strip=True)
    assert caption == "Closed consultations"
    [row] = table_rows(response)
    assert row[2].endswith("Closed")
    assert row[3] == "Submitted"


def test_the_public_sees_the_list_without_response_columns(client):
    factories.consultation(title="Sure Start")
    response = client.get("/consultations")
    headers = [th.get_text(strip=True) for th in page(response).select("table thead th")]
    assert headers == ["Consultation", "Department", "Closes"]


def _list_page_queries(client, council, how_many: int) -> int:
    """Statements run to show the list with ``how_many`` more open
    consultations, half of them answered by the viewer's council."""
    for n in range(how_many):
        consultation = factories.consultation(title=f"Consultation {n}", questions=1)
        if n % 2:
            factories.submitted_response(consultation=consultation, authority=council)
    db.session.commit()
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get("/consultations")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    expect(response, 200)
    return len(statements)


def test_the_list_pages_queries_do_not_grow_with_consultations(client, leader, council):
    sign_in(client, leader)
    five = _list_page_queries(client, council, 5)
    twenty = _list_page_queries(client, council, 15)
    assert len(table_rows(client.get("/consultations"))) == 20
    assert five > 0
    assert twenty == five


# Drafting -------------------------------------------------------------------------------------


def test_the_response_page_for_an_officer(client, consultation, council, officer):
    sign_in(client, officer)
    response = client.get(respond_url(consultation, council))
    assert heading(response) == "Kirklees Council's response"
    form = page(response).select_one("main form")
    assert form.select_one("input[name=version]")["value"] == ""
    q3 = consultation.questions[2]
    legends = [legend.get_text(strip=True) for legend in form.select("legend")]
    assert legends == ["Your authority's overall position", "1. Question 1?", "2. Question 2?"]
    assert form.select_one(f"label[for=comment_{q3.id}]").get_text(strip=True) == "3. Question 3?"
    # Each comment box on a position question names its question, so it is
    # told apart from the others when heard or listed on its own.
    comment_labels = [
        form.select_one(f"label[for=comment_{q.id}]").get_text(strip=True)
        for q in consultation.questions[:2]
    ]
    assert comment_labels == [
        "Comment on question 1 (optional)",
        "Comment on question 2 (optional)",
    ]
    counts = [div["data-maxlength"] for div in form.select(".govuk-character-count")]
    assert counts == ["5000"] * 4
    buttons = [b.get_text(strip=True) for b in form.select("button")]
    assert buttons == ["Continue to check your answers", "Save as draft"]
    assert stored(consultation, council) is None


def test_an_officer_saves_a_draft(client, consultation, council, officer):
    sign_in(client, officer)
    q1, q2, q3 = consultation.questions
    result = save(
        client,
        consultation,
        council,
        overall="support_with_amendments",
        comment="  Funding must be multi-year.  ",
        q1="oppose",
        c1="   ",
        q2="neutral",
        c2="",
        c3="Hubs need buildings.",
    )
    assert result.headers["Location"] == respond_url(consultation, council)
    response = stored(consultation, council)
    assert response.status is ResponseStatus.DRAFT
    assert response.channel is Channel.ONLINE
    assert response.overall_position is Position.SUPPORT_WITH_AMENDMENTS
    assert response.overall_comment == "Funding must be multi-year."
    assert [(a.question_id, a.position, a.comment) for a in response.answers] == [
        (q1.id, Position.OPPOSE, None),  # whitespace only is stored as empty
        (q2.id, Position.NEUTRAL, None),
        (q3.id, None, "Hubs need buildings."),
    ]
    assert response.submitted_at is None
    assert response.submission_count == 0
    assert response.updated_by_id == officer.id
    [revision] = revisions(response)
    assert (revision.action, revision.version, revision.saved_by_id) == (
        "draft saved",
        response.version,
        officer.id,
    )
    assert revision.snapshot["overall_comment"] == "Funding must be multi-year."
    [event] = audit_events("response_saved")
    assert event.summary == (
        f"Joanna Pike saved a draft of Kirklees Council's response to {consultation.reference}"
    )

    page_after = result.followed
    assert banner(page_after).startswith("Success Draft saved (")
    assert "Status: Draft." in main_text(page_after)
    assert "by Joanna Pike" in main_text(page_after)
    form = page(page_after).select_one("main form")
    assert form.select_one("input[name=version]")["value"] == str(response.version)
    assert form.select_one("input[name=overall_position][checked]")["value"] == (
        "support_with_amendments"
    )
    assert form.select_one(f"textarea[name=comment_{q3.id}]").get_text() == "Hubs need buildings."


def test_a_draft_can_be_saved_incomplete(client, consultation, council, officer):
    sign_in(client, officer)
    save(client, consultation, council, overall=None, q1=None, q2=None, c3="")
    response = stored(consultation, council)
    assert response.overall_position is None
    assert [a.position for a in response.answers] == [None, None, None]
    assert response.answers[2].comment is None


def test_saving_again_moves_the_version_on_and_adds_a_revision(
    client, consultation, council, officer
):
    sign_in(client, officer)
    save(client, consultation, council)
    first = stored(consultation, council).version
    save(client, consultation, council, overall="oppose")
    response = stored(consultation, council)
    assert response.version > first
    assert response.overall_position is Position.OPPOSE
    assert [r.action for r in revisions(response)] == ["draft saved", "draft saved"]


@pytest.mark.parametrize("field", ["overall", "question"])
def test_an_over_long_comment_is_refused_with_an_error_on_the_field(
    client, consultation, council, officer, field
):
    sign_in(client, officer)
    q1 = consultation.questions[0]
    too_long = "x" * 5001
    kwargs = {"comment": too_long} if field == "overall" else {"c1": too_long}
    shown = ok(save(client, consultation, council, **kwargs))
    anchor = "#overall_comment" if field == "overall" else f"#comment_{q1.id}"
    assert error_summary(shown) == [("Your comment must be 5,000 characters or fewer", anchor)]
    name = anchor[1:]
    assert page(shown).select_one(f"textarea[name={name}]").get_text() == too_long
    assert stored(consultation, council) is None
    assert audit_events("response_saved") == []


def test_exactly_the_limit_is_accepted(client, consultation, council, officer):
    sign_in(client, officer)
    save(client, consultation, council, comment="y" * 5000)
    assert len(stored(consultation, council).overall_comment) == 5000


def test_a_line_break_counts_as_one_character_as_on_the_page(
    client, consultation, council, officer
):
    sign_in(client, officer)
    text = "y" * 2500 + "\r\n" + "y" * 2499  # as a browser sends it: 5,001 bytes of text
    result = save(client, consultation, council, comment=text)
    expect(result, 302)
    assert stored(consultation, council).overall_comment == "y" * 2500 + "\n" + "y" * 2499


def test_the_limit_comes_from_configuration(client, app, consultation, council, officer):
    sign_in(client, officer)
    app.config["COMMENT_MAX_LENGTH"] = 40
    try:
        form = page(client.get(respond_url(consultation, council)))
        assert form.select_one(".govuk-character-count")["data-maxlength"] == "40"
        response = save(client, consultation, council, comment="z" * 41)
        assert error_summary(response) == [
            ("Your comment must be 40 characters or fewer", "#overall_comment")
        ]
    finally:
        app.config["COMMENT_MAX_LENGTH"] = 5000


# Checking, marking ready and submitting ---------------------------------------------------------


def test_continue_to_check_your_answers(client, consultation, council, officer):
    sign_in(client, officer)
    result = save(client, consultation, council, button="check", comment="Broadly welcome")
    assert result.headers["Location"] == respond_url(consultation, council) + "/check"
    check = client.get(result.headers["Location"])
    assert heading(check) == "Check Kirklees Council's response"
    assert "Status: Draft." in main_text(check)
    assert summary_list(check) == {
        "Overall position": "Support Broadly welcome",
        "1. Question 1?": "Support",
        "2. Question 2?": "Support Our answer",
        "3. Question 3?": "Our answer",
        "Supporting documents": "None",
    }
    q1 = consultation.questions[0]
    changes = [a["href"] for a in page(check).select(".govuk-summary-list__actions a")]
    assert changes[0] == respond_url(consultation, council) + "#overall_position"
    assert changes[1] == respond_url(consultation, council) + f"#position_{q1.id}"
    buttons = [b.get_text(strip=True) for b in page(check).select("main form button")]
    assert buttons == ["Mark ready for sign-off"]
    assert "Only the leader, or a deputy with delegated sign-off, can submit." in main_text(check)


def test_an_officer_marks_it_ready_for_sign_off(client, consultation, council, officer):
    sign_in(client, officer)
    save(client, consultation, council)
    result = check_action(client, consultation, council, "ready")
    assert result.headers["Location"] == respond_url(consultation, council) + "/check"
    response = stored(consultation, council)
    assert response.status is ResponseStatus.READY
    assert response.submitted_at is None
    assert [r.action for r in revisions(response)] == ["draft saved", "ready for sign-off"]
    [event] = audit_events("response_ready")
    assert event.summary == (
        f"Joanna Pike marked Kirklees Council's response to {consultation.reference} "
        "ready for sign-off"
    )
    check = client.get(result.headers["Location"])
    assert banner(check) == "Success Marked ready for sign-off"
    assert "Status: Ready for sign-off." in main_text(check)
    assert "This response is ready for sign-off by the leader" in main_text(check)
    assert page(check).select("main form button") == []
    rows = table_rows(client.get("/consultations"))
    assert rows[0][3] == "Ready for sign-off"


def test_an_officer_cannot_submit(client, consultation, council, officer):
    sign_in(client, officer)
    save(client, consultation, council)
    result = ok(check_action(client, consultation, council, "submit"))
    assert error_summary(result) == [
        ("Only the leader or mayor, or a deputy with delegated sign-off, can submit", "")
    ]
    response = stored(consultation, council)
    assert response.status is ResponseStatus.DRAFT
    assert response.submitted_at is None
    assert audit_events("response_submitted") == []


def test_a_deputy_cannot_mark_ready(client, consultation, council):
    deputy = factories.person_at(authority=council, role=Role.DEPUTY)
    sign_in(client, deputy)
    save(client, consultation, council)
    check = client.get(respond_url(consultation, council) + "/check")
    assert page(check).select("main form button") == []
    result = check_action(client, consultation, council, "ready")
    assert error_summary(result) == [
        ("Only an officer, or the leader or mayor, can mark it ready for sign-off", "")
    ]
    assert stored(consultation, council).status is ResponseStatus.DRAFT


def test_a_deputy_without_sign_off_is_told_who_can_submit(client, consultation, council):
    sign_in(client, factories.person_at(authority=council, role=Role.DEPUTY))
    save(client, consultation, council)
    check = client.get(respond_url(consultation, council) + "/check")
    assert (
        "Only the leader, or a deputy with delegated sign-off, can submit. An officer can mark "
        "it ready for sign-off so they know it is waiting for them."
    ) in main_text(check)


def test_an_unknown_action_is_a_bad_request(client, consultation, council, leader):
    sign_in(client, leader)
    save(client, consultation, council)
    expect(check_action(client, consultation, council, "publish"), 400)


def test_the_leader_submits(client, consultation, council, officer, leader):
    sign_in(client, officer)
    save(client, consultation, council, comment="Welcome", c3="Hubs need buildings.")
    check_action(client, consultation, council, "ready")

    sign_in(client, leader)
    check = client.get(respond_url(consultation, council) + "/check")
    assert "Now sign off Kirklees Council's response" in main_text(check)
    assert [b.get_text(strip=True) for b in page(check).select("main form button")] == [
        "Sign off and submit"
    ]
    result = check_action(client, consultation, council, "submit")
    assert result.headers["Location"] == respond_url(consultation, council) + "/confirmation"

    response = stored(consultation, council)
    assert response.status is ResponseStatus.SUBMITTED
    assert response.submitted_position is Position.SUPPORT
    assert response.submitted_comment == "Welcome"
    assert [(a.submitted_position, a.submitted_comment) for a in response.answers] == [
        (Position.SUPPORT, None),
        (Position.SUPPORT, "Our answer"),
        (None, "Hubs need buildings."),
    ]
    assert response.submitted_by_id == leader.id
    assert response.submitted_at is not None
    assert response.submission_count == 1
    assert response.control_at_submission == "labour"
    assert [r.action for r in revisions(response)] == [
        "draft saved",
        "ready for sign-off",
        "submitted",
    ]
    [event] = audit_events("response_submitted")
    assert event.summary == (
        f"Tom Ashworth submitted Kirklees Council's response to {consultation.reference}"
    )

    confirmation = client.get(result.headers["Location"])
    panel = page(confirmation).select_one(".govuk-panel")
    assert panel.get_text(" ", strip=True) == (
        f"Response submitted Kirklees Council {consultation.reference}"
    )
    assert "was signed off by Tom Ashworth" in main_text(confirmation)
    pdf_link = page(confirmation).select_one("main a[href$='.pdf']")
    assert pdf_link["href"] == respond_url(consultation, council) + ".pdf"

    pdf = client.get(pdf_link["href"])
    expect(pdf, 200)
    assert pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == (
        f'inline; filename="{consultation.reference}-{council.slug}.pdf"'
    )
    text = pdf_text(pdf)
    assert f"Kirklees Council: response to {consultation.reference}" in text
    assert "Delivering the Sure Start revival" in text
    assert "Signed off by Tom Ashworth" in text
    assert "Overall position Support Welcome" in text
    assert "3. Question 3? Hubs need buildings." in text

    listing = table_rows(client.get("/consultations"))
    assert listing[0][3] == "Submitted"
    shown = client.get(respond_url(consultation, council))
    assert "Status: Submitted." in main_text(shown)
    assert page(shown).select_one(f"main a[href='{respond_url(consultation, council)}.pdf']")


def test_signing_off_builds_the_responses_search_documents_once(
    client, consultation, council, officer, leader
):
    """The sign-off changes the response and its answers, then adds its
    revision: the index builds the response's documents after the first and
    not again for the revision (which no document shows)."""
    sign_in(client, officer)
    save(client, consultation, council, comment="Welcome", c3="Hubs need buildings.")
    check_action(client, consultation, council, "ready")
    sign_in(client, leader)
    client.get(respond_url(consultation, council) + "/check")

    with count_statements() as statements:
        check_action(client, consultation, council, "submit")

    built = [s for s in statements if s.lstrip().startswith("SELECT search_documents.id")]
    assert len(built) == 1
    assert stored(consultation, council).status is ResponseStatus.SUBMITTED


def test_the_leader_can_submit_without_the_ready_step(client, consultation, council, leader):
    sign_in(client, leader)
    save(client, consultation, council)
    check_action(client, consultation, council, "submit")
    assert stored(consultation, council).status is ResponseStatus.SUBMITTED


def test_a_mayor_submits_for_a_strategic_authority(client, consultation):
    authority = factories.strategic_authority(name="Greater Testshire Combined Authority")
    mayor = factories.person_at(authority=authority, role=Role.MAYOR)
    sign_in(client, mayor)
    save(client, consultation, authority)
    check_action(client, consultation, authority, "submit")
    response = stored(consultation, authority)
    assert response.status is ResponseStatus.SUBMITTED
    assert response.control_at_submission is None


def test_a_deputy_with_sign_off_delegated_for_today_can_submit(client, consultation, council):
    deputy = factories.person_at(authority=council, role=Role.DEPUTY, sign_off=True)
    sign_in(client, deputy)
    save(client, consultation, council)
    check = client.get(respond_url(consultation, council) + "/check")
    assert "Sign off and submit" in main_text(check)
    check_action(client, consultation, council, "submit")
    response = stored(consultation, council)
    assert response.status is ResponseStatus.SUBMITTED
    assert response.submitted_by_id == deputy.id


def test_a_deputy_whose_sign_off_delegation_has_ended_cannot_submit(client, consultation, council):
    from commission.timeutil import today

    deputy = factories.person_at(
        authority=council,
        role=Role.DEPUTY,
        sign_off_from=today() - timedelta(days=20),
        sign_off_until=today() - timedelta(days=1),
    )
    sign_in(client, deputy)
    save(client, consultation, council)
    check = client.get(respond_url(consultation, council) + "/check")
    assert "Sign off and submit" not in main_text(check)
    result = check_action(client, consultation, council, "submit")
    assert error_summary(result) == [
        ("Only the leader or mayor, or a deputy with delegated sign-off, can submit", "")
    ]
    assert stored(consultation, council).status is ResponseStatus.DRAFT


def test_a_deputy_without_sign_off_cannot_submit(client, consultation, council):
    deputy = factories.person_at(authority=council, role=Role.DEPUTY)
    sign_in(client, deputy)
    save(client, consultation, council)
    result = check_action(client, consultation, council, "submit")
    expect(result, 200)
    assert stored(consultation, council).status is ResponseStatus.DRAFT


# What a submission needs -----------------------------------------------------------------------


def test_a_missing_position_on_a_required_question_stops_sign_off(
    client, consultation, council, leader
):
    sign_in(client, leader)
    save(client, consultation, council, q2=None)
    check = client.get(respond_url(consultation, council) + "/check")
    assert "Before it can be signed off: select a position for question 2." in main_text(check)
    assert summary_list(check)["2. Question 2?"] == "Not answered Our answer"
    assert page(check).select("main form button") == []
    result = check_action(client, consultation, council, "submit")
    assert error_summary(result) == [("Select a position for question 2", "")]
    assert stored(consultation, council).submitted_at is None


def test_a_missing_overall_position_stops_sign_off(client, consultation, council, leader):
    sign_in(client, leader)
    save(client, consultation, council, overall=None)
    result = check_action(client, consultation, council, "submit")
    assert error_summary(result) == [("Select your authority's overall position", "")]
    assert stored(consultation, council).status is ResponseStatus.DRAFT


def test_a_required_free_text_answer_of_only_spaces_is_not_answered(
    client, consultation, council, officer
):
    sign_in(client, officer)
    save(client, consultation, council, c3="   \n\t  ")
    q3 = consultation.questions[2]
    assert stored(consultation, council).answer_for(q3.id).comment is None
    check = client.get(respond_url(consultation, council) + "/check")
    assert summary_list(check)["3. Question 3?"] == "Not answered"
    assert "Before it can be signed off: enter an answer to question 3." in main_text(check)
    result = check_action(client, consultation, council, "ready")
    assert error_summary(result) == [("Enter an answer to question 3", "")]
    assert stored(consultation, council).status is ResponseStatus.DRAFT


def test_an_optional_question_can_be_left_unanswered(client, council, leader):
    consultation = factories.consultation(questions=2)
    consultation.questions[1].required = False
    sign_in(client, leader)
    save(client, consultation, council, c2="")
    check_action(client, consultation, council, "submit")
    assert stored(consultation, council).status is ResponseStatus.SUBMITTED


def test_check_before_any_save_goes_back_to_the_form(client, consultation, council, officer):
    sign_in(client, officer)
    result = client.get(respond_url(consultation, council) + "/check")
    assert result.headers["Location"] == respond_url(consultation, council)


@pytest.mark.parametrize("suffix", ["/confirmation", ".pdf"])
def test_confirmation_and_pdf_need_a_submission(client, consultation, council, officer, suffix):
    sign_in(client, officer)
    save(client, consultation, council)
    expect(client.get(respond_url(consultation, council) + suffix), 404)


# Amending -------------------------------------------------------------------------------------


def test_amending_after_submission(client, consultation, council, officer, leader):
    sign_in(client, leader)
    save(client, consultation, council, overall="support")
    check_action(client, consultation, council, "submit")
    first_submitted_at = stored(consultation, council).submitted_at

    sign_in(client, officer)
    save(client, consultation, council, overall="oppose", comment="We changed our mind")
    response = stored(consultation, council)
    assert response.status is ResponseStatus.DRAFT
    assert response.overall_position is Position.OPPOSE
    assert response.submitted_position is Position.SUPPORT  # what counts is unchanged
    assert response.submission_count == 1
    shown = client.get(respond_url(consultation, council))
    assert "Status: Submitted; amendment draft." in main_text(shown)
    assert table_rows(client.get("/consultations"))[0][3] == "Submitted; amendment draft"
    check_action(client, consultation, council, "ready")
    assert table_rows(client.get("/consultations"))[0][3] == (
        "Submitted; amendment ready for sign-off"
    )

    sign_in(client, leader)
    result = check_action(client, consultation, council, "submit")
    response = stored(consultation, council)
    assert response.status is ResponseStatus.SUBMITTED
    assert response.submission_count == 2
    assert response.submitted_position is Position.OPPOSE
    assert response.submitted_comment == "We changed our mind"
    assert response.submitted_at >= first_submitted_at
    assert response.display_status == "Amended"
    assert [r.action for r in revisions(response)][-1] == "amended"
    [event] = audit_events("response_amended")
    assert event.summary.startswith("Tom Ashworth amended Kirklees Council's response")

    confirmation = client.get(result.headers["Location"])
    assert page(confirmation).select_one(".govuk-panel__title").get_text(strip=True) == (
        "Response amended"
    )
    assert table_rows(client.get("/consultations"))[0][3] == "Amended"
    text = pdf_text(client.get(respond_url(consultation, council) + ".pdf"))
    assert "(amendment 1)" in text
    assert "Oppose" in text


# HTML in comments ------------------------------------------------------------------------------

HTML = '<script>alert("x")</script><b>bold</b>'


def test_html_in_a_comment_is_escaped_on_every_page(client, consultation, council, leader):
    sign_in(client, leader)
    save(client, consultation, council, comment=HTML, c1=HTML, c3=HTML)
    assert stored(consultation, council).overall_comment == HTML
    pages = {
        "response": client.get(respond_url(consultation, council)),
        "check": client.get(respond_url(consultation, council) + "/check"),
        "history": client.get(respond_url(consultation, council) + "/history"),
    }
    check_action(client, consultation, council, "submit")
    secretariat = factories.user(role=Role.SECRETARIAT)
    sign_in(client, secretariat)
    pages["secretariat's view"] = client.get(respond_url(consultation, council))
    for name, response in pages.items():
        html = response.get_data(as_text=True)
        assert "<script>alert" not in html, name
        assert "<b>bold</b>" not in html, name
        assert "&lt;script&gt;" in html, name
        assert HTML in page(response).select_one("main").get_text(), name
    sign_in(client, leader)
    text = pdf_text(client.get(respond_url(consultation, council) + ".pdf"))
    assert 'alert("x")' in text and "<b>bold</b>" in text


# History --------------------------------------------------------------------------------------


def test_the_history_page_lists_each_save_with_before_and_after(
    client, consultation, council, officer, leader
):
    sign_in(client, officer)
    save(client, consultation, council, overall="neutral", q1="oppose", c3="First thoughts")
    save(
        client,
        consultation,
        council,
        overall="neutral",
        q1="support",
        c1="On reflection",
        c3="First thoughts",
    )
    check_action(client, consultation, council, "ready")
    sign_in(client, leader)
    check_action(client, consultation, council, "submit")

    response = client.get(respond_url(consultation, council) + "/history")
    assert heading(response) == "History of Kirklees Council's response"
    titles = [h.get_text(" ", strip=True) for h in page(response).select("main h2.govuk-heading-s")]
    assert [t.split(":")[0] for t in titles] == [
        "Submitted",
        "Ready for sign-off",
        "Draft saved",
        "Draft saved",
    ]
    bylines = [p.get_text(strip=True) for p in page(response).select("main p.govuk-body-s")]
    assert bylines[0].startswith("By Tom Ashworth (version ")
    assert bylines[2].startswith("By Joanna Pike (version ")
    assert main_text(response).count("No answers changed.") == 2
    tables = page(response).select("main table")
    second_save = [
        [c.get_text(" ", strip=True) for c in row.select("td")]
        for row in tables[0].select("tbody tr")
    ]
    assert second_save == [["Question 1", "Oppose", "Support: “On reflection”"]]
    first_save = [
        [c.get_text(" ", strip=True) for c in row.select("td")]
        for row in tables[1].select("tbody tr")
    ]
    assert first_save == [
        ["Overall position", "Not answered", "Neutral"],
        ["Question 1", "Not answered", "Oppose"],
        ["Question 2", "Not answered", "Support: “Our answer”"],
        ["Question 3", "Not answered", "“First thoughts”"],
    ]
    link = page(client.get(respond_url(consultation, council))).select_one(
        "main a[href$='/history']"
    )
    assert link.get_text(strip=True) == "See every change to this response"


def test_there_is_no_history_before_the_first_save(client, consultation, council, officer):
    sign_in(client, officer)
    expect(client.get(respond_url(consultation, council) + "/history"), 404)


# Who may see and change a response ------------------------------------------------------------

RESPONSE_PAGES = ["", "/check", "/confirmation", "/history", ".pdf"]


@pytest.mark.parametrize("suffix", RESPONSE_PAGES)
@pytest.mark.parametrize(
    "who", ["other leader", "other officer", "other deputy", "minister", "chair"]
)
def test_other_people_cannot_see_a_response(client, consultation, council, who, suffix):
    factories.submitted_response(consultation=consultation, authority=council)
    elsewhere = factories.council(name="Elsewhere Council")
    person = {
        "other leader": lambda: factories.person_at(authority=elsewhere, role=Role.LEADER),
        "other officer": lambda: factories.person_at(authority=elsewhere, role=Role.OFFICER),
        "other deputy": lambda: factories.person_at(
            authority=elsewhere, role=Role.DEPUTY, sign_off=True
        ),
        "minister": lambda: factories.user(role=Role.MINISTER),
        "chair": lambda: factories.user(role=Role.CHAIR),
    }[who]()
    sign_in(client, person)
    response = client.get(respond_url(consultation, council) + suffix)
    expect(response, 403)
    assert heading(response) == "You do not have permission to see this page"


@pytest.mark.parametrize("suffix", ["", "/check"])
@pytest.mark.parametrize("who", ["other leader", "secretariat", "minister"])
def test_other_people_cannot_change_a_response(client, consultation, council, who, suffix):
    original = factories.submitted_response(consultation=consultation, authority=council)
    version = original.version
    elsewhere = factories.council()
    person = {
        "other leader": lambda: factories.person_at(authority=elsewhere, role=Role.LEADER),
        "secretariat": lambda: factories.user(role=Role.SECRETARIAT),
        "minister": lambda: factories.user(role=Role.MINISTER),
    }[who]()
    sign_in(client, person)
    data = answers(consultation, overall="oppose", version=version)
    data.update({"action": "submit"})
    response = client.post(respond_url(consultation, council) + suffix, data=data)
    if who == "secretariat" and suffix == "/check":
        # The secretariat can read the page, but the service refuses the sign-off.
        assert error_summary(response) == [
            ("Only the leader or mayor, or a deputy with delegated sign-off, can submit", "")
        ]
    else:
        expect(response, 403)
    after = stored(consultation, council)
    assert after.overall_position is Position.SUPPORT
    assert after.version == version
    assert after.submission_count == 1


@pytest.mark.parametrize("suffix", RESPONSE_PAGES)
def test_someone_not_signed_in_is_asked_to_sign_in(client, consultation, council, suffix):
    factories.submitted_response(consultation=consultation, authority=council)
    response = client.get(respond_url(consultation, council) + suffix)
    expect(response, 302)
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_the_secretariat_reads_a_submitted_response_without_a_form(client, consultation, council):
    factories.submitted_response(
        consultation=consultation, authority=council, position=Position.OPPOSE
    )
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    shown = ok(client.get(respond_url(consultation, council)))
    assert page(shown).select("main form") == []
    assert summary_list(shown)["Overall position"] == "Oppose"
    assert summary_list(shown)["3. Question 3?"] == "Our view"


def test_an_unknown_authority_is_not_found(client, consultation, leader):
    sign_in(client, leader)
    response = client.get(f"/consultations/{consultation.reference}/responses/nowhere")
    expect(response, 404)


def test_the_consultation_page_shows_my_authoritys_response(client, consultation, council, leader):
    sign_in(client, leader)
    shown = client.get(f"/consultations/{consultation.reference}")
    inset = " ".join(page(shown).select_one("main .govuk-inset-text").get_text(" ").split())
    assert inset.replace(" .", ".").startswith("Kirklees Council's response Status: Not started.")
    assert "Work on the response" in inset
    save(client, consultation, council)
    inset = page(client.get(f"/consultations/{consultation.reference}")).select_one(
        "main .govuk-inset-text"
    )
    assert "Status: Draft ." in " ".join(inset.get_text(" ").split())


def test_the_response_forms_carry_csrf_tokens(client, csrf_enabled, consultation, council, leader):
    sign_in(client, leader)
    url = respond_url(consultation, council)
    refused = client.post(url, data=answers(consultation))
    expect(refused, 400)
    assert stored(consultation, council) is None

    form = client.get(url)
    data = answers(consultation, button="check")
    data["csrf_token"] = csrf_token_from(form)
    result = client.post(url, data=data)
    assert result.headers["Location"] == url + "/check"

    check = client.get(url + "/check")
    response = stored(consultation, council)
    client.post(url + "/check", data={"action": "submit", "version": str(response.version)})
    assert stored(consultation, council).status is ResponseStatus.DRAFT
    client.post(
        url + "/check",
        data={
            "action": "submit",
            "version": str(response.version),
            "csrf_token": csrf_token_from(check),
        },
    )
    assert stored(consultation, council).status is ResponseStatus.SUBMITTED


def test_an_authority_that_is_not_a_member_cannot_respond(client, consultation):
    outsider = factories.council(name="Outside Council", member=False)
    officer = factories.person_at(authority=outsider, role=Role.OFFICER)
    sign_in(client, officer)
    result = ok(save(client, consultation, outsider, overall="support", c3="Our view."))
    assert "Outside Council is not a member of the Commission" in main_text(result)
    assert stored(consultation, outsider) is None
