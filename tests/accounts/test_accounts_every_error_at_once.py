"""A form names every problem in one answer, each at its own field."""

from __future__ import annotations

import re

from participation.extensions import db

from .conftest import EN, PASSWORD


def field_errors(html: str) -> dict[str, str]:
    """The error message shown at each field, by field id."""
    return dict(re.findall(
        r'<p class="error-message" id="([\w-]+)-error"><span class="visually-hidden">'
        r'[^<]*</span> ([^<]*)</p>', html))


def test_sign_up_names_the_missing_name_the_bad_address_and_the_short_password_at_once(
        client):
    response = client.post("/account/sign-up", headers=EN, data={
        "name": "", "email": "name@@example", "password": "short"})
    assert response.status_code == 422
    errors = field_errors(response.get_data(as_text=True))
    assert errors == {
        "name": "Enter your name.",
        "email": "Enter an e-mail address like name@example.org.",
        "password": "Use at least 12 characters. A few words in a row are easy to remember.",
    }


def test_forgot_password_refuses_an_address_that_is_no_address(client, outbox):
    response = client.post("/account/forgot-password", headers=EN,
                           data={"email": "name@@example"})
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == {
        "email": "Enter an e-mail address like name@example.org."}
    assert outbox() == []


def test_change_password_names_a_wrong_current_password_and_a_short_new_one_together(
        client, make_member, login):
    login(make_member())
    response = client.post("/account/password", headers=EN, data={
        "password-current_password": "not it", "password-new_password": "short"})
    assert response.status_code == 422
    errors = field_errors(response.get_data(as_text=True))
    assert errors["password-current_password"] == "Your current password is not correct."
    assert errors["password-new_password"].startswith("Use at least 12 characters.")


def test_change_email_names_a_wrong_current_password_and_a_bad_new_address_together(
        client, make_member, login):
    login(make_member())
    response = client.post("/account/email", headers=EN, data={
        "email-new_email": "name@@example", "email-current_password": "not it"})
    assert response.status_code == 422
    errors = field_errors(response.get_data(as_text=True))
    assert errors == {
        "email-new_email": "Enter an e-mail address like name@example.org.",
        "email-current_password": "Your current password is not correct.",
    }


def test_a_right_current_password_is_not_called_wrong_when_the_new_value_is_bad(
        client, make_member, login):
    login(make_member())
    response = client.post("/account/password", headers=EN, data={
        "password-current_password": PASSWORD, "password-new_password": "short"})
    errors = field_errors(response.get_data(as_text=True))
    assert list(errors) == ["password-new_password"]


def test_a_date_that_is_no_date_is_named_with_its_format_not_a_generic_message(client):
    html = client.get("/events?date_from=2020-13-45", headers=EN).get_data(as_text=True)
    assert field_errors(html)["date_from"] == "Enter from as a date, for example 2026-05-14."
    dutch = client.get("/events?date_from=2020-13-45", headers={"Accept-Language": "nl"})
    assert "Ongeldige datum" not in dutch.get_data(as_text=True)


def test_a_number_that_is_no_number_is_named_not_called_an_invalid_integer(
        client, make_user, login, make_action):
    from participation.accounts.models import Role

    action = make_action()
    login(make_user(roles=(Role.STAFF,)))
    db.session.commit()
    response = client.post(f"/staff/actions/{action.code}/update", headers=EN,
                           data={"progress": "half", "status": "in_progress", "body": "x"})
    assert response.status_code == 422
    message = field_errors(response.get_data(as_text=True))["progress"]
    assert "integer" not in message and message.startswith("Enter progress")
