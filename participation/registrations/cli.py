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


registrations_cli = AppGroup("registrations", help="Periodic work on registrations.")


@registrations_cli.command("release-unconfirmed")
@click.option("--limit", default=1000, show_default=True, help="At most this many per run.")
def release_unconfirmed_command(limit: int) -> None:
    """Release places not confirmed by mail in time; the waiting list moves up (run every
    few minutes, or let the worker do it)."""
    from participation.registrations.services import release_unconfirmed

    count = release_unconfirmed(limit=limit)
    db.session.commit()
    click.echo(f"{count} unconfirmed registration(s) released.")


commands = [reminders_cli, registrations_cli]
