"""kill -9 a sync at random points, many times: after a restart the stored postings are
what one clean run gives — none lost, none doubled, no spurious withdrawals."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from app.config import Settings
from app.db import Database
from app.models import Job, Posting, SyncRun, utcnow
from tests.sync.runs import (
    misses,
    new_partner,
    new_source,
    set_source,
    statuses,
    sync,
    sync_settings,
)

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("crash_child.py")
KILLS = 5


def page(ids: list[str], nxt: str | None) -> bytes:
    items = [{"external_id": i, "title": f"软件工程师 {i}", "employer": {"name": f"深圳市第{i}科技有限公司"},
              "locations": ["深圳-南山区"], "salary": "8k-12k/月"} for i in ids]
    return json.dumps({"postings": items, "next": nxt}, ensure_ascii=False).encode()


def start_child(url: str, source_id: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}
    return subprocess.Popen([sys.executable, str(CHILD), url, source_id], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def kill_somewhere(child: subprocess.Popen[str], rng: random.Random, batches: int) -> None:
    """SIGKILL once the run has started, after a random number of committed batches (0 to
    ``batches - 1``) and a random pause."""
    assert child.stdout is not None
    assert child.stdout.readline().startswith("start")
    wait_for = rng.randrange(batches)
    seen = 0
    while seen < wait_for:
        line = child.stdout.readline()
        if not line or line.startswith("done"):
            break
        seen += 1
    time.sleep(rng.random() * 0.05)
    child.send_signal(signal.SIGKILL)
    child.wait(10)


def test_killed_syncs_leave_exactly_what_a_clean_run_gives(
        db: Database, settings: Settings, feed_server: Any) -> None:
    rng = random.Random(24365)
    cfg = sync_settings(settings)
    partner = new_partner(db)
    old = [f"OLD{i:03d}" for i in range(20)]
    current = [f"CUR{i:03d}" for i in range(150)]
    feed_server.put("/doc/crash1.json", page(old + current[:50], "/doc/crash2.json"))
    feed_server.put("/doc/crash2.json", page(current[50:100], "/doc/crash3.json"))
    feed_server.put("/doc/crash3.json", page(current[100:], None))
    source = new_source(db, partner, feed_server.url("/doc/crash1.json"), snapshot=True, withdraw_after_misses=1)
    assert sync(db, cfg, source).created == 170  # the feed as it was
    feed_server.put("/doc/crash1.json", page(current[:50], "/doc/crash2.json"))  # OLD* gone now

    for _ in range(KILLS):
        kill_somewhere(start_child(cfg.database_url, source), rng, batches=6)
        set_source(db, source, lease_until=utcnow() - timedelta(seconds=1))  # the dead worker's lease expires
    child = start_child(cfg.database_url, source)
    out, _ = child.communicate(timeout=120)
    assert child.returncode == 0 and "done succeeded" in out, out

    assert statuses(db, partner) == {**{i: "withdrawn" for i in old}, **{i: "active" for i in current}}
    assert misses(db, source) == {i: 0 for i in current}
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Posting).where(Posting.partner_id == partner)) == 170
        open_jobs = s.scalars(select(Job.id).where(Job.status == "open")).all()
        active_jobs = s.scalars(select(Posting.job_id).where(Posting.partner_id == partner,
                                                             Posting.status == "active")).all()
        assert sorted(open_jobs) == sorted(active_jobs) and len(set(active_jobs)) == 150
        run_states = s.scalars(select(SyncRun.status).where(SyncRun.source_id == source)).all()
    assert "running" not in run_states and run_states.count("abandoned") >= 1  # kills did land mid-run
