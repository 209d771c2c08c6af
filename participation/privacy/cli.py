"""``flask privacy purge``: remove personal data once its retention period is over."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from participation.extensions import db
from participation.privacy import services

privacy_cli = AppGroup("privacy", help="Personal data and its retention.")


@privacy_cli.command("purge")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Days after an event to keep registrants' data "
                   "(default: PRIVACY_RETENTION_DAYS, 30).")
def purge(days: int | None) -> None:
    """Remove registrants' names, addresses and notes, and old mail copies; run daily."""
    if days is None:
        days = int(current_app.config.get("PRIVACY_RETENTION_DAYS", 30))
    result = services.purge_personal_data(days)
    db.session.commit()
    click.echo(f"Personal data removed from {result.registrations} registration(s) of events "
               f"that ended more than {days} day(s) ago; {result.mails} old mail(s) deleted.")


commands = [privacy_cli]
