"""When each periodic job last ran, so many workers run it once per period between them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from participation.extensions import db


class JobRun(db.Model):
    """The last run of one periodic job (written in the job's own transaction)."""

    __tablename__ = "worker_job_runs"

    #: The job's name in :data:`participation.worker.jobs.JOBS`.
    name: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    last_run_at: Mapped[datetime]
    #: The summary the job returned, e.g. "12 reminder(s) queued".
    last_result: Mapped[str | None] = mapped_column(sa.String(500))
