"""Mails of the policy domain: one builder per message."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from participation.mail.models import OutboxMessage
from participation.mail.services import public_url, queue_mail
from participation.policy.models import ActionUpdate, PolicyAction


def queue_update_mail(user, action: PolicyAction, update: ActionUpdate) -> OutboxMessage:
    """Tell a resident who gave their opinion on an action what the city reported back."""
    return queue_mail(
        "action_update",
        user.email,
        _l("News on %(code)s: what the city did with your opinion", code=action.code),
        user.locale,
        {
            "name": user.name,
            "action": action,
            "update": update,
            "url": public_url("feedback.action_detail", code=action.code),
        },
    )
