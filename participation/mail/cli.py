"""``flask outbox send``: deliver the mail outbox (run it from cron as a safety net)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from participation.mail.sender import deliver_pending

outbox_cli = AppGroup("outbox", help="The mail outbox.")


@outbox_cli.command("send")
@click.option("--limit", default=1000, show_default=True, help="Most mails to send in this run.")
def outbox_send(limit: int) -> None:
    """Send the mails that are due; failures are kept and retried later."""
    report = deliver_pending(limit=limit)
    click.echo(
        f"{report.sent} sent, {report.retrying} to retry later, {report.failed} given up."
    )


commands = [outbox_cli]
