"""The demo's local partner feeds (``make run``): one per format, each read by its source."""

from __future__ import annotations

from app.config import Settings
from app.db import Database
from app.demo import DEFAULT_DIR
from app.demo.feedgen import FORMATS
from app.demo.feeds import START, register_demo_sources, start_feed_server
from tests.sync.runs import source_row, sync, sync_settings


def test_every_demo_feed_is_pulled_and_a_restart_reuses_the_sources(db: Database, settings: Settings) -> None:
    cfg = sync_settings(settings)
    feeds = register_demo_sources(db, cfg, start_feed_server(DEFAULT_DIR))
    assert [f.format for f in feeds] == list(FORMATS)
    for feed in feeds:
        run = sync(db, cfg, feed.source_id)
        assert (feed.format, run.status, run.created, run.rejected) == (feed.format, "succeeded", START, 0)
        assert sync(db, cfg, feed.source_id).status == "not_modified"  # the feed has not grown yet
    again = register_demo_sources(db, cfg, start_feed_server(DEFAULT_DIR))
    assert [f.source_id for f in again] == [f.source_id for f in feeds]
    assert all(source_row(db, f.source_id).url == f.url for f in again)
