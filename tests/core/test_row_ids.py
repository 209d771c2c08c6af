"""Numbers in paths and query strings that no row can have are "not found", never a server
error (PostgreSQL refuses to compare an ``integer`` column with a larger number)."""

from __future__ import annotations

import re

import pytest

from participation.accounts.models import Role
from participation.core.pagination import LARGEST_ID, id_from, ids_from

TOO_LARGE = "99999999999999999999"


def _int_routes(app) -> list[tuple[str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if "<int:" in rule.rule:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                routes.append((method, rule.rule))
    return routes


def test_every_route_with_a_number_answers_not_found_for_one_no_row_can_have(
    app, client, login, make_user
):
    login(make_user(roles=(Role.ADMIN,)))
    routes = _int_routes(app)
    assert len(routes) >= 20  # every such route of the platform is here
    for method, rule in routes:
        for number in (TOO_LARGE, str(LARGEST_ID + 1)):
            url = re.sub(r"<[^>]+>", "x", re.sub(r"<int:[^>]+>", number, rule))
            response = client.open(url, method=method)
            assert response.status_code == 404, (method, url, response.status_code)


def test_the_largest_id_still_reaches_the_view(app, client, login, make_user):
    login(make_user(roles=(Role.ADMIN,)))
    # A number in range is routed: the view answers that there is no such user.
    assert client.get(f"/admin/users/{LARGEST_ID}").status_code == 404
    adapter = app.url_map.bind("localhost")
    assert adapter.match(f"/admin/users/{LARGEST_ID}")[1] == {"user_id": LARGEST_ID}


@pytest.mark.parametrize("text, expected", [
    ("12", 12), (str(LARGEST_ID), LARGEST_ID), (str(LARGEST_ID + 1), None), (TOO_LARGE, None),
    ("²", None), ("٣", None), ("0", None), ("-1", None), ("", None), (" 1", None), (None, None),
])
def test_an_id_from_a_visitor_is_one_a_row_can_have(text, expected):
    assert id_from(text) == expected


def test_ids_keep_only_those_a_row_can_have():
    assert ids_from(["3", TOO_LARGE, "x", "²", "7"]) == [3, 7]
