"""Downloads of a table as CSV or XLSX, shared by every list people export.

Both are written as rows arrive: a CSV can stream to the browser while its
rows are still being read (``csv_stream_response``), and a spreadsheet is an
openpyxl write-only workbook, whose rows go straight to a temporary file, so
memory stays the same however many rows there are. Column widths are set
before the first row, so they come from the header and the first rows, not
from a second pass over every value.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from itertools import chain, islice
from typing import Any

from flask import Response, stream_with_context
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from commission.timeutil import LONDON

CSV_MIMETYPE = "text/csv"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A byte order mark so Excel opens the UTF-8 file with the right characters.
BOM = "\ufeff"
CSV_CHUNK_ROWS = 500
WIDTH_SAMPLE_ROWS = 200
MAX_WIDTH = 60


def _excel_value(value: Any) -> Any:
    """Excel has no time zones: show aware times as London wall-clock time."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(LONDON).replace(tzinfo=None)
    return _safe_text(value)


def _safe_text(value: Any) -> Any:
    """Stop a spreadsheet treating text someone typed as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV text in pieces of a few hundred rows: the byte order mark and
    header first, then the rows as they are read. CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    yield BOM + buffer.getvalue()
    iterator = iter(rows)
    while chunk := list(islice(iterator, CSV_CHUNK_ROWS)):
        buffer.seek(0)
        buffer.truncate()
        for row in chunk:
            writer.writerow(["" if v is None else _safe_text(_plain(v)) for v in row])
        yield buffer.getvalue()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    return "".join(csv_chunks(header, rows)).encode()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    return Response(csv_bytes(header, rows), mimetype=CSV_MIMETYPE, headers=_attachment(filename))


def csv_stream_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Response:
    """A CSV sent as it is written. Call it only once the request has been
    authorised: the rows are read after the view returns, inside the
    request's context (``stream_with_context``), so they use the request's
    database session, which is released when the download ends."""
    body = (chunk.encode() for chunk in csv_chunks(header, rows))
    return Response(stream_with_context(body), mimetype=CSV_MIMETYPE, headers=_attachment(filename))


class Spreadsheet:
    """A write-only workbook: each sheet gets a bold, frozen header row and
    its column widths before any row is written, and rows can be appended to
    several sheets in one pass over the data."""

    def __init__(self) -> None:
        self._workbook = Workbook(write_only=True)
        self._bold = Font(bold=True)

    def sheet(
        self, title: str, header: Sequence[str], widths: Sequence[int] | None = None
    ) -> WriteOnlyWorksheet:
        sheet = self._workbook.create_sheet(title=title[:31])
        sheet.freeze_panes = "A2"
        for index, heading in enumerate(header):
            width = widths[index] if widths and index < len(widths) else len(heading)
            sheet.column_dimensions[get_column_letter(index + 1)].width = (
                min(MAX_WIDTH, max(width, len(heading))) + 2
            )
        cells = []
        for heading in header:
            cell = WriteOnlyCell(sheet, value=heading)
            cell.font = self._bold
            cells.append(cell)
        sheet.append(cells)
        return sheet

    @staticmethod
    def append(sheet: WriteOnlyWorksheet, row: Sequence[Any]) -> None:
        sheet.append([_excel_value(v) for v in row])

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self._workbook.save(buffer)
        return buffer.getvalue()


def guessed_widths(
    header: Sequence[str], rows: Sequence[Sequence[Any]], guesses: Mapping[str, int] | None = None
) -> list[int]:
    """Each column as wide as its header, a guess for columns known to be
    long, or the longest value among ``rows`` (a sample, not every row)."""
    widths = [max(len(h), (guesses or {}).get(h, 0)) for h in header]
    for row in rows:
        for index, value in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], min(MAX_WIDTH, len(str(value or ""))))
    return widths


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """One worksheet per (title, header, rows); bold header, frozen top row,
    columns as wide as the header and the first rows need."""
    spreadsheet = Spreadsheet()
    for title, header, rows in sheets:
        iterator = iter(rows)
        sample = list(islice(iterator, WIDTH_SAMPLE_ROWS))
        sheet = spreadsheet.sheet(title, header, guessed_widths(header, sample))
        for row in chain(sample, iterator):
            spreadsheet.append(sheet, row)
    return spreadsheet.to_bytes()


def xlsx_response(
    filename: str, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]
) -> Response:
    return Response(xlsx_bytes(sheets), mimetype=XLSX_MIMETYPE, headers=_attachment(filename))
