"""The worker: due sources claimed with a database lease, one run per slot, missed slots
coalesced, a slow source never holding up the others."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from app.config import Settings
from app.db import Database
from app.models import SyncRun, utcnow
from app.sync.scheduler import Worker, build_scheduler, serve
from app.sync.store import LeaseLost, Tally, claim, load_spec, start_run, store_postings
from tests.sync.runs import (
    NO_RETRY,
    feed,
    new_partner,
    new_source,
    set_source,
    source_row,
    statuses,
    sync_settings,
)


def runs_of(db: Database, source_id: str) -> list[SyncRun]:
    with db.read() as s:
        return list(s.scalars(select(SyncRun).where(SyncRun.source_id == source_id).order_by(SyncRun.id)))


async def tick_and_wait(worker: Worker) -> list[str]:
    started = await worker.tick()
    await worker.drain()
    return started


def run_worker(db: Database, settings: Settings, **kw: Any) -> list[str]:
    async def main() -> list[str]:
        async with Worker(db, settings, hooks=NO_RETRY, **kw) as worker:
            return await tick_and_wait(worker)
    return asyncio.run(main())


def test_a_due_source_is_run_once_and_moved_to_its_next_slot(
        db: Database, settings: Settings, feed_server: Any) -> None:
    cfg = sync_settings(settings)
    partner = new_partner(db)
    source = new_source(db, partner, feed_server.put("/doc/sched.json", feed("A")), interval_seconds=600)
    assert run_worker(db, cfg) == [source]
    assert [r.status for r in runs_of(db, source)] == ["succeeded"]
    assert runs_of(db, source)[0].trigger == "schedule"
    assert source_row(db, source).next_run_at > utcnow() + timedelta(seconds=500)
    assert run_worker(db, cfg) == []  # not due again yet


def test_missed_slots_are_coalesced_into_one_run(db: Database, settings: Settings, feed_server: Any) -> None:
    cfg = sync_settings(settings)
    partner = new_partner(db)
    source = new_source(db, partner, feed_server.put("/doc/late.json", feed("A")), interval_seconds=60)
    slot = utcnow() - timedelta(hours=5)
    set_source(db, source, next_run_at=slot)
    run_worker(db, cfg)
    assert run_worker(db, cfg) == []
    (run,) = runs_of(db, source)
    assert run.scheduled_for == slot and run.lag_seconds is not None and run.lag_seconds >= 5 * 3600
    nxt = source_row(db, source).next_run_at
    assert utcnow() < nxt <= utcnow() + timedelta(seconds=60)
    assert (nxt - slot).total_seconds() % 60 == 0  # still on the source's grid


def test_two_workers_racing_for_one_due_source_make_one_run(
        db: Database, settings: Settings, feed_server: Any) -> None:
    cfg = sync_settings(settings)
    partner = new_partner(db)
    source = new_source(db, partner, feed_server.put("/doc/race.json", feed("A", "B")))
    barrier = threading.Barrier(4)
    started: list[list[str]] = []

    def worker() -> None:
        other = Database(cfg.database_url, pool_size=2)  # a process of its own, as far as the database knows
        try:
            barrier.wait()
            started.append(run_worker(other, cfg))
        finally:
            other.dispose()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(started) == [[], [], [], [source]]
    assert [r.status for r in runs_of(db, source)] == ["succeeded"]
    assert statuses(db, partner) == {"A": "active", "B": "active"}


def test_concurrent_claims_have_one_winner(db: Database, settings: Settings, feed_server: Any) -> None:
    partner = new_partner(db)
    source = new_source(db, partner, feed_server.url("/doc/none.json"))
    now = utcnow()
    barrier = threading.Barrier(8)
    wins: list[Any] = []

    def take(i: int) -> None:
        barrier.wait()
        wins.append(claim(db, source, f"w{i}", now=now, lease_s=60, due_only=True))

    threads = [threading.Thread(target=take, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len([w for w in wins if w is not None]) == 1


def test_a_second_runner_of_the_same_slot_cannot_record_it(db: Database, settings: Settings) -> None:
    from app.sync.store import RunExists

    partner = new_partner(db)
    source = new_source(db, partner, "http://feeds.example.cn/jobs.json")
    slot = utcnow()
    start_run(db, source, slot, "schedule", "w1", utcnow())
    with pytest.raises(RunExists):
        start_run(db, source, slot, "schedule", "w2", utcnow())


def test_a_run_whose_lease_passed_to_another_worker_commits_nothing(db: Database, settings: Settings) -> None:
    partner = new_partner(db)
    source = new_source(db, partner, "http://feeds.example.cn/jobs.json")
    now = utcnow()
    assert claim(db, source, "old", now=now, lease_s=1, due_only=False) is not None
    run_id = start_run(db, source, now, "manual", "old", now)
    later = now + timedelta(seconds=5)
    assert claim(db, source, "new", now=later, lease_s=60, due_only=False) is not None
    with pytest.raises(LeaseLost):
        store_postings(db, load_spec(db, source), run_id, "old", 60, [], [], [], Tally(), later)
    assert runs_of(db, source)[0].status == "abandoned"


def test_a_slow_source_does_not_hold_up_the_others(db: Database, settings: Settings, feed_server: Any) -> None:
    cfg = sync_settings(settings, sync_deadline_s=2.0)
    partner = new_partner(db)
    slow = new_source(db, partner, feed_server.url("/hang"))
    fast = [new_source(db, partner, feed_server.put(f"/doc/fast{i}.json", feed(f"F{i}"))) for i in range(3)]
    assert sorted(run_worker(db, cfg, concurrency=4)) == sorted([slow, *fast])
    (hung,) = runs_of(db, slow)
    assert hung.error_class == "deadline"
    for source in fast:
        (run,) = runs_of(db, source)
        assert run.status == "succeeded" and run.finished_at is not None and hung.finished_at is not None
        assert run.finished_at < hung.finished_at


def test_an_abandoned_run_is_recognised_and_the_source_runs_again(
        db: Database, settings: Settings, feed_server: Any) -> None:
    cfg = sync_settings(settings)
    partner = new_partner(db)
    source = new_source(db, partner, feed_server.put("/doc/crashed.json", feed("A")), snapshot=True)
    past = utcnow() - timedelta(minutes=10)
    assert claim(db, source, "dead-worker", now=past, lease_s=60, due_only=False) is not None
    start_run(db, source, past, "schedule", "dead-worker", past)  # then the process died
    assert run_worker(db, cfg) == [source]
    dead, fresh = runs_of(db, source)
    assert (dead.status, dead.error_class, fresh.status) == ("abandoned", "abandoned", "succeeded")


def test_the_scheduler_runs_the_monitors(db: Database, settings: Settings, feed_server: Any) -> None:
    cfg = sync_settings(settings)
    partner = new_partner(db)
    source = new_source(db, partner, feed_server.put("/doc/apscheduler.json", feed("A")))

    async def main() -> None:
        stop = asyncio.Event()

        async def watch() -> None:
            while not runs_of(db, source) or runs_of(db, source)[0].status == "running":
                await asyncio.sleep(0.05)
            stop.set()

        watcher = asyncio.create_task(watch())
        await asyncio.wait_for(serve(db, cfg, monitor_s=0.2, stop=stop), timeout=30)
        await watcher

    asyncio.run(main())
    assert [r.status for r in runs_of(db, source)] == ["succeeded"]
    jobs = build_scheduler(Worker(db, cfg)).get_jobs()
    assert sorted(j.id for j in jobs) == ["housekeeping", "reports", "sync", "webhooks"]


def test_stopping_the_worker_ends_its_runs_as_cancelled(db: Database, settings: Settings, feed_server: Any) -> None:
    cfg = sync_settings(settings, sync_deadline_s=30.0)
    partner = new_partner(db)
    source = new_source(db, partner, feed_server.url("/hang"))

    async def main() -> None:
        async with Worker(db, cfg, hooks=NO_RETRY) as worker:
            assert await worker.tick() == [source]
            while not runs_of(db, source):
                await asyncio.sleep(0.05)
        # leaving the block cancels the running syncs

    asyncio.run(main())
    (run,) = runs_of(db, source)
    assert (run.status, run.error_class) == ("failed", "cancelled")
    health = source_row(db, source)
    assert (health.failure_streak, health.lease_owner) == (0, None)
