"""Signed manage links: the way into a registration without an account."""

from __future__ import annotations

import hmac

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from participation.extensions import db
from participation.mail.services import public_url
from participation.registrations.errors import InvalidManageLink
from participation.registrations.models import Registration

_TOKEN_SALT = "registration-manage"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_TOKEN_SALT)


def manage_token(registration: Registration) -> str:
    """Return the signed token of the registration's manage link."""
    return _serializer().dumps([registration.id, registration.manage_key])


def registration_from_token(token: str) -> Registration:
    """Return the registration a manage link points at.

    The link has no time limit of its own: it stops working only when the registration's
    personal data is removed after the event.

    :raises InvalidManageLink: forged, damaged, unknown or purged.
    """
    if not token or len(token) > 300:
        raise InvalidManageLink()
    try:
        registration_id, key = _serializer().loads(token)
        registration_id = int(registration_id)
    except (BadSignature, ValueError, TypeError):
        raise InvalidManageLink() from None
    registration = db.session.get(Registration, registration_id)
    if registration is None or not hmac.compare_digest(
        str(registration.manage_key), str(key)
    ):
        raise InvalidManageLink()
    if registration.purged_at is not None or registration.email is None:
        raise InvalidManageLink("expired")
    return registration


def manage_url(registration: Registration) -> str:
    """Return the absolute manage link of a registration, for mails."""
    return public_url("registrations.manage", token=manage_token(registration))
