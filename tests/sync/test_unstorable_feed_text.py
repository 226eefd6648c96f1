"""A feed whose items hold text the databases cannot store (NUL): the adapters drop control characters
from the values they read, and an item they reject is recorded with its id only if that id is storable
(a run's rejections are jsonb on PostgreSQL, which refuses \\u0000): a recorded run, never a failed one."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from app.config import Settings
from app.db import Database
from tests.fuzzing import INTERNALS
from tests.sync.runs import new_partner, new_source, statuses, sync, sync_settings


def test_items_with_nul_are_rejected_and_the_run_is_recorded(db: Database, settings: Settings,
                                                             feed_server: Any) -> None:
    base = {"employer": {"name": "深圳市某某科技有限公司"}, "locations": ["深圳-南山区"], "salary": "8k-12k/月"}
    items = [{**base, "external_id": "OK", "title": "Java开发工程师"},
             {**base, "external_id": "NUL\u0000ID", "title": "测试工程师"},
             {**base, "external_id": "NO\u0000TITLE"},
             {**base, "external_id": "BAD-TITLE", "title": "运维\u0000工程师"}]
    url = feed_server.put("/doc/nul.json", json.dumps({"postings": items}).encode())
    partner = new_partner(db)
    run = sync(db, sync_settings(settings), new_source(db, partner, url))
    assert (run.status, run.seen, run.created, run.rejected) == ("succeeded", 4, 3, 1), (run.error_class, run.error)
    assert statuses(db, partner) == {"OK": "active", "NULID": "active", "BAD-TITLE": "active"}
    assert [(r["index"], r["external_id"], r["reason"]) for r in run.rejections] == [(2, None, "missing title")]
    assert all("\x00" not in json.dumps(r) for r in run.rejections)


def test_a_run_failing_inside_the_hub_records_no_sql_for_the_partner(
        db: Database, settings: Settings, feed_server: Any, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """A database error inside a run (injected here) is the run's ``internal`` error; what the partner
    reads on GET /sources/{id}/runs names its class only, the log keeps the statement."""
    from sqlalchemy.exc import DataError

    from app.sync import runner

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise DataError("UPDATE source_items SET last_seen_at=... WHERE external_id = %(x)s", {"x": "a"},
                        Exception("PostgreSQL text fields cannot contain NUL (0x00) bytes"))

    monkeypatch.setattr(runner, "store_postings", broken)
    url = feed_server.put("/doc/one.json", json.dumps({"postings": [{
        "external_id": "A", "title": "Java开发工程师", "employer": {"name": "深圳市某某科技有限公司"},
        "locations": ["深圳-南山区"]}]}).encode())
    with caplog.at_level(logging.ERROR, logger="hub.sync"):
        run = sync(db, sync_settings(settings), new_source(db, new_partner(db), url))
    assert (run.status, run.error_class) == ("failed", "internal")
    assert run.error is not None and run.error.startswith("DataError") and not INTERNALS.search(run.error[9:])
    assert any("UPDATE source_items" in (r.exc_text or "") or r.exc_info for r in caplog.records)
