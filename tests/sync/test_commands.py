"""``hub sync SOURCE`` (progress bar, the run as JSON) and ``hub worker`` (runs due sources,
stops cleanly on SIGTERM), each as a real subprocess."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.config import Settings
from app.db import Database
from app.models import SyncRun
from tests.conftest import ADMIN_TOKEN
from tests.sync.runs import feed, new_partner, new_source, statuses

ROOT = Path(__file__).resolve().parents[2]


def hub_env(settings: Settings) -> dict[str, str]:
    return {**os.environ, "HUB_DATABASE_URL": settings.database_url, "HUB_SYNC_ALLOW_PRIVATE": "1",
            "HUB_ADMIN_TOKEN": ADMIN_TOKEN, "HUB_LOG_LEVEL": "WARNING", "PYTHONWARNINGS": "ignore"}


def test_hub_sync_shows_progress_and_prints_the_run(db: Database, settings: Settings, feed_server: Any) -> None:
    partner = new_partner(db)
    source = new_source(db, partner, feed_server.put("/doc/cli.json", feed(*[f"C{i}" for i in range(30)])))
    done = subprocess.run([sys.executable, "-m", "app.cli", "sync", source], cwd=ROOT, env=hub_env(settings),
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    run = json.loads(done.stdout)
    assert (run["status"], run["counts"]["created"]) == ("succeeded", 30)
    assert "[########################] 100%" in done.stderr and "created 30" in done.stderr
    missing = subprocess.run([sys.executable, "-m", "app.cli", "sync", "nope"], cwd=ROOT, env=hub_env(settings),
                             capture_output=True, text=True, timeout=120, check=False)
    assert missing.returncode == 2 and "no source" in missing.stderr


def test_hub_worker_runs_due_sources_and_stops_on_sigterm(
        db: Database, settings: Settings, feed_server: Any) -> None:
    partner = new_partner(db)
    source = new_source(db, partner, feed_server.put("/doc/worker.json", feed("W1", "W2")))
    worker = subprocess.Popen([sys.executable, "-m", "app.cli", "worker", "--no-migrate", "--monitor-interval",
                               "0.3"], cwd=ROOT, env=hub_env(settings), stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60

        def finished() -> list[tuple[str, str | None]]:  # the run's record is written after its postings
            with db.read() as s:
                return [(r.status, r.error) for r in s.scalars(select(SyncRun).where(
                    SyncRun.source_id == source, SyncRun.finished_at.is_not(None)))]

        while time.monotonic() < deadline and not finished():
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGTERM)
        _, err = worker.communicate(timeout=30)
    assert worker.returncode == 0, err
    assert statuses(db, partner) == {"W1": "active", "W2": "active"}
    assert [status for status, _ in finished()] == ["succeeded"], finished()


def test_hub_sync_of_a_local_feed_without_the_private_switch_says_which_setting(
        db: Database, settings: Settings, feed_server: Any) -> None:
    partner = new_partner(db)
    source = new_source(db, partner, feed_server.put("/doc/private.json", feed("P1")))
    env = {k: v for k, v in hub_env(settings).items() if k != "HUB_SYNC_ALLOW_PRIVATE"}
    done = subprocess.run([sys.executable, "-m", "app.cli", "sync", source], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1 and json.loads(done.stdout)["error_class"] == "unsafe_url"
    assert "HUB_SYNC_ALLOW_PRIVATE=1" in done.stderr.splitlines()[-1]
