"""Account forms carry CSRF tokens and sign-in attempts are rate limited."""

from __future__ import annotations

import re

import pytest

from participation.extensions import db


class TestWithCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_a_sign_in_without_the_csrf_token_is_refused(self, client, make_user):
        make_user(email="ann@example.org", password="correct horse battery staple")
        db.session.commit()
        response = client.post("/account/sign-in", data={
            "email": "ann@example.org", "password": "correct horse battery staple"})
        assert response.status_code == 400

    def test_the_sign_in_form_and_the_sign_out_button_carry_a_working_token(
            self, client, make_user):
        make_user(email="ann@example.org", password="correct horse battery staple")
        db.session.commit()
        page = client.get("/account/sign-in").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post("/account/sign-in", data={
            "email": "ann@example.org", "password": "correct horse battery staple",
            "csrf_token": token})
        assert response.status_code == 302
        page = client.get("/account").get_data(as_text=True)
        forms = re.findall(r'<form[^>]*method="post"[^>]*>(.*?)</form>', page, re.S)
        assert len(forms) == 5
        assert all(re.search(r'name="([a-z]+-)?csrf_token"', form) for form in forms)
        field_token = re.search(r'name="password-csrf_token" type="hidden" value="([^"]+)"',
                                page).group(1)
        response = client.post("/account/password", data={
            "password-csrf_token": field_token,
            "password-current_password": "correct horse battery staple",
            "password-new_password": "another long passphrase"})
        assert response.status_code == 302
        page = client.get("/account").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert client.post("/account/sign-out", data={"csrf_token": token}).status_code == 302


class TestWithRateLimits:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}

    def test_sign_in_attempts_are_limited(self, client):
        statuses = [
            client.post("/account/sign-in", data={"email": "x@example.org",
                                                  "password": "guess number one"}).status_code
            for _ in range(11)
        ]
        assert statuses[:10] == [422] * 10
        assert statuses[10] == 429
