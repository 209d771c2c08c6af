"""Public pages of the policy note: the plans with their priorities and actions.

A priority's own page lists its events (``events.priority_detail``) and an action's page
shows opinions (``feedback.action_detail``): they live in the domains they need.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participation.core import atom
from participation.core.page_cache import cached_page
from participation.database import utcnow
from participation.extensions import csrf, db
from participation.localized import current_language
from participation.policy import follows, services

bp = Blueprint("policy", __name__)


@bp.get("/priorities")
@cached_page
def priority_list():
    """Every plan residents are asked about, with its priorities and actions."""
    return render_template("policy/priorities.html", documents=services.documents_with_priorities())


@bp.get("/actions/<code>/updates.atom")
def action_updates_feed(code: str):
    """An Atom feed of what the city reports back on one action."""
    action = services.get_action(code)
    base = current_app.config["PUBLIC_BASE_URL"]
    page_url = url_for("feedback.action_detail", code=action.code, _external=True)
    entries = [
        atom.Entry(
            id=atom.tag_uri(base, "action-update", update.id),
            title=_("%(code)s: update of %(date)s", code=action.code,
                    date=update.created_at.date().isoformat()),
            link=page_url,
            updated=update.created_at,
            published=update.created_at,
            summary=update.body,
        )
        for update in services.action_updates(action)
    ]
    body = atom.feed(
        feed_id=atom.tag_uri(base, "action-updates", action.code),
        title=_("Updates on %(code)s %(title)s", code=action.code, title=action.t("title")),
        self_url=url_for("policy.action_updates_feed", code=action.code, _external=True),
        page_url=page_url, language=current_language(), entries=entries,
        fallback_updated=action.updated_at or utcnow(), author=_("City of Ghent"),
    )
    return Response(body, mimetype=atom.ATOM_MIMETYPE, headers={"Cache-Control": "max-age=900"})


def _change_follow(subject, back: str):
    if request.form.get("follow") == "1":
        try:
            follows.follow(current_user, subject)
        except follows.FollowError:
            db.session.rollback()
            flash(_("Confirm your e-mail address first: we can only mail a checked address."),
                  "error")
            return redirect(back)
        message = _("You follow this now: we mail you each update.")
    else:
        follows.unfollow(current_user.id, subject)
        message = _("You no longer follow this.")
    db.session.commit()
    flash(message, "success")
    return redirect(back)


@bp.post("/actions/<code>/follow")
@login_required
def follow_action(code: str):
    """Follow an action (or stop following it) without giving an opinion."""
    action = services.get_action(code)
    return _change_follow(action, url_for("feedback.action_detail", code=action.code,
                                          _anchor="follow"))


@bp.post("/priorities/<slug>/follow")
@login_required
def follow_priority(slug: str):
    """Follow every action of a priority (or stop following it)."""
    priority = services.get_priority(slug)
    return _change_follow(priority, url_for("events.priority_detail", slug=priority.slug,
                                            _anchor="follow"))


@bp.get("/following")
@login_required
def following():
    """What the signed-in resident follows, with a way to stop each."""
    return render_template("policy/following.html", followed=follows.followed_by(current_user))


def _unsubscription(token: str) -> follows.Unsubscription | None:
    try:
        return follows.read_unsubscribe_token(token)
    except follows.BadUnsubscribeLink:
        return None


@bp.get("/unsubscribe/<token>")
def unsubscribe(token: str):
    """Ask to confirm stopping the mails a link names (mail scanners follow GET links)."""
    found = _unsubscription(token)
    if found is None:
        return render_template("policy/unsubscribe.html", invalid=True), 404
    return render_template("policy/unsubscribe.html", found=found, token=token, done=False)


@bp.post("/unsubscribe/<token>")
@csrf.exempt
def unsubscribe_confirmed(token: str):
    """Stop the mails: from the page's button, or one click in a mail app (RFC 8058)."""
    found = _unsubscription(token)
    if found is None:
        return render_template("policy/unsubscribe.html", invalid=True), 404
    follows.unsubscribe(found)
    db.session.commit()
    return render_template("policy/unsubscribe.html", found=found, token=token, done=True)
