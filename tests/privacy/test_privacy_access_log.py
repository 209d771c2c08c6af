"""Every staff or admin look at personal data is written to the audit log."""

from __future__ import annotations

import sqlalchemy as sa

from participation.accounts.models import Role
from participation.audit.access_log import VIEW_ACTION
from participation.audit.models import AuditEntry
from participation.extensions import db

EN = {"Accept-Language": "en"}


def _views() -> list[AuditEntry]:
    return list(db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == VIEW_ACTION).order_by(AuditEntry.id)
    ))


def test_admin_pages_about_accounts_are_logged_with_what_was_looked_for(
        client, login, make_user):
    admin = login(make_user(roles=(Role.ADMIN,)))
    rita = make_user(name="Rita")
    db.session.commit()
    assert client.get("/admin/users?q=rita").status_code == 200
    assert client.get(f"/admin/users/{rita.id}").status_code == 200
    entries = _views()
    assert [(e.actor_id, e.details["page"]) for e in entries] == [
        (admin.id, "admin.users"), (admin.id, "admin.user_detail")]
    assert entries[0].details["query"] == {"q": "rita"}
    assert entries[1].details["args"] == {"user_id": rita.id}
    page = client.get(f"/admin/audit?action={VIEW_ACTION}", headers=EN).get_data(as_text=True)
    assert page.count(VIEW_ACTION) >= 2


def test_refused_and_missing_pages_are_not_logged_as_views(client, login, make_user):
    login(make_user(roles=(Role.STAFF,)))
    assert client.get("/admin/users").status_code == 403
    assert _views() == []
    login(make_user(roles=(Role.ADMIN,)))
    assert client.get("/admin/users/999999").status_code == 404
    assert _views() == []


def test_exports_of_opinions_are_logged(client, login, make_user, make_action, make_opinion):
    make_opinion(make_action())
    login(make_user(roles=(Role.ADMIN,)))
    response = client.get("/staff/exports/opinions.csv")
    assert response.status_code == 200
    response.get_data()
    response.close()
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert any(a.startswith("export.") for a in actions), actions


def test_organisers_looking_at_their_registrants_are_logged(client, login, make_user,
                                                            make_event):
    organiser = make_user(roles=(Role.ORGANISER,))
    event = make_event(organisers=[organiser])
    login(organiser)
    assert client.get(f"/manage/events/{event.slug}/registrations?q=ann").status_code == 200
    assert client.get(f"/manage/events/{event.slug}/check-in").status_code == 200
    entries = _views()
    assert [(e.actor_id, e.details["page"]) for e in entries] == [
        (organiser.id, "manage_registrations.workspace"), (organiser.id, "checkin.page")]
    assert entries[0].details["args"] == {"slug": event.slug}
    assert entries[0].details["query"] == {"q": "ann"}


def test_attendee_exports_are_logged(client, login, make_user, make_event):
    organiser = make_user(roles=(Role.ORGANISER,))
    event = make_event(organisers=[organiser])
    login(organiser)
    for path in ("attendees.csv", "attendees.xlsx", "sign-in-sheet"):
        response = client.get(f"/manage/events/{event.slug}/{path}")
        assert response.status_code == 200
        response.close()
    actions = sorted(db.session.scalars(sa.select(AuditEntry.action)))
    assert actions == ["export.attendees", "export.attendees", "export.sign_in_sheet"]
