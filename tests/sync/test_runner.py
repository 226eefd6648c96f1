"""run_source against the real local HTTP server: counts, rejections, snapshots, paging."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.config import Settings
from app.db import Database
from app.demo.feedgen import CONTENT_TYPES, FORMATS, atom_id, write_feed
from app.models import Posting
from tests.conftest import make_posting
from tests.sync.runs import feed, new_partner, new_source, source_row, statuses, sync, sync_settings

ZHILIAN = {"fields": {"title": "jobName", "employer.name": "companyName", "employer.type": "companyNature",
                      "locations.city": "location", "salary": "salary", "salary.min": "minSalary",
                      "salary.max": "maxSalary", "education": "edu", "url": "jobUrl", "description": "deatil"},
           "defaults": {"salary.period": "month"}, "external_id_from": "jobUrl"}


def test_a_feed_is_stored_under_its_partner_and_a_rerun_is_unchanged(
        db: Database, settings: Settings, feed_server: Any) -> None:
    cfg = sync_settings(settings)
    partner = new_partner(db)
    url = feed_server.put("/doc/basic.json", feed("A", "B", "C"))
    source = new_source(db, partner, url)
    run = sync(db, cfg, source)
    assert (run.status, run.seen, run.created, run.rejected) == ("succeeded", 3, 3, 0)
    assert statuses(db, partner) == {"A": "active", "B": "active", "C": "active"}
    again = sync(db, cfg, source)
    assert (again.status, again.unchanged, again.created) == ("succeeded", 3, 0)
    health = source_row(db, source)
    assert health.failure_streak == 0 and health.last_success_at is not None
    assert health.lease_owner is None and health.next_run_at > again.finished_at


def test_ten_thousand_items_three_malformed_are_rejected_with_reasons(
        db: Database, settings: Settings, feed_server: Any) -> None:
    partner = new_partner(db)
    source = new_source(db, partner, feed_server.url("/many.json"))
    run = sync(db, sync_settings(settings), source)
    assert (run.status, run.seen, run.created, run.rejected) == ("succeeded", 10_000, 9_997, 3)
    assert sorted((r["index"], r["external_id"], r["reason"]) for r in run.rejections) == [
        (17, None, "item is int, not an object"),
        (5000, "J5000", "missing title"),
        (9999, "J9999", "missing title"),
    ]
    stored = statuses(db, partner)
    assert len(stored) == 9_997 and "J5000" not in stored and set(stored.values()) == {"active"}


def test_an_id_listed_twice_is_stored_once_and_the_second_is_rejected(
        db: Database, settings: Settings, feed_server: Any) -> None:
    partner = new_partner(db)
    source = new_source(db, partner, feed_server.put("/doc/twice.json", feed("A", "B", "A")))
    run = sync(db, sync_settings(settings), source)
    assert (run.created, run.rejected) == (2, 1)
    assert run.rejections == [{"index": 2, "external_id": "A", "reason": "external_id: listed twice in this feed"}]


def test_pages_are_followed_and_a_loop_ends_the_run_as_partial(
        db: Database, settings: Settings, feed_server: Any) -> None:
    cfg = sync_settings(settings)
    partner = new_partner(db)
    feed_server.put("/doc/p1.json", feed("A", next="/doc/p2.json"))
    feed_server.put("/doc/p2.json", feed("B", next="/doc/p3.json"))
    feed_server.put("/doc/p3.json", feed("C", next="/doc/p3.json"))  # a self-link ends the feed
    source = new_source(db, partner, feed_server.url("/doc/p1.json"))
    run = sync(db, cfg, source)
    assert (run.status, run.pages, run.created, run.flags) == ("succeeded", 3, 3, [])
    feed_server.put("/doc/p3.json", feed("C", next="/doc/p1.json"))
    looped = sync(db, cfg, source)
    assert (looped.status, looped.error_class, looped.flags) == ("partial", "page_loop", ["page_loop"])
    assert looped.unchanged == 3


def test_conditional_get_skips_an_unchanged_feed(db: Database, settings: Settings, feed_server: Any) -> None:
    cfg = sync_settings(settings)
    partner = new_partner(db)
    source = new_source(db, partner, feed_server.put("/doc/etag.json", feed("A", "B"), ETag='"v7"'))
    first = sync(db, cfg, source)
    assert (first.status, first.created) == ("succeeded", 2)
    assert source_row(db, source).etag == '"v7"'
    second = sync(db, cfg, source)
    assert (second.status, second.seen, second.pages) == ("not_modified", 0, 0)
    health = source_row(db, source)
    assert health.last_status == "not_modified" and health.last_counts["created"] == 2


def test_every_format_is_stored(db: Database, settings: Settings, feed_server: Any) -> None:
    cfg = sync_settings(settings)
    postings = [make_posting(f"F{i}", title=f"前端开发工程师 {i}") for i in range(3)]
    for fmt in FORMATS:
        partner = new_partner(db, name=f"partner-{fmt}")
        body = io.BytesIO()
        write_feed(body, fmt, postings)
        source = new_source(db, partner, feed_server.put(f"/doc/all.{fmt}", body.getvalue(), CONTENT_TYPES[fmt]),
                            fmt)
        run = sync(db, cfg, source)
        assert (fmt, run.status, run.created, run.rejected) == (fmt, "succeeded", 3, 0)
        assert set(statuses(db, partner)) == {atom_id(f"F{i}") if fmt == "atom" else f"F{i}" for i in range(3)}


def test_a_gbk_csv_without_charset_is_read_correctly(db: Database, settings: Settings, feed_server: Any) -> None:
    partner = new_partner(db)
    body = "title,company,city,salary\nJava开发工程师,深圳市某某科技有限公司,深圳,8千-1.2万\n".encode("gbk")
    source = new_source(db, partner, feed_server.put("/doc/gbk.csv", body, "text/csv"), "csv",
                        mapping={"external_id_from": "hash"})
    run = sync(db, sync_settings(settings), source)
    assert (run.status, run.created) == ("succeeded", 1)
    with db.read() as s:
        posting = s.scalars(select(Posting).where(Posting.partner_id == partner)).one()
    assert posting.title == "Java开发工程师" and posting.data["employer"]["name"] == "深圳市某某科技有限公司"


def test_a_zhilian_mapping_reads_the_real_sample(db: Database, settings: Settings, feed_server: Any) -> None:
    body = (Path(__file__).parents[1] / "fixtures" / "zhilian_java_sample.jsonl").read_bytes()
    partner = new_partner(db)
    source = new_source(db, partner, feed_server.put("/doc/zhilian.jsonl", body, "application/x-ndjson"),
                        mapping=ZHILIAN)
    run = sync(db, sync_settings(settings), source)
    lines = [line for line in body.splitlines() if line.strip()]
    assert run.status == "succeeded" and run.seen == len(lines)
    assert run.created + run.rejected == run.seen and run.created >= len(lines) * 0.9
