"""Rate limits of the forms anyone on the internet can send, per client address.

Limits are counted by Flask-Limiter (``participation.extensions.limiter``) in memory, or in
Redis when ``RATELIMIT_STORAGE_URI`` says so; ``RATELIMIT_ENABLED=false`` switches them off.
The client address is the connection's, or the one a trusted proxy put in X-Forwarded-For
when ``PROXY_FIX_X_FOR`` says how many proxies to trust.

Rate limits fail open: Redis is asked with connect and read timeouts of
``RATELIMIT_STORAGE_TIMEOUT`` (0.5 s) and no retries; when it does not answer, Flask-Limiter
logs one warning ("Rate limit storage unreachable") and counts the same limits in memory,
per process, until a periodic check finds Redis back ("Rate limit storage recovered").
A dead or paused Redis therefore never causes a 500 or a stalled request.
"""

from __future__ import annotations

from flask import Flask

#: Sign-in, sign-up and mail-sending forms, per address, to slow down guessing.
FORM_LIMIT = "10 per minute;50 per hour"
#: Registering for an event, cancelling through a manage link.
REGISTRATION_LIMIT = "10 per minute;60 per hour"
#: Giving, changing, withdrawing and reporting opinions.
FEEDBACK_LIMIT = "10 per minute;60 per hour"
#: Questions to the organisers of an event: each one mails people, so fewer are allowed.
QUESTION_LIMIT = "3 per minute;10 per hour"


def configure_storage(app: Flask) -> None:
    """Give a Redis storage short timeouts and no retries (before the limiter is bound)."""
    uri = str(app.config.get("RATELIMIT_STORAGE_URI", "memory://"))
    if not uri.startswith(("redis://", "rediss://", "redis+unix://")):
        return
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    timeout = float(app.config.get("RATELIMIT_STORAGE_TIMEOUT", 0.5))
    options = {
        "socket_connect_timeout": timeout,
        "socket_timeout": timeout,
        "retry": Retry(NoBackoff(), 0),
        "retry_on_timeout": False,
    }
    options.update(app.config.get("RATELIMIT_STORAGE_OPTIONS") or {})
    app.config["RATELIMIT_STORAGE_OPTIONS"] = options


def storage_answers(app: Flask) -> bool:
    """Ping the configured rate-limit storage (bounded by its timeouts)."""
    from limits.storage import storage_from_string

    uri = str(app.config.get("RATELIMIT_STORAGE_URI", "memory://"))
    storage = storage_from_string(uri, **(app.config.get("RATELIMIT_STORAGE_OPTIONS") or {}))
    return bool(storage.check())


#: Registering with one mailbox (``a.b+x@gmail.com`` is ``ab@gmail.com``), from any address.
MAILBOX_LIMIT = "5 per hour;20 per day"


def counts_against_limit(response) -> bool:
    """Count a request against a limit unless the form was refused for its input (422).

    Someone correcting a typo should not use up their attempts. Sign-in and other password
    forms do not use this: a wrong password is exactly what their limit counts.
    """
    return response.status_code != 422


def mailbox_key() -> str:
    """Key a limit on the mailbox the form's e-mail address reaches (case, dots, +tags)."""
    from flask import request

    from participation.core.mailbox import mailbox

    value = request.form.get("email")
    return "mailbox:" + (mailbox(value if isinstance(value, str) else "") or "none")
