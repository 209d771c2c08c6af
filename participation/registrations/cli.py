"""``flask reminders send``: mail confirmed registrants the day before their event."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from participation.extensions import db
from participation.registrations.services import send_reminders

reminders_cli = AppGroup("reminders", help="Reminders before events.")


@reminders_cli.command("send")
def reminders_send() -> None:
    """Queue a reminder for each confirmed registrant of tomorrow's events (once each).

    The worker runs this daily by itself; the command is the alternative for cron.
    """
    count = send_reminders()
    db.session.commit()
    click.echo(f"{count} reminder(s) queued; the worker delivers them.")


commands = [reminders_cli]
