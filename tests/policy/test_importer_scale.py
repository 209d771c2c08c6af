"""Importing policy actions at any size: batches, flat memory, bad rows counted, all or none."""

from __future__ import annotations

import string

import pytest
import sqlalchemy as sa

from participation.extensions import db
from participation.policy.importer import MAX_REPORTED_PROBLEMS
from participation.policy.models import PolicyAction, PolicyDocument, Priority

#: Files of tens of thousands of rows: `make test` runs them, `make test-fast` skips them.
pytestmark = pytest.mark.slow

HEADER = "code,priority,title_nl,title_en,summary_nl,summary_en,status,progress,feedback_open\n"


def code(n: int) -> str:
    """A distinct valid code per number: 1-4 letters and 1-4 digits (A0 ... ZZ9999)."""
    letters = string.ascii_uppercase[n // 10000 % 26] + string.ascii_uppercase[n // 260000]
    return f"{letters}{n % 10000}"


@pytest.fixture
def priority(app):
    document = PolicyDocument(slug="note", issuer_nl="Stad Gent", title_nl="Nota")
    db.session.add(Priority(document=document, slug="talent", title_nl="Talent"))
    db.session.commit()


def test_a_file_of_more_than_65535_rows_is_imported_in_batches(runner, priority, tmp_path):
    rows = 66_000
    path = tmp_path / "actions.csv"
    with path.open("w", encoding="utf-8") as file:
        file.write(HEADER)
        file.writelines(f"{code(n)},talent,Actie {n},,,,planned,0,yes\n" for n in range(rows))

    result = runner.invoke(args=["actions", "import", str(path)])

    assert result.exit_code == 0, result.output[-2000:]
    assert f"{rows} action(s) created, 0 updated." in result.output
    assert db.session.scalar(sa.select(sa.func.count(PolicyAction.id))) == rows


def test_a_large_bad_file_reports_the_first_problems_counts_rows_and_changes_nothing(
    runner, priority, tmp_path
):
    path = tmp_path / "actions.csv"
    with path.open("w", encoding="utf-8") as file:
        file.write(HEADER)
        # 3,000 good rows first (written in batches, then rolled back), then 20,000 rows with
        # two problems each.
        file.writelines(f"{code(n)},talent,Actie {n},,,,planned,0,yes\n" for n in range(3000))
        file.writelines(f"bad code {n},talent,Actie,,,,planned,200,yes\n" for n in range(20000))

    result = runner.invoke(args=["actions", "import", str(path)])

    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == MAX_REPORTED_PROBLEMS + 2
    assert lines[-2] == f"... and {40000 - MAX_REPORTED_PROBLEMS} more problem(s)."
    assert lines[-1] == "20000 bad row(s) with 40000 problem(s); nothing was changed."
    assert db.session.scalar(sa.select(sa.func.count(PolicyAction.id))) == 0


def test_memory_stays_flat_however_many_bad_rows(priority):
    import io
    import tracemalloc

    from participation.policy.importer import import_actions_csv

    def peak(rows: int):
        text = HEADER + "".join(f"bad code {n},talent,Actie,,,,planned,200,yes\n"
                                for n in range(rows))
        stream = io.StringIO(text)
        tracemalloc.start()
        try:
            result = import_actions_csv(stream)
            return tracemalloc.get_traced_memory()[1], result
        finally:
            tracemalloc.stop()
            db.session.rollback()

    small, small_result = peak(2_000)
    large, large_result = peak(8_000)
    assert (small_result.bad_rows, large_result.bad_rows) == (2_000, 8_000)
    assert large < small * 1.5  # four times the rows, about the same memory
