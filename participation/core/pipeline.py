"""Several reads sent in one round trip: for the few places where a lock is taken meanwhile.

Registering locks the event's row, then asks what the lock must be held for (is the address
registered already, is the drawn check-in code free, how many wait). Those are two statements:
the second must start after the lock was granted, to see what the previous holder committed
(a subquery of the locking statement would read the rows as they were when it started).
``read_together`` sends them at once in psycopg's pipeline mode: PostgreSQL still runs them one
after the other, each with its own snapshot, but the application waits for one answer instead
of two, and every other registration for the event waits one round trip less for the lock.
(psycopg sends a transaction's ``BEGIN`` and waits for it before the pipeline's statements.)
SQLite, which has no round trips, runs them one by one.

The statements are SQLAlchemy ``Select`` (or ``text``) constructs, compiled once per dialect;
their parameters are converted by their types, and the rows (mappings by column name) by
their columns' types, as SQLAlchemy's ``execute`` converts them. The engine's
``before_cursor_execute`` and ``after_cursor_execute`` listeners see each statement (the
tests' and the benchmark's statement counts stay exact), and a driver error is raised as
SQLAlchemy's, a lost connection invalidated, as from ``execute``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

Step = tuple[sa.Executable, Mapping[str, Any]]


@functools.lru_cache(maxsize=32)
def _compiled(statement: sa.Executable, dialect: sa.Dialect) -> tuple[
        str, dict[str, Callable], list[tuple[str, Callable | None]] | None]:
    """The statement's SQL for the driver, its parameters' converters by name, and its
    columns' names and converters (None for ``text``: its values come as the driver gives
    them)."""
    compiled = statement.compile(dialect=dialect)
    binds = {name: convert for name, bind in compiled.binds.items()
             if (convert := bind.type._cached_bind_processor(dialect)) is not None}
    columns = None
    if isinstance(statement, sa.Select):
        columns = [(column.key, column.type._cached_result_processor(dialect, None))
                   for column in statement.selected_columns]
    return compiled.string, binds, columns


def _as_mappings(rows: Sequence[Sequence[Any]], names: Sequence[str],
                 columns: list[tuple[str, Callable | None]] | None) -> list[dict[str, Any]]:
    if columns is None:
        return [dict(zip(names, row, strict=True)) for row in rows]
    return [{name: (convert(value) if convert is not None else value)
             for (name, convert), value in zip(columns, row, strict=True)} for row in rows]


def read_together(session: Session, *steps: Step) -> list[list[dict[str, Any]]]:
    """Run ``steps`` (statement, parameters) in order in one round trip; return each one's
    rows as mappings. In the session's transaction (begun by the first, on PostgreSQL in the
    same round trip)."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return [[dict(row) for row in connection.execute(statement, dict(params)).mappings()]
                for statement, params in steps]
    dialect = connection.dialect
    driver = connection.connection.driver_connection
    work = []
    for statement, given in steps:
        sql, binds, columns = _compiled(statement, dialect)
        params = {name: (binds[name](value) if name in binds else value)
                  for name, value in given.items()}
        work.append((sql, columns, params))
    cursors = []
    sql, params, cursor = None, None, None
    try:
        with driver.pipeline():
            for sql, _, params in work:
                cursor = driver.cursor()
                connection.dispatch.before_cursor_execute(
                    connection, cursor, sql, params, None, False)
                cursor.execute(sql, params)
                cursors.append(cursor)
        results = []
        for cursor, (sql, columns, params) in zip(cursors, work, strict=True):
            names = [d.name for d in cursor.description or ()]
            results.append(_as_mappings(cursor.fetchall(), names, columns))
            connection.dispatch.after_cursor_execute(
                connection, cursor, sql, params, None, False)
            cursor.close()
        return results
    except dialect.loaded_dbapi.Error as error:
        if dialect.is_disconnect(error, driver, cursor):
            connection.invalidate(error)
        raise sa.exc.DBAPIError.instance(
            sql, params, error, dialect.loaded_dbapi.Error,
            connection_invalidated=connection.invalidated, dialect=dialect) from error
