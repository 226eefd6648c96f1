"""The change feed's guarantee under concurrent writers: every committed change, in commit order.

Writers go through the real road in (``prepare`` + ``store_batch`` inside ``db.write()``)
with random delays both before the change log is appended (after the index step) and after it
(inside the transaction, before commit), while a reader follows ``/api/v1/changes`` over
HTTP. Seq values are dense (each committed transaction takes the next block), so a
reader that ever missed a late-committing writer would see a gap.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text

from app.db import Database
from app.ingest import pipeline
from app.ingest.pipeline import PartnerRef, prepare, store_batch, withdraw
from app.models import Change
from tests.conftest import IS_PG, make_posting

WRITERS, BATCHES = 8, 10

@pytest.fixture(autouse=True)
def _writers_meet_only_at_the_change_log(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about how the change log numbers concurrent commits. Their postings are all
    different vacancies, but dedup's advisory locks fold keys into 128 buckets, and keys that
    depend on random employer ids sometimes share one: a writer would then wait for another's
    commit and the interleaving under test would not happen. Dedup's locking has its own tests."""
    from app.ingest import store

    monkeypatch.setattr(store, "lock_blocks", lambda *_args, **_kwargs: None)


def posting(external_id: str, **overrides: Any) -> dict[str, Any]:
    """A posting no other in the test duplicates (dedup would merge identical ones)."""
    overrides.setdefault("title", f"岗位{external_id}")
    return make_posting(external_id, **overrides)



class Reader(threading.Thread):
    """Follows the feed over HTTP until told to stop and then drains it; records every change."""

    def __init__(self, base_url: str, key: str) -> None:
        super().__init__(daemon=True)
        self.client = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30)
        self.stop = threading.Event()
        self.seen: list[dict[str, Any]] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        cursor: str | None = None
        try:
            while True:
                stopping = self.stop.is_set()
                resp = self.client.get("/api/v1/changes", params={"limit": 7, **({"cursor": cursor} if cursor else {})})
                resp.raise_for_status()
                body = resp.json()
                self.seen += body["changes"]
                cursor = body["next_cursor"]
                if stopping and not body["has_more"]:
                    return
                if not body["changes"]:
                    time.sleep(0.002)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
        finally:
            self.client.close()


def write(db: Database, ref: PartnerRef, postings: list[dict[str, Any]], after_log: Callable[[], None]) -> list[str]:
    prepared = [prepare(p) for p in postings]
    with db.write() as session:
        outcomes = store_batch(session, ref, prepared)
        after_log()  # still inside the transaction: the change log rows are written, not committed
    return [o.job_id for o in outcomes if o.job_id]


@contextmanager
def random_delays(monkeypatch: pytest.MonkeyPatch, rng: random.Random) -> Iterator[Callable[[], None]]:
    """Random sleeps inside the writers' transactions: up to 5 ms before the log is appended
    (after the index step), up to 25 ms after it (the helper ``write`` calls what this yields)."""
    lock = threading.Lock()

    def pause(most: float) -> None:
        with lock:
            seconds = rng.random() * most
        time.sleep(seconds)

    index_jobs = pipeline.index_jobs

    def index_then_pause(*args: Any) -> None:
        index_jobs(*args)
        pause(0.005)

    monkeypatch.setattr(pipeline, "index_jobs", index_then_pause)
    yield lambda: pause(0.025)


