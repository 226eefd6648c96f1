"""Test fixtures: a real database (SQLite file or PostgreSQL), migrated by Alembic.

``HUB_TEST_DATABASE_URL`` picks the database: unset means a SQLite file per test;
a ``postgresql://`` URL means a database of our own on that server (one per xdist
worker), migrated once and emptied between tests.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.config import Settings
from app.db import Database, normalise_url
from app.main import create_app
from app.migrate import upgrade

ADMIN_TOKEN = "test-admin-token-0123456789"
PG_URL = os.environ.get("HUB_TEST_DATABASE_URL", "")
IS_PG = PG_URL.startswith("postgres")
KEEP_TABLES = {"alembic_version", "counters"}


def pytest_report_header(config: pytest.Config) -> str:
    return f"hub database: {'PostgreSQL ' + PG_URL if IS_PG else 'SQLite (a file per test)'}"


@pytest.fixture(scope="session")
def _migrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database: a template SQLite file, or a fresh PostgreSQL database
    of this test process's own (dropped at the end)."""
    if not IS_PG:
        template = tmp_path_factory.mktemp("template") / "hub.db"
        upgrade(f"sqlite:///{template}")
        yield str(template)
        return
    url = make_url(normalise_url(PG_URL))
    name = f"{url.database or 'hub'}_test_{os.getpid()}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    test_url = url.set(database=name).render_as_string(hide_password=False)
    upgrade(test_url)
    yield test_url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def db_url(_migrated: str, tmp_path: Path) -> str:
    if not IS_PG:
        target = tmp_path / "hub.db"
        shutil.copyfile(_migrated, target)
        return f"sqlite:///{target}"
    engine = create_engine(_migrated)
    with engine.begin() as conn:
        tables = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) if r[0] not in KEEP_TABLES]
        if tables:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE"))
        conn.execute(text("UPDATE counters SET value = 0"))
    engine.dispose()
    return _migrated


@pytest.fixture
def settings(db_url: str) -> Settings:
    # Counts exact after every change and no rate limits: the tests of those features turn them on.
    return Settings(env="test", database_url=db_url, admin_token=ADMIN_TOKEN,
                    secret_key="test-secret-key-0123456789", log_json=False, public_url="http://testserver",
                    counts_max_age_s=0, rate_limit=False)


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings.database_url, pool_size=20)
    yield database
    database.dispose()


@pytest.fixture
def app(settings: Settings, db: Database) -> Any:
    return create_app(settings, db=db, background=False)


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
DEFAULT_REGIONS = {"university": "440300", "provincial_platform": "440000"}


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def make_partner(client: TestClient) -> Any:
    """Create a partner through the admin API; returns ``(id, api_key)``."""

    def _make(kind: str = "university", name: str | None = None, region_code: str | None = None) -> tuple[str, str]:
        body: dict[str, Any] = {"name": name or f"{kind}-{time.monotonic_ns()}", "kind": kind}
        region_code = region_code or DEFAULT_REGIONS.get(kind)  # these kinds must have one
        if region_code:
            body["region_code"] = region_code
        resp = client.post("/api/v1/partners", json=body, headers=ADMIN)
        assert resp.status_code == 201, resp.text
        return resp.json()["id"], resp.json()["api_key"]

    return _make


@pytest.fixture
def partner(make_partner: Any) -> tuple[str, str]:
    return make_partner("university", region_code="440300")  # type: ignore[no-any-return]


def push(client: TestClient, key: str, *postings: dict[str, Any]) -> list[dict[str, Any]]:
    """Push postings as one batch as the partner with ``key`` (asserting a 200); each one's result."""
    resp = client.post("/api/v1/postings/batch", json={"postings": list(postings)}, headers=auth(key))
    assert resp.status_code == 200, resp.text
    return resp.json()["results"]  # type: ignore[no-any-return]


def make_posting(external_id: str = "JOB-1", **overrides: Any) -> dict[str, Any]:
    """A valid posting in the contract's shape; override any field."""
    posting: dict[str, Any] = {
        "external_id": external_id,
        "title": "Java开发工程师（2022届校招）",
        "employer": {"name": "深圳市腾讯计算机系统有限公司", "type": "private"},
        "locations": [{"region_code": "440305", "address": "南山区科技园"}],
        "description": "岗位职责：负责后台服务开发。任职要求：计算机相关专业本科及以上学历。",
        "job_type": "full_time",
        "education": "bachelor",
        "majors": ["计算机科学与技术"],
        "industry": "I",
        "salary": {"min": 8000, "max": 12000, "period": "month"},
        "headcount": 5,
        "posted_at": "2026-05-09T09:00:00+08:00",
        "valid_through": "2099-08-15T23:59:59+08:00",
        "apply_url": "https://example.edu.cn/apply/17",
        "url": "https://example.edu.cn/jobs/17",
        "tags": ["校园招聘"],
    }
    posting.update(overrides)
    return posting


def distinct_posting(i: int, **overrides: Any) -> dict[str, Any]:
    """The i-th of up to ~360 postings that are surely different vacancies: each in another city."""
    from app.normalize import all_regions

    cities = [r.code for r in all_regions() if r.level == "city" and r.code != r.province_code]
    posting = make_posting(f"V{i:05d}", locations=[{"region_code": cities[i % len(cities)]}])
    posting.update(overrides)
    return posting


class LiveServer:
    """The app served by uvicorn on a loopback port, in a thread (for concurrency tests)."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_config=None, access_log=False,
                                lifespan="off", limit_concurrency=200)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_server(app: Any) -> Iterator[LiveServer]:
    with LiveServer(app) as server:
        yield server
