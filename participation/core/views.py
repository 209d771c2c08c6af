"""Home page, language switch, privacy notice and health check."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for

from participation.core.page_cache import cached_page
from participation.events import services as event_services
from participation.policy import services as policy_services

bp = Blueprint("core", __name__)


@bp.get("/")
@cached_page
def home():
    """Next events and the four top priorities."""
    return render_template(
        "home.html",
        events=event_services.upcoming_events(6),
        priorities=policy_services.top_priorities(),
    )


def safe_next(target: str | None, fallback: str) -> str:
    """Return a local path to go back to; anything pointing elsewhere becomes the fallback."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ord(c) < 32 for c in target):
        return fallback
    return target


@bp.get("/language/<language>")
def set_language(language: str):
    """Switch the interface language and return to the page the visitor was on."""
    if language in ("nl", "en"):
        session["lang"] = language
        from flask_login import current_user

        if getattr(current_user, "is_authenticated", False) and current_user.locale != language:
            from participation.extensions import db

            current_user.locale = language
            db.session.commit()
    return redirect(safe_next(request.args.get("next"), url_for("core.home")))


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
    from participation.core.readiness import readiness_problems

    problems = readiness_problems()
    if problems:
        return {"status": "unavailable", "problems": problems}, 503, {"Retry-After": "10"}
    return {"status": "ready"}
