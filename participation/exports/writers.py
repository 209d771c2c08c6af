"""Writers that turn an export (columns + a row generator) into CSV, XLSX or JSON, in chunks.

Every writer yields bytes as it goes, so a response can stream them. CSV quotes every cell
(Belgian Excel splits on ``;``) and puts a quote before formula starts; XLSX stores text as
text and JSON is not a spreadsheet, so both hold the raw value.
"""

from __future__ import annotations

import csv
import enum
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

import xlsxwriter
from flask_babel import lazy_gettext as _l

from participation.exports.cells import neutralise_csv_cell

CHUNK_SIZE = 64 * 1024
UTF8_BOM = "\ufeff"


@dataclass(frozen=True)
class Column:
    """One column of an export and its entry in the data dictionary."""

    key: str
    description: str
    #: Holds personal data: only in exports made by an admin.
    personal: bool = False
    #: The heading people read (translated); exports for programs head columns with the key.
    label: str | None = None

    @property
    def heading(self) -> str:
        return str(self.label) if self.label is not None else self.key


@dataclass
class Sheet:
    """A named table: its columns and a generator of row dicts keyed by column key."""

    name: str
    columns: list[Column]
    rows: Iterable[dict]
    #: The same rows as finished CSV lines (UTF-8, every cell quoted and neutralised), when
    #: the database can write them itself (PostgreSQL's COPY); the CSV writer prefers them.
    csv_lines: Iterable[bytes] | None = None
    #: The same rows as JSON objects, one per line (UTF-8), written by the database.
    json_lines: Iterable[bytes] | None = None


def cell_value(value):
    """Turn a Python value into what a cell holds: text, a number, or nothing."""
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _safe(value):
    # Most cells are text: check that first (this runs for every cell of every export).
    if type(value) is str:
        return neutralise_csv_cell(value)
    return neutralise_csv_cell(cell_value(value))


def csv_chunks(sheet: Sheet, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """Write a sheet as UTF-8 CSV with a byte order mark (so Excel reads it as UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    buffer.write(UTF8_BOM)
    writer.writerow([neutralise_csv_cell(c.heading) for c in sheet.columns])
    # The header goes out at once, before the first row is read.
    yield buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    if sheet.csv_lines is not None:
        yield from _joined(sheet.csv_lines, chunk_size)
        return
    keys = [c.key for c in sheet.columns]
    safe = _safe
    for row in sheet.rows:
        writer.writerow([safe(row.get(key)) for key in keys])
        if buffer.tell() >= chunk_size:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def _joined(lines: Iterable[bytes], chunk_size: int) -> Iterator[bytes]:
    """Pass lines on in chunks of about ``chunk_size`` bytes."""
    parts: list[bytes] = []
    size = 0
    for line in lines:
        parts.append(line)
        size += len(line)
        if size >= chunk_size:
            yield b"".join(parts)
            parts, size = [], 0
    if parts:
        yield b"".join(parts)


def json_chunks(sheet: Sheet, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """Write a sheet as a JSON array of objects, streamed."""
    if sheet.json_lines is not None:
        yield from _json_array(sheet.json_lines, chunk_size)
        return
    yield b"["
    parts: list[str] = []
    size = 0
    first = True
    for row in sheet.rows:
        item = {c.key: _json_value(row.get(c.key)) for c in sheet.columns}
        text = ("" if first else ",") + "\n" + json.dumps(item, ensure_ascii=False)
        first = False
        parts.append(text)
        size += len(text)
        if size >= chunk_size:
            yield "".join(parts).encode("utf-8")
            parts, size = [], 0
    parts.append("\n]\n")
    yield "".join(parts).encode("utf-8")


def _json_array(lines: Iterable[bytes], chunk_size: int) -> Iterator[bytes]:
    """Join JSON objects (one per line) into the array ``json_chunks`` writes, one per line."""
    parts: list[bytes] = [b"["]
    size = 1
    separator = b"\n"
    for line in lines:
        parts += (separator, line.rstrip(b"\n"))
        separator = b",\n"
        size += len(line) + 2
        if size >= chunk_size:
            yield b"".join(parts)
            parts, size = [], 0
    parts.append(b"\n]\n")
    yield b"".join(parts)


def _json_value(value):
    return cell_value(value) if value is not None else None


def xlsx_chunks(sheets: list[Sheet], chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """Write sheets to an XLSX workbook in a temporary file (constant memory), then stream it."""
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="export-")
    os.close(handle)
    try:
        workbook = xlsxwriter.Workbook(path, {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        })
        bold = workbook.add_format({"bold": True})
        for sheet in sheets:
            worksheet = workbook.add_worksheet(sheet.name[:31])
            for col, column in enumerate(sheet.columns):
                worksheet.write_string(0, col, str(column.heading), bold)
            worksheet.freeze_panes(1, 0)
            for row_number, row in enumerate(sheet.rows, start=1):
                for col, column in enumerate(sheet.columns):
                    value = cell_value(row.get(column.key))
                    if isinstance(value, int | float):
                        worksheet.write_number(row_number, col, value)
                    elif value != "":
                        worksheet.write_string(row_number, col, str(value))
        workbook.close()
        with open(path, "rb") as file:
            while chunk := file.read(chunk_size):
                yield chunk
    finally:
        os.unlink(path)


FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/json", "json"),
}


def dictionary_sheet(columns: list[Column]) -> Sheet:
    """The data dictionary of an export: one row per column, saying what it holds."""
    return Sheet(
        name="data dictionary",
        columns=[
            Column("column", _l("Name of the column in the export")),
            Column("description", _l("What the column holds")),
            Column("personal_data", _l("Whether the column holds personal data (admins only)")),
        ],
        rows=[
            {"column": c.key, "description": str(c.description),
             "personal_data": "yes" if c.personal else "no"}
            for c in columns
        ],
    )


def chunks(sheet: Sheet, fmt: str) -> Iterator[bytes]:
    """Write an export in a format; XLSX gets the data dictionary as a second sheet."""
    if fmt == "csv":
        return csv_chunks(sheet)
    if fmt == "json":
        return json_chunks(sheet)
    if fmt == "xlsx":
        return xlsx_chunks([sheet, dictionary_sheet(sheet.columns)])
    raise ValueError(f"unknown export format {fmt!r}")
