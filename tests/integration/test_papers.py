"""Papers on agenda items: uploaded by the secretariat, checked by content and
size, stored with a checksum, replaced without losing the old version, and
downloaded with the right type and name by the people allowed to see them."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from commission.auth.roles import Role
from commission.extensions import db
from commission.meetings.models import AgendaChange, MeetingStatus, Paper
from commission.storage import storage
from tests import factories
from tests.conftest import audit_events
from tests.factories import DOCX_TYPE, PDF_BYTES, docx_bytes
from tests.pages import (
    banner,
    error_summary,
    expect,
    heading,
    main_text,
    page,
    sign_out,
    table_rows,
)

FORBIDDEN_ROLES = [Role.LEADER, Role.OFFICER, Role.MINISTER, Role.CHAIR]
REAL_PDF = PDF_BYTES + b"% Local government finance settlement briefing\n"
CSV_BYTES = "Authority,Allocation\r\nTestshire,£1,250,000\r\n".encode()
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def upload(data: bytes = REAL_PDF, filename: str = "briefing.pdf", **overrides) -> dict:
    form = {"file": (io.BytesIO(data), filename), "title": "", "visibility": "public"}
    form.update(overrides)
    return form


def papers() -> list[Paper]:
    return list(db.session.execute(select(Paper).order_by(Paper.id)).scalars())


def paper_count() -> int:
    return db.session.execute(select(func.count()).select_from(Paper)).scalar_one()


@pytest.fixture
def secretariat(login_as):
    return login_as(Role.SECRETARIAT, full_name="Sam Secretariat")


@pytest.fixture
def item():
    meeting = factories.meeting()
    return factories.agenda_item(meeting=meeting, title="Finance settlement")


@pytest.fixture
def config(app):
    """Change app configuration for one test, restoring it afterwards."""
    saved = {}

    def change(**values):
        for key, value in values.items():
            saved.setdefault(key, app.config[key])
            app.config[key] = value

    yield change
    app.config.update(saved)


def add_path(item) -> str:
    return f"/meetings/{item.meeting.slug}/agenda/items/{item.id}/papers/new"


# Who may upload ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*FORBIDDEN_ROLES, None])
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("action", ["new", "replace"])
def test_only_the_secretariat_may_upload(client, login_as, item, role, method, action):
    existing = factories.paper(item=item)
    path = add_path(item)
    if action == "replace":
        path = path.replace("/new", f"/{existing.id}/replace")
    if role is not None:
        login_as(role)
    response = getattr(client, method)(path, data=upload(), content_type="multipart/form-data")
    if role is None:
        expect(response, 302)
        assert response.headers["Location"].startswith("/sign-in?next=")
    else:
        expect(response, 403)
        assert heading(response) == "You do not have permission to see this page"
    assert papers() == [existing]
    assert existing.superseded_by_id is None


# Uploading --------------------------------------------------------------------------------------


def test_upload_form(client, secretariat, item):
    response = client.get(add_path(item))
    assert heading(response) == "Add a paper"
    form = page(response).select_one("main form")
    assert form["enctype"] == "multipart/form-data"
    assert form.select_one("input[type=file]")["accept"] == ".pdf,.docx,.odt,.xlsx,.csv"
    assert "PDF, DOCX, ODT, XLSX or CSV, smaller than 20 MB" in main_text(response)
    checked = form.select_one("input[name=visibility][checked]")
    assert checked["value"] == "public"


def test_uploading_a_pdf_stores_it_with_its_checksum(client, secretariat, item):
    response = client.post(
        add_path(item), data=upload(title="Settlement briefing"), content_type="multipart/form-data"
    )
    assert response.headers["Location"] == f"/meetings/{item.meeting.slug}/agenda"
    [paper] = papers()
    assert paper.agenda_item_id == item.id
    assert paper.title == "Settlement briefing"
    assert paper.filename == "briefing.pdf"
    assert paper.content_type == "application/pdf"
    assert paper.size == len(REAL_PDF)
    assert paper.checksum == hashlib.sha256(REAL_PDF).hexdigest()
    assert paper.public is True
    assert paper.uploaded_by_id == secretariat.id
    assert storage().read(paper.storage_key) == REAL_PDF
    [event] = audit_events("paper_added")
    assert event.details == {"checksum": paper.checksum, "size": paper.size}

    builder = client.get(f"/meetings/{item.meeting.slug}/agenda")
    assert banner(builder) == "Success Paper 'Settlement briefing' uploaded"
    [row] = table_rows(builder, "main table")
    assert row[2] == "Settlement briefing Replace Settlement briefing"


def test_title_defaults_to_the_file_name(client, secretariat, item):
    client.post(add_path(item), data=upload(), content_type="multipart/form-data")
    assert [p.title for p in papers()] == ["briefing.pdf"]


def test_uploading_a_csv_and_a_docx(client, secretariat, item):
    docx = docx_bytes()
    client.post(
        add_path(item),
        data=upload(CSV_BYTES, "allocations.csv", visibility="restricted"),
        content_type="multipart/form-data",
    )
    client.post(
        add_path(item), data=upload(docx, "Briefing note.docx"), content_type="multipart/form-data"
    )
    csv, word = papers()
    assert (csv.filename, csv.content_type, csv.public) == ("allocations.csv", "text/csv", False)
    assert csv.checksum == hashlib.sha256(CSV_BYTES).hexdigest()
    assert (word.filename, word.content_type, word.public) == (
        "Briefing_note.docx",
        DOCX_TYPE,
        True,
    )
    assert word.size == len(docx)
    assert storage().read(word.storage_key) == docx


def test_the_same_file_twice_is_stored_once(client, secretariat, item):
    for _ in range(2):
        client.post(add_path(item), data=upload(), content_type="multipart/form-data")
    first, second = papers()
    assert first.storage_key == second.storage_key
    assert first.id != second.id


def zip_holding(parts: dict[str, str]) -> bytes:
    """A zip whose first bytes say Word document ([Content_Types].xml first,
    as filetype reads it) holding ``parts``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/_rels/document.xml.rels", "<Relationships/>")
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (EXE_BYTES, "briefing.pdf", "The selected file is not a real PDF file. Check the file"),
        (
            PDF_BYTES + b"% refused as DOCX\n",
            "briefing.docx",
            "The selected file is not a real DOCX file. Check the file",
        ),
        (bytes(range(256)), "data.csv", "The selected file is not a CSV file. Check the file"),
        (
            PDF_BYTES + b"% refused as EXE\n",
            "briefing.exe",
            "The selected file must be a PDF, DOCX, ODT, XLSX or CSV",
        ),
        (b"", "briefing.pdf", "The selected file is empty"),
        (
            b"%PDF-1.4\n" + bytes(range(256)) * 8,
            "briefing.pdf",
            "The selected file is not a real PDF file. Check the file",
        ),
        (
            zip_holding({"notes.txt": "not a document"}),
            "briefing.docx",
            "The selected file is not a real DOCX file. Check the file",
        ),
        (
            zip_holding({"word/document.xml": "<w:document/>"})[:-40],
            "briefing.docx",
            "The selected file is not a real DOCX file. Check the file",
        ),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(
    client, secretariat, item, app, data, filename, message
):
    response = client.post(
        add_path(item), data=upload(data, filename), content_type="multipart/form-data"
    )
    assert heading(response) == "Add a paper"
    assert error_summary(response) == [(message, "#file")]
    assert paper_count() == 0
    stored = hashlib.sha256(data).hexdigest()
    with pytest.raises(FileNotFoundError):
        storage().read(f"{stored[:2]}/{stored}")
    assert audit_events("paper_added") == []


