"""Downloads of a table as CSV or XLSX, shared by every list people export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from commission.timeutil import LONDON

CSV_MIMETYPE = "text/csv"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


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


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else _safe_text(_plain(v)) for v in row])
    # A byte order mark so Excel opens the UTF-8 file with the right characters.
    body = "\ufeff" + buffer.getvalue()
    return Response(body, mimetype=CSV_MIMETYPE, headers=_attachment(filename))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def xlsx_response(
    filename: str, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]
) -> Response:
    """One worksheet per (title, header, rows); bold header, frozen top row,
    columns wide enough to read."""
    workbook = Workbook()
    default_sheet = workbook.active
    if default_sheet is not None:
        workbook.remove(default_sheet)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(h) for h in header]
        for row in rows:
            values = [_excel_value(v) for v in row]
            sheet.append(values)
            for index, value in enumerate(values):
                widths[index] = max(widths[index], min(60, len(str(value or ""))))
        sheet.freeze_panes = "A2"
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width + 2
    buffer = io.BytesIO()
    workbook.save(buffer)
    return Response(buffer.getvalue(), mimetype=XLSX_MIMETYPE, headers=_attachment(filename))
