"""Forgotten and changed passwords: one-hour links that work once, and other sessions end."""

from __future__ import annotations

from datetime import timedelta

import pytest

from participation.accounts import services
from participation.database import utcnow
from participation.extensions import db

EN = {"Accept-Language": "en"}
PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new passphrase"


def test_forgot_password_answers_the_same_whether_or_not_the_address_is_known(
        client, outbox, make_member):
    make_member(email="ann@example.org")
    db.session.commit()
    known = client.post("/account/forgot-password", data={"email": "ann@example.org"})
    unknown = client.post("/account/forgot-password", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    [mail] = outbox("password_reset")
    assert mail.recipient == "ann@example.org"


def test_the_reset_link_sets_a_new_password_and_then_stops_working(
        client, outbox, link_in, make_member, sign_in_form):
    make_member(email="ann@example.org")
    db.session.commit()
    client.post("/account/forgot-password", data={"email": "ann@example.org"})
    link = link_in(outbox("password_reset")[0], "/account/reset/")
    assert client.get(link, headers=EN).status_code == 200

    response = client.post(link, data={"password": NEW_PASSWORD}, headers=EN)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/sign-in"
    assert outbox("password_changed")[0].recipient == "ann@example.org"
    assert sign_in_form("ann@example.org", NEW_PASSWORD).status_code == 302

    again = client.post(link, data={"password": "yet another passphrase"}, headers=EN)
    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True)
    assert client.get(link, headers=EN).status_code == 400


def test_a_reset_link_expires_after_an_hour(client, make_member):
    user = make_member(email="ann@example.org")
    token = services.reset_token(user, now=utcnow() - timedelta(minutes=61))
    db.session.commit()
    response = client.post(f"/account/reset/{token}", data={"password": NEW_PASSWORD},
                           headers=EN)
    assert response.status_code == 400
    assert "This link has expired" in response.get_data(as_text=True)
    assert services.authenticate("ann@example.org", PASSWORD) is not None


def test_a_reset_link_within_the_hour_still_works(make_member):
    user = make_member(email="ann@example.org")
    token = services.reset_token(user, now=utcnow() - timedelta(minutes=59))
    services.reset_password(token, NEW_PASSWORD)
    assert services.authenticate("ann@example.org", NEW_PASSWORD) is user


def test_reset_password_refuses_a_token_checked_later_than_an_hour(make_member):
    user = make_member()
    token = services.reset_token(user)
    with pytest.raises(services.ExpiredToken):
        services.reset_password(token, NEW_PASSWORD, now=utcnow() + timedelta(hours=2))


def test_a_reset_link_for_one_purpose_cannot_verify_an_address(client, make_member):
    user = make_member(verified=False)
    token = services.reset_token(user)
    db.session.commit()
    assert client.get(f"/account/verify/{token}").status_code == 400


def test_a_short_new_password_keeps_the_reset_link_usable(client, make_member):
    user = make_member()
    token = services.reset_token(user)
    db.session.commit()
    response = client.post(f"/account/reset/{token}", data={"password": "short"}, headers=EN)
    assert response.status_code == 422
    assert 'href="#password"' in response.get_data(as_text=True)
    assert client.get(f"/account/reset/{token}").status_code == 200


def test_resetting_the_password_ends_every_session(app, make_member, sign_in_form):
    user = make_member(email="ann@example.org")
    db.session.commit()
    sign_in_form("ann@example.org")
    other = app.test_client()
    other.post("/account/sign-in", data={"email": "ann@example.org", "password": PASSWORD})
    assert other.get("/account").status_code == 200
    services.reset_password(services.reset_token(user), NEW_PASSWORD)
    db.session.commit()
    assert other.get("/account").status_code == 302


def test_changing_the_password_ends_other_sessions_but_keeps_this_one(
        app, client, outbox, make_member, sign_in_form):
    make_member(email="ann@example.org")
    db.session.commit()
    other = app.test_client()
    other.post("/account/sign-in", data={"email": "ann@example.org", "password": PASSWORD,
                                         "remember": "y"})
    sign_in_form("ann@example.org")
    response = client.post("/account/password", data={
        "password-current_password": PASSWORD, "password-new_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302
    assert outbox("password_changed")[0].recipient == "ann@example.org"
    assert services.authenticate("ann@example.org", NEW_PASSWORD) is not None


def test_a_remember_cookie_from_before_a_password_change_no_longer_signs_in(
        app, client, make_member, sign_in_form):
    user = make_member(email="ann@example.org")
    db.session.commit()
    sign_in_form("ann@example.org", remember="y")
    remembered = client.get_cookie("remember_token").value
    services.change_password(user, PASSWORD, NEW_PASSWORD)
    db.session.commit()
    stranger = app.test_client()
    stranger.set_cookie("remember_token", remembered)
    assert stranger.get("/account").status_code == 302


def test_changing_the_password_needs_the_current_one(client, make_member, login):
    login(make_member())
    response = client.post("/account/password", data={
        "password-current_password": "wrong password!!", "password-new_password": NEW_PASSWORD},
        headers=EN)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Your current password is not correct." in page
    assert 'href="#password-current_password"' in page


def test_a_new_password_shorter_than_twelve_characters_is_refused(client, make_member, login):
    login(make_member())
    response = client.post("/account/password", data={
        "password-current_password": PASSWORD, "password-new_password": "elevenchars"},
        headers=EN)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'href="#password-new_password"' in page
    assert "Use at least 12 characters" in page


def test_passwords_are_stored_with_scrypt(client, outbox):
    client.post("/account/sign-up", data={"name": "Ann", "email": "ann@example.org",
                                          "password": PASSWORD})
    user = services.find_user_by_email("ann@example.org")
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash
