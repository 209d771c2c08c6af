"""Command-line tasks: each calls a service, then commits."""

from __future__ import annotations

import sys

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from participation import doctor as doctor_cli
from participation.accounts import cli as accounts_cli
from participation.demo import load_demo
from participation.events.models import Event
from participation.extensions import db
from participation.feedback import cli as feedback_cli
from participation.mail import cli as mail_cli
from participation.policy.importer import import_actions_csv
from participation.privacy import cli as privacy_cli
from participation.registrations import cli as registrations_cli
from participation.worker import cli as worker_cli

demo_cli = AppGroup("demo", help="Demo data.")
actions_cli = AppGroup("actions", help="Policy actions.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Only load when the database has no events.")
def demo_load(if_empty: bool) -> None:
    """Load the policy note, topics and a dozen upcoming events (idempotent)."""
    if if_empty and db.session.scalar(sa.select(sa.func.count(Event.id))):
        click.echo("The database already holds events; demo data not loaded.")
        return
    created = load_demo()
    db.session.commit()
    summary = ", ".join(f"{count} {name}" for name, count in created.items() if count)
    click.echo(f"Demo data loaded: {summary or 'nothing new'}.")


@actions_cli.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
def actions_import(file) -> None:
    """Create or update policy actions from a CSV file; a bad file changes nothing."""
    result = import_actions_csv(file)
    if not result.ok:
        db.session.rollback()
        for error in result.errors:
            click.echo(f"line {error.line}: {error.message}", err=True)
        if result.problems > len(result.errors):
            click.echo(f"... and {result.problems - len(result.errors)} more problem(s).",
                       err=True)
        click.echo(f"{result.bad_rows} bad row(s) with {result.problems} problem(s); "
                   "nothing was changed.", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"{result.created} action(s) created, {result.updated} updated.")


#: Domain modules that define a ``commands`` list of click groups or commands.
CLI_MODULES = (
    doctor_cli, mail_cli, registrations_cli, accounts_cli, feedback_cli, privacy_cli, worker_cli,
)


def register_cli(app: Flask) -> None:
    """Attach every command group to the app."""
    app.cli.add_command(demo_cli)
    app.cli.add_command(actions_cli)
    for module in CLI_MODULES:
        for command in module.commands:
            app.cli.add_command(command)
