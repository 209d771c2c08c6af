"""On PostgreSQL the opinions CSV, JSON and XLSX rows are written by the database (COPY):
the same files as Python's."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import openpyxl
import pytest

from participation.accounts.models import AgeBand, Role
from participation.database import utcnow
from participation.exports import copy, writers
from participation.exports.cells import neutralise_csv_cell
from participation.exports.opinions import (
    OPINION_COLUMNS,
    OpinionFilter,
    columns_for,
    opinion_csv_lines,
    opinion_json_lines,
    opinion_rows,
    opinion_xlsx_rows,
    pseudonym_of,
)
from participation.extensions import db
from participation.feedback import themes
from participation.feedback.models import OpinionSource, OpinionStatus, Stance
from participation.policy.models import PolicyAction

#: Cells a spreadsheet would run, or a CSV reader would split, and the ones it must not touch.
BODIES = [
    '=HYPERLINK("http://x")', "+32 9 123", "-minus", "@SUM(A1)", "\tTab first", "\rCR first",
    "a;=1+1", "a,-2", "line\n@three", 'quotes "inside", and, commas', "multi\nline\r\ntext",
    "Ça va, één ‘quote’ 😀", "", "plain text", "<5 is not a formula", "a; b = c",
]


@pytest.fixture
def tricky(make_action, make_opinion, make_user, make_event):
    action = make_action(code="CP01", title_nl="=Titel", title_en="Title, -x")
    other = make_action(code="CP02", title_nl="Zonder Engels", title_en=None)
    event = make_event(slug="copy-cafe", title="@Café", actions=[action],
                       starts_at=utcnow() - timedelta(days=2))
    staff = make_user(roles=(Role.STAFF,))
    people = [make_user(name=f"=Person {i}", email=f"p{i}@example.org") for i in range(len(BODIES))]
    made = []
    for i, body in enumerate(BODIES):
        made.append(make_opinion(
            action if i % 2 else other, user=people[i], body=body,
            stance=list(Stance)[i % 3], event=event if i % 3 == 0 else None,
            postcode="9000" if i < 12 else "9050", locale="en" if i % 2 else "nl",
            # One alone in their age band: a small group ("<5") outside admin exports.
            age_band=AgeBand.AGE_25_34 if i < 13 else AgeBand.AGE_65_PLUS if i == 13 else None,
            created_at=utcnow() - timedelta(days=i, microseconds=i * 1234)))
    made.append(make_opinion(action, source=OpinionSource.AT_EVENT, body="-at the event",
                             event=event))
    made.append(make_opinion(other, body="hidden", status=OpinionStatus.HIDDEN,
                             hidden_reason="=spam; -x"))
    green = themes.create_theme(staff, "Groen", "Green", action=action)
    money = themes.create_theme(staff, "=Geld", None, action=action)
    themes.tag_opinions(staff, green, made[1:6:2])
    themes.tag_opinions(staff, money, made[3:9:2])
    db.session.commit()
    return made


def _rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith(writers.UTF8_BOM)
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    # Themes are a set: the database may join them in any order.
    where = rows[0].index("themes")
    for row in rows[1:]:
        row[where] = "; ".join(sorted(row[where].split("; ")))
    return rows


@pytest.mark.parametrize("personal", [False, True])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_postgresql_writes_the_same_cells_as_python(tricky, personal, language):
    if not copy.available():
        pytest.skip("COPY is PostgreSQL's; SQLite exports through Python")
    flt = OpinionFilter()
    columns = columns_for(OPINION_COLUMNS, personal)
    by_python = writers.Sheet("opinions", columns,
                              opinion_rows(flt, personal, language, salt="s3cret"))
    by_copy = writers.Sheet("opinions", columns, [],
                            csv_lines=opinion_csv_lines(flt, personal, language, salt="s3cret"))
    python_rows = _rows(b"".join(writers.csv_chunks(by_python)))
    copy_rows = _rows(b"".join(writers.csv_chunks(by_copy)))
    assert len(copy_rows) == len(BODIES) + 3
    assert copy_rows == python_rows
    # The cells that matter, checked directly too.
    texts = [row[columns.index(next(c for c in columns if c.key == "text"))]
             for row in copy_rows[1:]]
    assert "'=HYPERLINK(\"http://x\")" in texts and "a;'=1+1" in texts and "a,'-2" in texts
    assert "line\n'@three" in texts and "multi\nline\r\ntext" in texts
    assert "'\tTab first" in texts


def test_pseudonyms_are_the_same_in_sql_and_python(tricky):
    if not copy.available():
        pytest.skip("COPY is PostgreSQL's")
    rows = list(opinion_rows(OpinionFilter(), False, "nl", salt="abc"))
    assert rows[0]["author_pseudonym"] == pseudonym_of("abc", tricky[0].user_id)
    assert len(rows[0]["author_pseudonym"]) == 16


def test_filters_and_small_groups_hold_in_the_database_written_csv(tricky):
    if not copy.available():
        pytest.skip("COPY is PostgreSQL's")
    flt = OpinionFilter(action="CP01", stance="mixed")
    lines = b"".join(opinion_csv_lines(flt, False, "en")).decode()
    rows = list(csv.reader(io.StringIO(lines, newline="")))
    python = list(opinion_rows(flt, False, "en"))
    assert len(rows) == len(python) > 0
    postcode = [c.key for c in columns_for(OPINION_COLUMNS, False)].index("postcode")
    assert {row[postcode] for row in rows} == {r["postcode"] for r in python}


@pytest.mark.parametrize("by", ["priority", "action", "none"])
def test_a_filter_on_the_priority_or_the_action_gives_the_same_rows_both_ways(tricky, by):
    if not copy.available():
        pytest.skip("COPY is PostgreSQL's")
    action = db.session.get(PolicyAction, tricky[0].action_id)
    flt = {"priority": OpinionFilter(priority=action.priority.slug),
           "action": OpinionFilter(action=action.code.lower()),
           "none": OpinionFilter()}[by]
    lines = b"".join(opinion_csv_lines(flt, False, "nl", salt="s")).decode()
    rows = list(csv.reader(io.StringIO(lines, newline="")))
    python = list(opinion_rows(flt, False, "nl", salt="s"))
    keys = [c.key for c in columns_for(OPINION_COLUMNS, False)]
    assert len(rows) == len(python) > 0
    for row, expected in zip(rows, python, strict=True):
        got = dict(zip(keys, row, strict=True))
        assert (got["action_code"], got["priority"], got["action_title"]) == (
            expected["action_code"], expected["priority"],
            neutralise_csv_cell(expected["action_title"]))


def _objects(data: bytes) -> list[dict]:
    objects = json.loads(data.decode("utf-8"))
    for item in objects:  # themes are a set: the database may join them in any order
        if item["themes"] is not None:
            item["themes"] = "; ".join(sorted(item["themes"].split("; ")))
    return objects


@pytest.mark.parametrize("personal", [False, True])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_postgresql_writes_the_same_json_as_python(tricky, personal, language):
    if not copy.available():
        pytest.skip("COPY is PostgreSQL's; SQLite exports through Python")
    flt = OpinionFilter()
    columns = columns_for(OPINION_COLUMNS, personal)
    by_python = writers.Sheet("opinions", columns,
                              opinion_rows(flt, personal, language, salt="s3cret"))
    by_copy = writers.Sheet("opinions", columns, [],
                            json_lines=opinion_json_lines(flt, personal, language, salt="s3cret"))
    python_text = b"".join(writers.json_chunks(by_python))
    copy_text = b"".join(writers.json_chunks(by_copy))
    python_objects, copy_objects = _objects(python_text), _objects(copy_text)
    assert len(copy_objects) == len(BODIES) + 2
    assert copy_objects == python_objects
    # The same keys in the same order, one object per line, and the raw (unquoted) texts.
    assert [list(item) for item in copy_objects] == [list(item) for item in python_objects]
    assert copy_text.count(b"\n") == python_text.count(b"\n")
    texts = [item["text"] for item in copy_objects]
    assert '=HYPERLINK("http://x")' in texts and "multi\nline\r\ntext" in texts
    assert "Ça va, één ‘quote’ 😀" in texts
    assert any(item["event"] is None and item["author_pseudonym"] for item in copy_objects)


def _workbook(data: bytes) -> dict[str, list[list]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheets = {}
    for sheet in book.worksheets:
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        if "themes" in rows[0]:  # themes are a set: the database may join them in any order
            where = rows[0].index("themes")
            for row in rows[1:]:
                if row[where] is not None:
                    row[where] = "; ".join(sorted(row[where].split("; ")))
        sheets[sheet.title] = rows
    return sheets


@pytest.mark.parametrize("personal", [False, True])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_postgresql_makes_the_same_workbook_as_python(tricky, personal, language):
    if not copy.available():
        pytest.skip("COPY is PostgreSQL's; SQLite exports through Python")
    flt = OpinionFilter()
    columns = columns_for(OPINION_COLUMNS, personal)
    by_python = writers.Sheet("opinions", columns,
                              opinion_rows(flt, personal, language, salt="s3cret"))
    by_copy = writers.Sheet("opinions", columns, [],
                            xlsx_rows=opinion_xlsx_rows(flt, personal, language, salt="s3cret"))
    dictionary = writers.dictionary_sheet(columns)
    python_book = b"".join(writers.xlsx_chunks([by_python, dictionary]))
    copy_book = b"".join(writers.xlsx_chunks([by_copy, dictionary]))
    python_sheets, copy_sheets = _workbook(python_book), _workbook(copy_book)
    assert list(copy_sheets) == ["opinions", "data dictionary"]
    assert len(copy_sheets["opinions"]) == len(BODIES) + 3
    assert copy_sheets == python_sheets
    texts = [row[[c.key for c in columns].index("text")] for row in copy_sheets["opinions"]]
    assert '=HYPERLINK("http://x")' in texts and "multi\nline\r\ntext".replace(
        "\r", "_x000D_") in texts and "Ça va, één ‘quote’ 😀" in texts
    # The heading is bold and stays in view, as in the workbook Python writes.
    sheet = openpyxl.load_workbook(io.BytesIO(copy_book))["opinions"]
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"


def test_the_streamed_workbook_holds_text_a_spreadsheet_must_not_run():
    """Markup (also a whole ``<r>...</r>``, which XlsxWriter wrote as rich text), entities,
    escapes and control characters stay text; ``_xHHHH_`` in the text is kept literal, as
    Excel reads it; numbers stay numbers."""
    column = writers.Column("text", "text")
    values = ["<r><t>rich?</t></r>", "a & b < c > d", "_x0041_ literal", "bell\x07", " padded ",
              "&amp;", "=1+1", "tab\tand\nline", "<r>x</r>", 12, 0.5]
    sheet = writers.Sheet("cells", [column], [{"text": v} for v in values])
    book = openpyxl.load_workbook(io.BytesIO(b"".join(writers.xlsx_chunks([sheet]))))
    read = [row[0].value for row in book["cells"].iter_rows(min_row=2)]
    assert read[0] == "<r><t>rich?</t></r>" and read[1] == "a & b < c > d"
    assert read[2] == "_x005F_x0041_ literal" and read[3] == "bell_x0007_"
    assert read[4:] == [" padded ", "&amp;", "=1+1", "tab\tand\nline", "<r>x</r>", 12, 0.5]


def _values_query(values: list[str | None]):
    import sqlalchemy as sa

    # A row that is never selected: VALUES cannot be empty.
    rows = sa.values(sa.column("n", sa.Integer), sa.column("v", sa.Text), name="given").data(
        [(-1, "not selected"), *enumerate(values)])
    return sa.select(rows.c.v).where(rows.c.n >= 0).order_by(rows.c.n)


@pytest.mark.parametrize("count", [0, 1, 3000])
def test_one_column_read_in_binary_comes_back_as_written(app, count):
    # Backslashes, quotes, the bytes a binary header holds, non-ASCII: all as they are, one
    # line each, over several chunks; nothing at all when there is no row.
    if not copy.available():
        pytest.skip("PostgreSQL writes these itself")
    values = [f'{n} \\ "x" \x01 PGCOPY ÿ 😀 ' + "y" * (n % 90) for n in range(count)]
    chunks = list(copy.single_column_lines(_values_query(values)))
    assert b"".join(chunks).decode("utf-8") == "".join(f"{v}\n" for v in values)
    assert sum(chunk.rows for chunk in chunks) == count
    assert len(chunks) == (0 if count == 0 else 1 if count == 1 else
                           len(b"".join(chunks)) // copy.CHUNK_SIZE + 1)


def test_a_missing_value_or_a_stream_not_binary_is_refused(app):
    if not copy.available():
        pytest.skip("PostgreSQL writes these itself")
    with pytest.raises(ValueError):
        list(copy.single_column_lines(_values_query(["a", None])))
    db.session.rollback()
    with pytest.raises(ValueError):
        list(copy._binary_values([b"not a binary copy at all"]))
