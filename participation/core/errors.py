"""The domain errors' base, and error pages in the visitor's language (JSON under /api)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import NotFound as HTTPNotFound

from participation.extensions import db


class DomainError(Exception):
    """A business rule was broken. ``message`` is for people; ``field`` names the form field
    it belongs to, if any (see ``participation.core.forms.put_form_error``).

    Every domain names its errors as subclasses (``AccountError``, ``RegistrationError``...),
    so callers catch exactly the rules they can explain.
    """

    def __init__(self, message="", field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class NotFound(DomainError, LookupError):
    """What was asked for does not exist (or is not public). A view that lets it pass gets
    the 404 page (JSON under /api): no ``except ...: abort(404)`` needed."""

TITLES = {
    400: lambda: _("Bad request"),
    403: lambda: _("You do not have access to this page"),
    404: lambda: _("Page not found"),
    405: lambda: _("This action is not allowed here"),
    413: lambda: _("What you sent is too large"),
    429: lambda: _("Too many requests"),
    500: lambda: _("Something went wrong on our side"),
    503: lambda: _("The site is unavailable for a moment"),
}

EXPLANATIONS = {
    400: lambda: _("The request could not be understood. Go back, reload the page and try again."),
    403: lambda: _("Sign in with an account that has access, or go back to the home page."),
    404: lambda: _("The page may have moved, or the event is no longer published. "
                   "Check the address or look in the list of events."),
    405: lambda: _("Go back to the previous page and use the buttons on it."),
    413: lambda: _("Make the text or file smaller and try again."),
    429: lambda: _("You tried this too often in a short time. Wait a minute and try again."),
    500: lambda: _("We have been told and will look into it. Please try again in a moment."),
    503: lambda: _("We cannot reach our database right now, so nothing was saved. "
                   "Please try again in a minute."),
}

#: What a lost, refused or unreachable database raises (also a locked SQLite database).
DATABASE_UNAVAILABLE = (sa.exc.OperationalError, sa.exc.InterfaceError)


def register(app: Flask) -> None:
    """Render every HTTP error as a page (or JSON for the API)."""

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        # A missing or stale form token: say what to do rather than "bad request".
        title = _("This form has expired")
        text = _("For your safety, a form can only be sent from this site during the same "
                 "visit. Go back, reload the page and send the form again.")
        return render_template("errors/error.html", code=400, title=title, text=text), 400

    @app.errorhandler(sa.exc.OperationalError)
    @app.errorhandler(sa.exc.InterfaceError)
    def _database_unavailable(error: Exception):
        # One line per request, no traceback: an outage must not flood the log.
        detail = str(getattr(error, "orig", None) or error).strip().splitlines()
        app.logger.warning("database unavailable, answered 503: %s %s (%s)", request.method,
                           request.path, detail[0] if detail else type(error).__name__)
        _forget_session_state()
        retry_after = {"Retry-After": str(app.config.get("DATABASE_RETRY_AFTER_SECONDS", 30))}
        if request.path.startswith("/api/"):
            return jsonify({"error": "Service Unavailable", "status": 503}), 503, retry_after
        page = render_template("errors/error.html", code=503, title=TITLES[503](),
                               text=EXPLANATIONS[503]())
        return page, 503, retry_after

    @app.errorhandler(NotFound)
    def _not_found(error: NotFound):
        return _http_error(HTTPNotFound())

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        code = error.code or 500
        if request.path.startswith("/api/"):
            return jsonify({"error": error.name, "status": code}), code
        title = TITLES.get(code, lambda: error.name)()
        text = EXPLANATIONS.get(code, lambda: "")()
        response = render_template("errors/error.html", code=code, title=title, text=text)
        return response, code

    @app.errorhandler(Exception)
    def _server_error(error: Exception):
        if app.testing and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise error
        app.logger.exception("Unhandled error")
        db.session.rollback()
        if request.path.startswith("/api/"):
            return jsonify({"error": "Internal Server Error", "status": 500}), 500
        return (
            render_template("errors/error.html", code=500, title=TITLES[500](),
                            text=EXPLANATIONS[500]()),
            500,
        )


def _forget_session_state() -> None:
    """Roll back, and render the error page as a visitor (loading the user needs the database)."""
    from participation.extensions import login_manager

    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone; the pool replaces it
        db.session.invalidate()
    g._login_user = login_manager.anonymous_user()
