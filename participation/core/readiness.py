"""Is this app server ready for traffic? The database answers and runs the current schema."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app


@cache
def _migration_heads(directory: str) -> frozenset[str]:
    """The head revisions of the migrations shipped with this code (read once)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", directory)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def migration_heads(app: Flask) -> frozenset[str]:
    """The head revisions of the app's migrations."""
    directory = Path(app.extensions["migrate"].directory)
    if not directory.is_absolute():  # relative to the project, beside the package
        directory = Path(app.root_path).parent / directory
    return _migration_heads(str(directory))


def readiness_problems() -> list[str]:
    """List why this server should not get traffic; empty when it is ready."""
    from participation.extensions import db

    try:
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars()
            current = frozenset(rows)
    except sa.exc.ProgrammingError:
        return ["database not migrated (flask db upgrade)"]
    except sa.exc.DBAPIError as error:
        if isinstance(error, sa.exc.OperationalError) and "no such table" in str(error):
            return ["database not migrated (flask db upgrade)"]
        return ["database unreachable"]
    heads = migration_heads(current_app)
    if current != heads:
        return [f"database schema {', '.join(sorted(current)) or 'none'} is not the code's "
                f"{', '.join(sorted(heads))} (flask db upgrade)"]
    return []