def test_concurrent_writers_with_random_commit_delays_never_skip_a_change(
        db: Database, live_server: Any, make_partner: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    partners = [make_partner("university") for _ in range(WRITERS)]
    reader = Reader(live_server.url, partners[0][1])
    committed: list[set[str]] = [set() for _ in range(WRITERS)]
    errors: list[BaseException] = []
    with random_delays(monkeypatch, random.Random(24365)) as pause:
        def writer(n: int) -> None:
            ref, rng = PartnerRef(partners[n][0], "university"), random.Random(n)
            try:
                for b in range(BATCHES):
                    batch = [posting(f"W{n}-{rng.randrange(12)}", title=f"岗位{n}-{b}-{i}",
                                          employer={"name": f"公司{n}-{rng.randrange(3)}", "type": "private"})
                             for i in range(rng.randint(1, 3))]
                    batch = list({p["external_id"]: p for p in batch}.values())
                    committed[n].update(write(db, ref, batch, pause))
                    if rng.random() < 0.2:
                        with db.write() as session:
                            withdraw(session, ref, batch[0]["external_id"])
                            pause()
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        reader.start()
        threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        reader.stop.set()
        reader.join(timeout=60)
    assert not errors and reader.error is None, (errors, reader.error)
    with db.read() as session:
        logged = [tuple(r) for r in session.execute(select(Change.seq, Change.job_id).order_by(Change.seq))]
    seqs = [c["seq"] for c in reader.seen]
    duplicates = len(seqs) - len(set(seqs))
    repeats = len(seqs) - len({c["job_id"] for c in reader.seen})
    print(f"\nchange feed under {WRITERS} concurrent writers ({'PostgreSQL' if IS_PG else 'SQLite'}): "
          f"{len(logged)} committed changes, {len(seqs)} seen, duplicate rate {duplicates / max(len(seqs), 1):.2%}, "
          f"{repeats} repeat changes of the same job")
    assert seqs == sorted(seqs), "changes arrived out of commit order"
    assert [(c["seq"], c["job_id"]) for c in reader.seen] == logged, "a committed change was missed"
    assert seqs == list(range(1, len(seqs) + 1)), "a gap: a late commit was skipped"
    assert set().union(*committed) <= {c["job_id"] for c in reader.seen}


def _wait_until_blocked(db: Database) -> None:
    """PostgreSQL: wait until another session waits on a lock (the counter row)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with db.read() as session:
            if session.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                    "AND datname = current_database()")).scalar_one():
                return
        time.sleep(0.01)
    raise AssertionError("the second writer never waited on the counter row")


def test_writer_committing_late_is_seen_before_the_one_that_followed_it(
        db: Database, live_server: Any, make_partner: Any) -> None:
    """A takes its positions and holds its transaction open; B must wait, and neither is
    visible until A commits; then A's changes come first, with no gap."""
    (pa, key), (pb, _) = make_partner("university"), make_partner("recruiter")
    holding, release = threading.Event(), threading.Event()
    jobs: dict[str, list[str]] = {}

    def a() -> None:
        jobs["a"] = write(db, PartnerRef(pa, "university"), [posting("A1"), posting("A2")],
                          lambda: (holding.set(), release.wait(30)))

    def b() -> None:
        holding.wait(30)
        jobs["b"] = write(db, PartnerRef(pb, "recruiter"),
                          [posting("B1", employer={"name": "另一家公司", "type": "soe"})], lambda: None)

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    holding.wait(30)
    if IS_PG:
        _wait_until_blocked(db)
    with httpx.Client(base_url=live_server.url, headers={"Authorization": f"Bearer {key}"}) as client:
        early = client.get("/api/v1/changes").json()
        assert early["changes"] == []
        release.set()
        for t in threads:
            t.join(30)
        late = client.get("/api/v1/changes", params={"cursor": early["next_cursor"]}).json()
    assert [c["seq"] for c in late["changes"]] == [1, 2, 3]
    assert {c["job_id"] for c in late["changes"][:2]} == set(jobs["a"])
    assert late["changes"][2]["job_id"] == jobs["b"][0]


@pytest.mark.skipif(not IS_PG, reason="SQLite runs one writer at a time; only PostgreSQL can commit out of order")
def test_numbers_taken_at_start_would_skip_a_late_commit(db: Database, make_partner: Any,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The control: numbering changes when the writer *starts* (like a sequence) loses a
    change under this very interleaving, which is why the hub numbers at commit."""
    from app.ingest import changelog

    def start_ordered(session: Any, ops: list[tuple[str, str]], now: Any, written: Any = None) -> None:
        with db.engine.connect() as own:  # a separate, immediately committed transaction
            top = own.execute(text("UPDATE counters SET value = value + :n WHERE name = 'changes' RETURNING value"),
                              {"n": len(ops)}).scalar_one()
            own.commit()
        session.execute(changelog.CHANGES.insert(), [
            {"seq": top - len(ops) + 1 + i, "job_id": j, "op": op, "created_at": now} for i, (j, op) in enumerate(ops)])

    monkeypatch.setattr(pipeline, "append_changes", start_ordered)
    (pa, _), (pb, _) = make_partner("university"), make_partner("recruiter")
    holding, release = threading.Event(), threading.Event()
    t = threading.Thread(target=write, args=(db, PartnerRef(pa, "university"), [posting("A1")],
                                             lambda: (holding.set(), release.wait(30))))
    t.start()
    holding.wait(30)
    write(db, PartnerRef(pb, "recruiter"), [posting("B1", employer={"name": "另一家", "type": "soe"})],
          lambda: None)
    with db.read() as session:
        first_look = [r[0] for r in session.execute(select(Change.seq).order_by(Change.seq))]
    release.set()
    t.join(30)
    with db.read() as session:
        later = [r[0] for r in session.execute(select(Change.seq).where(Change.seq > max(first_look)))]
    assert first_look == [2] and later == []  # seq 1 committed behind the reader's back: skipped
