"""Several writes sent as one statement: for the few places where a lock is held meanwhile.

An ORM flush sends each row as its own statement and works out the order, the defaults and
what changed between them: under an event's row lock (registering), which every other
registration for the event waits for, that was most of the time the lock was held (three
round trips and the unit of work's bookkeeping between them). ``write_at_once`` sends the
same rows as one PostgreSQL statement (data-modifying ``WITH`` clauses, with the
transaction's pending notifications in its ``SELECT``); SQLite, which has no round trips,
gets them one by one. Afterwards the objects are as a flush would have left them: the new
ones persistent (their primary key set, what they were given loaded, the rest loaded on first
use), the changed ones holding their new values as committed, and the page cache told what
changed (``page_cache.note_written``).

It only inserts rows and updates columns by primary key; relationships, cascades and
collections are the caller's (see ``registrations.services.register``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from participation.core import notify, page_cache


def _table(obj: Any) -> sa.Table:
    return sa.inspect(obj).mapper.local_table


@functools.cache
def _insert_plan(mapper: sa.orm.Mapper) -> tuple[tuple[str, str, Any, bool], ...]:
    """For each column an insert may give: attribute key, column key, Python default (or
    None), and whether it is the primary key. Computed once per mapped class."""
    plan = []
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if not isinstance(column, sa.Column) or column.computed is not None:
            continue
        default = column.default
        if default is not None and not (default.is_scalar or default.is_callable):
            default = None
        plan.append((prop.key, column.key, default, bool(column.primary_key)))
    return tuple(plan)


def given_values(obj: Any) -> dict[str, Any]:
    """The insert's values: what the object was given, and its columns' Python defaults.

    The defaults are set on the object too (as a flush does); server defaults and computed
    columns are left to the database (the object loads them on first use).
    """
    state = sa.inspect(obj)
    given = state.dict
    values = {}
    for key, column_key, default, primary_key in _insert_plan(state.mapper):
        if key not in given:
            if default is None:
                continue
            setattr(obj, key, default.arg if default.is_scalar else default.arg(None))
        value = given[key]
        if value is None and primary_key:
            continue
        values[column_key] = value
    return values


def _key_column(table: sa.Table) -> sa.Column:
    (column,) = table.primary_key.columns
    return column


@functools.lru_cache(maxsize=64)
def _statement(inserts: tuple[tuple[sa.Table, tuple[str, ...]], ...],
               updates: tuple[tuple[sa.Table, tuple[str, ...]], ...],
               notifications: int) -> sa.Select:
    """The one statement for these tables and columns, built once (building a statement and
    its cache key cost more than sending it); the values are its parameters."""
    def bind(name: str, column: sa.Column) -> sa.BindParameter:
        return sa.bindparam(name, type_=column.type)

    new = [sa.insert(table).values({name: bind(f"new_{i}_{name}", table.c[name])
                                    for name in names})
           .returning(_key_column(table)).cte(f"new_{i}")
           for i, (table, names) in enumerate(inserts)]
    changed = [sa.update(table).where(_key_column(table) == sa.bindparam(f"changed_{i}"))
               .values({name: bind(f"changed_{i}_{name}", table.c[name]) for name in names})
               .cte(f"changed_{i}")
               for i, (table, names) in enumerate(updates)]
    columns = [sa.select(cte.c[0]).scalar_subquery() for cte in new]
    columns += [sa.func.pg_notify(sa.bindparam(f"channel_{i}"), sa.bindparam(f"payload_{i}"))
                for i in range(notifications)]
    statement = sa.select(*columns) if columns else sa.select(sa.literal(1))
    return statement.add_cte(*changed) if changed else statement


def write_at_once(session: Session, new: Sequence[Any] = (),
                  changed: Sequence[tuple[Any, Mapping[str, Any]]] = ()) -> None:
    """Insert ``new`` objects and set ``changed`` objects' columns, in one statement.

    ``changed`` pairs a persistent object with ``{attribute: new value}``; the values are
    written as given (like a flush: the caller holds the row's lock when they were counted),
    and a column's ``onupdate`` applies unless the values name it. What the session still
    holds unflushed is flushed first, so the order of writes is kept.
    """
    if session.new or session.dirty or session.deleted:
        session.flush()
    inserts = [(obj, _table(obj), given_values(obj)) for obj in new]
    updates = [(obj, _table(obj), dict(values)) for obj, values in changed]
    page_cache.note_written(session, inserted=new,
                            updated=[(obj, set(values)) for obj, values in changed])
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        notifications = notify.take(session)
        statement = _statement(
            tuple((table, tuple(values)) for _, table, values in inserts),
            tuple((table, tuple(values)) for _, table, values in updates),
            len(notifications))
        params = {}
        for i, (_, _, values) in enumerate(inserts):
            params.update({f"new_{i}_{name}": value for name, value in values.items()})
        for i, (obj, _, values) in enumerate(updates):
            params.update({f"changed_{i}_{name}": value for name, value in values.items()})
            params[f"changed_{i}"] = sa.inspect(obj).identity[0]
        for i, (channel, payload) in enumerate(notifications):
            params[f"channel_{i}"], params[f"payload_{i}"] = channel, payload
        keys = list(connection.execute(statement, params).one())[:len(inserts)]
    else:
        keys = []
        for _, table, values in inserts:
            result = connection.execute(sa.insert(table).values(values))
            keys.append(result.inserted_primary_key[0])
        for obj, table, values in updates:
            connection.execute(sa.update(table).where(
                _key_column(table) == sa.inspect(obj).identity[0]).values(values))
    session.info["flushed_writes"] = True
    for (obj, table, _), key in zip(inserts, keys, strict=True):
        setattr(obj, _key_column(table).key, key)
        sa.orm.make_transient_to_detached(obj)
        session.add(obj)
    for obj, table, values in updates:
        for name, value in values.items():
            set_committed_value(obj, name, value)
        # A column set by its onupdate is loaded again on first use.
        renewed = [column.key for column in table.columns
                   if column.onupdate is not None and column.key not in values]
        if renewed:
            session.expire(obj, renewed)
