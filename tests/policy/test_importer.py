"""Importing policy actions from CSV: all rows or none."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from flask import g

from participation.extensions import db
from participation.policy.importer import import_actions_csv
from participation.policy.models import ActionStatus, PolicyAction, PolicyDocument, Priority

HEADER = "code,priority,title_nl,title_en,summary_nl,summary_en,status,progress,feedback_open\n"


@pytest.fixture
def priorities(app):
    g.force_locale = "en"  # messages in English, outside a request
    document = PolicyDocument(slug="note", issuer_nl="Stad Gent", title_nl="Nota")
    talent = Priority(document=document, slug="international-talent", title_nl="Talent")
    image = Priority(document=document, slug="international-image", title_nl="Uitstraling")
    db.session.add_all([talent, image])
    db.session.flush()
    return {"talent": talent, "image": image}


def run(text: str):
    return import_actions_csv(io.StringIO(text))


def actions() -> dict[str, PolicyAction]:
    return {a.code: a for a in db.session.scalars(sa.select(PolicyAction))}


def test_import_creates_actions_with_defaults(priorities):
    result = run(
        HEADER + "a05,international-talent,Internationale school,International school,"
        "Onderzoek.,Study.,in_progress,60,no\n"
        + "A06,international-talent,Talent aantrekken,,,,,,\n"
    )

    assert result.errors == []
    assert (result.created, result.updated) == (2, 0)
    found = actions()
    school = found["A05"]
    assert school.priority is priorities["talent"]
    assert school.title_en == "International school"
    assert school.status == ActionStatus.IN_PROGRESS
    assert school.progress == 60
    assert school.feedback_open is False
    talent = found["A06"]
    assert talent.title_en is None
    assert talent.status == ActionStatus.PLANNED
    assert talent.progress == 0
    assert talent.feedback_open is True


def test_import_updates_existing_actions_by_code(priorities):
    run(HEADER + "A07,international-talent,Fonds,Fund,,,planned,0,yes\n")
    db.session.commit()

    result = run(
        HEADER
        + "A07,international-image,Citymarketingfonds,Urban marketing fund,,,done,100,false\n"
        + "A08,international-image,Prijzen,,,,,,\n"
    )

    assert result.errors == []
    assert (result.created, result.updated) == (1, 1)
    fund = actions()["A07"]
    assert fund.priority is priorities["image"]
    assert fund.title_nl == "Citymarketingfonds"
    assert fund.status == ActionStatus.DONE
    assert fund.progress == 100
    assert fund.feedback_open is False


def test_reimporting_the_same_file_updates_nothing(priorities):
    text = HEADER + "A07,international-image,Fonds,Fund,Samenvatting,Summary,done,100,yes\n"
    run(text)

    result = run(text)

    assert (result.created, result.updated, result.errors) == (0, 0, [])


def test_file_with_bad_rows_changes_nothing_and_reports_every_bad_line(priorities):
    run(HEADER + "A01,international-talent,Origineel,,,,planned,0,yes\n")
    db.session.commit()
    text = (
        HEADER
        + "A01,international-talent,Gewijzigd,,,,done,100,yes\n"  # 2: fine on its own
        + "A02,no-such-priority,Titel,,,,,,\n"  # 3
        + "A-3,international-talent,Titel,,,,,,\n"  # 4
        + "A04,international-talent,,,,,,,\n"  # 5
        + "A05,international-talent,Titel,,,,finished,150,maybe\n"  # 6: three problems
        + "A06,international-talent,Titel\n"  # 7: too few fields
        + "\n"  # 8: blank lines are skipped
        + f"A09,international-talent,{'x' * 201},,,,,,\n"  # 9
        + "A10,international-talent,Titel,,,,,abc,\n"  # 10
    )

    result = run(text)

    assert (result.created, result.updated) == (0, 0)
    by_line: dict[int, list[str]] = {}
    for error in result.errors:
        by_line.setdefault(error.line, []).append(error.message)
    assert sorted(by_line) == [3, 4, 5, 6, 7, 9, 10]
    assert "priority" in by_line[3][0] and "no-such-priority" in by_line[3][0]
    assert by_line[4][0].startswith("code:")
    assert by_line[5][0].startswith("title_nl:")
    assert [m.split(":")[0] for m in by_line[6]] == ["status", "progress", "feedback_open"]
    assert "3 fields" in by_line[7][0] and "expected 9" in by_line[7][0]
    assert by_line[9][0].startswith("title_nl:") and "200" in by_line[9][0]
    assert by_line[10][0].startswith("progress:")
    db.session.rollback()
    assert list(actions()) == ["A01"]
    assert actions()["A01"].title_nl == "Origineel"


def test_duplicate_codes_in_one_file_are_refused(priorities):
    result = run(
        HEADER
        + "A01,international-talent,Een,,,,,,\n"
        + "B02,international-talent,Twee,,,,,,\n"
        + "a01,international-image,Drie,,,,,,\n"
    )

    assert [(e.line, e.message) for e in result.errors] == [
        (4, "code: A01 already appears on line 2.")
    ]
    assert actions() == {}


def test_missing_header_columns_are_reported_on_line_one(priorities):
    result = run("code,priority,title_en\nA01,international-talent,Title\n")

    assert len(result.errors) == 1
    error = result.errors[0]
    assert error.line == 1
    assert "title_nl" in error.message and "feedback_open" in error.message
    assert actions() == {}


def test_empty_file_is_reported(priorities):
    result = run("")

    assert [e.line for e in result.errors] == [1]
    assert "empty" in result.errors[0].message


def test_utf8_bom_and_quoted_fields_are_accepted(priorities):
    text = (
        "\ufeff"
        + HEADER.replace("\n", "\r\n")
        + 'A09,international-image,"Gent en Garde, erkend","Gent en Garde, recognised",'
        '"Regel één\r\nregel twee",,done,,ja\r\n'
        + "A10,international-image,Diplomatiek evenement,,,,,,\r\n"
    )

    result = run(text)

    assert result.errors == []
    assert result.created == 2
    garde = actions()["A09"]
    assert garde.title_nl == "Gent en Garde, erkend"
    assert garde.summary_nl == "Regel één\r\nregel twee"
    assert garde.progress == 100  # done without a progress means finished


def test_line_numbers_count_physical_lines_of_multiline_rows(priorities):
    text = (
        HEADER
        + 'A01,international-talent,Titel,,"twee\nregels",,,,\n'  # lines 2-3
        + "A02,international-talent,Titel,,,,,,x\n"  # line 4
    )

    result = run(text)

    assert [e.line for e in result.errors] == [4]
