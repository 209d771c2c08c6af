"""Exports PostgreSQL writes itself: ``COPY (SELECT ...) TO STDOUT`` with every cell made in SQL.

Python turning 200,000 rows into CSV ran at a tenth of the speed of COPY (a dict per row,
enum and date conversion, neutralising every cell, a pseudonym per row). Here the database
writes the finished lines: the cells are SQL expressions that give exactly what the Python
writer gives (``cells.neutralise_csv_cell``, ISO 8601 times in UTC, the export's pseudonyms),
and Python only passes the lines on. SQLite keeps the Python path (``writers.csv_chunks``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import sqlalchemy as sa

from participation.core.text import CELL_SEPARATORS, FORMULA_CHARACTERS
from participation.exports.cells import FORMULA_PREFIXES
from participation.extensions import db


def _bracket(chars: str) -> str:
    """A PostgreSQL bracket expression of these characters (a hyphen last: literal there)."""
    return "[" + chars.replace("-", "") + ("-" if "-" in chars else "") + "]"


#: ``cells._FORMULA_AFTER_SEPARATOR`` as a PostgreSQL regular expression (real tab, CR, LF).
_AFTER_SEPARATOR = f"({_bracket(CELL_SEPARATORS)})({_bracket(FORMULA_CHARACTERS)})"


def available() -> bool:
    """Whether the session's database can write CSV itself (PostgreSQL)."""
    return db.session.get_bind().dialect.name == "postgresql"


def text_cell(expression) -> sa.ColumnElement:
    """A text cell: empty for NULL, never a formula (a quote before a formula start)."""
    text = sa.cast(expression, sa.Text)
    started = sa.case(
        (sa.func.left(text, 1).in_(FORMULA_PREFIXES), sa.literal("'", sa.Text) + text),
        else_=text,
    )
    # Looking for the formula characters byte by byte first is much cheaper than the regular
    # expression, which only runs on a text that holds one of them.
    holds_formula_start = sa.or_(*[sa.func.strpos(text, char) > 0
                                   for char in FORMULA_CHARACTERS])
    return sa.case(
        (text.is_(None), ""),
        (holds_formula_start,
         sa.func.regexp_replace(started, _AFTER_SEPARATOR, "\\1'\\2", "g")),
        else_=started,
    )


def computed_once(query: sa.Select, name: str) -> sa.Subquery:
    """A subquery PostgreSQL computes once per row of its own (not once per joined row).

    ``OFFSET 0`` keeps the planner from pulling it up into the outer query, which would
    evaluate its expressions again for every row that joins it.
    """
    return query.offset(0).subquery(name)


def per_key(query: sa.Select, name: str) -> sa.Lateral:
    """A lateral subquery (``query`` names the outer row's key) PostgreSQL computes once per
    key and keeps (Memoize), joined ``ON true``: the outer rows keep their order.

    ``OFFSET 0`` keeps it from being pulled up into the outer query, where its expressions
    would be computed again for every row.
    """
    return query.offset(0).lateral(name)


def raw_text(expression) -> sa.ColumnElement:
    """A value as text, as it is (for JSON): NULL stays NULL."""
    return sa.cast(expression, sa.Text)


def plain_cell(expression) -> sa.ColumnElement:
    """A cell that cannot hold a formula (a code, a short name, a stored choice): as text."""
    return sa.func.coalesce(sa.cast(expression, sa.Text), "")


def utc_cell(expression, nothing: str | None = "") -> sa.ColumnElement:
    """A moment as ``datetime.isoformat(timespec="seconds")`` writes it in UTC
    (``nothing`` for no moment: empty in CSV, NULL in JSON)."""
    moment = sa.func.to_char(sa.func.timezone("UTC", expression),
                             'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')
    return moment if nothing is None else sa.func.coalesce(moment, nothing)


def pseudonym_cell(user_id, salt: str, nothing: str | None = "") -> sa.ColumnElement:
    """``pseudonym_of(salt, user_id)`` in SQL; ``nothing`` when there is no user."""
    digest = sa.func.encode(
        sa.func.sha256(sa.func.convert_to(sa.func.concat(salt, sa.cast(user_id, sa.Text)),
                                          "UTF8")), "hex")
    return sa.case((user_id.is_(None), sa.cast(sa.literal(nothing), sa.Text)),
                   else_=sa.func.left(digest, 16))


def json_rows(query: sa.Select, pairs: list[tuple[str, sa.ColumnElement]]) -> sa.Select:
    """One JSON object per row of ``query``: the keys in this order (fixed column keys).

    ``row_to_json`` of a subquery's row, about a fifth cheaper than ``json_build_object``
    with the same keys and values (and compact: no spaces). The rows keep the order of
    ``query``.
    """
    for key, _value in pairs:
        if not key.replace("_", "").isalnum() or key != key.lower():
            raise ValueError(f"not a column key: {key!r}")
    row = query.with_only_columns(*[value.label(key) for key, value in pairs],
                                  maintain_column_froms=True).subquery("export_row")
    return sa.select(sa.func.row_to_json(sa.literal_column(row.name))).select_from(row)


