"""A batch is all-or-nothing: a process killed mid-batch leaves nothing of it behind."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from sqlalchemy import text

from tests.conftest import distinct_posting

SCRIPT = textwrap.dedent("""
    import json, os, signal, sys
    from app.db import Database
    from app.ingest import pipeline

    url, partner_id, path, crash = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
    db = Database(url, pool_size=1)
    if crash:  # die inside the transaction, after postings and jobs are written
        pipeline.index_jobs = lambda *args: os.kill(os.getpid(), signal.SIGKILL)
    prepared = [pipeline.prepare(p) for p in json.load(open(path))]
    with db.write() as session:
        outcomes = pipeline.store_batch(session, pipeline.PartnerRef(partner_id, "university"), prepared)
    print(sum(o.status == "created" for o in outcomes))
""")


def counts(db: Any) -> tuple[int, int, int]:
    with db.read() as s:
        return tuple(int(s.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())  # type: ignore[return-value]
                     for t in ("postings", "jobs", "changes"))


def test_killed_mid_batch_stores_none_then_a_clean_run_stores_all(tmp_path: Path, partner: tuple[str, str],
                                                                   settings: Any, db: Any) -> None:
    partner_id, _ = partner
    batch = tmp_path / "batch.json"
    batch.write_text(json.dumps([distinct_posting(i) for i in range(300)]), encoding="utf-8")
    script = tmp_path / "crash.py"
    script.write_text(SCRIPT, encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    args = [sys.executable, str(script), settings.database_url, partner_id, str(batch)]
    killed = subprocess.run([*args, "1"], cwd=root, capture_output=True, text=True, timeout=120)
    assert killed.returncode == -9, killed.stderr
    assert counts(db) == (0, 0, 0)
    clean = subprocess.run([*args, "0"], cwd=root, capture_output=True, text=True, timeout=120)
    assert clean.returncode == 0, clean.stderr
    assert clean.stdout.strip() == "300"
    assert counts(db) == (300, 300, 300)
