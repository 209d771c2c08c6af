"""Staff edit policy actions in the interface; every change is audited and public."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from participation.accounts.models import Role
from participation.audit.models import AuditEntry
from participation.extensions import db
from participation.policy import services
from participation.policy.models import ActionStatus


@pytest.fixture
def staff(make_user):
    return make_user(roles=(Role.STAFF,))


def _edit(staff, action, **changes):
    values = dict(title_nl=action.title_nl, title_en=action.title_en,
                  summary_nl=action.summary_nl, summary_en=action.summary_en,
                  status=action.status, progress=action.progress, priority=action.priority,
                  feedback_open=action.feedback_open)
    values.update(changes)
    return services.edit_action(staff, action, **values)


def test_staff_change_texts_status_progress_and_priority_audited(staff, make_action):
    action = make_action(title_nl="Oud", title_en="Old")
    other = make_action().priority
    changes = _edit(staff, action, title_en="  New  ", status="in_progress", progress=30,
                    priority=other, feedback_open=False)
    assert changes == {"title_en": ["Old", "New"], "status": ["planned", "in_progress"],
                       "progress": [0, 30], "feedback_open": [True, False],
                       "priority": [changes["priority"][0], other.slug]}
    assert (action.status, action.progress, action.priority_id) == (
        ActionStatus.IN_PROGRESS, 30, other.id)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "action.edit"))
    assert (entry.actor_id, entry.target_id, entry.details["changes"]) == (
        staff.id, action.id, changes)
    assert services.action_history(action) == [entry]


def test_nothing_changed_is_not_audited(staff, make_action):
    action = make_action()
    assert _edit(staff, action) == {}
    assert services.action_history(action) == []


@pytest.mark.parametrize("changes, field", [
    ({"title_nl": "  "}, "title_nl"),
    ({"title_en": "x" * 201}, "title_en"),
    ({"status": "someday"}, "status"),
    ({"progress": 101}, "progress"),
])
def test_invalid_values_name_their_field(staff, make_action, changes, field):
    with pytest.raises(services.PolicyError) as raised:
        _edit(staff, make_action(), **changes)
    assert raised.value.field == field


def test_residents_cannot_edit_actions(make_user, make_action):
    with pytest.raises(services.PolicyError):
        _edit(make_user(), make_action(), title_nl="Nieuw")


def test_the_edit_page_saves_both_languages_and_the_public_page_shows_the_history(
        client, login, staff, make_action):
    action = make_action(title_nl="Oud", title_en="Old")
    login(staff)
    page = client.get(f"/staff/actions/{action.code}/edit")
    assert page.status_code == 200
    assert 'value="Old"' in page.get_data(as_text=True)
    form = {"title_nl": "Nieuwe titel", "title_en": "New title", "summary_nl": "Uitleg",
            "summary_en": "Explanation", "status": "done", "progress": "100",
            "priority": str(action.priority_id), "feedback_open": "y"}
    response = client.post(f"/staff/actions/{action.code}/edit", data=form)
    assert response.status_code == 302
    db.session.refresh(action)
    assert (action.title_nl, action.summary_en, action.progress) == ("Nieuwe titel",
                                                                   "Explanation", 100)
    public = client.get(f"/actions/{action.code}").get_data(as_text=True)
    assert "History of this action" in public
    assert "Status: Planned → Done" in public
    assert "Progress: 0% → 100%" in public
    assert staff.name not in public


def test_an_invalid_edit_keeps_the_input(client, login, staff, make_action):
    action = make_action()
    login(staff)
    response = client.post(f"/staff/actions/{action.code}/edit", data={
        "title_nl": "", "title_en": "Kept <i>", "status": "done", "progress": "50",
        "priority": str(action.priority_id)})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Write the title in Dutch." in html
    assert 'value="Kept &lt;i&gt;"' in html
