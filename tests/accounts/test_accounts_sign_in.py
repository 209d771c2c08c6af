"""Signing in and out: one message for every failure, remember me, and safe redirects."""

from __future__ import annotations

from participation.accounts import services
from participation.extensions import db

EN = {"Accept-Language": "en"}
FAILURE = "The e-mail address or the password is not correct."


def test_signing_in_with_the_right_password_opens_the_account_page(
        client, make_member, sign_in_form):
    make_member(email="ann@example.org", name="Ann")
    db.session.commit()
    response = sign_in_form("  ANN@example.org ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    page = client.get("/account", headers=EN).get_data(as_text=True)
    assert "Signed in as ann@example.org" in page
    assert "Sign out" in page


def test_wrong_password_and_unknown_address_get_the_same_answer(make_member, sign_in_form):
    make_member(email="ann@example.org")
    db.session.commit()
    wrong_password = sign_in_form("ann@example.org", "not the right password")
    unknown_address = sign_in_form("nobody@example.org", "not the right password")
    assert wrong_password.status_code == unknown_address.status_code == 422
    wrong_page = wrong_password.get_data(as_text=True)
    unknown_page = unknown_address.get_data(as_text=True)
    assert FAILURE in wrong_page
    assert wrong_page.replace("ann@example.org", "X") == unknown_page.replace(
        "nobody@example.org", "X")


def test_a_failed_sign_in_keeps_the_address_and_names_the_field(make_member, sign_in_form):
    response = sign_in_form("ann@example.org", "")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="ann@example.org"' in page
    assert 'href="#password"' in page
    assert "Enter your password." in page


def test_a_deactivated_account_cannot_sign_in(make_member, sign_in_form):
    make_member(email="gone@example.org", active=False)
    db.session.commit()
    response = sign_in_form("gone@example.org")
    assert response.status_code == 422
    assert FAILURE in response.get_data(as_text=True)


def test_remember_me_sets_a_lasting_cookie_only_when_asked(client, make_member, sign_in_form):
    make_member(email="ann@example.org")
    db.session.commit()
    sign_in_form("ann@example.org")
    assert client.get_cookie("remember_token") is None
    client.post("/account/sign-out")
    sign_in_form("ann@example.org", remember="y")
    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    assert cookie.expires is not None


def test_a_remembered_session_survives_the_browser_closing(app, client, make_member,
                                                           sign_in_form):
    make_member(email="ann@example.org")
    db.session.commit()
    sign_in_form("ann@example.org", remember="y")
    remembered = client.get_cookie("remember_token").value
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remembered)
    assert fresh.get("/account").status_code == 200


def test_sign_in_returns_to_the_page_asked_for(make_member, sign_in_form):
    make_member(email="ann@example.org")
    db.session.commit()
    response = sign_in_form("ann@example.org", next="/events?topic=climate")
    assert response.headers["Location"] == "/events?topic=climate"


def test_sign_in_never_redirects_to_another_site(make_member, sign_in_form):
    make_member(email="ann@example.org")
    db.session.commit()
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = sign_in_form("ann@example.org", next=target)
        assert response.headers["Location"] == "/account"


def test_the_sign_in_page_carries_the_next_page_along(client):
    page = client.get("/account/sign-in?next=/events", headers=EN).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/events"' in page


def test_anonymous_visitors_are_sent_to_sign_in_from_the_account_page(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/sign-in?next=")


def test_signing_out_needs_a_post_and_ends_the_session(client, make_member, login):
    login(make_member())
    assert client.get("/account/sign-out").status_code == 405
    response = client.post("/account/sign-out")
    assert response.status_code == 302
    assert client.get("/account").status_code == 302


def test_signing_out_everywhere_ends_other_sessions_but_keeps_this_one(
        app, client, make_member, sign_in_form):
    make_member(email="ann@example.org")
    db.session.commit()
    other = app.test_client()
    other.post("/account/sign-in", data={"email": "ann@example.org",
                                         "password": "correct horse battery staple"})
    assert other.get("/account").status_code == 200
    sign_in_form("ann@example.org")
    client.post("/account/sign-out-everywhere")
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302


def test_the_navigation_offers_sign_in_to_visitors_and_sign_out_to_members(
        client, make_member, login):
    page = client.get("/", headers=EN).get_data(as_text=True)
    assert 'href="/account/sign-in"' in page
    assert 'href="/account/sign-up"' in page
    login(make_member())
    page = client.get("/", headers=EN).get_data(as_text=True)
    assert 'action="/account/sign-out"' in page
    assert 'href="/admin/users"' not in page


def test_authenticate_upgrades_an_old_password_hash(make_member):
    from werkzeug.security import generate_password_hash

    user = make_member(email="old@example.org")
    user.password_hash = generate_password_hash("correct horse battery staple",
                                                method="pbkdf2:sha256")
    db.session.flush()
    assert services.authenticate("old@example.org", "correct horse battery staple") is user
    assert user.password_hash.startswith("scrypt:")
