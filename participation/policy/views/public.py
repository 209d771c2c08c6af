"""Public pages of the policy note: the plans with their priorities and actions.

A priority's own page lists its events (``events.priority_detail``) and an action's page
shows opinions (``feedback.action_detail``): they live in the domains they need.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from participation.core.page_cache import cached_page
from participation.policy import services

bp = Blueprint("policy", __name__)


@bp.get("/priorities")
@cached_page
def priority_list():
    """Every plan residents are asked about, with its priorities and actions."""
    return render_template("policy/priorities.html", documents=services.documents_with_priorities())
