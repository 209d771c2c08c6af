"""Ghent's citizen participation and event platform."""

from __future__ import annotations

import os

from flask import Flask, g, has_app_context, has_request_context, request, session
from flask_login import current_user

from participation import extensions as ext
from participation import models  # noqa: F401  (register every table)
from participation.accounts import access  # noqa: F401  (session loader)
from participation.accounts.views import admin as accounts_admin
from participation.accounts.views import public as accounts_public
from participation.api.views import public as api_public
from participation.cli import register_cli
from participation.core import errors, forms, limits, page_cache, security, templating, urls
from participation.core.i18n import DEFAULT_LANGUAGE, LANGUAGES
from participation.core.views import public as core_public
from participation.database import engine_options
from participation.events import search as event_search
from participation.events.views import manage as events_manage
from participation.events.views import public as events_public
from participation.exports.views import manage as exports_manage
from participation.exports.views import staff as exports_staff
from participation.feedback.views import manage as feedback_manage
from participation.feedback.views import public as feedback_public
from participation.feedback.views import staff as feedback_staff
from participation.images.views import public as images_public
from participation.opendata.views import public as opendata_public
from participation.policy.views import public as policy_public
from participation.privacy.views import public as privacy_public
from participation.registrations.views import manage as registrations_manage
from participation.registrations.views import public as registrations_public

#: Every blueprint, each imported from its domain's ``views`` package (or ``mail.hooks``).
BLUEPRINTS = (
    core_public.bp,
    events_public.bp,
    events_manage.bp,
    events_manage.venues_bp,
    events_manage.images_bp,
    images_public.bp,
    exports_manage.bp,
    registrations_manage.bp,
    registrations_manage.checkin_bp,
    policy_public.bp,
    api_public.bp,
    registrations_public.bp,
    accounts_public.bp,
    accounts_admin.bp,
    feedback_public.bp,
    feedback_manage.bp,
    feedback_staff.bp,
    exports_staff.bp,
    privacy_public.bp,
    opendata_public.bp,
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
    app.jinja_environment = templating.Environment  # before the environment is first made
    if isinstance(config, dict):
        app.config.from_object(CONFIGS["testing"])
        app.config.update(config)
    else:
        name = config or os.environ.get("APP_ENV", "development")
        app.config.from_object(CONFIGS.get(name, CONFIGS["development"]))
    os.makedirs(app.instance_path, exist_ok=True)

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        str(app.config["SQLALCHEMY_DATABASE_URI"]),
        app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {},
        app.config.get("DATABASE_CONNECT_TIMEOUT", 3),
    )
    ext.db.init_app(app)
    event_search.install()
    ext.migrate.init_app(app, ext.db, render_as_batch=True, compare_type=True)
    ext.login_manager.init_app(app)
    ext.mail.init_app(app)
    ext.csrf.init_app(app)
    ext.babel.init_app(app, locale_selector=_select_locale)
    # Flask-Limiter keeps the key prefix of the first app it was bound to; take this app's.
    ext.limiter._key_prefix = app.config.get("RATELIMIT_KEY_PREFIX", "")
    ext.limiter._storage_dead = False  # nor the previous app's storage outage
    limits.configure_storage(app)
    ext.limiter.init_app(app)
    page_cache.init_app(app)
    if app.config.get("PROXY_FIX_X_FOR"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(app.config["PROXY_FIX_X_FOR"]))

    security.refuse_unsafe_production(app)
    forms.guard_form_input()
    security.install(app)

    # Before any route is added: a route's numbers are ones a row's id can be.
    app.url_map.converters["int"] = urls.RowIdConverter
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)

    errors.register(app)
    templating.register(app)
    register_cli(app)
    return app


def _select_locale() -> str:
    """Choose the language: explicit choice, then the user's setting, then the browser's."""
    languages = LANGUAGES
    forced = g.get("force_locale") if has_app_context() else None
    if forced in languages:
        return forced
    if not has_request_context():
        return DEFAULT_LANGUAGE
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    # Without a signed-in session there is no user to load (and no database query to run).
    if "_user_id" in session and getattr(current_user, "is_authenticated", False):
        if current_user.locale in languages:
            return current_user.locale
    return request.accept_languages.best_match(languages) or DEFAULT_LANGUAGE
