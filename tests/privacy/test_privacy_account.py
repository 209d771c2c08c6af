"""A resident downloads all data held about them, and deletes their account."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from participation.accounts.errors import LastAdmin, WrongPassword
from participation.accounts.models import Role, User
from participation.audit.models import AuditEntry
from participation.extensions import db
from participation.feedback.models import Opinion, OpinionReport
from participation.mail.models import OutboxMessage, OutboxStatus
from participation.mail.services import render_pending
from participation.privacy import services
from participation.registrations.models import Registration, RegistrationStatus

from .conftest import PASSWORD

EN = {"Accept-Language": "en"}


def test_the_download_holds_everything_about_the_resident_and_nothing_else(
        client, login, history):
    login(history.user)
    page = client.get("/account", headers=EN).get_data(as_text=True)
    assert "Download my data (JSON)" in page and "/account/delete" in page
    response = client.get("/account/my-data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "rita@example.org"
    assert data["account"]["postcode"] == "9000"
    assert [r["role"] for r in data["roles"]] == ["resident"]
    assert {r["event"]["title"] for r in data["registrations"]} == {"Full evening", "Last week"}
    assert {r["needs_other"] for r in data["registrations"]} == {"Vegan", "Wheelchair"}
    assert [o["body"] for o in data["opinions"]] == ["Rita thinks this is good"]
    assert [r["reason"] for r in data["reports"]] == ["Rita reports this"]
    assert [e["action"] for e in data["audit_entries"]] == ["role.grant"]
    text = json.dumps(data)
    assert "Walt" not in text and "Someone else" not in text


def test_the_download_needs_a_signed_in_account(client):
    response = client.get("/account/my-data.json")
    assert response.status_code == 302
    assert "/account/sign-in" in response.headers["Location"]


def test_deleting_asks_for_the_password_and_a_wrong_one_changes_nothing(
        client, login, history):
    login(history.user)
    page = client.get("/account/delete", headers=EN)
    assert page.status_code == 200
    assert "This cannot be undone" in page.get_data(as_text=True)
    response = client.post("/account/delete", data={"password": "not my password"},
                           headers=EN)
    assert response.status_code == 422
    assert "The password is not correct." in response.get_data(as_text=True)
    assert db.session.get(User, history.user.id) is not None
    assert client.get("/account").status_code == 200


def test_deleting_the_account_keeps_only_anonymous_traces(client, login, history):
    user_id = history.user.id
    login(history.user)
    response = client.post("/account/delete", data={"password": PASSWORD}, headers=EN)
    assert response.status_code == 303
    assert "Your account is deleted" in client.get("/", headers=EN).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user_id) is None
    # Signed out: the account page asks to sign in.
    assert client.get("/account").status_code == 302

    # The upcoming place is cancelled (the receipt is queued) and goes to Walt; the row is gone.
    assert db.session.get(Registration, history.future.id) is None
    waiting = db.session.get(Registration, history.waiting.id)
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert waiting.event.confirmed_count == 1 and waiting.event.waiting_count == 0
    kinds = {m.kind for m in db.session.scalars(sa.select(OutboxMessage)
                                                .where(OutboxMessage.recipient
                                                       == "rita@example.org"))}
    assert kinds == {"registration_cancelled", "account_deleted"}

    # The past registration stays, without anything that points at Rita.
    past = db.session.get(Registration, history.past.id)
    assert (past.user_id, past.name, past.email, past.needs_other) == (None, None, None, None)
    assert past.purged_at is not None
    assert past.status == RegistrationStatus.CONFIRMED and past.checked_in_at is not None
    assert past.needs_step_free is True

    opinion = db.session.get(Opinion, history.opinion.id)
    assert opinion.body == "Rita thinks this is good"
    assert (opinion.user_id, opinion.show_name, opinion.postcode) == (None, False, None)
    report = db.session.get(OpinionReport, history.report.id)
    assert report.reporter_id is None

    entries = db.session.scalars(sa.select(AuditEntry)).all()
    assert "rita" not in json.dumps([e.details for e in entries]).lower()
    deletion = next(e for e in entries if e.action == "account.delete")
    assert deletion.actor_id is None and deletion.target_id == user_id
    assert deletion.details["registrations_cancelled"] == 1


def test_resolved_reports_of_a_deleted_account_are_removed(history):
    history.report.resolved_at = history.report.created_at
    report_id = history.report.id
    db.session.commit()
    services.delete_account(history.user, PASSWORD)
    db.session.commit()
    db.session.expunge_all()
    assert db.session.get(OpinionReport, report_id) is None


def test_the_service_refuses_a_wrong_password(history):
    with pytest.raises(WrongPassword):
        services.delete_account(history.user, "wrong")


def test_the_last_administrator_cannot_delete_their_account(make_user):
    admin = make_user(roles=(Role.ADMIN,), password=PASSWORD)
    db.session.commit()
    with pytest.raises(LastAdmin):
        services.delete_account(admin, PASSWORD)
    other = make_user(roles=(Role.ADMIN,))
    db.session.commit()
    services.delete_account(admin, PASSWORD)
    db.session.commit()
    assert db.session.get(User, other.id).is_admin


def test_older_mails_to_the_address_go_but_the_receipts_stay(history):
    services.delete_account(history.user, PASSWORD)
    db.session.commit()
    mails = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == "rita@example.org")
    ).all()
    assert [(m.kind, m.status) for m in mails] == [
        ("registration_cancelled", OutboxStatus.PENDING),
        ("account_deleted", OutboxStatus.PENDING),
    ]
    # Registration mails are written by the worker, but this registration is gone by then:
    # the deletion wrote its receipt before removing it.
    receipt = mails[0]
    assert receipt.written and receipt.subject and receipt.body_text
    assert render_pending().failed == 0


def test_the_account_page_shows_the_data_links_in_its_main_content_not_in_its_title(
        client, login, history):
    import re

    login(history.user)
    page = client.get("/account", headers=EN).get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert title == "Your account · City of Ghent"
    main = page[page.index("<main"):page.index("</main>")]
    assert 'href="/account/my-data.json"' in main
    assert 'href="/account/delete"' in main


class TestTheDeletionIsConfirmedByMail:
    @pytest.fixture
    def app_config(self, smtp_config):
        return smtp_config

    @pytest.mark.parametrize("locale, expected", [
        ("en", ("Your account is deleted", "Your places at upcoming events are cancelled: 1.")),
        ("nl", ("Je account is verwijderd",
                "Je plaatsen voor komende evenementen zijn geannuleerd: 1.")),
    ])
    def test_in_the_language_of_the_account_without_the_name(
            self, client, login, history, smtp_server, locale, expected):
        from participation.mail.sender import deliver_pending

        history.user.locale = locale
        login(history.user)
        assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 303
        deliver_pending()
        subject, line = expected
        mails = [m for m in smtp_server.to("rita@example.org") if m["Subject"] == subject]
        assert len(mails) == 1
        text = mails[0].get_body(("plain",)).get_content()
        assert line in text
        assert "/account/sign-up" in text and "/privacy" in text
        assert "Rita" not in text
