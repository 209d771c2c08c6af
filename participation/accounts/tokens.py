"""Signed, expiring tokens for the links in account mails.

Each purpose has its own salt, and each token carries a fingerprint of the account's
current state (address, password hash, session version), so a link dies once used.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

from participation.accounts.errors import ExpiredToken, InvalidToken
from participation.accounts.models import User
from participation.database import utcnow
from participation.extensions import db


def serializer(purpose: str, now: datetime | None = None) -> URLSafeTimedSerializer:
    """Return the serializer for one purpose; ``now`` dates new tokens (for tests)."""
    signer = TimestampSigner
    if now is not None:
        timestamp = int(now.timestamp())

        class FixedTimeSigner(TimestampSigner):
            def get_timestamp(self) -> int:
                return timestamp

        signer = FixedTimeSigner
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=f"accounts.{purpose}", signer=signer
    )


def fingerprint(*parts) -> str:
    """A short digest of the user's current state: a token dies when that state changes."""
    text = "\x1f".join(str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def make_token(purpose: str, payload: dict, now: datetime | None = None) -> str:
    """Sign ``payload`` for ``purpose``."""
    return serializer(purpose, now).dumps(payload)


def read_token(purpose: str, token: str, max_age: timedelta, now: datetime | None) -> dict:
    """Return the payload of a genuine token no older than ``max_age``."""
    message = _l("This link is not valid. It may have been used already or copied incompletely.")
    try:
        payload, issued_at = serializer(purpose).loads(token or "", return_timestamp=True)
    except (BadSignature, UnicodeError, ValueError) as error:
        raise InvalidToken(message) from error
    if not isinstance(payload, dict):
        raise InvalidToken(message)
    if (now or utcnow()) - issued_at > max_age:
        raise ExpiredToken(_l("This link has expired. Ask for a new one below."))
    return payload


def token_user(payload: dict) -> User:
    """Return the active user a token payload names."""
    user = db.session.get(User, payload.get("id")) if isinstance(payload.get("id"), int) else None
    if user is None or not user.active:
        raise InvalidToken(_l("This link is not valid. It may have been used already "
                                    "or copied incompletely."))
    return user


def same(a: str, b) -> bool:
    """Compare a fingerprint in constant time."""
    return isinstance(b, str) and hmac.compare_digest(a, b)


def verification_token(user: User, now: datetime | None = None) -> str:
    """Make the link token that confirms ``user`` owns their address."""
    return make_token("verify", {"id": user.id, "fp": fingerprint(user.email)}, now)


def reset_token(user: User, now: datetime | None = None) -> str:
    """Make the link token that lets ``user`` choose a new password, once."""
    fp = fingerprint(user.password_hash, user.session_version, user.email)
    return make_token("reset", {"id": user.id, "fp": fp}, now)


def email_change_token(user: User, new_email: str, now: datetime | None = None) -> str:
    """Make the link token that moves ``user`` to ``new_email`` once that address confirms."""
    fp = fingerprint(user.email, user.session_version)
    return make_token("email", {"id": user.id, "new": new_email, "fp": fp}, now)