def test_no_file_chosen(client, secretariat, item):
    response = client.post(add_path(item), data=upload(b"", ""), content_type="multipart/form-data")
    assert error_summary(response) == [("Select a file", "#file")]
    response = client.post(add_path(item), data={"title": "No file", "visibility": "public"})
    assert error_summary(response) == [("Select a file", "#file")]
    assert paper_count() == 0


def test_visibility_must_be_chosen_from_the_list(client, secretariat, item):
    response = client.post(
        add_path(item), data=upload(visibility="everyone"), content_type="multipart/form-data"
    )
    assert error_summary(response) == [
        ("Select who can see it from the options given", "#visibility")
    ]
    assert paper_count() == 0


def test_file_over_the_paper_limit_is_refused(client, secretariat, item, config):
    config(PAPER_MAX_BYTES=1024 * 1024)
    big = PDF_BYTES + b"0" * (1024 * 1024)
    response = client.post(add_path(item), data=upload(big), content_type="multipart/form-data")
    assert error_summary(response) == [("The selected file must be smaller than 1 MB", "#file")]
    assert "smaller than 1 MB" in page(response).select_one("#file-hint").get_text()
    assert paper_count() == 0


def test_a_limit_under_a_megabyte_is_described_in_kilobytes(client, secretariat, item, config):
    config(PAPER_MAX_BYTES=500 * 1024)
    big = PDF_BYTES + b"0" * (500 * 1024)
    response = client.post(add_path(item), data=upload(big), content_type="multipart/form-data")
    assert error_summary(response) == [("The selected file must be smaller than 500 KB", "#file")]
    assert "smaller than 500 KB" in page(response).select_one("#file-hint").get_text()
    assert paper_count() == 0


