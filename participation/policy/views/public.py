"""Public pages of the policy note: priorities and actions, with their events."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from participation.core.page_cache import cached_page
from participation.events import services as event_services
from participation.policy import services

bp = Blueprint("policy", __name__)


@bp.get("/priorities")
@cached_page
def priority_list():
    """Every plan residents are asked about, with its priorities and actions."""
    return render_template("policy/priorities.html", documents=services.documents_with_priorities())


@bp.get("/priorities/<slug>")
@cached_page
def priority_detail(slug: str):
    """One priority, its actions and the events about them."""
    try:
        priority = services.get_priority(slug)
    except services.PolicyNotFound:
        abort(404)
    events = event_services.find_events(
        event_services.EventFilter(priority_id=priority.id), per_page=20
    ).items
    return render_template("policy/priority.html", priority=priority, events=events)


@bp.get("/actions/<code>")
@cached_page
def action_detail(code: str):
    """One policy action: progress, updates, residents' opinions, and the events about it."""
    from participation.feedback.views.public import render_action_page

    try:
        action = services.get_action(code)
    except services.PolicyNotFound:
        abort(404)
    return render_action_page(action)
