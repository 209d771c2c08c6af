"""Adding mails to the outbox. Builders call ``queue_mail``; only the sender talks to SMTP."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale

from participation.core.i18n import supported_language
from participation.core.text import one_line
from participation.extensions import db
from participation.mail.models import OutboxMessage

#: PostgreSQL channel that wakes the workers when mail was committed.
OUTBOX_CHANNEL = "participation_outbox"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes
    #: Set to show the attachment inside the HTML body as ``<img src="cid:...">``.
    content_id: str | None = None


def public_url(endpoint: str, **values) -> str:
    """Build an absolute URL on the platform's public address (never the request's Host).

    Built from the URL map directly: pushing a request context here would run the
    request teardown hooks (ending the caller's database session) when it is popped.
    """
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"].rstrip("/"))
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def list_unsubscribe_headers(url: str) -> dict[str, str]:
    """Headers of a one-click unsubscribe (RFC 2369 and RFC 8058): mail apps show a button
    that POSTs ``List-Unsubscribe=One-Click`` to the link."""
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def queue_mail(
    kind: str,
    recipient: str,
    subject,
    locale: str,
    context: dict,
    attachments: tuple[Attachment, ...] | list[Attachment] = (),
    headers: dict[str, str] | None = None,
) -> OutboxMessage:
    """Render ``templates/mail/<kind>.txt`` and ``.html`` in ``locale`` and add them to the outbox.

    ``subject`` may be a lazy string: it is rendered in the recipient's language too.
    The worker delivers it once the surrounding transaction commits (on PostgreSQL the
    commit wakes it at once through ``NOTIFY``); if it rolls back, the mail is never sent.
    """
    locale = supported_language(locale)
    with force_locale(locale):
        # A line break in a header would make every delivery attempt fail (BadHeaderError).
        subject_text = one_line(str(subject))
        body_text = render_template(f"mail/{kind}.txt", locale=locale, **context)
        body_html = render_template(f"mail/{kind}.html", locale=locale, subject=subject_text,
                                    **context)
    message = OutboxMessage(
        kind=kind,
        recipient=recipient,
        subject=subject_text,
        body_text=body_text,
        body_html=body_html,
        attachments=[
            {
                "filename": a.filename,
                "content_type": a.content_type,
                "data": base64.b64encode(a.data).decode("ascii"),
                **({"content_id": a.content_id} if a.content_id else {}),
            }
            for a in attachments
        ],
        headers=headers or None,
    )
    db.session.add(message)
    db.session.flush()
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        # Delivered to the listening workers when (and only if) this transaction commits.
        connection.exec_driver_sql(f"NOTIFY {OUTBOX_CHANNEL}")
    return message