def test_request_over_the_body_limit_gets_the_too_large_page(client, secretariat, item, config):
    config(MAX_CONTENT_LENGTH=64 * 1024)
    big = PDF_BYTES + b"0" * (100 * 1024)
    response = client.post(add_path(item), data=upload(big), content_type="multipart/form-data")
    expect(response, 413)
    assert heading(response) == "The file or form you sent is too large"
    assert "nothing was saved" in main_text(response)
    assert paper_count() == 0


def test_papers_cannot_be_added_to_a_held_meeting(client, secretariat, item):
    item.meeting.starts_at = datetime.now(UTC) - timedelta(days=3)
    item.meeting.ends_at = item.meeting.starts_at + timedelta(hours=2)
    item.meeting.status = MeetingStatus.HELD
    response = client.post(add_path(item), data=upload(), content_type="multipart/form-data")
    assert error_summary(response) == [
        ("The agenda of a meeting that is held cannot be changed", "")
    ]
    assert paper_count() == 0


def test_paper_for_an_item_of_another_meeting_is_not_found(client, secretariat, item):
    other = factories.meeting()
    response = client.get(f"/meetings/{other.slug}/agenda/items/{item.id}/papers/new")
    expect(response, 404)


# Replacing ---------------------------------------------------------------------------------------


def replace_path(paper) -> str:
    item = paper.agenda_item
    return f"/meetings/{item.meeting.slug}/agenda/items/{item.id}/papers/{paper.id}/replace"


