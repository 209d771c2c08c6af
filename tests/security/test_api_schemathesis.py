"""Schemathesis explores the public API from its OpenAPI document: no 5xx, no schema breaks."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from participation.extensions import db

#: Hypothesis and Schemathesis take minutes: `make test` runs them, `make test-fast` does not.
pytestmark = pytest.mark.slow


def test_api_conforms_to_its_openapi_document(app, make_event, make_action):
    action = make_action(code="A07")
    make_event(slug="climate-evening", actions=[action])
    make_event(slug="full-evening", capacity=1, confirmed_count=1, waiting_count=2)
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 4

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=30, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def explore(case):
            case.call_and_validate()

        explore()
