"""Language switch, privacy notice, accessibility statement, liveness and readiness.

The home page composes events and priorities, so it lives in ``events`` (``events.home``).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from participation.core.i18n import LANGUAGES
from participation.core.readiness import readiness_problems
from participation.core.urls import safe_next

bp = Blueprint("core", __name__)


@bp.get("/language/<language>")
def set_language(language: str):
    """Switch the interface language and return to the page the visitor was on.

    Only the pages change: a signed-in resident's mail language is a setting of its own on
    the account page, which the switch points to but never changes.
    """
    if language in LANGUAGES:
        session["lang"] = language
        if getattr(current_user, "is_authenticated", False) and current_user.locale != language:
            with force_locale(language):
                flash(Markup(_(
                    'Our mails to you stay in %(language)s. <a href="%(url)s">Change the '
                    "language of our mails</a> on your account page.",
                    language=_("Dutch") if current_user.locale == "nl" else _("English"),
                    url=url_for("accounts.account", _anchor="profile-title"),
                )), "info")
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
