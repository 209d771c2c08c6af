"""Mails about a person's data."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from participation.mail.models import OutboxMessage
from participation.mail.services import public_url, queue_mail


def account_deleted(email: str, locale: str, result) -> OutboxMessage:
    """Confirm a deletion to the address it belonged to, saying what was kept anonymously.

    The mail carries no name; its copy in the outbox is removed by the retention job like
    every other mail's.
    """
    return queue_mail(
        "account_deleted", email, _l("Your account is deleted"), locale,
        {"result": result, "privacy_link": public_url("core.privacy"),
         "sign_up_link": public_url("accounts.sign_up")},
    )