def test_replacing_keeps_the_old_version_as_superseded(client, login_as, item):
    secretariat = login_as(Role.SECRETARIAT)
    old = factories.paper(item=item, title="Settlement briefing", public=False)
    form = client.get(replace_path(old))
    assert heading(form) == "Replace Settlement briefing"
    assert "The current version stays listed as superseded." in main_text(form)
    fields = page(form).select_one("main form")
    assert fields.select_one("input[name=title]")["value"] == "Settlement briefing"
    assert fields.select_one("input[name=visibility][checked]")["value"] == "restricted"

    new_bytes = REAL_PDF + b"% version 2\n"
    response = client.post(
        replace_path(old),
        data=upload(new_bytes, "briefing-v2.pdf", title="Settlement briefing (revised)"),
        content_type="multipart/form-data",
    )
    assert response.headers["Location"] == f"/meetings/{item.meeting.slug}/agenda"
    first, second = papers()
    assert first.id == old.id
    assert first.superseded_by_id == second.id
    assert second.superseded_by_id is None
    assert (second.title, second.filename) == ("Settlement briefing (revised)", "briefing-v2.pdf")
    assert second.checksum == hashlib.sha256(new_bytes).hexdigest()
    assert second.uploaded_by_id == secretariat.id
    assert storage().read(first.storage_key) != storage().read(second.storage_key)
    assert [e.subject_id for e in audit_events("paper_replaced")] == [second.id]

    builder = client.get(f"/meetings/{item.meeting.slug}/agenda")
    [row] = table_rows(builder, "main table")
    assert row[2] == (
        "Settlement briefing (revised) Replace Settlement briefing (revised) 1 superseded"
    )
    expect(client.get(replace_path(first)), 404)


def test_members_see_superseded_papers_on_the_meeting_page(client, login_as):
    meeting = factories.meeting(published=True)
    item = factories.agenda_item(meeting=meeting, title="Finance")
    old = factories.paper(item=item, title="Briefing v1")
    new = factories.paper(item=item, title="Briefing v2", data=REAL_PDF)
    old.superseded_by = new

    public = client.get(f"/meetings/{meeting.slug}")
    current = [a.get_text(strip=True) for a in page(public).select(f"#item-{item.id} > ul a")]
    assert current == ["Briefing v2"]
    assert page(public).select_one(".govuk-details") is None

    login_as(Role.OFFICER)
    member = client.get(f"/meetings/{meeting.slug}")
    details = page(member).select_one(f"#item-{item.id} .govuk-details")
    assert "Superseded papers for this item" in details.get_text()
    assert [a.get_text(strip=True) for a in details.select("a")] == ["Briefing v1"]
    assert "(superseded)" in details.get_text()


def test_paper_changes_after_publication_are_listed(client, secretariat):
    meeting = factories.meeting(published=True)
    item = factories.agenda_item(meeting=meeting, title="Finance")
    secret_item = factories.agenda_item(meeting=meeting, title="Intervention", confidential=True)
    client.post(
        add_path(item), data=upload(title="Settlement summary"), content_type="multipart/form-data"
    )
    client.post(
        add_path(item),
        data=upload(CSV_BYTES, "draft.csv", title="Draft allocations", visibility="restricted"),
        content_type="multipart/form-data",
    )
    client.post(
        add_path(secret_item),
        data=upload(title="Commissioners' report"),
        content_type="multipart/form-data",
    )
    summary, _, _ = papers()
    client.post(
        replace_path(summary),
        data=upload(REAL_PDF + b"%2\n", title="Settlement summary v2"),
        content_type="multipart/form-data",
    )
    changes = db.session.execute(
        select(AgendaChange.summary)
        .where(AgendaChange.meeting_id == meeting.id)
        .order_by(AgendaChange.id)
    ).scalars()
    assert list(changes) == [
        "Paper added: Settlement summary",
        "Paper added: paper for members only",
        "Paper added: paper for members only",
        "Paper replaced: Settlement summary v2",
    ]


# Downloading ------------------------------------------------------------------------------------


def test_download_returns_the_file_with_its_type_and_name(client):
    meeting = factories.meeting(published=True)
    item = factories.agenda_item(meeting=meeting)
    paper = factories.paper(item=item, data=REAL_PDF)
    response = client.get(f"/papers/{paper.id}/briefing.pdf")
    expect(response, 200)
    assert response.data == REAL_PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="briefing.pdf"'
    assert response.headers["Cache-Control"] == "public, max-age=300"


