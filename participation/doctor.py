"""Operational commands: check the configuration before going live."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("doctor")
@with_appcontext
def doctor() -> None:
    """Report what is misconfigured for production; exit 1 when something is."""
    from participation.core.security import configuration_problems

    app = current_app._get_current_object()
    problems = configuration_problems(app) if app.config.get("ENV_NAME") == "production" else []
    for problem in problems:
        click.echo(f"FAIL {problem}")
    for name, ok, detail in _service_checks(app):
        click.echo(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
        if not ok:
            problems.append(f"{name}: {detail}")
    for warning in _warnings(app):
        click.echo(f"WARN {warning}")
    if problems:
        click.echo(f"{len(problems)} problem(s) found.")
        sys.exit(1)
    click.echo("No problems found.")


def _service_checks(app) -> list[tuple[str, bool, str]]:
    """Check that the database answers, is migrated, and that SMTP and rate limits are reachable."""
    import smtplib

    import sqlalchemy as sa

    from participation.extensions import db

    results = []
    try:
        db.session.execute(sa.text("SELECT 1"))
        results.append(("database", True, db.engine.url.render_as_string(hide_password=True)))
    except Exception as error:  # any driver error means the same to an operator
        results.append(("database", False, str(error).splitlines()[0]))
        return results
    try:
        from alembic.migration import MigrationContext

        with db.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
        results.append(("migrations", current is not None, current or "database not migrated"))
    except Exception as error:
        results.append(("migrations", False, str(error).splitlines()[0]))
    try:
        with smtplib.SMTP(app.config["MAIL_SERVER"], app.config["MAIL_PORT"], timeout=3):
            pass
        results.append(("smtp", True, f"{app.config['MAIL_SERVER']}:{app.config['MAIL_PORT']}"))
    except OSError as error:
        results.append(("smtp", False, f"{app.config['MAIL_SERVER']}:{app.config['MAIL_PORT']} "
                                        f"does not answer ({error})"))
    from participation.core.limits import storage_answers

    uri = app.config.get("RATELIMIT_STORAGE_URI", "memory://")
    where = uri.split("@")[-1]
    if not storage_answers(app):
        results.append(("rate limits", False, f"{where} does not answer (limits are counted "
                                              "in memory per process meanwhile)"))
    elif (app.config.get("ENV_NAME") == "production" and uri.startswith("memory")
          and not app.config.get("RATELIMIT_MEMORY_ALLOWED")):
        results.append(("rate limits", False,
                        "stored in memory: set RATELIMIT_STORAGE_URI=redis://... when several "
                        "app servers run"))
    else:
        results.append(("rate limits", True, where))
    return results


def _warnings(app) -> list[str]:
    """What needs a look without being misconfigured: mail waiting too long (no worker?)."""
    from datetime import timedelta

    from participation.mail.sender import outbox_status

    try:
        oldest = outbox_status().oldest_pending
    except Exception:  # noqa: BLE001 - the database check above reports it
        return []
    threshold = timedelta(minutes=int(app.config.get("OUTBOX_ALERT_MINUTES", 30)))
    if oldest is not None and oldest > threshold:
        minutes = int(oldest.total_seconds() // 60)
        return [f"outbox: the oldest waiting mail is {minutes} minute(s) old; is a worker "
                "running (flask --app participation worker) and the mail server reachable? "
                "See flask --app participation outbox status"]
    return []


commands = [doctor]
