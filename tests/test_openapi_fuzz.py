"""Schemathesis fuzzes every operation of the served OpenAPI: anonymous, as a partner, as an admin.

Zero server errors and zero responses that break their own schema. Endpoints added
later are fuzzed the day they appear. The import is deliberately not guarded.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.conftest import ADMIN, auth, make_posting

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
FUZZ = settings(max_examples=5, deadline=None, derandomize=True,
                suppress_health_check=list(HealthCheck))


@pytest.fixture
def api_schema(app: Any, client: Any) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture
def partner_headers(client: Any, make_partner: Any) -> dict[str, str]:
    _, key = make_partner("university", region_code="440300")
    # Something to read, change and withdraw, so the fuzzer also reaches the 200 paths.
    client.post("/api/v1/postings/batch", json={"postings": [make_posting("JOB-1")]}, headers=auth(key))
    return auth(key)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@FUZZ
def test_anonymous_callers_never_get_a_server_error(case: Any) -> None:
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_partners_never_get_a_server_error(case: Any, partner_headers: dict[str, str]) -> None:
    case.call_and_validate(headers=partner_headers, checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_admins_never_get_a_server_error(case: Any) -> None:
    case.call_and_validate(headers=ADMIN, checks=CHECKS)
