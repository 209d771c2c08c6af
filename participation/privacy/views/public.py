"""A resident's own data: download it, or delete the account."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from participation.accounts.errors import AccountError
from participation.core.forms import put_form_error
from participation.core.limits import FORM_LIMIT
from participation.database import utcnow
from participation.extensions import db, limiter
from participation.privacy import services
from participation.privacy.forms import DeleteAccountForm

bp = Blueprint("privacy", __name__, url_prefix="/account")


@bp.get("/my-data.json")
@login_required
def download_data():
    """Everything held about the signed-in person, as a JSON file."""
    data = services.personal_data(current_user._get_current_object())
    filename = f"my-data-{utcnow():%Y%m%d}.json"
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"',
                 "Cache-Control": "private, no-store"},
    )


@bp.route("/delete", methods=["GET", "POST"])
@login_required
@limiter.limit(FORM_LIMIT, methods=["POST"])
def delete_account():
    """Ask for the password, then delete the account and what is linked to it."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_account(current_user._get_current_object(), form.password.data)
        except AccountError as error:
            db.session.rollback()
            put_form_error(form, error)
        else:
            db.session.commit()
            logout_user()
            flash(_("Your account is deleted. Thank you for taking part."), "success")
            return redirect(url_for("events.home"), 303)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("privacy/delete_account.html", form=form), status
