"""``flask users``: create the first accounts and list who holds which role."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from participation.accounts import services
from participation.accounts.models import Role
from participation.extensions import db

users_cli = AppGroup("users", help="Accounts and roles.")

ROLE_CHOICE = click.Choice([r.value for r in Role], case_sensitive=False)


@users_cli.command("create")
@click.argument("email")
@click.option("--role", "roles", multiple=True, type=ROLE_CHOICE,
              help="Role to give (repeatable): admin, organiser, staff or resident.")
@click.option("--name", help="Display name (defaults to the part of the address before @).")
@click.option("--password", "ask_password", is_flag=True,
              help="Ask for the password (the default for a new account).")
@click.option("--password-stdin", "password_stdin", is_flag=True,
              help="Read the password from the first line of standard input.")
def create_user(email: str, roles: tuple[str, ...], name: str | None, ask_password: bool,
                password_stdin: bool) -> None:
    """Create a verified account with roles, or add the roles to an existing account."""
    existing = services.find_user_by_email(email)
    password = None
    # A new account, or one without a password (the demo's organiser@, staff@ and admin@
    # example.org), needs a password to sign in with.
    if existing is None or not existing.password_hash:
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    elif ask_password or password_stdin:
        click.echo("The account exists already; its password is left unchanged "
                   "(use 'Forgot your password?' to change it).", err=True)
    try:
        user, created = services.create_user(email, name, password,
                                             [Role(r.lower()) for r in roles])
    except services.AccountError as error:
        db.session.rollback()
        where = f"{error.field}: " if error.field else ""
        click.echo(f"Error: {where}{error.message}", err=True)
        sys.exit(1)
    db.session.commit()
    role_list = ", ".join(sorted(r.value for r in user.role_names))
    if created:
        click.echo(f"Created verified account {user.email} ({user.name}) with roles: {role_list}.")
    elif password is not None:
        click.echo(f"Account {user.email} had no password and now has one; "
                   f"it has roles: {role_list}.")
    else:
        click.echo(f"Account {user.email} already existed; it now has roles: {role_list}.")


@users_cli.command("list")
@click.option("--role", type=ROLE_CHOICE, help="Only accounts holding this role.")
def list_users(role: str | None) -> None:
    """List accounts with their roles, newest first."""
    page = services.find_users(role=Role(role.lower()) if role else None, per_page=10_000)
    for user in page.items:
        roles = ",".join(sorted(r.value for r in user.role_names))
        verified = "verified" if user.email_verified else "unverified"
        click.echo(f"{user.id}\t{user.email}\t{user.name}\t{roles}\t{verified}")
    click.echo(f"{page.total} account(s).")


commands = [users_cli]
