"""Schemathesis fuzzes every operation of the served OpenAPI, on the database the suite runs on.

Stateless: every operation, anonymous, as a partner and as the admin. Stateful: a state machine that
follows the document's links (create a fair, then read, change and cancel it by the id it got back),
each step as partner A, partner B or the admin, so the operations that need an earlier answer are
reached too. Checks: no server error, every status and content type documented, every body in its
documented schema. Endpoints added later are fuzzed the day they appear. Examples per operation are
few here (the suite runs twice in CI); ``bench/fuzz.py`` runs the same machine with many more by hand.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.config import Settings
from app.db import Database
from app.main import create_app
from tests.conftest import ADMIN, auth, make_posting
from tests.fuzzing import no_internals_in_errors, record_call, role, stateful_machine, write_report

# The suite's bounds; bench/fuzz.py raises them (HUB_FUZZ_*) and collects what was called (HUB_FUZZ_REPORT).
EXAMPLES = int(os.environ.get("HUB_FUZZ_EXAMPLES", "5"))
SCENARIOS = int(os.environ.get("HUB_FUZZ_SCENARIOS", "25"))
STEPS = int(os.environ.get("HUB_FUZZ_STEPS", "10"))
DERANDOMIZE = os.environ.get("HUB_FUZZ_RANDOM", "") != "1"
REPORT = os.environ.get("HUB_FUZZ_REPORT")

# record_call (bench/fuzz.py's counts) goes first: a check that fails stops the ones after it.
CHECKS = ([record_call] if REPORT else []) + [not_a_server_error, status_code_conformance,
                                              content_type_conformance, response_schema_conformance,
                                              no_internals_in_errors]
FUZZ = hypothesis.settings(max_examples=EXAMPLES, deadline=None, derandomize=DERANDOMIZE, database=None,
                           suppress_health_check=list(HealthCheck))
# No shrinking: a scenario changes the database, so a shrunk replay would not meet the same state.
STATEFUL = hypothesis.settings(max_examples=SCENARIOS, stateful_step_count=STEPS, deadline=None,
                               derandomize=DERANDOMIZE, database=None, phases=[Phase.explicit, Phase.generate],
                               suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    """With HUB_FUZZ_REPORT: every call's (role, operationId, status), written when the module ends."""
    yield
    if REPORT:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        write_report(f"{REPORT}.{worker}.json")


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
    with role("anonymous"):
        case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_partners_never_get_a_server_error(case: Any, partner_headers: dict[str, str]) -> None:
    with role("partner"):
        case.call_and_validate(headers=partner_headers, checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_admins_never_get_a_server_error(case: Any) -> None:
    with role("admin"):
        case.call_and_validate(headers=ADMIN, checks=CHECKS)


@pytest.fixture
def private_app(settings: Settings, db: Database) -> Any:
    """Feeds and webhooks may use loopback addresses (where nothing listens), so they can be created."""
    return create_app(settings.model_copy(update={"sync_allow_private": True}), db=db, background=False)


def test_a_stateful_run_following_links_as_two_partners_and_the_admin(private_app: Any, db: Database) -> None:
    with TestClient(private_app):  # the app's lifespan runs around the machine
        machine = stateful_machine(schemathesis.openapi.from_asgi("/openapi.json", private_app), db, CHECKS)
        with role("stateful"):
            machine.run(settings=STATEFUL)
    # The run reached past the 404s: operations that need an id from an earlier answer answered 2xx.
    by_id = {op for op in machine.succeeded if op.startswith(("get_one_", "get_case", "get_source", "get_webhook",
                                                               "get_posting", "patch_", "delete_", "post_cancel"))}
    assert len(by_id) >= 8, sorted(machine.succeeded)
