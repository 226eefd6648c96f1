"""Absolute links come from HUB_PUBLIC_URL, never from the Host header; trusted hosts; /metrics access.

The Host header used to become the base of every absolute link (``curl -H 'Host: evil.example.com'
…/feed.rss`` linked students to evil.example.com), and /metrics was public.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.config import Settings
from app.db import Database
from app.main import create_app
from tests.conftest import ADMIN, IS_PG, auth, make_posting, push

PUBLIC = "https://jobs.example.gov.cn/hub"
EVIL = {"Host": "evil.example.com"}
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def public_client(settings: Settings, db: Database) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"public_url": PUBLIC + "/"}), db=db, background=False)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def test_feed_jsonld_and_page_links_use_the_public_url_whatever_the_host_header(
        public_client: TestClient, partner: tuple[str, str]) -> None:
    job_id = push(public_client, partner[1], make_posting("L1"))[0]["job_id"]
    rss = public_client.get("/api/v1/jobs/feed.rss?q=Java", headers=EVIL)
    atom = public_client.get("/api/v1/jobs/feed.atom", headers=EVIL)
    ld = public_client.get(f"/api/v1/jobs/{job_id}/jsonld", headers=EVIL)
    page = public_client.get(f"/jobs/{job_id}", headers=EVIL)
    for resp in (rss, atom, ld, page):
        assert resp.status_code == 200, resp.text
        assert "evil.example.com" not in resp.text
    channel = ET.fromstring(rss.content).find("channel")
    assert channel is not None
    assert channel.findtext("link", "").startswith(PUBLIC + "/?")
    assert channel.findtext("item/link") == f"{PUBLIC}/jobs/{job_id}"
    self_link = channel.find("{http://www.w3.org/2005/Atom}link")
    assert self_link is not None and self_link.get("href") == f"{PUBLIC}/api/v1/jobs/feed.rss?q=Java"
    feed = ET.fromstring(atom.content)
    assert feed.findtext(f"{ATOM}id") == f"{PUBLIC}/api/v1/jobs/feed.atom"
    assert [e.get("href") for e in feed.iter(f"{ATOM}link")][-1] == f"{PUBLIC}/jobs/{job_id}"
    assert ld.json()["url"] == f"{PUBLIC}/jobs/{job_id}"
    assert f'"url": "{PUBLIC}/jobs/{job_id}"' in page.text or f'"url":"{PUBLIC}/jobs/{job_id}"' in page.text
    csv = public_client.get("/api/v1/jobs/export.csv", headers=EVIL)
    assert "evil.example.com" not in csv.text and f"{PUBLIC}/jobs/{job_id}" in csv.text


def test_without_a_public_url_links_use_the_configured_host_and_port(settings: Settings, db: Database,
                                                                   partner: tuple[str, str]) -> None:
    plain = settings.model_copy(update={"public_url": None, "host": "127.0.0.1", "port": 8123})
    with TestClient(create_app(plain, db=db, background=False)) as c:
        job_id = push(c, partner[1], make_posting("L2"))[0]["job_id"]
        assert c.get(f"/api/v1/jobs/{job_id}/jsonld", headers=EVIL).json()["url"] == \
            f"http://127.0.0.1:8123/jobs/{job_id}"


def test_production_needs_a_public_url_and_it_must_be_an_absolute_http_url() -> None:
    secrets = {"admin_token": "a" * 20, "secret_key": "b" * 20}
    with pytest.raises(ValidationError, match="HUB_PUBLIC_URL"):
        Settings(env="production", **secrets)
    assert Settings(env="production", public_url=PUBLIC, **secrets).base_url == PUBLIC
    for bad in ("jobs.example.cn", "ftp://x.cn", "https://x.cn/?a=1", "https://"):
        with pytest.raises(ValidationError, match="HUB_PUBLIC_URL"):
            Settings(public_url=bad)


def test_trusted_hosts_refuse_other_host_headers_with_a_problem(settings: Settings, db: Database) -> None:
    trusted = settings.model_copy(update={"trusted_hosts": "testserver, hub.example.cn,*.jobs.example.cn"})
    with TestClient(create_app(trusted, db=db, background=False)) as c:
        for host in ("testserver", "hub.example.cn", "HUB.example.cn:8443", "a.jobs.example.cn"):
            assert c.get("/healthz", headers={"Host": host}).status_code == 200, host
        for host in ("evil.example.com", "jobs.example.cn", "hub.example.cn.evil.com", "x{0}", ""):
            resp = c.get("/api/v1/jobs/feed.rss", headers={"Host": host})
            assert resp.status_code == 400, host
            assert resp.headers["content-type"] == "application/problem+json"
            assert "evil" not in resp.text


def test_metrics_need_the_metrics_or_admin_token_by_default(client: TestClient, partner: tuple[str, str]) -> None:
    for headers in ({}, auth(partner[1]), auth("wrong")):
        resp = client.get("/metrics", headers=headers)
        assert resp.status_code == 401, headers
        assert resp.headers["content-type"] == "application/problem+json"
        assert "hub_" not in resp.text
    assert "hub_http_requests_total" in client.get("/metrics", headers=ADMIN).text


@pytest.mark.parametrize("access, token, anonymous, with_token", [
    ("token", "metrics-token-0123456789", 401, 200), ("public", None, 200, 200), ("off", None, 404, 404)])
def test_metrics_access_is_configurable(settings: Settings, db: Database, access: str, token: str | None,
                                        anonymous: int, with_token: int) -> None:
    configured = settings.model_copy(update={"metrics_access": access, "metrics_token": token})
    with TestClient(create_app(configured, db=db, background=False), raise_server_exceptions=False) as c:
        assert c.get("/metrics").status_code == anonymous
        assert c.get("/metrics", headers=auth(token or "x")).status_code == with_token
        assert c.get("/metrics", headers=ADMIN).status_code == with_token


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, deadline: float) -> httpx.Response:
    while True:
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.skipif(IS_PG, reason="the listener is the server's own, whatever the database; SQLite starts faster")
def test_hub_serve_can_serve_metrics_on_a_separate_listener_only(tmp_path: Path, settings: Settings) -> None:
    api, side = _free_port(), _free_port()
    env = {**os.environ, "HUB_DATABASE_URL": f"sqlite:///{tmp_path}/hub.db", "HUB_METRICS_ACCESS": "off",
           "HUB_METRICS_PORT": str(side), "HUB_ADMIN_TOKEN": "x" * 20, "HUB_LOG_JSON": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--port", str(api)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        assert _wait(f"http://127.0.0.1:{api}/healthz", deadline).status_code == 200
        assert _wait(f"http://127.0.0.1:{side}/metrics", deadline).status_code == 200
        assert "hub_http_requests_total" in httpx.get(f"http://127.0.0.1:{side}/metrics").text
        hidden = httpx.get(f"http://127.0.0.1:{api}/metrics", headers={"Authorization": "Bearer " + "x" * 20})
        assert hidden.status_code == 404 and hidden.headers["content-type"] == "application/problem+json"
        # --port also sets the default public URL.
        feed = httpx.get(f"http://127.0.0.1:{api}/api/v1/jobs/feed.rss").text
        assert f'href="http://127.0.0.1:{api}/api/v1/jobs/feed.rss"' in feed
    finally:
        proc.terminate()
        proc.wait(timeout=20)
