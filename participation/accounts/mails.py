"""One builder per account mail; each renders templates/mail/<kind>.txt and .html."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from participation.accounts.models import User
from participation.mail.models import OutboxMessage
from participation.mail.services import public_url, queue_mail


def verify_email(user: User, token: str) -> OutboxMessage:
    """Ask a new account holder to confirm their address."""
    return queue_mail(
        "verify_email", user.email, _l("Confirm your e-mail address"), user.locale,
        {"user": user, "link": public_url("accounts.verify_email", token=token)},
    )


def password_reset(user: User, token: str) -> OutboxMessage:
    """Send the link that lets the account holder choose a new password."""
    return queue_mail(
        "password_reset", user.email, _l("Choose a new password"), user.locale,
        {"user": user, "link": public_url("accounts.reset_password", token=token)},
    )


def password_changed(user: User) -> OutboxMessage:
    """Tell the account holder their password changed, in case it was not them."""
    return queue_mail(
        "password_changed", user.email, _l("Your password was changed"), user.locale,
        {"user": user, "reset_link": public_url("accounts.forgot_password")},
    )


def signup_attempt(user: User) -> OutboxMessage:
    """Tell an account holder that someone tried to use their address for another account."""
    return queue_mail(
        "signup_attempt", user.email, _l("Someone tried to use your e-mail address"),
        user.locale,
        {"user": user, "sign_in_link": public_url("accounts.sign_in"),
         "reset_link": public_url("accounts.forgot_password")},
    )


def email_change(user: User, new_email: str, token: str) -> OutboxMessage:
    """Ask the new address to confirm it before the account moves to it."""
    return queue_mail(
        "email_change", new_email, _l("Confirm your new e-mail address"), user.locale,
        {"user": user, "new_email": new_email,
         "link": public_url("accounts.confirm_email_change", token=token)},
    )


def email_changed(user: User, old_email: str) -> OutboxMessage:
    """Tell the old address that the account moved to a new one."""
    return queue_mail(
        "email_changed", old_email, _l("Your e-mail address was changed"), user.locale,
        {"user": user, "new_email": user.email,
         "reset_link": public_url("accounts.forgot_password")},
    )
