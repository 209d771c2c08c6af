"""``flask reminders send``: mail confirmed registrants the day before their event."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from participation.extensions import db
from participation.mail.sender import deliver_pending
from participation.registrations.services import send_reminders

reminders_cli = AppGroup("reminders", help="Reminders before events.")


@reminders_cli.command("send")
def reminders_send() -> None:
    """Queue a reminder for each confirmed registrant of tomorrow's events (once each)."""
    count = send_reminders()
    db.session.commit()
    report = deliver_pending(limit=max(count, 1) * 2)
    click.echo(f"{count} reminder(s) queued, {report.sent} mail(s) sent.")


commands = [reminders_cli]
