"""The queries every signed-in page runs are answered from indexes, not by reading the table.

A person's registrations are theirs by account or by confirmed address
(``person_registrations``); every signed-in page that shows "your registration" or "the events
you went to" asks for them. Without an index on the address the database read every
registration there is (19 ms at the benchmark's 700,000 rows, on each signed-in action page).
"""

from __future__ import annotations

from participation.extensions import db
from participation.feedback.services import user_registrations
from participation.registrations.services import person_registrations


def _plan(statement) -> str:
    """The database's plan for ``statement``, as one text (both dialects)."""
    connection = db.session.connection()
    sql = str(statement.compile(dialect=connection.dialect,
                                compile_kwargs={"literal_binds": True}))
    if connection.dialect.name == "postgresql":
        # On a table this small a scan is cheapest; forbid it to see whether an index exists.
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        rows = connection.exec_driver_sql("EXPLAIN " + sql).scalars().all()
    else:
        rows = [row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
    return "\n".join(rows)


def _reads_whole_table(plan: str, table: str) -> bool:
    return f"Seq Scan on {table}" in plan or f"SCAN {table}" in plan.replace("SCAN TABLE", "SCAN")


def test_a_persons_registrations_are_found_by_index(app, make_user, make_event):
    user = make_user(email="resident@example.org")
    db.session.commit()
    for query in (person_registrations(user), user_registrations(user)):
        plan = _plan(query)
        assert "registrations" in plan
        assert not _reads_whole_table(plan, "registrations"), plan
    db.session.rollback()
