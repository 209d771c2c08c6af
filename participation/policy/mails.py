"""Mails of the policy domain: one builder per message."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from participation.mail.models import OutboxMessage
from participation.mail.services import list_unsubscribe_headers, public_url, queue_mail
from participation.policy import follows
from participation.policy.models import ActionUpdate, PolicyAction


def queue_update_mail(user, action: PolicyAction, update: ActionUpdate,
                      scope: str = "opinions") -> OutboxMessage:
    """Tell a resident who follows an action (or gave their opinion on it) what the city
    reported back, with a one-click unsubscribe link (RFC 8058) for what ``scope`` names."""
    unsubscribe_url = public_url("policy.unsubscribe",
                                 token=follows.unsubscribe_token(user, scope))
    if scope == "opinions":
        subject = _l("News on %(code)s: what the city did with your opinion", code=action.code)
    else:
        subject = _l("News on %(code)s %(title)s", code=action.code, title=action.t("title"))
    return queue_mail(
        "action_update",
        user.email,
        subject,
        user.locale,
        {
            "name": user.name,
            "action": action,
            "update": update,
            "url": public_url("feedback.action_detail", code=action.code),
            "scope": scope,
            "unsubscribe_url": unsubscribe_url,
        },
        headers=list_unsubscribe_headers(unsubscribe_url),
    )
