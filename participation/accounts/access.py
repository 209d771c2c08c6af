"""Who may do what: the session loader and role checks used by views."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from participation.accounts.models import Role, User, UserRole
from participation.core import snapshots
from participation.core.page_cache import personal_memo
from participation.extensions import db, login_manager

login_manager.login_view = "accounts.sign_in"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Load the signed-in user; a session from before a password change is refused."""
    user_id, _, version = session_id.partition(":")
    try:
        user = _signed_in_user(int(user_id))
    except ValueError:
        return None
    if user is None or str(user.session_version) != version:
        return None
    return user


def _signed_in_user(user_id: int) -> User | None:
    """The user of a session, from memory when that is exact, else from the database.

    Every signed-in request needs its user and their roles (two queries, a connection and a
    transaction even on a page that is otherwise kept). Where every process's commits reach
    this one (the page cache follows PostgreSQL's notifications), the user's row and roles
    are kept until a commit changes them (tag ``user:<id>``: a password change, a role
    granted or taken, an erasure), and put into the request's session without a query. The
    kept value is plain data; each request gets its own instance.
    """
    snapshot = personal_memo(("user", user_id), lambda: _snapshot(user_id),
                             deps=(f"user:{user_id}",))
    return None if snapshot is None else _materialise(snapshot)


def _snapshot(user_id: int) -> dict | None:
    user = db.session.get(User, user_id)
    if user is None:
        return None
    roles = [(r.role.value, r.granted_at) for r in user.roles]
    return {"columns": snapshots.columns(user), "roles": roles}


def _materialise(snapshot: dict) -> User:
    """Put the kept user (and roles) into this request's session without a query."""
    user_id = snapshot["columns"]["id"]
    roles = [snapshots.build(UserRole, {"user_id": user_id, "role": Role(role),
                                        "granted_at": granted})
             for role, granted in snapshot["roles"]]
    return snapshots.materialise(User, snapshot["columns"], roles=roles)


def role_required(*roles: Role):
    """Let only signed-in users holding one of the roles (or admin) through; others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator
