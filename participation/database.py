"""The declarative base, column types and transaction helpers shared by every domain."""

from __future__ import annotations

import enum
import select
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlalchemy.orm
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware datetime stored as UTC; naive values are refused."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC datetimes")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def value_enum(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    """Store a Python enum by its lowercase value, checked by the database."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    """Declarative base with stable constraint names for migrations."""

    registry = sa.orm.registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


def engine_options(uri: str, options: dict, connect_timeout: int = 3) -> dict:
    """Engine options that keep a dropped or unreachable database away from users.

    Every pooled PostgreSQL connection is checked before use (``_check_out``), so a
    connection the server or the network dropped is replaced instead of failing a request;
    PostgreSQL connections give up after ``connect_timeout`` seconds and use TCP keepalives.
    """
    if uri.startswith("postgresql"):
        connect_args = {
            "connect_timeout": max(int(connect_timeout), 2),
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
        }
        options["connect_args"] = {**connect_args, **options.get("connect_args", {})}
    return options


def _closed_by_the_other_side(dbapi_connection) -> bool:
    """Whether PostgreSQL or the network ended a connection while it sat in the pool.

    An idle connection's socket has nothing to read: PostgreSQL speaks only when asked. When
    the server ends the connection (a restart, ``pg_terminate_backend``, a proxy or a network
    path that went away) its goodbye or the end of the stream is waiting there. One look at
    the socket, instead of ``pool_pre_ping``'s ``SELECT 1`` (a round trip before every
    request's first statement: a tenth of a registration's time, issue 16). A connection with
    something else to read (a notice) is replaced too: one new connection, no harm.
    """
    if dbapi_connection.closed or dbapi_connection.broken:
        return True
    try:
        poller = select.poll()
        poller.register(dbapi_connection.pgconn.socket, select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))
    except (OSError, ValueError):  # no socket any more
        return True


@sa.event.listens_for(sa.pool.Pool, "checkout")
def _check_out(dbapi_connection, connection_record, connection_proxy) -> None:
    if type(dbapi_connection).__module__.startswith("psycopg") and (
        _closed_by_the_other_side(dbapi_connection)
    ):
        # The pool throws the connection away and checks out another one.
        raise sa.exc.DisconnectionError("the server closed the connection while it was idle")


class UnsavedWritesError(RuntimeError):
    """``begin_write`` was called after the caller changed objects without flushing."""


def _has_pending_writes(session: sa.orm.Session) -> bool:
    return bool(session.new or session.deleted
                or any(session.is_modified(obj) for obj in session.dirty))


def begin_write(session) -> None:
    """Make the session's transaction a write transaction, before any rule reads a count.

    SQLite serialises writers: the transaction starts with ``BEGIN IMMEDIATE`` so that two
    writers never decide from the same count (PostgreSQL callers lock rows with ``SELECT ...
    FOR UPDATE`` instead). It never commits: a read-only transaction is rolled back (nothing
    to lose) and begun again; a transaction that already wrote (flushed) holds the write lock
    and simply goes on, so the caller's rollback still undoes everything.

    :raises UnsavedWritesError: the session holds changes not yet flushed; call
        ``begin_write`` before changing anything (the caller's work is never committed).
    """
    if isinstance(session, sa.orm.scoped_session):
        session = session()
    if session.info.get("write_began"):
        return
    if _has_pending_writes(session):
        raise UnsavedWritesError(
            "begin_write() called with unsaved changes in the session: call it before "
            "changing anything, or commit/roll back first"
        )
    if session.in_transaction():
        conn = session.connection()
        if (conn.dialect.name == "sqlite" and not conn.info.get("immediate")
                and not session.info.get("flushed_writes")):
            session.rollback()  # only reads so far: nothing is lost
            session.connection(execution_options={"sqlite_immediate": True})
    else:
        session.connection(execution_options={"sqlite_immediate": True})
    session.info["write_began"] = True


@sa.event.listens_for(sa.orm.Session, "after_flush")
def _note_flushed_writes(session, flush_context) -> None:
    if session.new or session.dirty or session.deleted:
        session.info["flushed_writes"] = True


@sa.event.listens_for(sa.orm.Session, "do_orm_execute")
def _note_bulk_writes(orm_execute_state) -> None:
    if orm_execute_state.is_insert or orm_execute_state.is_update or orm_execute_state.is_delete:
        orm_execute_state.session.info["flushed_writes"] = True


@sa.event.listens_for(sa.orm.Session, "after_transaction_end")
def _forget_writes(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop("write_began", None)
        session.info.pop("flushed_writes", None)


@sa.event.listens_for(sa.engine.Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    """Enforce foreign keys, wait for the write lock, and let us emit BEGIN ourselves."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _in_write_request() -> bool:
    """Tell whether the current Flask request may write (anything but GET/HEAD/OPTIONS)."""
    from flask import has_request_context, request

    return has_request_context() and request.method not in {"GET", "HEAD", "OPTIONS"}


@sa.event.listens_for(sa.engine.Engine, "begin")
def _begin_sqlite(conn) -> None:
    """Begin SQLite transactions explicitly; IMMEDIATE when a write was announced."""
    if conn.dialect.name != "sqlite":
        return
    immediate = conn.get_execution_options().get("sqlite_immediate", False) or _in_write_request()
    conn.info["immediate"] = immediate
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def flag(default: bool = False):
    """A boolean column with the same default in Python and in the database."""
    server_default = sa.text("true" if default else "false")
    return sa.orm.mapped_column(default=default, server_default=server_default)
