"""Language switch, privacy notice, accessibility statement and health check.

The home page composes events and priorities, so it lives in ``events`` (``events.home``).
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from participation.core.i18n import LANGUAGES
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
    """Tell a load balancer that the app and its database answer."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
