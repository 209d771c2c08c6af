"""Language switch, privacy notice, accessibility statement, liveness and readiness.

The home page composes events and priorities, so it lives in ``events`` (``events.home``).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_login import current_user

from participation.core.i18n import LANGUAGES
from participation.core.readiness import readiness_problems
from participation.core.urls import safe_next
from participation.extensions import db

bp = Blueprint("core", __name__)


@bp.get("/language/<language>")
def set_language(language: str):
    """Switch the interface language and return to the page the visitor was on."""
    if language in LANGUAGES:
        session["lang"] = language
        if getattr(current_user, "is_authenticated", False) and current_user.locale != language:
            current_user.locale = language
            db.session.commit()
    return redirect(safe_next(request.args.get("next"), url_for("events.home")))


@bp.get("/favicon.ico")
@bp.get("/apple-touch-icon.png")
def icon():
    """The platform's icon where browsers and phones look for it without a link."""
    name = "favicon.ico" if request.path.endswith(".ico") else "img/apple-touch-icon.png"
    return send_from_directory(current_app.static_folder, name, max_age=7 * 24 * 3600)


@bp.get("/privacy")
def privacy():
    """The privacy notice: what is kept, why, and for how long."""
    return render_template("privacy.html")


@bp.get("/accessibility")
def accessibility():
    """The accessibility statement required of public-sector websites."""
    return render_template("accessibility.html")


@bp.get("/healthz")
def health():
    """Liveness: the process answers (restart it when not). The database is /readyz's job."""
    return {"status": "ok"}


@bp.get("/readyz")
def ready():
    """Readiness for load balancers: the database answers and its migrations are current."""
    problems = readiness_problems()
    if problems:
        return {"status": "unavailable", "problems": problems}, 503, {"Retry-After": "10"}
    return {"status": "ready"}
