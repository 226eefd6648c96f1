"""Every way a partner's server misbehaves ends in a run record with a clear error class,
and withdraws nothing from a snapshot source."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

import pytest

from app.config import Settings
from app.db import Database
from app.outbound.fetch import RetryPolicy, is_public_address
from app.sync.runner import FetchHooks
from tests.sync.runs import (
    NO_RETRY,
    feed,
    misses,
    new_partner,
    new_source,
    set_source,
    source_row,
    statuses,
    sync,
    sync_settings,
)

FAULTS = [
    ("/flaky?fails=99&key=f500", "json", "http_5xx"),
    ("/429?after=1&key=f429", "json", "http_429"),
    ("/samples/nothing-here.json", "json", "http_4xx"),
    ("/hang", "json", "deadline"),
    ("/drip", "json", "deadline"),
    ("/truncated", "json", "truncated"),
    ("/lying-short", "json", "truncated"),
    ("/big", "json", "too_large"),
    ("/big?declared=1", "json", "too_large"),
    ("/bomb", "json", "too_large"),
    ("/chain?n=9", "json", "too_many_redirects"),
    ("/samples/billion-laughs.xml", "xml", "feed_format"),
    ("/samples/xxe.xml", "xml", "feed_format"),
    ("/samples/xxe.rss", "rss", "feed_format"),
    ("/samples/feed.rss", "json", "feed_format"),
]


def _snapshot_source(db: Database, settings: Settings, feed_server: Any, name: str) -> tuple[str, str]:
    partner = new_partner(db)
    source = new_source(db, partner, feed_server.put(f"/doc/{name}.json", feed("A", "B")), snapshot=True,
                        withdraw_after_misses=1)
    assert sync(db, settings, source).created == 2
    return partner, source


@pytest.mark.parametrize(("path", "fmt", "error_class"), FAULTS)
def test_a_fault_fails_the_run_with_its_class_and_withdraws_nothing(
        db: Database, settings: Settings, feed_server: Any, path: str, fmt: str, error_class: str) -> None:
    cfg = sync_settings(settings, sync_deadline_s=1.0)
    partner, source = _snapshot_source(db, cfg, feed_server, "fault")
    set_source(db, source, url=feed_server.url(path), format=fmt, etag=None, last_modified=None)
    run = sync(db, cfg, source)
    assert (run.status, run.error_class, run.withdrawn) == ("failed", error_class, 0)
    assert run.error and run.finished_at is not None
    assert statuses(db, partner) == {"A": "active", "B": "active"}
    assert misses(db, source) == {"A": 0, "B": 0}
    health = source_row(db, source)
    assert (health.failure_streak, health.last_error_class, health.lease_owner) == (1, error_class, None)
    assert health.last_success_at is not None and health.last_status == "failed"


def test_the_xxe_entity_never_reaches_a_posting(db: Database, settings: Settings, feed_server: Any) -> None:
    partner = new_partner(db)
    source = new_source(db, partner, feed_server.url("/samples/xxe.xml"), "xml")
    run = sync(db, sync_settings(settings), source)
    assert run.error_class == "feed_format" and "unsafe XML" in (run.error or "")
    assert statuses(db, partner) == {}


@pytest.mark.parametrize(("path", "fmt"), [("/samples/feed.json", "json"), ("/samples/gbk.xml", "xml"),
                                           ("/samples/gbk.csv", "csv"), ("/samples/invalid-utf8.json", "json"),
                                           ("/gzip.json", "json")])
def test_wrong_content_type_gbk_without_charset_bad_bytes_and_gzip_are_read(
        db: Database, settings: Settings, feed_server: Any, path: str, fmt: str) -> None:
    partner = new_partner(db)
    mapping = {"defaults": {"employer_name": "某某科技有限公司", "locations.city": "深圳"}}
    source = new_source(db, partner, feed_server.url(path), fmt, mapping=mapping)
    run = sync(db, sync_settings(settings), source)
    assert run.status == "succeeded" and run.created >= 1 and run.created + run.rejected == run.seen


def test_429_with_retry_after_is_honoured(db: Database, settings: Settings, feed_server: Any) -> None:
    partner = new_partner(db)
    source = new_source(db, partner, feed_server.url("/429?after=1&key=honour"))
    hooks = FetchHooks(retry=RetryPolicy(max_attempts=3, base_delay_s=0.01, budget_s=5))
    run = sync(db, sync_settings(settings), source, hooks=hooks)
    assert (run.status, run.created) == ("succeeded", 2)


def _resolver(answers: dict[str, Sequence[str]]) -> Any:
    def resolve(host: str, port: int) -> Sequence[str]:
        return answers.get(host) or [host]
    return resolve


def _partner_only(host: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return host == "partner.test" or is_public_address(address)


def test_a_redirect_to_loopback_is_refused_at_fetch_time(db: Database, settings: Settings, feed_server: Any) -> None:
    cfg = sync_settings(settings, sync_allow_private=False)
    partner = new_partner(db)
    target = feed_server.url("/doc/inside.json")
    feed_server.put("/doc/inside.json", feed("SECRET"))
    source = new_source(db, partner, f"http://partner.test:{feed_server.port}/redirect?to={target}")
    hooks = FetchHooks(resolver=_resolver({"partner.test": ["127.0.0.1"]}), is_allowed=_partner_only,
                       retry=RetryPolicy(max_attempts=1))
    run = sync(db, cfg, source, hooks=hooks)
    assert (run.status, run.error_class) == ("failed", "unsafe_url") and "127.0.0.1" in (run.error or "")
    assert statuses(db, partner) == {}


def test_a_host_that_now_resolves_to_a_private_address_is_refused(
        db: Database, settings: Settings, feed_server: Any) -> None:
    """Registered while it resolved to a public address; the DNS answer changed since."""
    cfg = sync_settings(settings, sync_allow_private=False)
    partner = new_partner(db)
    source = new_source(db, partner, f"http://moved.test:{feed_server.port}/samples/feed.json")
    for private in ("127.0.0.1", "10.0.0.7", "169.254.169.254", "::ffff:127.0.0.1", "fd00::1"):
        hooks = FetchHooks(resolver=_resolver({"moved.test": [private]}), retry=RetryPolicy(max_attempts=1))
        run = sync(db, cfg, source, hooks=hooks)
        assert (run.status, run.error_class) == ("failed", "unsafe_url"), private
    assert feed_server.hits["/samples/feed.json"] == 0 or statuses(db, partner) == {}


def test_an_open_circuit_skips_runs_without_a_request(db: Database, settings: Settings, feed_server: Any) -> None:
    cfg = sync_settings(settings)
    partner = new_partner(db)
    source = new_source(db, partner, feed_server.url("/flaky?fails=99&key=breaker"),
                        breaker={"threshold": 2, "cooldown_s": 3600})
    scheduled = {"trigger": "schedule"}
    assert [sync(db, cfg, source, **scheduled).status for _ in range(2)] == ["failed", "failed"]
    hits = feed_server.hits["flaky:breaker"]
    skipped = sync(db, cfg, source, **scheduled)
    assert (skipped.status, skipped.error_class) == ("skipped", "circuit_open")
    assert feed_server.hits["flaky:breaker"] == hits
    health = source_row(db, source)
    assert health.failure_streak == 2 and health.next_run_at.timestamp() >= health.breaker["opened_at"] + 3600
    assert sync(db, cfg, source).status == "failed"  # a manual run is a trial, breaker or not
    assert feed_server.hits["flaky:breaker"] == hits + 1


def test_no_retry_hooks_are_the_default_in_these_tests() -> None:
    assert NO_RETRY.retry is not None and NO_RETRY.retry.max_attempts == 1
