"""Fixtures for account tests: read the outbox and follow the links in mails."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from participation.extensions import db
from participation.mail.models import OutboxMessage
from participation.mail.services import render_pending

#: Every account made by ``make_member`` has this password.
PASSWORD = "correct horse battery staple"
EN = {"Accept-Language": "en"}


@pytest.fixture
def outbox(app):
    """Return the mails in the outbox, optionally of one kind, oldest first."""

    def read(kind: str | None = None, recipient: str | None = None) -> list[OutboxMessage]:
        # Registration mails are queued unwritten: write them as the worker would first.
        db.session.commit()
        render_pending()
        stmt = sa.select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            stmt = stmt.where(OutboxMessage.kind == kind)
        if recipient:
            stmt = stmt.where(OutboxMessage.recipient == recipient)
        return list(db.session.scalars(stmt))

    return read


@pytest.fixture
def link_in():
    """Return the local path of the first link in a mail's text that contains ``marker``."""

    def find(message: OutboxMessage, marker: str) -> str:
        for url in re.findall(r"https?://\S+", message.body_text):
            if marker in url:
                parts = urlsplit(url)
                return parts.path + (f"?{parts.query}" if parts.query else "")
        raise AssertionError(f"no link with {marker!r} in mail {message.kind}")

    return find


@pytest.fixture
def make_member(make_user):
    """A verified resident with a known password."""

    def make(**fields):
        fields.setdefault("password", PASSWORD)
        return make_user(**fields)

    return make


@pytest.fixture
def sign_in_form(client):
    """Post the sign-in form like a visitor would."""

    def post(email: str, password: str = PASSWORD, **extra):
        return client.post("/account/sign-in", data={"email": email, "password": password,
                                                     **extra}, headers=EN)

    return post
