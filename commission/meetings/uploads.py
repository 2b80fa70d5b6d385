"""Checking uploaded papers by what they contain, not what they are called."""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass

import filetype
import pypdf
from flask import current_app
from werkzeug.utils import secure_filename

from commission.errors import DomainError

ALLOWED = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
}
ALLOWED_LABEL = "PDF, DOCX, ODT, XLSX or CSV"


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


@dataclass(frozen=True)
class CheckedUpload:
    filename: str
    content_type: str


def _looks_like_csv(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        lines = [line for line in text.splitlines() if line.strip()]
        return bool(lines)
    return False


# The part every real document of each zip-based kind holds.
ZIP_PARTS = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml", ".odt": "content.xml"}
# What the parts of a zip-based document may add up to once unpacked: an
# office document is rarely a tenth of this; a "zip bomb" is far more.
MAX_UNPACKED_BYTES = 500 * 1024 * 1024


def _opens_as(extension: str, data: bytes) -> bool:
    """Whether the file can really be read as what it says it is, not only
    that it starts like one: a PDF has pages pypdf can find; a DOCX, XLSX or
    ODT is a readable zip holding its main part, of a sensible unpacked
    size."""
    try:
        if extension == ".pdf":
            return len(pypdf.PdfReader(io.BytesIO(data)).pages) > 0
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            unpacked = sum(member.file_size for member in members)
            return ZIP_PARTS[extension] in names and unpacked <= MAX_UNPACKED_BYTES
    except Exception:  # any failure to parse a stranger's file is a refusal
        return False


def size_label(size: int) -> str:
    """A size (a limit, a file) as people read it: 20 MB, 1.5 MB, 500 KB."""
    if size >= 1024 * 1024:
        return f"{round(size / (1024 * 1024), 1):g} MB"
    return f"{max(1, round(size / 1024)):g} KB"


def check_upload(upload: Upload, field: str = "file") -> CheckedUpload:
    """Refuse empty, oversized, unsupported and disguised files (a file whose
    content is not what its name says, such as a program renamed .pdf, or a
    file that starts like a PDF and is not one)."""
    limit = int(current_app.config["PAPER_MAX_BYTES"])
    if not upload.data:
        raise DomainError("The selected file is empty", field=field)
    if len(upload.data) > limit:
        raise DomainError(
            f"The selected file must be smaller than {size_label(limit)}", field=field
        )
    safe = secure_filename(upload.filename or "") or "paper"
    if not os.path.splitext(safe)[1]:
        # A name in another alphabet ("Бюджет.pdf") keeps nothing but its extension.
        safe = secure_filename("paper" + os.path.splitext(upload.filename or "")[1])
    extension = os.path.splitext(safe)[1].lower()
    if extension not in ALLOWED:
        raise DomainError(f"The selected file must be a {ALLOWED_LABEL}", field=field)
    expected = ALLOWED[extension]
    guessed = filetype.guess(upload.data)
    if extension == ".csv":
        if guessed is not None or not _looks_like_csv(upload.data):
            raise DomainError("The selected file is not a CSV file. Check the file", field=field)
    elif guessed is None or guessed.mime != expected or not _opens_as(extension, upload.data):
        raise DomainError(
            f"The selected file is not a real {extension[1:].upper()} file. Check the file",
            field=field,
        )
    return CheckedUpload(filename=safe, content_type=expected)
