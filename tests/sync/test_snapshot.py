"""Snapshot feeds: a posting missing from N complete fetches in a row is withdrawn; a
failed, partial or shrunken fetch withdraws nothing."""

from __future__ import annotations

from typing import Any

from app.config import Settings
from app.db import Database
from tests.sync.runs import (
    feed,
    misses,
    new_partner,
    new_source,
    source_row,
    statuses,
    sync,
    sync_settings,
)


def test_a_posting_missing_from_n_complete_runs_is_withdrawn_and_returns_when_listed(
        db: Database, settings: Settings, feed_server: Any) -> None:
    cfg = sync_settings(settings)
    partner = new_partner(db)
    url = feed_server.put("/doc/snap.json", feed("A", "B", "C"))
    source = new_source(db, partner, url, snapshot=True, withdraw_after_misses=2)
    assert sync(db, cfg, source).created == 3
    feed_server.put("/doc/snap.json", feed("A", "B"))
    first_miss = sync(db, cfg, source)
    assert first_miss.withdrawn == 0 and misses(db, source) == {"A": 0, "B": 0, "C": 1}
    assert statuses(db, partner)["C"] == "active"
    second_miss = sync(db, cfg, source)
    assert (second_miss.status, second_miss.withdrawn) == ("succeeded", 1)
    assert statuses(db, partner) == {"A": "active", "B": "active", "C": "withdrawn"}
    assert misses(db, source) == {"A": 0, "B": 0}
    feed_server.put("/doc/snap.json", feed("A", "B", "C"))
    back = sync(db, cfg, source)
    assert back.updated == 1 and statuses(db, partner)["C"] == "active"


def test_a_miss_then_a_sighting_starts_the_count_again(db: Database, settings: Settings, feed_server: Any) -> None:
    cfg = sync_settings(settings)
    partner = new_partner(db)
    source = new_source(db, partner, feed_server.put("/doc/flap.json", feed("A", "B")), snapshot=True,
                        withdraw_after_misses=2)
    for listed in (("A", "B"), ("A",), ("A", "B"), ("A",)):
        feed_server.put("/doc/flap.json", feed(*listed))
        assert sync(db, cfg, source).withdrawn == 0
    assert statuses(db, partner) == {"A": "active", "B": "active"}


def test_a_shrunken_feed_is_flagged_and_withdraws_nothing(db: Database, settings: Settings, feed_server: Any) -> None:
    cfg = sync_settings(settings)
    partner = new_partner(db)
    ids = [f"S{i}" for i in range(10)]
    source = new_source(db, partner, feed_server.put("/doc/shrink.json", feed(*ids)), snapshot=True,
                        withdraw_after_misses=1)
    sync(db, cfg, source)
    feed_server.put("/doc/shrink.json", feed(*ids[:4]))
    shrunk = sync(db, cfg, source)
    assert (shrunk.status, shrunk.flags, shrunk.withdrawn) == ("succeeded", ["shrunken"], 0)
    assert set(statuses(db, partner).values()) == {"active"}
    assert set(misses(db, source).values()) == {0}
    steady = sync(db, cfg, source)  # the smaller size holds: now it is the feed
    assert (steady.flags, steady.withdrawn) == ([], 6)


def test_an_empty_feed_never_empties_a_snapshot(db: Database, settings: Settings, feed_server: Any) -> None:
    cfg = sync_settings(settings)
    partner = new_partner(db)
    source = new_source(db, partner, feed_server.put("/doc/empty.json", feed("A", "B")), snapshot=True,
                        withdraw_after_misses=1)
    sync(db, cfg, source)
    feed_server.put("/doc/empty.json", feed())
    run = sync(db, cfg, source)
    assert (run.seen, run.flags, run.withdrawn) == (0, ["shrunken"], 0)
    assert statuses(db, partner) == {"A": "active", "B": "active"}


def test_a_partial_fetch_withdraws_nothing(db: Database, settings: Settings, feed_server: Any) -> None:
    cfg = sync_settings(settings)
    partner = new_partner(db)
    feed_server.put("/doc/pa1.json", feed("A", next="/doc/pa2.json"))
    feed_server.put("/doc/pa2.json", feed("B", "C"))
    source = new_source(db, partner, feed_server.url("/doc/pa1.json"), snapshot=True, withdraw_after_misses=1)
    assert sync(db, cfg, source).created == 3
    feed_server.put("/doc/pa1.json", feed("A", next="/flaky?fails=99&key=partial"))
    run = sync(db, cfg, source)
    assert (run.status, run.error_class, run.withdrawn, run.pages) == ("partial", "http_5xx", 0, 1)
    assert statuses(db, partner) == {"A": "active", "B": "active", "C": "active"}
    assert misses(db, source) == {"A": 0, "B": 0, "C": 0}
    health = source_row(db, source)
    assert (health.failure_streak, health.last_error_class, health.last_complete_count) == (1, "http_5xx", 3)


def test_a_rejected_item_is_not_counted_as_missing(db: Database, settings: Settings, feed_server: Any) -> None:
    cfg = sync_settings(settings)
    partner = new_partner(db)
    source = new_source(db, partner, feed_server.put("/doc/bad.json", feed("A", "B")), snapshot=True,
                        withdraw_after_misses=1)
    sync(db, cfg, source)
    broken = feed("A").replace(b"]", b', {"external_id": "B", "employer": {"name": "x"}}]')
    feed_server.put("/doc/bad.json", broken)
    run = sync(db, cfg, source)
    assert (run.rejected, run.withdrawn) == (1, 0)
    assert statuses(db, partner) == {"A": "active", "B": "active"}


def test_a_posting_another_source_of_the_partner_still_lists_stays(
        db: Database, settings: Settings, feed_server: Any) -> None:
    cfg = sync_settings(settings)
    partner = new_partner(db)
    one = new_source(db, partner, feed_server.put("/doc/one.json", feed("A", "B")), snapshot=True,
                     withdraw_after_misses=1)
    two = new_source(db, partner, feed_server.put("/doc/two.json", feed("B")), snapshot=True)
    sync(db, cfg, one)
    sync(db, cfg, two)
    feed_server.put("/doc/one.json", feed("A", "A2"))
    assert sync(db, cfg, one).withdrawn == 0
    assert statuses(db, partner)["B"] == "active"
