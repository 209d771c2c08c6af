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
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

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
    #: The same rows as worksheet cells (``<c>...</c>`` per column, one row per line),
    #: written by the database; the XLSX writer then only wraps and zips them.
    xlsx_rows: Iterable[bytes] | None = None


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
    """Pass lines (or chunks of lines) on in chunks of about ``chunk_size`` bytes."""
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
    """Join JSON objects (one per line, or chunks of such lines) into the array
    ``json_chunks`` writes, one object per line.

    A JSON text holds no raw line break (they are escaped inside strings), so the objects of
    a chunk are separated where its lines end.
    """
    parts: list[bytes] = [b"["]
    size = 1
    separator = b"\n"
    for line in lines:
        objects = line.rstrip(b"\n")
        if not objects:
            continue
        parts += (separator, objects.replace(b"\n", b",\n"))
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
    """Write sheets as an XLSX workbook, streamed as it is zipped (constant memory).

    Rows come from the database as finished cells (``Sheet.xlsx_rows``, see
    ``copy.xlsx_cell``) or as row dicts, written here with the same escaping: text as inline
    strings (never formulas), numbers as numbers, a bold heading row that stays in view, one
    worksheet per sheet. Nothing is kept but the zip's directory. (XlsxWriter, used before,
    wrote a text that starts with ``<r>`` and ends with ``</r>`` as raw rich-text XML: an
    opinion of that shape came out empty or reformatted.)
    """
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for name, content in _package_parts([sheet.name for sheet in sheets]):
            book.writestr(name, content)
        for number, sheet in enumerate(sheets, start=1):
            with book.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as part:
                part.write(_SHEET_START)
                part.write(b'<row r="1">' + b"".join(
                    _inline_cell(str(column.heading), bold=True) for column in sheet.columns)
                    + b"</row>")
                rows = sheet.xlsx_rows if sheet.xlsx_rows is not None else (
                    b"".join(_inline_cell(cell_value(row.get(column.key)))
                             for column in sheet.columns) for row in sheet.rows)
                batch: list[bytes] = []
                for row_number, cells in enumerate(rows, start=2):
                    batch.append(b'<row r="%d">%s</row>' % (row_number, cells.rstrip(b"\n")))
                    if len(batch) == 256:  # one call into zlib per batch, not per row
                        part.write(b"".join(batch))
                        batch.clear()
                        if sink.size >= chunk_size:
                            yield sink.take()
                part.write(b"".join(batch))
                part.write(_SHEET_END)
            yield sink.take()
    yield sink.take()


class _Sink:
    """A write-only file for ``zipfile`` (no seeking: it then writes data descriptors)."""

    def __init__(self):
        self._parts: list[bytes] = []
        self.size = 0
        self._written = 0

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        self.size += len(data)
        self._written += len(data)
        return len(data)

    def tell(self) -> int:
        return self._written

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self._parts, self.size = b"".join(self._parts), [], 0
        return data


_XLSX_CONTROL = re.compile(r"[\x01-\x08\x0b-\x1f]")
_XLSX_ESCAPED = re.compile(r"(_x[0-9a-fA-F]{4}_)")


def _inline_cell(value, bold: bool = False) -> bytes:
    """One cell: text as ``copy.xlsx_cell`` writes it in SQL (the same escaping), a number
    as a number."""
    if value is None or value == "":
        return b"<c/>"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return b"<c><v>%s</v></c>" % repr(value).encode()
    text = _XLSX_ESCAPED.sub(r"_x005F\1", str(value))
    text = _XLSX_CONTROL.sub(lambda match: f"_x{ord(match.group()):04X}_", text)
    text = (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\n", "&#10;"))
    style = ' s="1"' if bold else ""
    return (f'<c{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
            .encode())


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SHEET_START = (
    f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}"><sheetViews>'
    '<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
    'state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>'
    '<sheetFormatPr defaultRowHeight="15"/><sheetData>'
).encode()
_SHEET_END = b"</sheetData></worksheet>"


def _package_parts(names: list[str]) -> list[tuple[str, str]]:
    """The fixed parts of a workbook with these worksheets: types, relationships, styles."""
    def attribute(text: str) -> str:
        return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace('"', "&quot;"))

    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
        f'ContentType="{sheet_type}.worksheet+xml"/>' for n in range(1, len(names) + 1))
    sheets = "".join(f'<sheet name="{attribute(name[:31])}" sheetId="{n}" r:id="rId{n}"/>'
                     for n, name in enumerate(names, start=1))
    sheet_relationships = "".join(
        f'<Relationship Id="rId{n}" Type="{_RELATIONSHIPS}/worksheet" '
        f'Target="worksheets/sheet{n}.xml"/>' for n in range(1, len(names) + 1))
    styles_id = len(names) + 1
    return [
        ("[Content_Types].xml",
         f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="rels" '
         'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         '<Default Extension="xml" ContentType="application/xml"/>'
         f'<Override PartName="/xl/workbook.xml" ContentType="{sheet_type}.sheet.main+xml"/>'
         f'<Override PartName="/xl/styles.xml" ContentType="{sheet_type}.styles+xml"/>'
         f'{overrides}</Types>'),
        ("_rels/.rels",
         f'{_XML}<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
         f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/officeDocument" '
         'Target="xl/workbook.xml"/></Relationships>'),
        ("xl/workbook.xml",
         f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}"><sheets>{sheets}'
         '</sheets></workbook>'),
        ("xl/_rels/workbook.xml.rels",
         f'{_XML}<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">{sheet_relationships}'
         f'<Relationship Id="rId{styles_id}" Type="{_RELATIONSHIPS}/styles" '
         'Target="styles.xml"/></Relationships>'),
        ("xl/styles.xml",
         f'{_XML}<styleSheet xmlns="{_MAIN}">'
         '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
         '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
         '<fills count="2"><fill><patternFill patternType="none"/></fill>'
         '<fill><patternFill patternType="gray125"/></fill></fills>'
         '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
         '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
         'borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" '
         'fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" '
         'borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1">'
         '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
    ]


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
