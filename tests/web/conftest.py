"""Fixtures for the page tests: the seeded job set."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.seed import Seeded, seed_jobs

HTML = {"Accept": "text/html,application/xhtml+xml"}


@pytest.fixture
def seeded(client: TestClient, make_partner: Any) -> Seeded:
    return seed_jobs(client, make_partner)
