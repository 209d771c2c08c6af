"""``flask outbox``: look at the mail outbox, send it by hand, put given-up mail back."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from participation.extensions import db
from participation.mail.sender import deliver_pending

outbox_cli = AppGroup("outbox", help="The mail outbox (the worker delivers it).")


@outbox_cli.command("send")
@click.option("--limit", default=1000, show_default=True, help="Most mails to send in this run.")
def outbox_send(limit: int) -> None:
    """Send the mails that are due now, without a worker; failures are retried later."""
    report = deliver_pending(limit=limit)
    click.echo(
        f"{report.sent} sent, {report.retrying} to retry later, {report.failed} given up."
        + (f" ({report.written} written first)" if report.written else "")
    )


@outbox_cli.command("status")
def outbox_status() -> None:
    """Count the mails per state and tell the age of the oldest one waiting."""
    from participation.mail.sender import outbox_status as status

    report = status()
    click.echo(", ".join(f"{count} {name}" for name, count in report.counts.items()))
    if report.unwritten:
        click.echo(f"{report.unwritten} pending mail(s) not yet written (the worker writes "
                   "them before sending).")
    if report.oldest_pending is None:
        click.echo("No mail waiting.")
    else:
        minutes = int(report.oldest_pending.total_seconds() // 60)
        click.echo(f"Oldest waiting mail: {minutes} minute(s) old.")


@outbox_cli.command("retry")
@click.argument("ids", nargs=-1, type=int)
def outbox_retry(ids: tuple[int, ...]) -> None:
    """Put failed mails (all, or the given ids) back in the queue, due now."""
    from participation.mail.sender import retry_failed

    count = retry_failed(list(ids) or None)
    db.session.commit()
    click.echo(f"{count} failed mail(s) queued again.")


commands = [outbox_cli]
