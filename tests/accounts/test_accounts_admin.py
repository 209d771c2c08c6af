"""Administrators grant and remove roles, every change is logged, and nobody else gets in."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from participation.accounts import services
from participation.accounts.models import Role
from participation.audit.models import AuditEntry
from participation.audit.services import record
from participation.database import utcnow
from participation.extensions import db

EN = {"Accept-Language": "en"}
ADMIN_PAGES = ("/admin/users", "/admin/audit")


def audit_entries(action=None):
    stmt = sa.select(AuditEntry).order_by(AuditEntry.id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return list(db.session.scalars(stmt))


@pytest.fixture
def admin(make_user):
    return make_user(email="admin@example.org", name="Admin", roles=(Role.ADMIN,))


def test_an_admin_grants_a_role_and_the_audit_log_records_it(client, login, admin, make_user):
    resident = make_user(email="res@example.org")
    login(admin)
    response = client.post(f"/admin/users/{resident.id}/roles", data={"role": "organiser"})
    assert response.status_code == 302
    db.session.expire_all()
    assert resident.role_names == {Role.RESIDENT, Role.ORGANISER}
    [entry] = audit_entries("role.grant")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (admin.id, "User",
                                                                     resident.id)
    assert entry.details["role"] == "organiser"


def test_an_admin_removes_a_role_and_the_audit_log_records_it(client, login, admin, make_user):
    staff = make_user(roles=(Role.RESIDENT, Role.STAFF))
    login(admin)
    response = client.post(f"/admin/users/{staff.id}/roles/staff/remove")
    assert response.status_code == 302
    db.session.expire_all()
    assert staff.role_names == {Role.RESIDENT}
    [entry] = audit_entries("role.revoke")
    assert entry.actor_id == admin.id
    assert entry.details["role"] == "staff"


def test_granting_a_role_already_held_changes_and_logs_nothing(admin, make_user):
    user = make_user(roles=(Role.ORGANISER,))
    assert services.grant_role(admin, user, Role.ORGANISER) is False
    assert audit_entries() == []


def test_the_last_admin_cannot_remove_their_own_admin_role(client, login, admin):
    login(admin)
    response = client.post(f"/admin/users/{admin.id}/roles/admin/remove", headers=EN)
    assert response.status_code == 409
    assert "This is the last administrator" in response.get_data(as_text=True)
    db.session.expire_all()
    assert admin.is_admin
    assert audit_entries("role.revoke") == []


def test_an_admin_can_step_down_when_another_admin_remains(client, login, admin, make_user):
    make_user(roles=(Role.ADMIN,))
    login(admin)
    assert client.post(f"/admin/users/{admin.id}/roles/admin/remove").status_code == 302
    db.session.expire_all()
    assert not admin.is_admin
    # No longer an admin: the admin pages are closed now.
    assert client.get("/admin/users").status_code == 403


def test_only_admins_may_change_roles_in_the_service(make_user):
    organiser = make_user(roles=(Role.ORGANISER,))
    other = make_user()
    with pytest.raises(services.NotAllowed):
        services.grant_role(organiser, other, Role.ADMIN)


@pytest.mark.parametrize("roles", [(Role.RESIDENT,), (Role.ORGANISER,), (Role.STAFF,)])
def test_non_admins_get_403_on_admin_pages(client, login, make_user, roles):
    target = make_user()
    login(make_user(roles=roles))
    for path in ADMIN_PAGES + (f"/admin/users/{target.id}",):
        assert client.get(path).status_code == 403
    assert client.post(f"/admin/users/{target.id}/roles",
                       data={"role": "admin"}).status_code == 403
    db.session.expire_all()
    assert not target.is_admin


def test_anonymous_visitors_are_sent_to_sign_in_from_admin_pages(client):
    for path in ADMIN_PAGES:
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"] == f"/account/sign-in?next={path.replace('/', '%2F')}"


def test_admins_find_accounts_by_name_or_address(client, login, admin, make_user):
    make_user(email="an.peeters@example.org", name="An Peeters")
    make_user(email="jan@example.org", name="Jan Jansens", roles=(Role.ORGANISER,))
    login(admin)
    page = client.get("/admin/users?q=peeters", headers=EN).get_data(as_text=True)
    assert "an.peeters@example.org" in page
    assert "jan@example.org" not in page
    page = client.get("/admin/users?role=organiser", headers=EN).get_data(as_text=True)
    assert "jan@example.org" in page
    assert "an.peeters@example.org" not in page
    page = client.get("/admin/users?q=%25", headers=EN).get_data(as_text=True)
    assert "0 accounts found" in page


def test_admins_see_users_and_audit_links_in_the_navigation(client, login, admin):
    login(admin)
    page = client.get("/", headers=EN).get_data(as_text=True)
    assert 'href="/admin/users"' in page
    assert 'href="/admin/audit"' in page


def test_the_audit_log_filters_by_action_actor_and_dates(client, login, admin, make_user):
    other_admin = make_user(email="other@example.org", roles=(Role.ADMIN,))
    target = make_user(email="target@example.org")
    old = record(other_admin, "export.opinions")
    old.at = utcnow() - timedelta(days=40)
    record(admin, "role.grant", target, role="staff")
    record(other_admin, "role.revoke", target, role="staff")
    login(admin)

    page = client.get("/admin/audit?action=role.grant", headers=EN).get_data(as_text=True)
    assert "1 entry" in page and "admin@example.org" in page

    page = client.get("/admin/audit?actor=OTHER@example.org", headers=EN).get_data(as_text=True)
    assert "2 entries" in page and "role.revoke" in page and "export.opinions" in page

    since = (utcnow() - timedelta(days=7)).date().isoformat()
    page = client.get(f"/admin/audit?date_from={since}", headers=EN).get_data(as_text=True)
    # The two role changes, and the two earlier readings of this log (audited themselves).
    assert "4 entries" in page and "export.opinions</th>" not in page

    until = (utcnow() - timedelta(days=30)).date().isoformat()
    page = client.get(f"/admin/audit?date_to={until}", headers=EN).get_data(as_text=True)
    assert "1 entry" in page and "export.opinions</th>" in page


def test_the_audit_log_reports_a_reversed_date_range(client, login, admin):
    login(admin)
    response = client.get("/admin/audit?date_from=2026-05-02&date_to=2026-05-01", headers=EN)
    assert response.status_code == 200
    assert "The end date must be on or after the start date." in response.get_data(as_text=True)


@pytest.mark.parametrize("dates", ["date_from=0001-01-01", "date_to=9999-12-31",
                                   "date_from=0001-01-01&date_to=9999-12-31"])
def test_the_audit_log_refuses_dates_out_of_range_by_name(client, login, admin, dates):
    """Year 1 or 9999 overflowed when turned into a day's start or end in UTC (a 500)."""
    login(admin)
    response = client.get(f"/admin/audit?{dates}", headers=EN)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "as a date, for example 2026-05-14." in html


