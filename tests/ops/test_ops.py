"""Operations: health, readiness, metrics, request ids and JSON logs."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.observability import JSONFormatter
from tests.conftest import ADMIN, auth, make_posting


def test_healthz_and_readyz_answer(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}


def test_readyz_is_503_when_the_schema_is_missing(tmp_path: Any) -> None:
    from app.config import Settings
    from app.main import create_app

    settings = Settings(env="test", database_url=f"sqlite:///{tmp_path}/empty.db", admin_token="x" * 20)
    with TestClient(create_app(settings, background=False)) as c:
        resp = c.get("/readyz")
    assert resp.status_code == 503 and resp.headers["content-type"].startswith("application/problem+json")


def test_metrics_count_requests_ingested_postings_and_rejections(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    client.post("/api/v1/postings/batch", json={"postings": [make_posting("M1"), make_posting("M2", title="")]},
                headers=auth(key))
    text = client.get("/metrics", headers=ADMIN).text
    assert 'hub_postings_ingested_total{status="created"}' in text
    assert 'hub_postings_rejected_total{reason="' in text
    assert 'hub_http_requests_total{method="POST",route="/api/v1/postings/batch",status="200"}' in text
    assert "hub_http_request_seconds_bucket" in text


def test_request_id_is_echoed_or_made(client: TestClient) -> None:
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == "abc-123"
    assert len(client.get("/healthz").headers["x-request-id"]) == 32


def test_access_log_is_one_json_object_with_the_request_id(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="hub.access"):
        client.get("/healthz", headers={"X-Request-ID": "req-42"})
    record = next(r for r in caplog.records if r.name == "hub.access")
    line = json.loads(JSONFormatter().format(record))
    assert line["msg"] == "request" and line["path"] == "/healthz" and line["status"] == 200
    assert line["level"] == "info" and "ms" in line


def test_openapi_is_served_and_documents_the_contract(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in ("/api/v1/partners", "/api/v1/postings/batch", "/api/v1/postings/{external_id}",
                 "/api/v1/jobs", "/api/v1/jobs/{job_id}"):
        assert path in paths
    assert set(paths["/api/v1/postings/{external_id}"]) >= {"put", "get", "delete"}
    body = paths["/api/v1/postings/batch"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/PostingBatchIn")
    posting = spec["components"]["schemas"]["PostingIn"]
    assert set(posting["required"]) == {"external_id", "title", "employer", "locations"}
    assert spec["components"]["schemas"]["PostingBatchIn"]["properties"]["postings"]["maxItems"] == 1000


def test_server_processes_keep_the_garbage_collector_off_the_hot_path() -> None:
    """``tune_gc`` (run by a real server's start-up and by ``hub worker``) freezes what start-up
    made and raises the first collection threshold, once per process; run in a process of its own."""
    import subprocess
    import sys

    code = (
        "import gc; from app.runtime import GEN0_THRESHOLD, tune_gc\n"
        "from app.main import create_app\n"
        "assert gc.get_freeze_count() == 0\n"
        "tune_gc(); frozen = gc.get_freeze_count(); assert frozen > 10000, frozen\n"
        "assert gc.get_threshold()[0] == GEN0_THRESHOLD\n"
        "junk = [[] for _ in range(1000)]; tune_gc(); assert gc.get_freeze_count() == frozen\n"
        "a = []; a.append(a); del a; assert gc.collect() >= 1  # cycles are still collected\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
