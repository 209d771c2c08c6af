"""Administration: find accounts, grant and remove roles, and read the audit log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from participation.accounts import audit_log as audit_entries
from participation.accounts import services
from participation.accounts.access import role_required
from participation.accounts.forms import (
    ROLE_LABELS,
    AuditFilterForm,
    RoleForm,
    UserSearchForm,
    role_choices,
)
from participation.accounts.models import Role, User
from participation.audit import services as audit_services
from participation.audit.access_log import logs_personal_data_view
from participation.core.pagination import page_number
from participation.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _role_label(role: Role) -> str:
    return str(ROLE_LABELS.get(role, role.value))


@bp.get("/users")
@role_required(Role.ADMIN)
@logs_personal_data_view
def users():
    """Search accounts by name or address, optionally by role."""
    form = UserSearchForm(formdata=request.args)
    role = None
    if request.args and form.validate():
        role = Role(form.role.data) if form.role.data else None
    query = form.q.data if not form.q.errors else None
    page = services.find_users(query, role, page_number(request.args))
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/users.html", form=form, page=page, args=args,
                           role_label=_role_label)


@bp.get("/users/<int:user_id>")
@role_required(Role.ADMIN)
@logs_personal_data_view
def user_detail(user_id: int):
    """One account: its roles, with buttons to grant and remove them."""
    user = db.get_or_404(User, user_id)
    return _render_user(user, RoleForm(formdata=None))


def _render_user(user: User, form: RoleForm, status: int = 200):
    missing = role_choices([r for r in Role if r not in user.role_names])
    form.role.choices = missing
    entries = audit_services.entries_about(user, limit=20)
    return render_template("admin/user.html", user=user, form=form, entries=entries,
                           role_label=_role_label, can_grant=bool(missing)), status


@bp.post("/users/<int:user_id>/roles")
@role_required(Role.ADMIN)
def grant_role(user_id: int):
    """Give the account a role; written to the audit log."""
    user = db.get_or_404(User, user_id)
    form = RoleForm()
    if not form.validate():
        return _render_user(user, form, 422)
    role = Role(form.role.data)
    if services.grant_role(current_user._get_current_object(), user, role):
        db.session.commit()
        flash(_("%(name)s is now %(role)s.", name=user.name, role=_role_label(role)), "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.post("/users/<int:user_id>/roles/<role>/remove")
@role_required(Role.ADMIN)
def revoke_role(user_id: int, role: str):
    """Take a role from the account; the last administrator keeps theirs."""
    user = db.get_or_404(User, user_id)
    try:
        role_value = Role(role)
    except ValueError:
        abort(404)
    try:
        changed = services.revoke_role(current_user._get_current_object(), user, role_value)
    except services.AccountError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _render_user(user, RoleForm(formdata=None), 409)
    if changed:
        db.session.commit()
        flash(_("%(name)s is no longer %(role)s.", name=user.name,
                role=_role_label(role_value)), "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.get("/audit")
@role_required(Role.ADMIN)
@logs_personal_data_view
def audit_log():
    """The audit log, newest first, filtered by action, actor and dates."""
    form = AuditFilterForm(formdata=request.args)
    form.action.choices = [SelectChoice("", _("Any action"))] + [
        SelectChoice(a) for a in audit_entries.known_actions()
    ]
    filters: dict = {}
    if request.args:
        form.validate()
    for name in ("action", "actor", "date_from", "date_to"):
        field = getattr(form, name)
        if not field.errors and field.data:
            filters[name] = field.data
    page = audit_entries.find_entries(
        action=filters.get("action"),
        actor_email=filters.get("actor"),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        page=page_number(request.args),
    )
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/audit.html", form=form, page=page, args=args)
