"""Papers are checked by what they contain, not what they are called: each
allowed type is accepted when real, and disguised, empty, oversized and
unsupported files are refused with a message saying why."""

import io
import zipfile

import pytest

from commission.errors import DomainError
from commission.meetings.uploads import Upload, check_upload, size_label
from tests.factories import (
    DOCX_TYPE,
    ODT_TYPE,
    PDF_BYTES,
    XLSX_TYPE,
    docx_bytes,
    odt_bytes,
    xlsx_bytes,
)


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a document")
    return buffer.getvalue()


EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
CSV_BYTES = b"Authority,Allocation\r\nTestshire,1250000\r\n"


def refusal(filename: str, data: bytes) -> str:
    with pytest.raises(DomainError) as error:
        check_upload(Upload(filename=filename, data=data))
    assert error.value.field == "file"
    return error.value.message


@pytest.fixture
def small_limit(app_ctx):
    previous = app_ctx.config["PAPER_MAX_BYTES"]
    app_ctx.config["PAPER_MAX_BYTES"] = 2 * 1024 * 1024
    try:
        yield
    finally:
        app_ctx.config["PAPER_MAX_BYTES"] = previous


# Accepted ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "data", "content_type"),
    [
        ("briefing.pdf", PDF_BYTES, "application/pdf"),
        ("briefing.docx", docx_bytes(), DOCX_TYPE),
        ("allocations.xlsx", xlsx_bytes(), XLSX_TYPE),
        ("minutes.odt", odt_bytes(), ODT_TYPE),
        ("allocations.csv", CSV_BYTES, "text/csv"),
    ],
)
def test_each_allowed_type_is_accepted_when_real(app_ctx, filename, data, content_type):
    checked = check_upload(Upload(filename=filename, data=data))
    assert checked.filename == filename
    assert checked.content_type == content_type


def test_extension_is_matched_whatever_its_case(app_ctx):
    checked = check_upload(Upload(filename="BRIEFING.PDF", data=PDF_BYTES))
    assert (checked.filename, checked.content_type) == ("BRIEFING.PDF", "application/pdf")


def test_csv_saved_by_excel_in_windows_encoding_is_accepted(app_ctx):
    data = "Authority,Amount\r\nTestshire,£1,250,000\r\n".encode("cp1252")
    assert check_upload(Upload(filename="money.csv", data=data)).content_type == "text/csv"


def test_csv_with_a_byte_order_mark_is_accepted(app_ctx):
    data = b"\xef\xbb\xbf" + CSV_BYTES
    assert check_upload(Upload(filename="bom.csv", data=data)).content_type == "text/csv"


# Disguised -------------------------------------------------------------------------


NOT_PDF = "The selected file is not a real PDF file. Check the file"
NOT_DOCX = "The selected file is not a real DOCX file. Check the file"
NOT_CSV = "The selected file is not a CSV file. Check the file"


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("agenda.pdf", EXE_BYTES, NOT_PDF),
        ("agenda.pdf", zip_bytes(), NOT_PDF),
        ("agenda.pdf", PNG_BYTES, NOT_PDF),
        (
            "agenda.pdf",
            b"just some text",
            "The selected file is not a real PDF file. Check the file",
        ),
        ("agenda.docx", PDF_BYTES, NOT_DOCX),
        ("agenda.docx", zip_bytes(), NOT_DOCX),
        ("agenda.docx", xlsx_bytes(), NOT_DOCX),
        ("agenda.xlsx", docx_bytes(), "The selected file is not a real XLSX file. Check the file"),
        ("agenda.odt", docx_bytes(), "The selected file is not a real ODT file. Check the file"),
        ("data.csv", bytes(range(256)), NOT_CSV),
        ("data.csv", PDF_BYTES, NOT_CSV),
        ("data.csv", EXE_BYTES, NOT_CSV),
        ("data.csv", b"\n\n  \n", NOT_CSV),
    ],
)
def test_disguised_files_are_refused(app_ctx, filename, data, message):
    assert refusal(filename, data) == message


# Empty, oversized, unsupported ----------------------------------------------------------


def test_empty_file_is_refused(app_ctx):
    assert refusal("briefing.pdf", b"") == "The selected file is empty"


def test_file_over_the_configured_limit_is_refused(app_ctx, small_limit):
    data = PDF_BYTES + b"0" * (2 * 1024 * 1024)
    assert refusal("big.pdf", data) == "The selected file must be smaller than 2 MB"


def test_file_at_exactly_the_limit_is_accepted(app_ctx, small_limit):
    data = PDF_BYTES + b"0" * (2 * 1024 * 1024 - len(PDF_BYTES))
    assert check_upload(Upload(filename="big.pdf", data=data)).content_type == "application/pdf"


def test_default_limit_is_20_mb(app_ctx):
    assert app_ctx.config["PAPER_MAX_BYTES"] == 20 * 1024 * 1024
    assert refusal("huge.pdf", PDF_BYTES + b"0" * (20 * 1024 * 1024)) == (
        "The selected file must be smaller than 20 MB"
    )


@pytest.mark.parametrize(
    "filename",
    ["setup.exe", "page.html", "slides.pptx", "notes.txt", "briefing", "briefing.pdf.exe"],
)
def test_unsupported_extensions_are_refused(app_ctx, filename):
    assert refusal(filename, PDF_BYTES) == (
        "The selected file must be a PDF, DOCX, ODT, XLSX or CSV"
    )


# File names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("../../etc/briefing.pdf", "etc_briefing.pdf"),
        ("C:\\Users\\clerk\\Funding paper (final).pdf", "CUsersclerkFunding_paper_final.pdf"),
        ('brief"ing<script>.pdf', "briefingscript.pdf"),
        ("Ärger über Öl.pdf", "Arger_uber_Ol.pdf"),
    ],
)
def test_filename_is_sanitised(app_ctx, given, stored):
    assert check_upload(Upload(filename=given, data=PDF_BYTES)).filename == stored


def test_a_name_in_another_alphabet_keeps_its_type(app_ctx):
    """Nothing of "Бюджет" survives sanitising but the extension; the real PDF
    must not then be refused as an unsupported type."""
    checked = check_upload(Upload(filename="Бюджет.pdf", data=PDF_BYTES))
    assert (checked.filename, checked.content_type) == ("paper.pdf", "application/pdf")
    assert refusal("Бюджет.pdf", EXE_BYTES) == (
        "The selected file is not a real PDF file. Check the file"
    )


@pytest.mark.parametrize(
    ("size", "label"),
    [
        (20 * 1024 * 1024, "20 MB"),
        (1024 * 1024, "1 MB"),
        (3 * 1024 * 1024 // 2, "1.5 MB"),
        (500 * 1024, "500 KB"),
        (100, "1 KB"),
    ],
)
def test_size_limits_are_described_as_people_read_them(size, label):
    assert size_label(size) == label


def test_limit_under_a_megabyte_is_refused_in_kilobytes(app_ctx):
    previous = app_ctx.config["PAPER_MAX_BYTES"]
    app_ctx.config["PAPER_MAX_BYTES"] = 256 * 1024
    try:
        message = refusal("big.pdf", PDF_BYTES + b"0" * (256 * 1024))
    finally:
        app_ctx.config["PAPER_MAX_BYTES"] = previous
    assert message == "The selected file must be smaller than 256 KB"
