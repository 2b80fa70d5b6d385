"""Downloads of a table as CSV or XLSX, shared by every list people export.

Both are written as rows arrive: a CSV can stream to the browser while its
rows are still being read (``csv_stream_response``), and a spreadsheet is an
XlsxWriter workbook in its constant-memory mode, whose rows go straight to a
temporary file as they are written, so memory stays the same however many
rows there are. Each value is written by the writer for its type (text as
text, never read as a formula or a link), with no per-cell objects. Column
widths are set before the first row, so they come from the header and the
first rows, not from a second pass over every value.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, islice
from typing import Any

import xlsxwriter
from flask import Response, stream_with_context
from xlsxwriter.worksheet import Worksheet

from commission.timeutil import in_london

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
        return in_london(value).replace(tzinfo=None)
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


# The number formats openpyxl gave times and days, so a time reads as before.
TIME_FORMAT = "yyyy-mm-dd h:mm:ss"
DAY_FORMAT = "yyyy-mm-dd"


@dataclass
class Sheet:
    """A worksheet being written, and the row its next row goes in."""

    worksheet: Worksheet
    next_row: int = 0


class Spreadsheet:
    """A constant-memory workbook: each sheet gets a bold, frozen header row
    and its column widths before any row is written, and rows can be
    appended to several sheets in one pass over the data."""

    def __init__(self) -> None:
        self._buffer = io.BytesIO()
        self._workbook = xlsxwriter.Workbook(
            self._buffer,
            {
                "constant_memory": True,
                # Text someone typed stays text: never a formula, link or number.
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self._bold = self._workbook.add_format({"bold": True})
        self._time = self._workbook.add_format({"num_format": TIME_FORMAT})
        self._day = self._workbook.add_format({"num_format": DAY_FORMAT})

    def sheet(
        self, title: str, header: Sequence[str], widths: Sequence[int] | None = None
    ) -> Sheet:
        worksheet = self._workbook.add_worksheet(title[:31])
        worksheet.freeze_panes(1, 0)
        for index, heading in enumerate(header):
            width = widths[index] if widths and index < len(widths) else len(heading)
            worksheet.set_column(index, index, min(MAX_WIDTH, max(width, len(heading))) + 2)
        worksheet.write_row(0, 0, header, self._bold)
        return Sheet(worksheet, 1)

    def append(self, sheet: Sheet, row: Sequence[Any]) -> None:
        """One row, each value by the writer for its type: numbers as
        numbers, times as London wall-clock times, text as text (with a
        leading formula character quoted); blanks are left out."""
        worksheet, number = sheet.worksheet, sheet.next_row
        sheet.next_row += 1
        for column, value in enumerate(row):
            if value is None or value == "":
                continue
            kind = type(value)
            if kind is str:
                worksheet.write_string(number, column, _safe_text(value))
            elif kind is int or kind is float or kind is Decimal:
                worksheet.write_number(number, column, value)
            elif kind is bool:
                worksheet.write_boolean(number, column, value)
            elif isinstance(value, datetime):
                worksheet.write_datetime(number, column, _excel_value(value), self._time)
            elif isinstance(value, date):
                worksheet.write_datetime(number, column, value, self._day)
            else:
                worksheet.write_string(number, column, _safe_text(str(value)))

    def to_bytes(self) -> bytes:
        self._workbook.close()
        return self._buffer.getvalue()


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
