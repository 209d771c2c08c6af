"""Signing up: verification by mail, and no hint whether an address already has an account."""

from __future__ import annotations

import sqlalchemy as sa

from participation.accounts.models import Role, User
from participation.extensions import db

PASSWORD = "correct horse battery staple"
EN = {"Accept-Language": "en"}


def sign_up(client, email="New.Person@Example.org", password=PASSWORD, name="New Person"):
    return client.post("/account/sign-up", data={"name": name, "email": email,
                                                 "password": password}, headers=EN)


def test_sign_up_mails_a_verification_link_that_works_once(client, outbox, link_in):
    response = sign_up(client)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/check-your-mail")
    user = db.session.scalar(sa.select(User))
    assert user.email == "new.person@example.org"
    assert user.role_names == {Role.RESIDENT}
    assert not user.email_verified
    [mail] = outbox("verify_email")
    assert mail.recipient == "new.person@example.org"
    assert mail.subject == "Confirm your e-mail address"
    link = link_in(mail, "/account/verify/")

    page = client.get(link, headers=EN)
    assert page.status_code == 200 and 'name="password"' in page.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(User, user.id).email_verified
    first = client.post(link, data={"password": PASSWORD}, headers=EN)
    assert first.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).email_verified

    second = client.get(link, headers=EN)
    assert second.status_code == 400
    assert "already been used" in second.get_data(as_text=True)


def test_sign_up_mail_is_written_in_the_visitors_language(client, outbox):
    client.post("/account/sign-up", data={"name": "An", "email": "an@example.org",
                                          "password": PASSWORD},
                headers={"Accept-Language": "nl"})
    user = db.session.scalar(sa.select(User))
    assert user.locale == "nl"
    assert outbox("verify_email")[0].recipient == "an@example.org"


def test_signing_up_with_a_known_address_looks_the_same_and_warns_the_owner(
        client, outbox, make_member):
    owner = make_member(email="owner@example.org", name="Owner")
    db.session.commit()
    known = sign_up(client, email="OWNER@example.org")
    unknown = sign_up(client, email="someone.else@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 2
    [warning] = outbox("signup_attempt")
    assert warning.recipient == owner.email
    assert "/account/forgot-password" in warning.body_text
    assert not outbox("verify_email", recipient="owner@example.org")


def test_the_check_your_mail_page_does_not_say_whether_the_address_was_known(
        client, make_member):
    make_member(email="owner@example.org")
    db.session.commit()
    known = client.get(sign_up(client, email="owner@example.org").headers["Location"],
                       headers=EN).get_data(as_text=True)
    unknown = client.get(sign_up(client, email="new@example.org").headers["Location"],
                         headers=EN).get_data(as_text=True)
    assert known == unknown
    assert "Check your mail" in known


def test_a_short_password_is_refused_with_the_field_named_and_input_kept(client):
    response = sign_up(client, password="short", name="Keep Me")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Use at least 12 characters" in page
    assert 'href="#password"' in page
    assert 'value="Keep Me"' in page
    assert 'value="New.Person@Example.org"' in page
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_an_invalid_address_is_refused_on_the_email_field(client):
    response = sign_up(client, email="not-an-address")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'href="#email"' in page
    assert "Enter an e-mail address like name@example.org." in page


def test_an_unverified_account_cannot_sign_in_and_gets_a_new_link(
        client, outbox, sign_in_form):
    sign_up(client, email="late@example.org")
    response = sign_in_form("late@example.org")
    assert response.status_code == 422
    assert "Confirm your e-mail address first" in response.get_data(as_text=True)
    assert len(outbox("verify_email", recipient="late@example.org")) == 2


def test_resending_the_verification_answers_the_same_for_unknown_addresses(client, outbox):
    sign_up(client, email="late@example.org")
    known = client.post("/account/verify", data={"email": "late@example.org"})
    unknown = client.post("/account/verify", data={"email": "nobody@example.org"})
    assert known.headers["Location"] == unknown.headers["Location"]
    assert len(outbox("verify_email")) == 2


def test_a_forged_verification_link_is_refused(client):
    response = client.get("/account/verify/not-a-token", headers=EN)
    assert response.status_code == 400
    assert "This link is not valid" in response.get_data(as_text=True)
