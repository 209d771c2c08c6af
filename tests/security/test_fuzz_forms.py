"""Hostile input in every form never breaks a page or comes back unescaped.

The forms are found the way a visitor finds them: every GET page of the app (built with
real objects) is opened as an anonymous visitor and as an administrator, and the fields of
each ``<form>`` on it are collected. Then every POST route, and every GET form, is sent
random, overlong, malformed and hostile values with Hypothesis, while the sender stays
signed in (so the forms behind sign-in are reached): no answer may be a server error, and no
hostile markup may come back unescaped.
"""

from __future__ import annotations

import os
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from participation.extensions import db

from .conftest import state_changing_rules

#: Hypothesis and Schemathesis take minutes: `make test` runs them, `make test-fast` does not.
pytestmark = pytest.mark.slow

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
HOSTILE = [
    SCRIPT, f'"><{IMG[1:]}', "' OR 1=1 --", "'; DROP TABLE users; --", "\x00", "a\x00b",
    "%00", "9" * 400, "-1", "-99999999999999999999", "1e309", "NaN", "0", "2024-02-30",
    "99999-12-31", "0000-00-00", "0001-01-01", "1969-12-31", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀", "\u202e\ufeff\u200b",
    "e\u0301\u0301\u0301", "x" * 5000, " ", "\r\n\r\n", "{{ 7*7 }}", "%(name)s", "${jndi:x}",
    "../../etc/passwd", "javascript:alert(1)", "//evil.example/", "a@b", "@", "<!--",
]
MARKERS = (SCRIPT, IMG)
#: Examples per route for a signed-in administrator (a third of it anonymously); raise it
#: with FUZZ_EXAMPLES=500 for a long hunt.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))


class FormFinder(HTMLParser):
    """Collect the forms of a page: action, method, and the fields with sample values."""

    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"action": attrs.get("action") or self.page_url,
                          "method": (attrs.get("method") or "get").upper(),
                          "fields": defaultdict(set)}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select", "button"):
            name = attrs.get("name")
            if name and name != "csrf_token":
                self._form["fields"][name].add(attrs.get("value") or "")
            self._select = name if tag == "select" else None
        elif tag == "option" and self._form is not None and self._select:
            self._form["fields"][self._select].add(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _path(url: str) -> str:
    return urlsplit(url).path


def find_forms(app, world, clients) -> dict[tuple[str, str], dict[str, set]]:
    """Open every GET page and return {(method, path): {field: sample values}}."""
    forms: dict[tuple[str, str], dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        url = world.url(rule)
        for client in clients:
            response = client.get(url)
            if response.mimetype != "text/html":
                response.close()
                continue
            finder = FormFinder(url)
            finder.feed(response.get_data(as_text=True))
            for form in finder.forms:
                fields = forms[(form["method"], _path(form["action"]))]
                for name, samples in form["fields"].items():
                    fields[name] |= samples
    return forms


def values_for(samples: set[str]):
    """A strategy for one field: a value the page offered, hostile text, or random text."""
    offered = sorted(s for s in samples if s)
    choices = [st.sampled_from(HOSTILE), st.text(max_size=200), st.just("")]
    if offered:
        choices.insert(0, st.sampled_from(offered))
    return st.one_of(*choices)


def _check(response, where) -> None:
    assert response.status_code < 500, where
    if response.mimetype == "text/html":
        body = response.get_data(as_text=True)
        for marker in MARKERS:
            assert marker not in body, (where, marker)
    response.close()


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_every_form_survives_hostile_input(app, world, sign_in_as, role):
    clients = [sign_in_as(world, "anonymous"), sign_in_as(world, "admin")]
    forms = find_forms(app, world, clients)
    every_field = {name for fields in forms.values() for name in fields}
    targets = []
    for rule, _methods in state_changing_rules(app):
        url = world.url(rule)
        fields = forms.get(("POST", _path(url))) or {name: set() for name in every_field}
        targets.append(("POST", url, fields))
    targets += [("GET", path, fields) for (method, path), fields in forms.items()
                if method == "GET" and fields]
    assert len(targets) >= 25

    for method, url, fields in targets:
        _explore(world, sign_in_as, role, method, url, fields)


def _explore(world, sign_in_as, role, method, url, fields) -> None:
    form_strategy = st.fixed_dictionaries(
        {}, optional={name: values_for(samples) for name, samples in fields.items()}
    )

    @given(form=form_strategy)
    @settings(max_examples=EXAMPLES if role == "admin" else max(EXAMPLES // 3, 5),
              deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def explore(form):
        # Sign in again each time: a fuzzed "sign out" must not end the exploration.
        client = sign_in_as(world, role)
        if method == "GET":
            query = urlencode({k: v.replace("\x00", "%00") for k, v in form.items()})
            response = client.get(f"{url}?{query}")
        else:
            response = client.post(url, data=form)
        _check(response, (method, url, form))
        db.session.rollback()

    explore()
