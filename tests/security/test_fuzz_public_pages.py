"""Hostile and malformed query parameters never break a public page or come back unescaped."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from participation.extensions import db

#: Hypothesis and Schemathesis take minutes: `make test` runs them, `make test-fast` does not.
pytestmark = pytest.mark.slow

HOSTILE = st.sampled_from([
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' OR 1=1 --",
    "%00", "\x00", "9" * 400, "-1", "2024-02-30", "99999-01-01", "0000-00-00", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "\u202e\u0000\ufeff", "../../etc/passwd", "%", "_", "\\", "NaN", "1e309",
])
VALUES = st.one_of(HOSTILE, st.text(max_size=300), st.integers().map(str))
PARAMS = st.dictionaries(
    st.sampled_from(["q", "topic", "date_from", "date_to", "language", "free_places", "page",
                     "per_page", "next"]),
    VALUES,
    max_size=6,
)
PATHS = st.sampled_from(["/events", "/", "/priorities", "/api/v1/events", "/calendar.ics",
                         "/language/en"])


def test_public_pages_survive_hostile_query_parameters(app, client, make_event):
    make_event(title="Fuzzed event")
    db.session.commit()

    @given(path=PATHS, params=PARAMS)
    @settings(max_examples=150, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def explore(path, params):
        query = urlencode({k: v.replace("\x00", "%00") for k, v in params.items()})
        response = client.get(f"{path}?{query}")
        assert response.status_code < 500, (path, params)
        if response.mimetype == "text/html":
            body = response.get_data(as_text=True)
            assert "<script>alert(1)</script>" not in body
            assert "<img src=x onerror" not in body

    explore()


def test_hostile_slugs_and_codes_give_not_found(client):
    for path in ("/events/%3Cscript%3E", "/actions/%27%20OR%201=1",
                 "/events/" + "a" * 5000, "/api/v1/events/%F0%9F%98%80"):
        assert client.get(path).status_code == 404, path


def test_nul_bytes_anywhere_are_refused_with_a_bad_request_page(client):
    for path in ("/priorities/%00", "/events?q=a%00b", "/api/v1/events?topic=%00"):
        assert client.get(path).status_code == 400, path
    assert client.post("/language/en", data={"name": "a\x00b"}).status_code == 400
