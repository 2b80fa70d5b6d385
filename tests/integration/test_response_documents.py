"""Supporting documents attached to a response: checked by what they
contain, part of the signed-off response (changing them needs a new
sign-off), named in the response, its history and its PDF, and downloaded
by those who may see the response."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select

from commission.auth.roles import Role
from commission.consultations.models import (
    Response,
    ResponseAttachment,
    ResponseRevision,
    ResponseStatus,
)
from commission.extensions import db
from commission.timeutil import now_utc
from tests import factories
from tests.conftest import audit_events, count_statements
from tests.factories import DOCX_TYPE, PDF_BYTES, XLSX_TYPE, docx_bytes, odt_bytes, xlsx_bytes
from tests.pages import (
    banner,
    error_summary,
    expect,
    heading,
    main_text,
    ok,
    page,
    pdf_text,
    sign_in,
    sign_out,
    summary_list,
)


@pytest.fixture
def council():
    return factories.council(name="Calderdale Council")


@pytest.fixture
def consultation():
    return factories.consultation(title="Reforming adult social care", questions=2)


@pytest.fixture
def officer(council):
    return factories.person_at(authority=council, role=Role.OFFICER, full_name="Priya Shah")


@pytest.fixture
def leader(council):
    return factories.person_at(authority=council, role=Role.LEADER, full_name="Jane Scullion")


def respond_url(consultation, authority) -> str:
    return f"/consultations/{consultation.reference}/responses/{authority.slug}"


def attach(client, consultation, council, filename="cabinet-report.pdf", data=PDF_BYTES, **form):
    return client.post(
        respond_url(consultation, council) + "/documents/new",
        data={"file": (io.BytesIO(data), filename), **form},
        content_type="multipart/form-data",
    )


def stored(consultation, authority) -> Response | None:
    db.session.flush()
    db.session.expire_all()
    return db.session.execute(
        select(Response).where(
            Response.consultation_id == consultation.id, Response.authority_id == authority.id
        )
    ).scalar_one_or_none()


def junk_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a spreadsheet")
    return buffer.getvalue()


def download_url(consultation, council, attachment) -> str:
    return respond_url(consultation, council) + f"/documents/{attachment.id}/{attachment.filename}"


# Attaching ------------------------------------------------------------------------------


def test_an_officer_attaches_a_document_to_a_new_response(client, consultation, council, officer):
    sign_in(client, officer)
    form = ok(client.get(respond_url(consultation, council) + "/documents/new"))
    assert heading(form) == "Attach a supporting document"
    assert "PDF, DOCX, ODT or XLSX, smaller than 20 MB" in main_text(form)

    result = attach(client, consultation, council, title="Cabinet report, 3 March")
    expect(result, 302, location=respond_url(consultation, council) + "#documents")

    response = stored(consultation, council)
    assert response is not None and response.status is ResponseStatus.DRAFT
    [attachment] = response.attachments
    assert (attachment.title, attachment.filename, attachment.content_type) == (
        "Cabinet report, 3 March",
        "cabinet-report.pdf",
        "application/pdf",
    )
    assert attachment.in_working and not attachment.in_submitted
    assert attachment.uploaded_by_id == officer.id
    assert [r.action for r in response.revisions] == ["document added"]
    assert response.revisions[0].snapshot["documents"] == [
        "Cabinet report, 3 March (cabinet-report.pdf)"
    ]
    [event] = audit_events("response_document_added")
    assert event.summary == (
        "Priya Shah attached Cabinet report, 3 March to Calderdale Council's response to "
        f"{consultation.reference}"
    )

    shown = ok(client.get(respond_url(consultation, council)))
    assert "Cabinet report, 3 March attached" in banner(shown)
    links = [a.get_text(" ", strip=True) for a in page(shown).select("#documents ~ ul a")]
    assert links[:2] == ["Cabinet report, 3 March", "Remove Cabinet report, 3 March"]
    download = client.get(download_url(consultation, council, attachment))
    expect(download, 200)
    assert download.data == PDF_BYTES
    assert download.headers["Content-Disposition"] == 'attachment; filename="cabinet-report.pdf"'


@pytest.mark.parametrize(
    ("filename", "data", "content_type"),
    [
        ("briefing.docx", docx_bytes(), DOCX_TYPE),
        ("allocations.xlsx", xlsx_bytes(), XLSX_TYPE),
        ("advice.odt", odt_bytes(), "application/vnd.oasis.opendocument.text"),
    ],
)
def test_each_document_type_is_accepted_when_real(
    client, consultation, council, officer, filename, data, content_type
):
    sign_in(client, officer)
    expect(attach(client, consultation, council, filename=filename, data=data), 302)
    [attachment] = stored(consultation, council).attachments
    assert (attachment.filename, attachment.content_type, attachment.title) == (
        filename,
        content_type,
        filename,
    )


NOT_REAL = "The selected file is not a real {} file. Check the file"


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("figures.xlsx", PDF_BYTES, NOT_REAL.format("XLSX")),
        ("figures.xlsx", junk_zip(), NOT_REAL.format("XLSX")),
        ("report.pdf", b"%PDF-1.7 no pages", NOT_REAL.format("PDF")),
        ("report.docx", xlsx_bytes(), NOT_REAL.format("DOCX")),
        ("figures.csv", b"a,b\n1,2\n", "The selected file must be a PDF, DOCX, ODT or XLSX"),
        ("run.exe", b"MZ\x90\x00", "The selected file must be a PDF, DOCX, ODT or XLSX"),
        ("report.pdf", b"", "The selected file is empty"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused_on_the_field(
    client, consultation, council, officer, filename, data, message
):
    sign_in(client, officer)
    refused = ok(attach(client, consultation, council, filename=filename, data=data))
    assert error_summary(refused) == [(message, "#file")]
    assert stored(consultation, council) is None


def test_no_file_selected_is_refused(client, consultation, council, officer):
    sign_in(client, officer)
    refused = ok(
        client.post(
            respond_url(consultation, council) + "/documents/new",
            data={"title": "Report"},
            content_type="multipart/form-data",
        )
    )
    assert error_summary(refused) == [("Select a file", "#file")]
    assert stored(consultation, council) is None


def test_a_file_over_the_size_limit_is_refused(app, client, consultation, council, officer):
    previous = app.config["PAPER_MAX_BYTES"]
    app.config["PAPER_MAX_BYTES"] = 64
    try:
        sign_in(client, officer)
        refused = ok(attach(client, consultation, council))
        assert error_summary(refused) == [("The selected file must be smaller than 1 KB", "#file")]
    finally:
        app.config["PAPER_MAX_BYTES"] = previous
    assert stored(consultation, council) is None


def test_a_title_over_200_characters_is_refused(client, consultation, council, officer):
    sign_in(client, officer)
    refused = ok(attach(client, consultation, council, title="x" * 201))
    assert error_summary(refused) == [("Title must be 200 characters or fewer", "#title")]


def test_at_most_ten_documents(client, consultation, council, officer):
    response = factories.draft_response(consultation=consultation, authority=council)
    for n in range(10):
        factories.response_attachment(response=response, filename=f"r{n}.pdf")
    sign_in(client, officer)
    refused = ok(attach(client, consultation, council))
    assert error_summary(refused) == [
        (
            "A response can have up to 10 supporting documents. Remove one before adding another",
            "#file",
        )
    ]


def test_documents_cannot_change_once_the_window_closes(client, council, officer):
    closed = factories.consultation(
        opens_at=now_utc() - timedelta(days=30), closes_at=now_utc() - timedelta(hours=1)
    )
    sign_in(client, officer)
    shown = ok(client.get(respond_url(closed, council) + "/documents/new"))
    assert "This consultation is closed" in main_text(shown)
    refused = ok(attach(client, closed, council))
    assert "Responses can no longer be changed" in error_summary(refused)[0][0]
    assert stored(closed, council) is None


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.CHAIR, Role.MINISTER, Role.OFFICER])
def test_only_the_authoritys_drafters_attach_or_remove(
    client, login_as, consultation, council, role
):
    """The secretariat reads responses but does not change them; an officer
    of another council, the chair and ministers may not open them at all."""
    response = factories.draft_response(consultation=consultation, authority=council)
    attachment = factories.response_attachment(response=response)
    login_as(role)
    base = respond_url(consultation, council)
    expect(client.get(base + "/documents/new"), 403)
    expect(attach(client, consultation, council), 403)
    expect(client.get(base + f"/documents/{attachment.id}/remove"), 403)
    expect(client.post(base + f"/documents/{attachment.id}/remove"), 403)
    assert len(stored(consultation, council).attachments) == 1
    assert stored(consultation, council).attachments[0].in_working


# Part of the signed-off response --------------------------------------------------------


def sign_off(client, consultation, council):
    response = stored(consultation, council)
    return client.post(
        respond_url(consultation, council) + "/check",
        data={"action": "submit", "version": str(response.version)},
    )


def test_adding_a_document_after_sign_off_needs_a_new_sign_off(
    client, consultation, council, officer, leader
):
    factories.submitted_response(consultation=consultation, authority=council)
    sign_in(client, officer)
    expect(attach(client, consultation, council, title="Cabinet report"), 302)
    response = stored(consultation, council)
    assert response.status is ResponseStatus.DRAFT
    assert response.display_status == "Submitted; amendment draft"
    assert response.documents() == response.attachments
    assert response.documents(submitted=True) == []

    check = ok(client.get(respond_url(consultation, council) + "/check"))
    assert summary_list(check)["Supporting documents"].startswith("Cabinet report (PDF")

    sign_in(client, leader)
    expect(sign_off(client, consultation, council), 302)
    response = stored(consultation, council)
    assert response.status is ResponseStatus.SUBMITTED
    assert response.submission_count == 2
    assert [a.title for a in response.documents(submitted=True)] == ["Cabinet report"]
    confirmation = ok(client.get(respond_url(consultation, council) + "/confirmation"))
    assert "Supporting documents signed off with it Cabinet report (PDF" in main_text(confirmation)


def test_removing_a_document_asks_first_and_needs_a_new_sign_off(
    client, consultation, council, officer, leader
):
    response = factories.submitted_response(consultation=consultation, authority=council)
    attachment = factories.response_attachment(response=response, in_submitted=True)
    sign_in(client, officer)
    url = respond_url(consultation, council) + f"/documents/{attachment.id}/remove"
    asked = ok(client.get(url))
    assert heading(asked) == "Remove “Cabinet report” from the response?"
    assert "must be signed off again before the change counts" in main_text(asked)
    assert stored(consultation, council).attachments[0].in_working  # asking changed nothing

    expect(client.post(url), 302, location=respond_url(consultation, council) + "#documents")
    response = stored(consultation, council)
    [kept] = response.attachments
    assert not kept.in_working and kept.in_submitted  # the signed-off copy still names it
    assert response.status is ResponseStatus.DRAFT
    [event] = audit_events("response_document_removed")
    assert event.subject_id == response.id
    # Removed once: the page is gone, not a second removal.
    expect(client.get(url), 404)

    sign_in(client, leader)
    expect(sign_off(client, consultation, council), 302)
    response = stored(consultation, council)
    assert response.documents(submitted=True) == []
    assert len(response.attachments) == 1  # kept, so the history can name it


def test_history_and_pdf_name_the_documents(client, consultation, council, officer, leader):
    sign_in(client, officer)
    expect(attach(client, consultation, council, title="Legal advice"), 302)
    history = ok(client.get(respond_url(consultation, council) + "/history"))
    assert "Supporting documents None Legal advice (cabinet-report.pdf)" in main_text(history)

    sign_in(client, leader)
    client.post(
        respond_url(consultation, council),
        data={
            "version": str(stored(consultation, council).version),
            "overall_position": "oppose",
            **{
                (f"position_{q.id}" if q.kind.value == "position" else f"comment_{q.id}"): (
                    "oppose" if q.kind.value == "position" else "Our view"
                )
                for q in consultation.questions
            },
            "save": "y",
        },
    )
    expect(sign_off(client, consultation, council), 302)
    text = pdf_text(client.get(respond_url(consultation, council) + ".pdf"))
    assert "Supporting documents • Legal advice (cabinet-report.pdf, 1 KB)" in text


def test_an_attachment_of_another_response_is_not_found(client, consultation, council, officer):
    other = factories.council(name="Other Council")
    theirs = factories.response_attachment(
        response=factories.draft_response(consultation=consultation, authority=other)
    )
    factories.draft_response(consultation=consultation, authority=council)
    sign_in(client, officer)
    base = respond_url(consultation, council)
    expect(client.get(base + f"/documents/{theirs.id}/remove"), 404)
    expect(client.get(base + f"/documents/{theirs.id}/{theirs.filename}"), 404)


# Who downloads ---------------------------------------------------------------------------


def test_a_drafts_documents_stay_with_the_authority_and_the_secretariat(
    client, consultation, council, officer
):
    response = factories.draft_response(consultation=consultation, authority=council)
    attachment = factories.response_attachment(response=response)
    url = download_url(consultation, council, attachment)
    expect(client.get(url), 404)  # anonymous
    for person, status in [
        (officer, 200),
        (factories.user(role=Role.SECRETARIAT), 200),
        (factories.user(role=Role.CHAIR), 404),
        (factories.minister(department=consultation.department), 404),
    ]:
        sign_in(client, person)
        expect(client.get(url), status)


def test_signed_off_documents_follow_the_response(client, consultation, council):
    response = factories.submitted_response(consultation=consultation, authority=council)
    attachment = factories.response_attachment(response=response, in_submitted=True)
    taken_out = factories.response_attachment(
        response=response, filename="old.pdf", in_working=False, in_submitted=False
    )
    url = download_url(consultation, council, attachment)
    allowed = [
        factories.user(role=Role.CHAIR),
        factories.minister(department=consultation.department),
        factories.person_at(authority=council, role=Role.DEPUTY),
    ]
    refused = [
        factories.minister(),  # another department
        factories.person_at(authority=factories.council(), role=Role.LEADER),
    ]
    for person in allowed:
        sign_in(client, person)
        expect(client.get(url), 200)
    for person in refused:
        sign_in(client, person)
        expect(client.get(url), 404)
    sign_in(client, allowed[0])
    expect(client.get(download_url(consultation, council, taken_out)), 404)

    sign_out(client)
    expect(client.get(url), 404)
    factories.summary_snapshot(consultation=consultation, published=True)
    expect(client.get(url), 200)  # public with the published summary
    expect(client.get(download_url(consultation, council, taken_out)), 404)


# Reads ---------------------------------------------------------------------------------------


def test_the_response_pages_read_the_same_statements_whatever_the_documents(
    client, consultation, council, officer
):
    response = factories.submitted_response(consultation=consultation, authority=council)
    factories.response_attachment(response=response, in_submitted=True)
    sign_in(client, officer)
    pages = ["", "/check", "/confirmation", "/history"]

    def counts() -> list[int]:
        result = []
        for suffix in pages:
            db.session.expire_all()
            with count_statements() as statements:
                ok(client.get(respond_url(consultation, council) + suffix))
            result.append(len(statements))
        return result

    one = counts()
    for n in range(4):
        factories.response_attachment(response=response, filename=f"more{n}.pdf", in_submitted=True)
    assert counts() == one
    assert (
        db.session.execute(
            select(ResponseAttachment).where(ResponseAttachment.response_id == response.id)
        )
        .scalars()
        .all()
        .__len__()
        == 5
    )


def test_revisions_made_before_documents_existed_still_show(app_ctx, consultation, council):
    """A revision stored without a list of documents reads as unchanged."""
    from commission.consultations.services import revision_changes

    response = factories.draft_response(consultation=consultation, authority=council)
    response.revisions.append(
        ResponseRevision(
            version=1,
            action="draft saved",
            snapshot={
                "status": "draft",
                "overall_position": None,
                "overall_comment": None,
                "answers": {},
            },
        )
    )
    db.session.flush()
    [(_, changes)] = revision_changes(response, consultation)
    assert all(change.label != "Supporting documents" for change in changes)
