"""The account page: details, language, mail preference, consented facts and e-mail change."""

from __future__ import annotations

from datetime import timedelta

from participation.accounts import services
from participation.accounts.models import AgeBand
from participation.database import utcnow
from participation.extensions import db

EN = {"Accept-Language": "en"}
PASSWORD = "correct horse battery staple"


def profile(**fields):
    data = {"name": "Ann Peeters", "locale": "en", "notify_updates": "y"}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_the_account_page_saves_name_language_and_mail_preference(client, make_member, login):
    user = login(make_member(locale="nl"))
    response = client.post("/account", data=profile(notify_updates=None))
    assert response.status_code == 302
    db.session.expire_all()
    assert user.name == "Ann Peeters"
    assert user.locale == "en"
    assert user.notify_updates is False
    page = client.get("/account").get_data(as_text=True)
    assert "Your details are saved." in page


def test_profile_facts_are_kept_only_with_consent(client, make_member, login):
    user = login(make_member())
    refused = client.post("/account", data=profile(postcode="9000", age_band="25_34"),
                          headers=EN)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'href="#profile_consent"' in page
    assert 'value="9000"' in page
    db.session.expire_all()
    assert user.postcode is None

    client.post("/account", data=profile(postcode="9000", age_band="25_34",
                                         profile_consent="y"))
    db.session.expire_all()
    assert user.postcode == "9000"
    assert user.age_band == AgeBand.AGE_25_34
    assert user.profile_consent_at is not None


def test_withdrawing_consent_removes_the_profile_facts(client, make_member, login):
    user = login(make_member(postcode="9050", age_band=AgeBand.AGE_35_49,
                             profile_consent_at=utcnow()))
    client.post("/account", data=profile())
    db.session.expire_all()
    assert (user.postcode, user.age_band, user.profile_consent_at) == (None, None, None)


def test_a_postcode_that_is_not_belgian_is_refused(client, make_member, login):
    login(make_member())
    response = client.post("/account", data=profile(postcode="ABC", profile_consent="y"),
                           headers=EN)
    assert response.status_code == 422
    assert "Enter a Belgian postcode of 4 digits" in response.get_data(as_text=True)


def test_an_empty_name_is_refused_and_the_rest_is_kept(client, make_member, login):
    login(make_member())
    response = client.post("/account", data=profile(name="", postcode="9000"), headers=EN)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'href="#name"' in page
    assert "Enter your name." in page


def test_changing_the_email_address_waits_for_the_new_address_to_confirm(
        client, outbox, link_in, make_member, login):
    user = login(make_member(email="ann@example.org"))
    response = client.post("/account/email", data={"email-new_email": "Ann@New.example",
                                                   "email-current_password": PASSWORD})
    assert response.status_code == 302
    db.session.expire_all()
    assert user.email == "ann@example.org"
    [mail] = outbox("email_change")
    assert mail.recipient == "ann@new.example"

    confirmed = client.get(link_in(mail, "/account/email/confirm/"))
    assert confirmed.status_code == 302
    db.session.expire_all()
    assert user.email == "ann@new.example"
    assert outbox("email_changed")[0].recipient == "ann@example.org"
    assert client.get(link_in(mail, "/account/email/confirm/")).status_code == 400


def test_an_email_change_needs_the_current_password(client, outbox, make_member, login):
    login(make_member())
    response = client.post("/account/email", data={"email-new_email": "new@example.org",
                                                   "email-current_password": "not it at all"},
                           headers=EN)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'href="#email-current_password"' in page
    assert 'value="new@example.org"' in page
    assert not outbox("email_change")


def test_moving_to_an_address_with_an_account_looks_the_same_and_tells_its_owner(
        client, outbox, make_member, login):
    make_member(email="taken@example.org")
    login(make_member(email="ann@example.org"))
    taken = client.post("/account/email", data={"email-new_email": "taken@example.org",
                                                "email-current_password": PASSWORD})
    free = client.post("/account/email", data={"email-new_email": "free@example.org",
                                               "email-current_password": PASSWORD})
    assert taken.headers["Location"] == free.headers["Location"]
    assert outbox("signup_attempt")[0].recipient == "taken@example.org"
    assert not outbox("email_change", recipient="taken@example.org")


def test_an_email_change_link_expires_after_a_day(make_member):
    user = make_member(email="ann@example.org")
    token = services.email_change_token(user, "new@example.org",
                                        now=utcnow() - timedelta(days=2))
    try:
        services.confirm_email_change(token)
    except services.ExpiredToken:
        pass
    else:
        raise AssertionError("an old link changed the address")
    assert user.email == "ann@example.org"


def test_the_verification_link_expires_after_seven_days(client, make_member):
    user = make_member(verified=False)
    token = services.verification_token(user, now=utcnow() - timedelta(days=8))
    db.session.commit()
    response = client.get(f"/account/verify/{token}", headers=EN)
    assert response.status_code == 400
    assert "This link has expired" in response.get_data(as_text=True)