def test_uploaded_docx_and_csv_download_with_their_types(client, secretariat):
    meeting = factories.meeting(published=True)
    item = factories.agenda_item(meeting=meeting)
    docx = docx_bytes()
    client.post(add_path(item), data=upload(docx, "note.docx"), content_type="multipart/form-data")
    client.post(
        add_path(item), data=upload(CSV_BYTES, "money.csv"), content_type="multipart/form-data"
    )
    word, csv = papers()
    sign_out(client)
    response = client.get(f"/papers/{word.id}/note.docx")
    assert response.data == docx
    assert response.headers["Content-Type"] == DOCX_TYPE
    assert response.headers["Content-Disposition"] == 'attachment; filename="note.docx"'
    response = client.get(f"/papers/{csv.id}/money.csv")
    assert response.data == CSV_BYTES
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="money.csv"'


def test_restricted_paper_is_for_signed_in_members_only(client, login_as):
    meeting = factories.meeting(published=True)
    item = factories.agenda_item(meeting=meeting)
    paper = factories.paper(item=item, public=False, data=REAL_PDF)
    path = f"/papers/{paper.id}/briefing.pdf"

    response = client.get(path)
    expect(response, 404)
    assert REAL_PDF not in response.data
    login_as(None)
    expect(client.get(path), 404)

    login_as(Role.OFFICER)
    response = client.get(path)
    expect(response, 200)
    assert response.data == REAL_PDF
    assert response.headers["Cache-Control"] == "private, no-store"


def test_paper_on_a_confidential_item_is_for_members_only(client, login_as):
    meeting = factories.meeting(published=True)
    item = factories.agenda_item(meeting=meeting, confidential=True)
    paper = factories.paper(item=item, public=True, data=REAL_PDF)
    path = f"/papers/{paper.id}/briefing.pdf"
    expect(client.get(path), 404)
    login_as(Role.LEADER)
    response = client.get(path)
    assert response.data == REAL_PDF
    assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("role", [None, Role.OFFICER, Role.CHAIR])
def test_paper_on_an_unpublished_agenda_is_not_found(client, login_as, role):
    meeting = factories.meeting(status=MeetingStatus.SCHEDULED)
    item = factories.agenda_item(meeting=meeting)
    paper = factories.paper(item=item, data=REAL_PDF)
    if role is not None:
        login_as(role)
    response = client.get(f"/papers/{paper.id}/briefing.pdf")
    expect(response, 404)
    assert heading(response) == "Page not found"


def test_secretariat_can_download_before_publication_without_public_caching(client, login_as):
    meeting = factories.meeting(status=MeetingStatus.DRAFT)
    item = factories.agenda_item(meeting=meeting)
    paper = factories.paper(item=item, data=REAL_PDF)
    login_as(Role.SECRETARIAT)
    response = client.get(f"/papers/{paper.id}/briefing.pdf")
    assert response.data == REAL_PDF
    assert response.headers["Cache-Control"] == "private, no-store"


def test_unknown_paper_is_not_found(client):
    expect(client.get("/papers/999999/briefing.pdf"), 404)


def test_replacing_a_paper_already_replaced_is_refused_before_anything_is_stored(app, client, item):
    from commission.errors import DomainError
    from commission.meetings import services
    from commission.meetings.uploads import Upload

    secretariat = factories.user(role=Role.SECRETARIAT)
    old = factories.paper(item=item, title="Briefing v1")
    new = factories.paper(item=item, title="Briefing v2", data=REAL_PDF)
    old.superseded_by = new
    db.session.flush()
    third = REAL_PDF + b"% version 3\n"
    checksum = hashlib.sha256(third).hexdigest()

    with pytest.raises(DomainError, match="This paper has already been replaced"):
        services.add_paper(
            item=item,
            upload=Upload(filename="briefing-v3.pdf", data=third),
            title="Briefing v3",
            public=True,
            actor=secretariat,
            replaces=old,
        )
    assert [p.title for p in papers()] == ["Briefing v1", "Briefing v2"]
    with pytest.raises(FileNotFoundError):
        storage().read(f"{checksum[:2]}/{checksum}")
