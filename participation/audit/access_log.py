"""Write every staff or admin look at personal data to the audit log."""

from __future__ import annotations

from functools import wraps

from flask import make_response, request
from flask_login import current_user

from participation.audit.services import record
from participation.database import begin_write
from participation.extensions import db

#: The audit action of a page showing personal data to staff, organisers or admins.
VIEW_ACTION = "personal_data.view"


def record_view(actor, page: str, target=None, **details) -> None:
    """Note that ``actor`` saw the personal data shown on ``page``."""
    record(actor, VIEW_ACTION, target, page=page, **details)


def logs_personal_data_view(view):
    """Record a successful page view in the audit log (put it under the access check).

    The entry names the page (its endpoint), the objects in its URL and its query
    (searches say whom someone looked for).
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        if response.status_code < 400 and current_user.is_authenticated:
            begin_write(db.session())
            details = {"args": dict(request.view_args or {}) or None,
                       "query": request.args.to_dict() or None}
            record_view(current_user._get_current_object(), request.endpoint, **details)
            db.session.commit()
        return response

    return wrapper
