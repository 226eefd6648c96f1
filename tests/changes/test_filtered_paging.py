"""A filtered reader pages through matches spread among other changes and misses none: the change
feed and webhooks (one function, ``read_changes``) move their position to the last change they
looked at for this page, never to the end of the rows scanned."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from app.db import Database
from app.models import utcnow
from app.services.changes import ChangeFilter, read_changes
from tests.changes.test_changes_feed import follow, posting
from tests.changes.test_webhooks import Receiver, drain, hub, new_partner, receiver, register  # noqa: F401 (fixtures)
from tests.conftest import auth, push


def _interleaved(client: TestClient, key: str) -> list[str]:
    """Five jobs in Guangdong, each followed by two in Beijing, in commit order; the Guangdong ids."""
    wanted = []
    for i in range(5):
        wanted.append(push(client, key, posting(f"GD{i}", locations=[{"region_code": "440305"}]))[0]["job_id"])
        push(client, key, posting(f"BJ{i}a", locations=[{"region_code": "110105"}]),
             posting(f"BJ{i}b", locations=[{"region_code": "110108"}]))
    return wanted


def test_a_filtered_reader_paging_two_at_a_time_gets_every_match_once_in_order(
        client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    wanted = _interleaved(client, key)
    for limit in (1, 2, 3):
        changes, _ = follow(client, key, region="440000", limit=limit)
        assert [c["job_id"] for c in changes] == wanted, limit


def test_read_changes_stops_its_position_at_the_last_change_it_returned(
        client: TestClient, partner: tuple[str, str], db: Database) -> None:
    wanted = _interleaved(client, partner[1])
    flt = ChangeFilter.parse(["440000"])
    with db.read() as session:
        page = read_changes(session, 0, 2, flt)
        assert [c["job_id"] for c in page.changes] == wanted[:2]
        assert page.position == page.changes[-1]["seq"] and page.more
        rest = read_changes(session, page.position, 10, flt)
    assert [c["job_id"] for c in rest.changes] == wanted[2:]


def test_a_filtered_webhook_delivering_in_small_batches_gets_every_match(
        hub: TestClient, db: Database, receiver: Receiver) -> None:  # noqa: F811
    key = new_partner(hub)
    register(hub, key, receiver, filters={"region": ["440000"]})
    wanted = _interleaved(hub, key)
    drain(db, utcnow() + timedelta(seconds=1), batch_size=2)
    assert [c["job_id"] for c in receiver.changes()] == wanted


def test_patching_a_webhook_to_a_private_address_is_refused_and_keeps_the_old_url(
        client: TestClient, hub: TestClient, receiver: Receiver) -> None:  # noqa: F811
    """Registered where loopback is allowed (``hub``), changed through an API that forbids it."""
    key = new_partner(hub)
    hook = register(hub, key, receiver)
    for url in ("http://127.0.0.1:9/hook", "http://10.1.2.3/hook", "http://169.254.169.254/latest",
                "http://[::1]/hook", "http://user:pw@example.com/hook", "ftp://example.com/hook"):
        resp = client.patch(f"/api/v1/webhooks/{hook['id']}", json={"url": url}, headers=auth(key))
        assert resp.status_code == 422, (url, resp.text)
        assert [e["field"] for e in resp.json()["errors"]] == ["url"], url
    assert client.get(f"/api/v1/webhooks/{hook['id']}", headers=auth(key)).json()["url"] == receiver.url
