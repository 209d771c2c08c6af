"""Recording exports in the audit log: who, when, which filter, how many rows."""

from __future__ import annotations

from participation.audit.models import AuditEntry
from participation.audit.services import record
from participation.database import begin_write
from participation.extensions import db


def start_export(actor, kind: str, fmt: str, filters: dict, personal: bool) -> AuditEntry:
    """Write the audit entry of an export before its first row is sent."""
    # Admin exports hold names, addresses and exact demographics of small groups: say so.
    return record(actor, f"export.{kind}", format=fmt, filters=filters,
                  personal_data=personal, exact_demographics=personal, completed=False)


def finish_export(entry_id: int, rows: int, completed: bool) -> None:
    """Add the number of rows sent (and whether the download finished) to an export's entry."""
    # Read, then write: on SQLite take the write lock first (a read turning into a write
    # fails at once, without waiting, while the mail worker or another request writes).
    begin_write(db.session())
    entry = db.session.get(AuditEntry, entry_id)
    if entry is None:
        return
    entry.details = {**(entry.details or {}), "rows": rows, "completed": completed}
    db.session.flush()
