"""Security headers and the refusal to run production with unsafe settings."""

from __future__ import annotations

from flask import Flask

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'; frame-ancestors 'none'"
)


def content_security_policy(tile_url: str | None = None) -> str:
    """Return the policy; map tiles from another host (``MAP_TILE_URL``) may be shown."""
    scheme, _, rest = (tile_url or "").partition("://")
    host = rest.split("/", 1)[0]
    if host.startswith("{s}."):  # tile servers on subdomains a, b, c...
        host = "*." + host[4:]
    if scheme not in ("http", "https") or not host or "{" in host or "'" in host or " " in host:
        return CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY.replace("img-src 'self' data:",
                                           f"img-src 'self' data: {scheme}://{host}")


class UnsafeConfiguration(RuntimeError):
    """Production was asked to start with a setting that would put residents at risk."""


def configuration_problems(app: Flask) -> list[str]:
    """List what is unsafe about this configuration for production."""
    from config import DEV_SECRET_KEY

    problems = []
    key = app.config.get("SECRET_KEY")
    if not key or key == DEV_SECRET_KEY or len(str(key)) < 24:
        problems.append("SECRET_KEY is missing, the development key, or shorter than 24 characters")
    if app.debug or app.config.get("DEBUG"):
        problems.append("DEBUG is on")
    uri = app.config.get("SQLALCHEMY_DATABASE_URI", "")
    if uri.startswith("sqlite") and not app.config.get("ALLOW_SQLITE_IN_PRODUCTION"):
        problems.append(
            "DATABASE_URL points at SQLite; use PostgreSQL or set ALLOW_SQLITE_IN_PRODUCTION=true"
        )
    limits_uri = str(app.config.get("RATELIMIT_STORAGE_URI", "memory://"))
    if (app.config.get("RATELIMIT_ENABLED", True) and limits_uri.startswith("memory")
            and not app.config.get("RATELIMIT_MEMORY_ALLOWED")):
        problems.append(
            "RATELIMIT_STORAGE_URI is memory://: with several worker processes each counts "
            "its own limits; use redis://... or set RATELIMIT_MEMORY_ALLOWED=true when the "
            "app runs as one single process"
        )
    return problems


def refuse_unsafe_production(app: Flask) -> None:
    """Stop a production start-up with unsafe settings."""
    if app.config.get("ENV_NAME") != "production":
        return
    problems = configuration_problems(app)
    if problems:
        raise UnsafeConfiguration("; ".join(problems))


def install(app: Flask) -> None:
    """Add security headers to every response."""
    production = app.config.get("ENV_NAME") == "production"
    defaults = [
        ("Content-Security-Policy", content_security_policy(app.config.get("MAP_TILE_URL"))),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", "camera=(self), geolocation=(), microphone=()"),
    ]
    if production:
        defaults.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))

    @app.before_request
    def _refuse_nul_bytes():
        # No person types a NUL byte; PostgreSQL cannot store one. Refuse such input early.
        from flask import abort, request

        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)
        ):
            abort(400)
        if request.method in {"POST", "PUT", "PATCH"} and request.mimetype in {
            "application/x-www-form-urlencoded", "multipart/form-data"
        }:
            if any("\x00" in k or "\x00" in v for k, v in request.form.items(multi=True)):
                abort(400)

    @app.after_request
    def _headers(response):
        headers = response.headers
        # One pass over the headers instead of a search per default (every response pays it).
        present = {key.lower() for key, _ in headers.items()}
        headers.extend([(k, v) for k, v in defaults if k.lower() not in present])
        if response.mimetype == "text/html":
            # Pages differ by language (Accept-Language on a first visit) and by session.
            response.vary.update(("Accept-Language", "Cookie"))
        return response
