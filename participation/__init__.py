"""Ghent's citizen participation and event platform."""

from __future__ import annotations

import importlib
import os

from flask import Flask, g, has_app_context, has_request_context, request, session

from participation import extensions as ext

#: Domain packages whose ``views`` module defines a blueprint named ``bp``.
BLUEPRINT_MODULES = (
    "participation.core.views",
    "participation.events.views",
    "participation.events.views_manage",
    "participation.events.views_venues",
    "participation.events.views_images",
    "participation.images.views",
    "participation.exports.views_attendees",
    "participation.registrations.views_manage",
    "participation.registrations.views_checkin",
    "participation.policy.views",
    "participation.api.views",
    "participation.registrations.views",
    "participation.mail.views",
    "participation.accounts.views",
    "participation.accounts.admin",
    "participation.feedback.views.public",
    "participation.feedback.views.staff",
    "participation.policy.staff_views",
    "participation.exports.views",
    "participation.privacy.views",
    "participation.opendata.views",
)


def create_app(config: dict | str | None = None) -> Flask:
    """Create the Flask application.

    ``config`` is a config name (``development``, ``production``, ``testing``) or a
    mapping of overrides applied to the testing configuration (for tests).
    """
    from config import CONFIGS

    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=True,
    )
    if isinstance(config, dict):
        app.config.from_object(CONFIGS["testing"])
        app.config.update(config)
    else:
        name = config or os.environ.get("APP_ENV", "development")
        app.config.from_object(CONFIGS.get(name, CONFIGS["development"]))
    os.makedirs(app.instance_path, exist_ok=True)

    from participation import models  # noqa: F401  (register every table)
    from participation.accounts import access  # noqa: F401  (session loader)
    from participation.core import page_cache, security

    ext.db.init_app(app)
    ext.migrate.init_app(app, ext.db, render_as_batch=True, compare_type=True)
    ext.login_manager.init_app(app)
    ext.mail.init_app(app)
    ext.csrf.init_app(app)
    ext.babel.init_app(app, locale_selector=_select_locale)
    # Flask-Limiter keeps the key prefix of the first app it was bound to; take this app's.
    ext.limiter._key_prefix = app.config.get("RATELIMIT_KEY_PREFIX", "")
    ext.limiter.init_app(app)
    page_cache.init_app(app)
    if app.config.get("PROXY_FIX_X_FOR"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(app.config["PROXY_FIX_X_FOR"]))

    security.refuse_unsafe_production(app)
    security.install(app)

    for module_name in BLUEPRINT_MODULES:
        module = importlib.import_module(module_name)
        app.register_blueprint(module.bp)

    from participation.cli import register_cli
    from participation.core import errors, templating

    errors.register(app)
    templating.register(app)
    register_cli(app)
    return app


def _select_locale() -> str:
    """Choose the language: explicit choice, then the user's setting, then the browser's."""
    from flask_login import current_user

    languages = ("nl", "en")
    forced = g.get("force_locale") if has_app_context() else None
    if forced in languages:
        return forced
    if not has_request_context():
        return "nl"
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    # Without a signed-in session there is no user to load (and no database query to run).
    if "_user_id" in session and getattr(current_user, "is_authenticated", False):
        if current_user.locale in languages:
            return current_user.locale
    return request.accept_languages.best_match(languages) or "nl"
