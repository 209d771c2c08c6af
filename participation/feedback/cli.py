"""Command-line tasks of the feedback domain."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from participation.extensions import db
from participation.feedback.services import send_feedback_invitations

feedback_cli = AppGroup("feedback", help="Residents' feedback on policy actions.")


@feedback_cli.command("invite")
def invite() -> None:
    """Invite checked-in participants of recently ended events to give feedback (once)."""
    queued = send_feedback_invitations()
    db.session.commit()
    click.echo(f"{queued} invitation(s) queued.")


commands = [feedback_cli]