#: Characters XML 1.0 cannot hold, which Excel writes as ``_xHHHH_``; the carriage return
#: too (as XlsxWriter did, so workbooks read back the same as before).
_XLSX_CONTROL = [chr(c) for c in (*range(0x01, 0x09), *range(0x0B, 0x20))]


def xlsx_cell(value, *, markup_free: bool = False) -> sa.ColumnElement:
    """One cell of a worksheet row, as ``writers._inline_cell`` writes it (Excel's rules).

    ``_xHHHH_`` already in the text is kept literal (``_x005F``), control characters become
    ``_xHHHH_``, ``& < >`` are escaped, line breaks are written as character references (the
    row stays one line) and whitespace is kept. No text or an empty one: an empty cell.
    ``markup_free``: a value that cannot hold any of those (a stored choice, a moment, a
    pseudonym), written as it is. Text is escaped only when one test finds something to
    escape: most cells have nothing, and this runs for every cell of every row.
    """
    text = sa.cast(value, sa.Text)
    written = text
    if not markup_free:
        escaped = sa.func.regexp_replace(text, "(_x[0-9a-fA-F]{4}_)", "_x005F\\1", "g")
        for char in _XLSX_CONTROL:
            escaped = sa.func.replace(escaped, char, f"_x{ord(char):04X}_")
        for char, reference in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\n", "&#10;")):
            escaped = sa.func.replace(escaped, char, reference)
        written = sa.case((text.op("~")(r"[&<>\n_\x01-\x08\x0b-\x1f]"), escaped), else_=text)
    start = '<c t="inlineStr"><is><t>' if markup_free else (
        '<c t="inlineStr"><is><t xml:space="preserve">')
    return sa.case(
        (sa.func.coalesce(text, "") == "", "<c/>"),
        else_=sa.func.concat(start, written, "</t></is></c>"),
    )


class Lines(bytes):
    """Lines of an export read from COPY, joined into one chunk; ``rows`` counts them.

    COPY hands over one row at a time; passing each on through the export's generators
    (counting, chunking, the JSON array) cost more than PostgreSQL took to write it. The
    rows are joined where they are read, and the rest of the export handles chunks.
    """

    rows: int = 0


#: About how many bytes of lines go into one chunk.
CHUNK_SIZE = 64 * 1024


def _copy(query: sa.Select, options: str, *, one_binary_column: bool = False
          ) -> Iterator[Lines]:
    connection = db.session.connection()
    compiled = query.compile(dialect=connection.dialect,
                             compile_kwargs={"render_postcompile": True})
    statement = f"COPY ({compiled}) TO STDOUT WITH ({options})"
    driver = connection.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(statement, compiled.params) as copy:
        # PostgreSQL sends one message per row: a line (CSV), or a value to end with one.
        rows = _binary_values(copy) if one_binary_column else copy
        end = b"\n" if one_binary_column else b""
        parts: list = []
        size = 0
        for row in rows:
            parts.append(row)
            size += len(row)
            if size >= CHUNK_SIZE:
                yield _joined(parts, end)
                parts, size = [], 0
        if parts:
            yield _joined(parts, end)


def _joined(parts: list, end: bytes = b"") -> Lines:
    chunk = Lines(end.join(parts) + end)
    chunk.rows = len(parts)
    return chunk


#: What a binary COPY starts with (then 4 bytes of flags and the length of an extension).
_BINARY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_BINARY_TRAILER = b"\xff\xff"


def _binary_values(messages: Iterable) -> Iterator[memoryview]:
    """The values of a one-column ``COPY ... (FORMAT binary)``, one per row, as they are.

    Each row comes in a message of its own: a field count (1), the value's length, the
    value; the file's header comes before the first row and a trailer after the last.
    """
    first = True
    for message in messages:
        data = memoryview(message)
        if first:
            first = False
            if data[:11] != _BINARY_SIGNATURE:
                raise ValueError("not a binary COPY")
            data = data[19 + int.from_bytes(data[15:19], "big"):]
        if data == _BINARY_TRAILER:
            continue
        length = int.from_bytes(data[2:6], "big", signed=True)
        if data[:2] != b"\x00\x01" or length != len(data) - 6:
            raise ValueError("a binary COPY row of one value, not NULL, was expected")
        yield data[6:]


def single_column_lines(query: sa.Select) -> Iterator[Lines]:
    """Yield the one column of ``query`` (text without line breaks and never NULL, such as
    JSON that PostgreSQL wrote) as it is, one line per row, in chunks of lines.

    Binary format: each value comes as it is, with its length. The text and CSV formats
    look at every character for something to escape or quote (a tenth of the JSON
    export's time), and the text format would double every backslash.
    """
    yield from _copy(query, "FORMAT binary", one_binary_column=True)


def csv_lines(query: sa.Select) -> Iterator[Lines]:
    """Yield the rows of ``query`` (all text cells) as CSV lines written by PostgreSQL, in
    chunks of lines.

    Every cell is quoted, as the Python writer does; lines end in LF (COPY's only choice).
    Runs in the session's transaction, so it sees what the rest of the export sees.
    """
    yield from _copy(query, "FORMAT csv, FORCE_QUOTE *")
