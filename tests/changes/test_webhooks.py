"""Webhooks against a real receiver on 127.0.0.1: signed, replay-detectable, retried, never missing."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.config import Settings
from app.db import Database
from app.main import create_app
from app.models import Webhook, utcnow
from app.outbound.fetch import make_client
from app.webhooks import InvalidSignature, deliver_due, run_webhooks_once, verify
from app.webhooks.delivery import RETRY_WINDOW
from app.webhooks.signing import signature_header
from tests.conftest import ADMIN, auth, make_posting, push

VECTOR_SECRET = "whsec_test_hub24365"
VECTOR_TIMESTAMP = 1767225600
VECTOR_BODY = (b'{"delivery_id":"01a222e6a0b07c3c9e5d2f4b1a0c9d8e","webhook_id":"01a222e69f007d1e8b3a4c5d6e7f8091",'
               b'"changes":[]}')
VECTOR_HEADER = "t=1767225600,v1=e3e5dfa4d29d1aad5292ef0c32dded25d3ded8afe1b5974c6770fe4c01968c2e"

def posting(external_id: str, **overrides: Any) -> dict[str, Any]:
    """A posting no other in the test duplicates (dedup would merge identical ones)."""
    overrides.setdefault("title", f"岗位{external_id}")
    return make_posting(external_id, **overrides)



class Receiver:
    """A partner's webhook endpoint: verifies signatures and remembers delivery ids (a
    repeated id is a replay or a retry of something already processed)."""

    def __init__(self, secret: str = "", delay_s: float = 0.0) -> None:
        self.secret, self.delay_s = secret, delay_s
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.processed: dict[str, list[dict[str, Any]]] = {}
        self.replays = 0
        self.server: ThreadingHTTPServer | None = None
        self.port = 0
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        time.sleep(self.delay_s)
        self.requests.append((headers, body))
        payload = orjson.loads(body)
        if payload["delivery_id"] in self.processed:
            self.replays += 1
            return 200  # already processed: acknowledge, do nothing
        self.processed[payload["delivery_id"]] = payload["changes"]
        return 204

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = receiver.handle({k.lower(): v for k, v in self.headers.items()}, body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        assert self.server is not None
        self.server.shutdown()
        self.server.server_close()

    def changes(self) -> list[dict[str, Any]]:
        return [c for batch in self.processed.values() for c in batch]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    with contextlib.suppress(AssertionError, OSError):
        r.stop()


@pytest.fixture
def hub(settings: Settings, db: Database) -> Iterator[TestClient]:
    """The app as `HUB_SYNC_ALLOW_PRIVATE=1` runs it, so webhooks may point at loopback."""
    app = create_app(settings.model_copy(update={"sync_allow_private": True}), db=db, background=False)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def new_partner(client: TestClient, kind: str = "university") -> str:
    body = {"name": f"{kind}-{time.monotonic_ns()}", "kind": kind,
            "region_code": {"university": "440300", "provincial_platform": "440000"}.get(kind)}
    resp = client.post("/api/v1/partners", json=body, headers=ADMIN)
    assert resp.status_code == 201
    return resp.json()["api_key"]  # type: ignore[no-any-return]


def register(hub: TestClient, key: str, receiver: Receiver, **extra: Any) -> dict[str, Any]:
    resp = hub.post("/api/v1/webhooks", json={"url": receiver.url, **extra}, headers=auth(key))
    assert resp.status_code == 201, resp.text
    receiver.secret = resp.json()["secret"]
    return resp.json()  # type: ignore[no-any-return]


def deliver(db: Database, now: datetime, *, allow_private: bool = True, batch_size: int = 100) -> int:
    async def run() -> int:
        async with make_client(timeout_s=5) as client:
            return await deliver_due(db, client, now, allow_private=allow_private, batch_size=batch_size)
    return asyncio.run(run())


def drain(db: Database, now: datetime, **kw: Any) -> int:
    steps = 0
    while deliver(db, now, **kw):
        steps += 1
    return steps


def test_signature_matches_the_published_test_vector() -> None:
    assert signature_header(VECTOR_SECRET, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_HEADER
    assert verify(VECTOR_SECRET, VECTOR_HEADER, VECTOR_BODY, now=VECTOR_TIMESTAMP + 60) == VECTOR_TIMESTAMP
    for secret, header, body, now in [
        ("whsec_wrong", VECTOR_HEADER, VECTOR_BODY, VECTOR_TIMESTAMP),
        (VECTOR_SECRET, VECTOR_HEADER, VECTOR_BODY + b" ", VECTOR_TIMESTAMP),
        (VECTOR_SECRET, VECTOR_HEADER.replace("1767225600", "1767225601"), VECTOR_BODY, VECTOR_TIMESTAMP),
        (VECTOR_SECRET, VECTOR_HEADER, VECTOR_BODY, VECTOR_TIMESTAMP + 301),
        (VECTOR_SECRET, "garbage", VECTOR_BODY, VECTOR_TIMESTAMP),
    ]:
        with pytest.raises(InvalidSignature):
            verify(secret, header, body, now=now)


def test_delivery_is_signed_and_carries_every_change(hub: TestClient, db: Database, receiver: Receiver) -> None:
    key = new_partner(hub)
    hook = register(hub, key, receiver)
    push(hub, key, posting("A"), posting("B"))
    now = utcnow() + timedelta(seconds=1)
    assert drain(db, now) == 1
    (headers, body), = receiver.requests
    assert verify(receiver.secret, headers["x-hub-signature"], body, now=int(now.timestamp())) == int(now.timestamp())
    payload = orjson.loads(body)
    assert headers["x-hub-delivery"] == payload["delivery_id"] and payload["webhook_id"] == hook["id"]
    assert [c["seq"] for c in payload["changes"]] == [1, 2]
    assert all(c["op"] == "upsert" and c["job"]["title"] for c in payload["changes"])
    state = hub.get(f"/api/v1/webhooks/{hook['id']}", headers=auth(key)).json()
    assert state["position"] == 2 and state["failures"] == 0 and state["pending_delivery_id"] is None


def test_replayed_delivery_is_detectable(hub: TestClient, db: Database, receiver: Receiver) -> None:
    key = new_partner(hub)
    register(hub, key, receiver)
    push(hub, key, posting("A"))
    now = utcnow() + timedelta(seconds=1)
    drain(db, now)
    (headers, body), = receiver.requests
    # An attacker resends the captured request: the delivery id (inside the signed body) was seen.
    assert receiver.handle(headers, body) == 200 and receiver.replays == 1
    # Changing the id means changing the body, which breaks the signature.
    forged = body.replace(orjson.loads(body)["delivery_id"].encode(), b"0" * 32)
    with pytest.raises(InvalidSignature):
        verify(receiver.secret, headers["x-hub-signature"], forged, now=int(now.timestamp()))
    # Later than the tolerance, the timestamp gives it away even to a receiver without memory.
    with pytest.raises(InvalidSignature):
        verify(receiver.secret, headers["x-hub-signature"], body, now=int(now.timestamp()) + 600)


def test_receiver_down_for_a_while_gets_everything_once_it_is_back(
        hub: TestClient, db: Database, receiver: Receiver) -> None:
    key = new_partner(hub)
    hook = register(hub, key, receiver)
    push(hub, key, *[posting(f"A{i}") for i in range(3)])
    receiver.stop()
    t0 = utcnow() + timedelta(seconds=1)
    assert deliver(db, t0, batch_size=2) == 1
    state = hub.get(f"/api/v1/webhooks/{hook['id']}", headers=auth(key)).json()
    assert state["failures"] == 1 and state["position"] == 0 and state["pending_delivery_id"]
    assert deliver(db, t0 + timedelta(seconds=1), batch_size=2) == 0  # backing off
    waits, at = [], t0
    for i in range(6):  # more changes pile up while it is down; each retry waits longer
        push(hub, key, posting(f"B{i}"), posting("A0", title=f"第{i}版"))
        state = hub.get(f"/api/v1/webhooks/{hook['id']}", headers=auth(key)).json()
        at = datetime.fromisoformat(state["next_attempt_at"])
        assert deliver(db, at, batch_size=2) == 1
        waits.append(at)
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(waits)]
    assert gaps == sorted(gaps) and gaps[-1] > 60
    first_pending = hub.get(f"/api/v1/webhooks/{hook['id']}", headers=auth(key)).json()["pending_delivery_id"]
    receiver.start()
    drain(db, at + timedelta(hours=2), batch_size=2)
    seqs = [c["seq"] for c in receiver.changes()]
    assert seqs == list(range(1, 3 + 6 * 2 + 1)), seqs  # every change, in order, once
    assert first_pending in receiver.processed  # the batch that failed went first, under its own id
    assert receiver.replays == 0
    state = hub.get(f"/api/v1/webhooks/{hook['id']}", headers=auth(key)).json()
    assert state["position"] == 15 and state["failures"] == 0 and state["status"] == "active"


def test_failing_receiver_is_retried_past_a_day_then_disabled_and_resumes_when_reenabled(
        hub: TestClient, db: Database, receiver: Receiver) -> None:
    key = new_partner(hub)
    hook = register(hub, key, receiver)
    push(hub, key, posting("A"))
    receiver.stop()
    t0 = utcnow() + timedelta(seconds=1)
    deliver(db, t0)
    for hours in (1, 12, 25, 48):
        assert deliver(db, t0 + timedelta(hours=hours)) == 1
        assert hub.get(f"/api/v1/webhooks/{hook['id']}", headers=auth(key)).json()["status"] == "active"
    deliver(db, t0 + RETRY_WINDOW + timedelta(hours=1))
    state = hub.get(f"/api/v1/webhooks/{hook['id']}", headers=auth(key)).json()
    assert state["status"] == "disabled" and "PATCH status=active" in state["disabled_reason"]
    assert deliver(db, t0 + RETRY_WINDOW + timedelta(hours=2)) == 0
    receiver.start()
    resp = hub.patch(f"/api/v1/webhooks/{hook['id']}", json={"status": "active"}, headers=auth(key))
    assert resp.status_code == 200 and resp.json()["status"] == "active"
    drain(db, utcnow() + timedelta(seconds=1))
    assert [c["seq"] for c in receiver.changes()] == [1]
    assert list(receiver.processed) == [state["pending_delivery_id"]]


def test_two_workers_never_send_the_same_batch(hub: TestClient, db: Database) -> None:
    slow = Receiver(delay_s=0.3)
    try:
        key = new_partner(hub)
        register(hub, key, slow)
        push(hub, key, posting("A"))
        now = utcnow() + timedelta(seconds=1)

        async def both() -> list[int]:
            async with make_client(timeout_s=5) as client:
                return list(await asyncio.gather(*(deliver_due(db, client, now, allow_private=True)
                                                    for _ in range(3))))
        results = asyncio.run(both())
        assert sorted(results) == [0, 0, 1]
        assert len(slow.requests) == 1
    finally:
        slow.stop()


def test_filtered_webhook_gets_only_its_slice(hub: TestClient, db: Database, receiver: Receiver) -> None:
    key = new_partner(hub)
    register(hub, key, receiver, filters={"region": ["440000"], "job_type": ["full_time"]})
    push(hub, key, posting("GD"), posting("BJ", locations=[{"region_code": "110105"}]),
         posting("GD-INTERN", job_type="internship"))
    drain(db, utcnow() + timedelta(seconds=1))
    changes = receiver.changes()
    assert len(changes) == 1 and changes[0]["job"]["sources"][0]["external_id"] == "GD"


def test_delivery_log_and_manual_redelivery_under_a_new_id(hub: TestClient, db: Database, receiver: Receiver) -> None:
    key = new_partner(hub)
    hook = register(hub, key, receiver)
    push(hub, key, posting("A"))
    drain(db, utcnow() + timedelta(seconds=1))
    log = hub.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=auth(key)).json()["items"]
    assert [(d["status"], d["attempts"], d["count"], d["response_status"]) for d in log] == [("succeeded", 1, 1, 204)]
    resp = hub.post(f"/api/v1/webhooks/{hook['id']}/deliveries/{log[0]['id']}/redeliver", headers=auth(key))
    assert resp.status_code == 200, resp.text
    again = resp.json()
    assert again["status"] == "succeeded" and again["redelivery_of"] == log[0]["id"] and again["id"] != log[0]["id"]
    headers, body = receiver.requests[-1]
    assert headers["x-hub-redelivery-of"] == log[0]["id"]
    verify(receiver.secret, headers["x-hub-signature"], body, now=int(time.time()))
    assert orjson.loads(body)["delivery_id"] == again["id"]
    assert len(hub.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=auth(key)).json()["items"]) == 2


def test_private_webhook_urls_are_refused_at_registration_and_at_delivery(
        client: TestClient, hub: TestClient, db: Database, receiver: Receiver) -> None:
    key = new_partner(client)
    for url in (receiver.url, "http://169.254.169.254/latest", "ftp://example.com/x", "http://user:pw@example.com/"):
        resp = client.post("/api/v1/webhooks", json={"url": url}, headers=auth(key))
        assert resp.status_code == 422, url
        assert resp.json()["errors"][0]["field"] == "url"
    register(hub, key, receiver)  # allowed where private addresses are allowed ...
    push(hub, key, posting("A"))
    deliver(db, utcnow() + timedelta(seconds=1), allow_private=False)  # ... but not by a worker that forbids them
    assert receiver.requests == []
    with db.read() as session:
        hook = session.execute(select(Webhook)).scalar_one()
    log = hub.get(f"/api/v1/webhooks/{hook.id}/deliveries", headers=auth(key)).json()["items"]
    assert "unsafe_url" in log[0]["error"]


def test_webhooks_are_private_to_their_partner_and_validated(hub: TestClient, receiver: Receiver) -> None:
    mine, other = new_partner(hub), new_partner(hub)
    hook = register(hub, mine, receiver)
    assert "secret" not in hub.get(f"/api/v1/webhooks/{hook['id']}", headers=auth(mine)).json()
    assert hub.get(f"/api/v1/webhooks/{hook['id']}", headers=auth(other)).status_code == 404
    assert hub.delete(f"/api/v1/webhooks/{hook['id']}", headers=auth(other)).status_code == 404
    assert hub.get("/api/v1/webhooks", headers=auth(other)).json()["items"] == []
    bad = hub.post("/api/v1/webhooks", json={"url": receiver.url, "filters": {"region": ["123"]}, "x": 1},
                   headers=auth(mine))
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"x"}
    bad = hub.post("/api/v1/webhooks", json={"url": receiver.url, "filters": {"region": ["999999"]}},
                   headers=auth(mine))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "filters.region"
    assert hub.delete(f"/api/v1/webhooks/{hook['id']}", headers=auth(mine)).status_code == 204
    assert hub.get("/api/v1/webhooks", headers=auth(mine)).json()["items"] == []


def test_run_webhooks_once_delivers_everything_due(hub: TestClient, db: Database, settings: Settings) -> None:
    receivers = [Receiver(), Receiver()]
    try:
        key = new_partner(hub)
        for r in receivers:
            register(hub, key, r)
        push(hub, key, *[posting(f"A{i}") for i in range(250)])

        async def run() -> int:
            async with make_client(timeout_s=5) as client:
                return await run_webhooks_once(db, settings.model_copy(update={"sync_allow_private": True}), client)
        assert asyncio.run(run()) == 6  # 250 changes in batches of 100, for each of two webhooks
        for r in receivers:
            assert [c["seq"] for c in r.changes()] == list(range(1, 251))
    finally:
        for r in receivers:
            r.stop()
