"""Rate limits of the forms anyone on the internet can send, per client address.

Limits are counted by Flask-Limiter (``participation.extensions.limiter``) in memory, or in
Redis when ``RATELIMIT_STORAGE_URI`` says so; ``RATELIMIT_ENABLED=false`` switches them off.
The client address is the connection's, or the one a trusted proxy put in X-Forwarded-For
when ``PROXY_FIX_X_FOR`` says how many proxies to trust.
"""

from __future__ import annotations

#: Sign-in, sign-up and mail-sending forms, per address, to slow down guessing.
FORM_LIMIT = "10 per minute;50 per hour"
#: Registering for an event, cancelling through a manage link.
REGISTRATION_LIMIT = "10 per minute;60 per hour"
#: Giving, changing, withdrawing and reporting opinions.
FEEDBACK_LIMIT = "10 per minute;60 per hour"
#: Questions to the organisers of an event: each one mails people, so fewer are allowed.
QUESTION_LIMIT = "3 per minute;10 per hour"
