"""A Python client generated from the served ``/openapi.json`` with openapi-python-client (as a
partner would make one) pushes, searches, reads a change-feed page and gets a typed error back,
against the hub served by uvicorn on loopback."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ADMIN_TOKEN, make_posting

# What README.md tells partners to use: the feeds' XML answers read as text.
CONFIG = """\
project_name_override: hub-client
package_name_override: hub_client
post_hooks: []
content_type_overrides:
  application/rss+xml: text/plain
  application/atom+xml: text/plain
"""


@pytest.fixture
def generated(live_server: Any, tmp_path: Path) -> Iterator[Any]:
    """Generate the client from the live server's document (any warning fails), then import it."""
    spec = tmp_path / "openapi.json"
    spec.write_bytes(httpx.get(f"{live_server.url}/openapi.json", timeout=30).content)
    (tmp_path / "config.yml").write_text(CONFIG)
    done = subprocess.run([sys.executable, "-m", "openapi_python_client", "generate", "--path", str(spec),
                           "--config", str(tmp_path / "config.yml"), "--meta", "none", "--fail-on-warning",
                           "--output-path", str(tmp_path / "hub_client")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module("hub_client")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == "hub_client" or m.startswith("hub_client.")]:
            del sys.modules[name]


def test_a_generated_client_pushes_searches_follows_changes_and_reads_typed_errors(
        generated: Any, live_server: Any) -> None:
    hub = generated
    models = importlib.import_module("hub_client.models")
    for op in ("partners.post_partner", "postings.push_batch", "postings.put_posting", "jobs.get_jobs",
               "changes.get_changes"):
        importlib.import_module(f"hub_client.api.{op}")
    api = importlib.import_module("hub_client.api")

    admin = hub.AuthenticatedClient(base_url=live_server.url, token=ADMIN_TOKEN)
    created = api.partners.post_partner.sync(client=admin, body=models.PartnerIn.from_dict(
        {"name": "深圳大学", "kind": "university", "region_code": "440300"}))
    assert isinstance(created, models.PartnerCreated) and created.api_key.startswith("hub_")
    partner = hub.AuthenticatedClient(base_url=live_server.url, token=created.api_key)

    # A push: typed body in, typed per-posting results out.
    batch = models.PostingBatchIn.from_dict({"postings": [
        make_posting("GEN-1", title="会计（2026届）", employer={"name": "广州某某会计师事务所"},
                     locations=[{"region_code": "440106"}]),
        make_posting("GEN-2", title="园林设计师", employer={"name": "深圳市某某园林有限公司"})]})
    pushed = api.postings.push_batch.sync_detailed(client=partner, body=batch, idempotency_key="gen-batch-1")
    assert pushed.status_code == 200 and isinstance(pushed.parsed, models.BatchResult)
    results = pushed.parsed.results
    assert [(r.external_id, str(r.status)) for r in results] == [("GEN-1", "created"), ("GEN-2", "created")]

    # A search, with Chinese in the query string (the client encodes it).
    found = api.jobs.get_jobs.sync(client=hub.Client(base_url=live_server.url), q="会计",
                                   facets=[models.GetJobsFacetsItem.REGION])
    assert isinstance(found, models.JobList) and found.total == 1
    assert found.items[0].title == "会计(2026届)" and found.items[0].id == results[0].job_id
    assert found.facets.to_dict()["region"] == {"440000": 1}

    # The change feed, a page at a time, following next_cursor.
    first = api.changes.get_changes.sync(client=partner, limit=1)
    assert isinstance(first, models.ChangePage) and first.has_more
    assert [(c.seq, str(c.op)) for c in first.changes] == [(1, "upsert")]
    second = api.changes.get_changes.sync(client=partner, limit=10, cursor=first.next_cursor)
    assert [(c.seq, str(c.op)) for c in second.changes] == [(2, "upsert")] and not second.has_more
    seen = {c.job_id: c.job.title for c in first.changes + second.changes}
    assert seen == {results[0].job_id: "会计(2026届)", results[1].job_id: "园林设计师"}

    # A 422 comes back as a typed Problem naming the field.
    bad = api.jobs.get_jobs.sync_detailed(client=hub.Client(base_url=live_server.url), limit=101)
    assert bad.status_code == 422 and isinstance(bad.parsed, models.Problem)
    assert bad.parsed.status == 422 and [e.field for e in bad.parsed.errors] == ["limit"]
    assert isinstance(bad.parsed.errors[0], models.FieldError)
    rejected = api.postings.put_posting.sync_detailed(
        client=partner, external_id="GEN-3", body=models.PostingIn.from_dict(make_posting("GEN-3", title=" ")))
    assert rejected.status_code == 422 and isinstance(rejected.parsed, models.Problem)
    assert [e.field for e in rejected.parsed.errors] == ["title"]
    denied = api.changes.get_changes.sync_detailed(client=hub.Client(base_url=live_server.url))
    assert denied.status_code == 401 and isinstance(denied.parsed, models.Problem)