def test_the_audit_log_is_paginated_newest_first(client, login, admin):
    for n in range(55):
        record(admin, "test.entry", number=n)
    login(admin)
    first = client.get("/admin/audit", headers=EN).get_data(as_text=True)
    assert "Page 1 of 2" in first
    assert "number: 54" in first and "number: 4;" not in first
    second = client.get("/admin/audit?page=2", headers=EN).get_data(as_text=True)
    assert "number: 4" in second and "number: 54" not in second


def test_the_user_page_shows_roles_with_remove_buttons_and_recent_changes(
        client, login, admin, make_user):
    user = make_user(email="org@example.org", roles=(Role.RESIDENT, Role.ORGANISER))
    services.grant_role(admin, user, Role.STAFF)
    login(admin)
    page = client.get(f"/admin/users/{user.id}", headers=EN).get_data(as_text=True)
    assert "org@example.org" in page
    assert f'action="/admin/users/{user.id}/roles/organiser/remove"' in page
    assert "Remove role Organiser" in page
    assert "role.grant (staff)" in page
    assert '<option value="admin">Administrator</option>' in page
    assert '<option value="organiser">' not in page


def test_an_unknown_role_or_user_is_not_found(client, login, admin):
    login(admin)
    assert client.post(f"/admin/users/{admin.id}/roles/king/remove").status_code == 404
    assert client.get("/admin/users/999999").status_code == 404
    response = client.post(f"/admin/users/{admin.id}/roles", data={"role": "king"})
    assert response.status_code == 422
