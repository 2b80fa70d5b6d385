"""Setting up a consultation: the secretariat creates it (the reference is
given automatically), asks ordered questions, uploads documents checked like
meeting papers, previews the form as a council will see it and opens it in a
confirmed step; questions are locked once any authority has started a
response. Agenda items link consultations both ways."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from commission.auth.roles import Role
from commission.consultations.models import (
    Consultation,
    ConsultationDocument,
    ConsultationStatus,
    LegislativeStage,
    Question,
    QuestionKind,
    Response,
)
from commission.extensions import db
from commission.meetings.models import MeetingStatus
from commission.storage import storage
from commission.timeutil import LONDON, format_datetime, now_utc, today
from tests import factories
from tests.conftest import audit_events
from tests.factories import PDF_BYTES
from tests.pages import (
    banner,
    error_summary,
    expect,
    form_fields,
    heading,
    main_text,
    ok,
    page,
    summary_list,
)

FORBIDDEN_ROLES = [Role.LEADER, Role.OFFICER, Role.MINISTER, Role.CHAIR]
REAL_PDF = PDF_BYTES + b"% Sure Start consultation paper\n"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def consultations() -> list[Consultation]:
    return list(db.session.execute(select(Consultation).order_by(Consultation.id)).scalars())


def documents() -> list[ConsultationDocument]:
    return list(
        db.session.execute(select(ConsultationDocument).order_by(ConsultationDocument.id)).scalars()
    )


def questions_of(consultation: Consultation) -> list[tuple[int, str]]:
    return [
        (q.position, q.text)
        for q in db.session.execute(
            select(Question)
            .where(Question.consultation_id == consultation.id)
            .order_by(Question.position)
        ).scalars()
    ]


@pytest.fixture
def secretariat(login_as):
    return login_as(Role.SECRETARIAT, full_name="Sam Secretariat")


@pytest.fixture
def education():
    department = factories.department(name="Department for Education", short_name="DfE")
    office = factories.ministerial_office(
        department=department, title="Secretary of State for Education"
    )
    return department, office


def details(department, office=None, /, **overrides) -> dict[str, object]:
    data = {
        "title": "Delivering the Sure Start revival",
        "summary": "Family hubs in every area.\nHow councils would run them.",
        "department": str(department.id),
        "lead_office": str(office.id) if office else "",
        "stage": "policy_development",
        "opens_day": ["1", "2", "2027"],
        "opens_time": "9am",
        "closes_day": ["31", "3", "2027"],
        "closes_time": "11:59pm",
    }
    data.update(overrides)
    return data


def draft(**kwargs) -> Consultation:
    return factories.consultation(status=ConsultationStatus.DRAFT, **kwargs)


# Who may set up --------------------------------------------------------------------------------

SECRETARIAT_PAGES = [
    ("get", "/consultations/new"),
    ("post", "/consultations/new"),
    ("get", "/consultations/{ref}/edit"),
    ("post", "/consultations/{ref}/edit"),
    ("get", "/consultations/{ref}/questions/new"),
    ("post", "/consultations/{ref}/questions/new"),
    ("get", "/consultations/{ref}/questions/{q}/edit"),
    ("post", "/consultations/{ref}/questions/{q}/edit"),
    ("get", "/consultations/{ref}/questions/{q}/remove"),
    ("post", "/consultations/{ref}/questions/{q}/remove"),
    ("post", "/consultations/{ref}/questions/{q}/move"),
    ("get", "/consultations/{ref}/preview"),
    ("get", "/consultations/{ref}/open"),
    ("post", "/consultations/{ref}/open"),
    ("get", "/consultations/{ref}/documents/new"),
    ("post", "/consultations/{ref}/documents/new"),
]


@pytest.mark.parametrize("role", [*FORBIDDEN_ROLES, None], ids=lambda r: r or "anonymous")
@pytest.mark.parametrize(("method", "path"), SECRETARIAT_PAGES)
def test_only_the_secretariat_may_set_up_consultations(client, login_as, role, method, path):
    consultation = draft(title="Adult social care", questions=2)
    first = consultation.questions[0]
    if role is not None:
        login_as(role)
    url = path.format(ref=consultation.reference, q=first.id)
    response = getattr(client, method)(
        url, data={"title": "Changed", "text": "Changed?", "kind": "position", "direction": "down"}
    )
    if role is None:
        expect(response, 302)
        assert response.headers["Location"].startswith("/sign-in?next=")
    else:
        expect(response, 403)
        assert heading(response) == "You do not have permission to see this page"
    db.session.expire_all()
    assert [c.title for c in consultations()] == ["Adult social care"]
    assert questions_of(consultation) == [(1, "Question 1?"), (2, "Question 2?")]
    assert consultation.status is ConsultationStatus.DRAFT
    assert documents() == []


@pytest.mark.parametrize("role", [*FORBIDDEN_ROLES, Role.DEPUTY, None])
@pytest.mark.parametrize("suffix", ["", "/responses/{slug}", "/responses/{slug}/check"])
def test_a_draft_consultation_does_not_exist_for_anyone_but_the_secretariat(client, role, suffix):
    council = factories.council()
    consultation = draft()
    if role is not None:
        if role in (Role.MINISTER, Role.CHAIR):
            person = factories.user(role=role)
        else:
            person = factories.person_at(authority=council, role=role)
        with client.session_transaction() as session:
            session["_user_id"] = person.get_id()
    response = client.get(
        f"/consultations/{consultation.reference}" + suffix.format(slug=council.slug)
    )
    if role is None and suffix:
        expect(response, 302)  # responses need a sign-in first
    else:
        expect(response, 404)
        assert heading(response) == "Page not found"


def test_the_secretariat_sees_a_draft_consultation(client, secretariat):
    consultation = draft(title="Adult social care")
    response = client.get(f"/consultations/{consultation.reference}")
    assert heading(response) == "Adult social care"
    assert "Draft" in main_text(response)
    assert "Open the consultation" in main_text(response)
    listing = client.get("/consultations")
    captions = [c.get_text(strip=True) for c in page(listing).select("caption")]
    assert "Drafts (only the secretariat can see these)" in captions


# Creating ---------------------------------------------------------------------------------------


def test_the_create_form(client, secretariat, education):
    response = client.get("/consultations/new")
    assert heading(response) == "Create a consultation"
    form = page(response).select_one("main form")
    assert form.select_one("input[name=opens_time]")["value"] == "9am"
    assert form.select_one("input[name=closes_time]")["value"] == "11:59pm"
    offices = [o.get_text() for o in form.select("select[name=lead_office] option")]
    assert "Secretary of State for Education (DfE)" in offices
    stages = [o.get_text() for o in form.select("select[name=stage] option")]
    assert stages == [s.label for s in LegislativeStage]


def test_creating_a_consultation_gives_the_next_reference(client, secretariat, education):
    department, office = education
    response = client.post("/consultations/new", data=details(department, office))
    expect(response, 302, location="/consultations/LGC-2027-001")
    [consultation] = consultations()
    assert consultation.reference == "LGC-2027-001"
    assert consultation.title == "Delivering the Sure Start revival"
    assert consultation.department_id == department.id
    assert consultation.lead_office_id == office.id
    assert consultation.stage is LegislativeStage.POLICY_DEVELOPMENT
    assert consultation.status is ConsultationStatus.DRAFT
    assert consultation.opened_at is None
    assert consultation.is_demo is False
    assert consultation.created_by_id == secretariat.id
    # Entered in London (GMT in February, BST by 31 March), stored in UTC.
    assert consultation.opens_at == datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
    assert consultation.closes_at == datetime(2027, 3, 31, 22, 59, tzinfo=UTC)
    [event] = audit_events("consultation_created")
    assert event.summary == (
        "Sam Secretariat created LGC-2027-001: Delivering the Sure Start revival"
    )

    shown = client.get(response.headers["Location"])
    assert banner(shown) == "Success LGC-2027-001 saved"
    assert heading(shown) == "Delivering the Sure Start revival"
    assert summary_list(shown) == {
        "Department": "Department for Education",
        "Lead minister": "Secretary of State for Education",
        "Legislative stage": "Policy development",
        "Opens": "Monday 1 February 2027, 9am",
        "Closes": "Wednesday 31 March 2027, 11:59pm",
    }
    paragraphs = [p.get_text(strip=True) for p in page(shown).select("main p.govuk-body")]
    assert "Family hubs in every area." in paragraphs
    assert "How councils would run them." in paragraphs


def test_references_count_up_within_the_year(client, secretariat, education):
    department, office = education
    client.post("/consultations/new", data=details(department, office, title="First"))
    second = client.post("/consultations/new", data=details(department, office, title="Second"))
    later = client.post(
        "/consultations/new",
        data=details(
            department,
            office,
            title="Next year",
            opens_day=["1", "2", "2028"],
            closes_day=["31", "3", "2028"],
        ),
    )
    assert second.headers["Location"] == "/consultations/LGC-2027-002"
    assert later.headers["Location"] == "/consultations/LGC-2028-001"
    assert [(c.reference, c.title) for c in consultations()] == [
        ("LGC-2027-001", "First"),
        ("LGC-2027-002", "Second"),
        ("LGC-2028-001", "Next year"),
    ]


def test_a_gap_in_the_references_is_never_filled_twice(client, secretariat, education):
    department, office = education
    client.post("/consultations/new", data=details(department, office, title="First"))
    [first] = consultations()
    first.reference = "LGC-2027-003"  # numbered by hand, leaving a gap
    db.session.commit()
    response = client.post("/consultations/new", data=details(department, office, title="Next"))
    assert response.headers["Location"] == "/consultations/LGC-2027-004"


def test_two_people_creating_at_once_get_different_references(
    client, secretariat, education, monkeypatch
):
    department, office = education
    client.post("/consultations/new", data=details(department, office, title="First"))
    from commission.consultations import services

    real = services.next_reference
    picks = iter(["LGC-2027-001"])  # what the other person's request also saw

    def stale_then_real(year: int) -> str:
        return next(picks, None) or real(year)

    monkeypatch.setattr(services, "next_reference", stale_then_real)
    response = client.post("/consultations/new", data=details(department, office, title="Second"))
    assert response.headers["Location"] == "/consultations/LGC-2027-002"
    assert [(c.reference, c.title) for c in consultations()] == [
        ("LGC-2027-001", "First"),
        ("LGC-2027-002", "Second"),
    ]


def test_the_lead_minister_is_optional(client, secretariat, education):
    department, _ = education
    client.post("/consultations/new", data=details(department))
    [consultation] = consultations()
    assert consultation.lead_office_id is None
    shown = client.get(f"/consultations/{consultation.reference}")
    assert summary_list(shown)["Lead minister"] == "Not named"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"title": "  "}, [("Enter a title", "#title")]),
        ({"summary": ""}, [("Enter a summary", "#summary")]),
        ({"department": ""}, [("Select the department", "#department")]),
        (
            {"closes_day": ["", "", ""]},
            [("Enter the date the consultation closes", "#closes_day")],
        ),
        (
            {"closes_day": ["1", "2", "2027"], "closes_time": "9am"},
            [("The closing date must be after the opening date", "#closes_day")],
        ),
        (
            {"closes_day": ["31", "1", "2027"]},
            [("The closing date must be after the opening date", "#closes_day")],
        ),
    ],
)
def test_details_that_cannot_be_saved(client, secretariat, education, overrides, expected):
    department, office = education
    shown = ok(client.post("/consultations/new", data=details(department, office, **overrides)))
    assert heading(shown) == "Create a consultation"
    assert error_summary(shown) == expected
    assert consultations() == []
    assert audit_events("consultation_created") == []


def test_the_lead_minister_must_be_in_the_department(client, secretariat, education):
    department, _ = education
    elsewhere = factories.ministerial_office(
        department=factories.department(name="Department of Health and Social Care"),
        title="Minister for Care",
    )
    response = client.post("/consultations/new", data=details(department, elsewhere))
    assert error_summary(response) == [
        ("The lead minister must be in Department for Education", "#lead_office")
    ]
    assert consultations() == []
    # What was typed is kept.
    form = page(response).select_one("main form")
    assert form.select_one("input[name=title]")["value"] == "Delivering the Sure Start revival"


# Changing the details ----------------------------------------------------------------------------


def test_changing_the_details(client, secretariat, education):
    department, office = education
    consultation = draft(department=department, title="Old title")
    form = client.get(f"/consultations/{consultation.reference}/edit")
    assert heading(form) == f"Change {consultation.reference}"
    assert form_fields(ok(form))["title"] == "Old title"
    response = client.post(
        f"/consultations/{consultation.reference}/edit",
        data=details(department, office, title="New title"),
    )
    assert response.headers["Location"] == f"/consultations/{consultation.reference}"
    db.session.expire_all()
    assert consultation.title == "New title"
    assert consultation.lead_office_id == office.id
    assert consultation.reference.startswith("LGC-")
    [event] = audit_events("consultation_updated")
    assert event.summary == f"Sam Secretariat updated {consultation.reference}"


def test_changing_the_details_is_validated(client, secretariat, education):
    department, office = education
    consultation = draft(department=department, title="Old title")
    response = client.post(
        f"/consultations/{consultation.reference}/edit",
        data=details(department, office, title="New", closes_day=["31", "3", "2026"]),
    )
    assert error_summary(response) == [
        ("The closing date must be after the opening date", "#closes_day")
    ]
    db.session.expire_all()
    assert consultation.title == "Old title"


def test_a_closed_consultation_cannot_be_changed(client, secretariat, education):
    department, office = education
    consultation = factories.consultation(
        department=department, status=ConsultationStatus.CLOSED, title="Closed one"
    )
    response = client.post(
        f"/consultations/{consultation.reference}/edit",
        data=details(department, office, title="Sneaky"),
    )
    assert error_summary(response) == [("A closed consultation cannot be changed", "")]
    db.session.expire_all()
    assert consultation.title == "Closed one"


# Questions -------------------------------------------------------------------------------------


def test_adding_questions_in_order(client, secretariat):
    consultation = draft(questions=0)
    form = client.get(f"/consultations/{consultation.reference}/questions/new")
    assert heading(form) == "Add a question"
    fields = form_fields(ok(form))
    assert fields["kind"] == "position"
    assert fields["required"] == "y"

    first = client.post(
        f"/consultations/{consultation.reference}/questions/new",
        data={
            "kind": "position",
            "text": "  Should upper-tier councils lead family hubs?  ",
            "hint": "Say whether districts should share the lead.",
            "required": "y",
        },
    )
    assert first.headers["Location"] == f"/consultations/{consultation.reference}#questions"
    client.post(
        f"/consultations/{consultation.reference}/questions/new",
        data={"kind": "free_text", "text": "What would you need?", "hint": ""},
    )
    db.session.expire_all()
    one, two = consultation.questions
    assert (one.position, one.kind, one.text, one.hint, one.required) == (
        1,
        QuestionKind.POSITION,
        "Should upper-tier councils lead family hubs?",
        "Say whether districts should share the lead.",
        True,
    )
    assert (two.position, two.kind, two.text, two.hint, two.required) == (
        2,
        QuestionKind.FREE_TEXT,
        "What would you need?",
        None,
        False,
    )
    shown = client.get(f"/consultations/{consultation.reference}")
    assert banner(shown) == "Success Question saved"
    listed = [li.get_text(" ", strip=True) for li in page(shown).select("main ol > li")]
    assert listed[0].startswith(
        "Should upper-tier councils lead family hubs? (position and comment)"
    )
    assert listed[1].startswith("What would you need? (free text, optional)")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"kind": "position", "text": " "}, [("Enter the question", "#text")]),
        ({"text": "Kind missing?"}, [("Select the kind of question", "#kind")]),
        (
            {"kind": "position", "text": "x" * 501},
            [("The question must be 500 characters or fewer", "#text")],
        ),
    ],
)
def test_questions_that_cannot_be_saved(client, secretariat, data, expected):
    consultation = draft(questions=0)
    shown = ok(client.post(f"/consultations/{consultation.reference}/questions/new", data=data))
    assert error_summary(shown) == expected
    assert questions_of(consultation) == []


def test_changing_removing_and_moving_questions(client, secretariat):
    consultation = draft(questions=3)
    one, two, three = consultation.questions
    reference = consultation.reference

    form = client.get(f"/consultations/{reference}/questions/{two.id}/edit")
    assert heading(form) == "Change the question"
    assert form_fields(ok(form))["text"] == "Question 2?"
    client.post(
        f"/consultations/{reference}/questions/{two.id}/edit",
        data={"kind": "position", "text": "Is the funding enough?", "required": "y"},
    )
    client.post(f"/consultations/{reference}/questions/{three.id}/move", data={"direction": "up"})
    db.session.expire_all()
    assert questions_of(consultation) == [
        (1, "Question 1?"),
        (2, "Question 3?"),
        (3, "Is the funding enough?"),
    ]

    confirm = client.get(f"/consultations/{reference}/questions/{one.id}/remove")
    assert heading(confirm) == "Remove this question"
    assert "Question 1?" in main_text(confirm)
    client.post(f"/consultations/{reference}/questions/{one.id}/remove")
    db.session.expire_all()
    assert questions_of(consultation) == [(1, "Question 3?"), (2, "Is the funding enough?")]


def test_changing_a_question_is_validated(client, secretariat):
    consultation = draft(questions=1)
    first = consultation.questions[0]
    response = client.post(
        f"/consultations/{consultation.reference}/questions/{first.id}/edit",
        data={"kind": "position", "text": "", "hint": "h" * 1001},
    )
    assert error_summary(response) == [
        ("Enter the question", "#text"),
        ("Hint must be 1,000 characters or fewer", "#hint"),
    ]
    db.session.expire_all()
    assert questions_of(consultation) == [(1, "Question 1?")]


def test_moving_needs_a_direction(client, secretariat):
    consultation = draft(questions=2)
    first = consultation.questions[0]
    response = client.post(
        f"/consultations/{consultation.reference}/questions/{first.id}/move",
        data={"direction": "sideways"},
    )
    expect(response, 400)
    assert questions_of(consultation) == [(1, "Question 1?"), (2, "Question 2?")]


def test_a_question_of_another_consultation_is_not_found(client, secretariat):
    consultation = draft(questions=1)
    other = draft(questions=1)
    response = client.get(
        f"/consultations/{consultation.reference}/questions/{other.questions[0].id}/edit"
    )
    expect(response, 404)


LOCKED = "Questions cannot change once authorities have started responding"


@pytest.mark.parametrize("action", ["add", "edit", "remove", "move"])
def test_questions_are_locked_once_any_response_exists(client, secretariat, action):
    consultation = factories.consultation(questions=2)
    factories.draft_response(consultation=consultation, authority=factories.council())
    first = consultation.questions[0]
    base = f"/consultations/{consultation.reference}/questions"
    data = {"kind": "position", "text": "Changed?", "required": "y", "direction": "down"}
    path = {
        "add": f"{base}/new",
        "edit": f"{base}/{first.id}/edit",
        "remove": f"{base}/{first.id}/remove",
        "move": f"{base}/{first.id}/move",
    }[action]
    response = client.post(path, data=data)
    if action == "move":
        shown = client.get(response.headers["Location"])
        assert banner(shown) == f"Important {LOCKED}"
    else:
        expect(response, 200)
        assert error_summary(response) == [(LOCKED, "")]
    db.session.expire_all()
    assert questions_of(consultation) == [(1, "Question 1?"), (2, "Question 2?")]


def test_the_question_controls_are_withdrawn_once_any_response_exists(client, secretariat):
    consultation = factories.consultation(questions=2)
    page_before = page(client.get(f"/consultations/{consultation.reference}"))
    links = [a.get_text(" ", strip=True) for a in page_before.select("main a")]
    assert "Add a question" in links
    assert any(link.startswith("Change question 1") for link in links)

    factories.draft_response(consultation=consultation, authority=factories.council())
    shown = client.get(f"/consultations/{consultation.reference}")
    links = [a.get_text(" ", strip=True) for a in page(shown).select("main a")]
    assert "Add a question" not in links
    assert not any(link.startswith(("Change question", "Remove question")) for link in links)
    assert page(shown).select("main form[action$='/move']") == []
    assert LOCKED in main_text(shown)


def test_questions_of_an_open_consultation_can_change_until_someone_responds(client, secretariat):
    consultation = factories.consultation(questions=1)
    client.post(
        f"/consultations/{consultation.reference}/questions/new",
        data={"kind": "free_text", "text": "Anything else?"},
    )
    assert [t for _, t in questions_of(consultation)] == ["Question 1?", "Anything else?"]


# Preview ---------------------------------------------------------------------------------------


def test_the_preview_shows_the_form_as_a_council_sees_it_and_saves_nothing(client, secretariat):
    consultation = draft(title="Adult social care", questions=2)
    position_q, free_q = consultation.questions
    position_q.hint = "Think about pooled budgets."
    shown = ok(client.get(f"/consultations/{consultation.reference}/preview"))
    assert heading(shown) == "Your authority's response"
    assert banner(shown).endswith(
        "Preview: this is how member authorities will see the form. Nothing entered here is saved."
    )
    form = page(shown).select_one("main form")
    names = {i["name"] for i in form.select("input[type=radio], textarea")}
    assert names == {
        "overall_position",
        "overall_comment",
        f"position_{position_q.id}",
        f"comment_{position_q.id}",
        f"comment_{free_q.id}",
    }
    scale = [
        label.get_text(strip=True)
        for label in form.select(f"input[name=position_{position_q.id}] + label")
    ]
    assert scale == ["Support", "Support with amendments", "Neutral", "Oppose", "No position"]
    assert "Think about pooled budgets." in form.get_text()
    assert form.select("button, input[type=submit]") == []
    assert db.session.execute(select(func.count(Response.id))).scalar_one() == 0
    expect(client.post(f"/consultations/{consultation.reference}/preview"), 405)


# Opening ---------------------------------------------------------------------------------------


def test_opening_is_a_confirmed_step(client, secretariat):
    consultation = draft(
        opens_at=now_utc() + timedelta(days=3), closes_at=now_utc() + timedelta(days=40)
    )
    confirm = client.get(f"/consultations/{consultation.reference}/open")
    assert heading(confirm) == "Open the consultation"
    assert (
        "Member authorities will be able to respond to its 2 questions until "
        f"{format_datetime(consultation.closes_at)}."
    ) in main_text(confirm)
    assert consultation.status is ConsultationStatus.DRAFT

    response = client.post(f"/consultations/{consultation.reference}/open")
    assert response.headers["Location"] == f"/consultations/{consultation.reference}"
    db.session.expire_all()
    assert consultation.status is ConsultationStatus.OPEN
    assert consultation.opened_at is not None
    assert consultation.opens_at <= now_utc()
    [event] = audit_events("consultation_opened")
    assert event.summary.startswith(f"Sam Secretariat opened {consultation.reference} until ")
    shown = client.get(f"/consultations/{consultation.reference}")
    assert banner(shown) == f"Success {consultation.reference} is open for responses"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ({"questions": 0}, "Add at least one question before opening the consultation"),
        (
            {
                "opens_at": datetime(2026, 1, 5, 9, tzinfo=UTC),
                "closes_at": datetime(2026, 2, 5, 9, tzinfo=UTC),
            },
            "The closing date has passed. Change it before opening",
        ),
    ],
)
def test_opening_needs_a_question_and_a_future_closing_date(client, secretariat, setup, message):
    consultation = draft(**setup)
    shown = ok(client.post(f"/consultations/{consultation.reference}/open"))
    assert error_summary(shown) == [(message, "")]
    db.session.expire_all()
    assert consultation.status is ConsultationStatus.DRAFT
    assert audit_events("consultation_opened") == []


def test_an_open_consultation_cannot_be_opened_again(client, secretariat):
    consultation = factories.consultation()
    response = client.post(f"/consultations/{consultation.reference}/open")
    assert error_summary(response) == [("Only a draft consultation can be opened", "")]


# Documents -------------------------------------------------------------------------------------


def upload(data: bytes = REAL_PDF, filename: str = "Sure Start paper.pdf", title: str = ""):
    return {"file": (io.BytesIO(data), filename), "title": title}


def test_uploading_a_document(client, secretariat):
    consultation = draft()
    form = client.get(f"/consultations/{consultation.reference}/documents/new")
    assert heading(form) == "Add a document"
    response = client.post(
        f"/consultations/{consultation.reference}/documents/new",
        data=upload(title="Consultation paper"),
        content_type="multipart/form-data",
    )
    assert response.headers["Location"] == f"/consultations/{consultation.reference}"
    [document] = documents()
    assert document.consultation_id == consultation.id
    assert document.title == "Consultation paper"
    assert document.filename == "Sure_Start_paper.pdf"
    assert document.content_type == "application/pdf"
    assert document.size == len(REAL_PDF)
    assert document.checksum == hashlib.sha256(REAL_PDF).hexdigest()
    assert document.uploaded_by_id == secretariat.id
    assert storage().read(document.storage_key) == REAL_PDF
    [event] = audit_events("consultation_document_added")
    assert event.summary == f"Sam Secretariat added Consultation paper to {consultation.reference}"

    shown = client.get(f"/consultations/{consultation.reference}")
    assert banner(shown) == "Success Document added"
    link = page(shown).select_one(
        f"a[href='/consultations/documents/{document.id}/Sure_Start_paper.pdf']"
    )
    assert link.get_text(strip=True) == "Consultation paper"
    assert "(PDF, 1 KB)" in link.parent.get_text()


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (EXE_BYTES, "paper.pdf", "The selected file is not a real PDF file. Check the file"),
        (REAL_PDF, "paper.exe", "The selected file must be a PDF, DOCX, ODT, XLSX or CSV"),
        (b"", "paper.pdf", "The selected file is empty"),
    ],
)
def test_files_that_are_refused(client, secretariat, data, filename, message):
    consultation = draft()
    shown = ok(
        client.post(
            f"/consultations/{consultation.reference}/documents/new",
            data=upload(data, filename),
            content_type="multipart/form-data",
        )
    )
    assert error_summary(shown) == [(message, "#file")]
    assert documents() == []


def test_a_file_must_be_chosen(client, secretariat):
    consultation = draft()
    response = client.post(
        f"/consultations/{consultation.reference}/documents/new",
        data={"title": "Nothing"},
        content_type="multipart/form-data",
    )
    assert error_summary(response) == [("Select a file", "#file")]
    assert documents() == []


def test_downloading_a_document_of_an_open_consultation(client):
    consultation = factories.consultation()
    document = factories.consultation_document(consultation=consultation, data=REAL_PDF)
    response = client.get(f"/consultations/documents/{document.id}/consultation.pdf")
    expect(response, 200)
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="consultation.pdf"'
    assert response.data == REAL_PDF


@pytest.mark.parametrize("role", [None, Role.LEADER, Role.MINISTER])
def test_a_draft_consultations_documents_are_not_public(client, login_as, role):
    document = factories.consultation_document(consultation=draft())
    if role is not None:
        login_as(role)
    response = client.get(f"/consultations/documents/{document.id}/consultation.pdf")
    expect(response, 404)
    assert heading(response) == "Page not found"


def test_the_secretariat_can_download_a_draft_consultations_document(client, secretariat):
    document = factories.consultation_document(consultation=draft(), data=REAL_PDF)
    response = client.get(f"/consultations/documents/{document.id}/consultation.pdf")
    expect(response, 200)
    assert response.data == REAL_PDF


def test_an_unknown_document_is_not_found(client):
    expect(client.get("/consultations/documents/999999/nothing.pdf"), 404)


# The agenda link -------------------------------------------------------------------------------


def _meeting_on(day: date):
    return factories.meeting(starts_at=factories.london_time(day, 10, 30), published=True)


def test_an_agenda_item_shows_its_consultations_status_and_closing_date(client):
    closes = factories.london_time(today() + timedelta(days=20), 23, 59)
    consultation = factories.consultation(title="Sure Start revival", closes_at=closes)
    meeting = _meeting_on(today() + timedelta(days=10))
    item = factories.agenda_item(meeting=meeting, title="Reviving Sure Start")
    item.consultation_id = consultation.id

    shown = client.get(f"/meetings/{meeting.slug}")
    text = page(shown).select_one(f"#item-{item.id}").get_text(" ", strip=True)
    closes_text = closes.astimezone(LONDON)
    assert (
        f"Consultation {consultation.reference}: Sure Start revival · Open, closes "
        f"{closes_text:%A} {closes_text.day} {closes_text:%B %Y}, 11:59pm"
    ) in text
    link = page(shown).select_one(
        f"#item-{item.id} a[href='/consultations/{consultation.reference}']"
    )
    assert link is not None

    listed = client.get(f"/consultations/{consultation.reference}")
    entries = [
        li.get_text(" ", strip=True)
        for li in page(listed).select(f"main a[href^='/meetings/{meeting.slug}']")
    ]
    assert entries == [
        f"{meeting.starts_at.astimezone(LONDON):%A} "
        f"{meeting.starts_at.astimezone(LONDON).day} "
        f"{meeting.starts_at.astimezone(LONDON):%B %Y}, 10:30am"
    ]
    assert (
        "Reviving Sure Start"
        in page(listed).select_one(f"main a[href^='/meetings/{meeting.slug}']").parent.get_text()
    )


def test_an_agenda_item_shows_a_consultation_past_its_closing_time_as_closed(client):
    consultation = factories.consultation(
        opens_at=now_utc() - timedelta(days=40), closes_at=now_utc() - timedelta(days=2)
    )
    meeting = _meeting_on(today() + timedelta(days=10))
    item = factories.agenda_item(meeting=meeting, title="English Deal")
    item.consultation_id = consultation.id
    text = (
        page(client.get(f"/meetings/{meeting.slug}"))
        .select_one(f"#item-{item.id}")
        .get_text(" ", strip=True)
    )
    assert f"{consultation.reference}: {consultation.title} · Closed, closed " in text


def test_a_draft_consultation_is_not_shown_on_the_agenda(client):
    consultation = draft(title="Adult social care")
    meeting = _meeting_on(today() + timedelta(days=10))
    item = factories.agenda_item(meeting=meeting, title="Care integration")
    item.consultation_id = consultation.id
    text = page(client.get(f"/meetings/{meeting.slug}")).select_one(f"#item-{item.id}").get_text()
    assert "Adult social care" not in text
    assert consultation.reference not in text


def test_the_secretariat_links_an_agenda_item_to_a_consultation(client, secretariat):
    consultation = factories.consultation(title="Sure Start revival")
    meeting = factories.meeting()
    form = client.get(f"/meetings/{meeting.slug}/agenda/items/new")
    choices = [o.get_text() for o in page(form).select("select[name=consultation] option")]
    assert f"{consultation.reference}: Sure Start revival" in choices
    client.post(
        f"/meetings/{meeting.slug}/agenda/items/new",
        data={
            "kind": "consultation",
            "title": "Sure Start revival",
            "duration_minutes": "30",
            "consultation": str(consultation.id),
        },
    )
    db.session.expire_all()
    [item] = meeting.items
    assert item.consultation_id == consultation.id


def test_a_consultation_only_on_a_draft_meetings_agenda_is_not_yet_on_one(client):
    consultation = factories.consultation()
    meeting = factories.meeting(status=MeetingStatus.DRAFT)
    item = factories.agenda_item(meeting=meeting, title="Not yet announced")
    item.consultation_id = consultation.id
    shown = client.get(f"/consultations/{consultation.reference}")
    assert "Not yet on a meeting's agenda." in main_text(shown)
    assert "Not yet announced" not in main_text(shown)
