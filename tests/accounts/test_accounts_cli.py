"""``flask users``: the first accounts are made on the command line."""

from __future__ import annotations

import sqlalchemy as sa

from participation.accounts import services
from participation.accounts.models import Role
from participation.audit.models import AuditEntry
from participation.extensions import db

PASSWORD = "correct horse battery staple"


def test_users_create_makes_a_verified_account_with_roles(runner):
    result = runner.invoke(args=["users", "create", "Boss@Example.org", "--role", "admin",
                                 "--role", "organiser", "--name", "The Boss",
                                 "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Created verified account boss@example.org" in result.output
    db.session.expire_all()
    user = services.find_user_by_email("boss@example.org")
    assert user.name == "The Boss"
    assert user.email_verified
    assert user.role_names == {Role.RESIDENT, Role.ADMIN, Role.ORGANISER}
    assert services.authenticate("boss@example.org", PASSWORD) is user
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert sorted(actions) == ["role.grant", "role.grant"]


def test_users_create_prompts_for_the_password_twice(runner):
    result = runner.invoke(args=["users", "create", "staff@example.org", "--role", "staff",
                                 "--password"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert services.authenticate("staff@example.org", PASSWORD) is not None


def test_users_create_adds_roles_to_an_existing_account(runner, make_user):
    make_user(email="ann@example.org", password=PASSWORD)
    db.session.commit()
    result = runner.invoke(args=["users", "create", "ann@example.org", "--role", "staff"])
    assert result.exit_code == 0, result.output
    assert "already existed" in result.output
    db.session.expire_all()
    user = services.find_user_by_email("ann@example.org")
    assert user.role_names == {Role.RESIDENT, Role.STAFF}
    assert services.authenticate("ann@example.org", PASSWORD) is user


def test_users_create_refuses_a_short_password_and_creates_nothing(runner):
    result = runner.invoke(args=["users", "create", "x@example.org", "--password-stdin"],
                           input="short\n")
    assert result.exit_code == 1
    assert "12" in result.output  # "at least 12 characters", in the default language
    db.session.expire_all()
    assert services.find_user_by_email("x@example.org") is None


def test_users_create_refuses_an_unknown_role(runner):
    result = runner.invoke(args=["users", "create", "x@example.org", "--role", "king",
                                 "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 2


def test_users_list_shows_accounts_and_roles(runner, make_user):
    make_user(email="ann@example.org", roles=(Role.ADMIN,))
    make_user(email="bob@example.org")
    db.session.commit()
    result = runner.invoke(args=["users", "list", "--role", "admin"])
    assert result.exit_code == 0
    assert "ann@example.org" in result.output
    assert "bob@example.org" not in result.output
    assert "1 account(s)." in result.output


def test_users_create_gives_a_passwordless_demo_account_the_password(runner):
    from participation.demo import load_demo

    load_demo()
    db.session.commit()
    result = runner.invoke(args=["users", "create", "admin@example.org", "--role", "admin",
                                 "--password-stdin"], input=f"{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "had no password and now has one" in result.output
    db.session.expire_all()
    user = services.authenticate("admin@example.org", PASSWORD)
    assert user is not None and Role.ADMIN in user.role_names


def test_an_account_made_on_the_command_line_speaks_the_browser_s_language(
        runner, client):
    """An English browser signing in to an account made for them reads English, and the
    account keeps it for its mails; a later sign-in from a Dutch browser does not change it."""
    result = runner.invoke(args=["users", "create", "intl@example.org", "--role", "organiser",
                                 "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert services.find_user_by_email("intl@example.org").locale is None

    english = {"Accept-Language": "en-GB,en;q=0.9"}
    signed_in = client.post("/account/sign-in", headers=english, follow_redirects=True,
                            data={"email": "intl@example.org", "password": PASSWORD})
    assert signed_in.status_code == 200
    assert '<html lang="en">' in signed_in.get_data(as_text=True)
    db.session.expire_all()
    assert services.find_user_by_email("intl@example.org").locale == "en"

    client.post("/account/sign-out")
    dutch = {"Accept-Language": "nl-BE,nl;q=0.9"}
    again = client.post("/account/sign-in", headers=dutch, follow_redirects=True,
                        data={"email": "intl@example.org", "password": PASSWORD})
    assert '<html lang="en">' in again.get_data(as_text=True)
    db.session.expire_all()
    assert services.find_user_by_email("intl@example.org").locale == "en"
