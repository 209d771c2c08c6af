"""No pages: the blueprint only hooks delivery of the outbox onto the end of each request."""

from __future__ import annotations

from flask import Blueprint, current_app, g

from participation.mail.sender import deliver_after_request

bp = Blueprint("mail", __name__)


@bp.teardown_app_request
def _deliver_queued_mail(error: BaseException | None) -> None:
    """After a request that queued mail (and committed it), deliver the outbox at once."""
    if error is not None or not g.pop("outbox_queued", False):
        return
    if current_app.config.get("OUTBOX_SEND_AFTER_REQUEST"):
        deliver_after_request()
