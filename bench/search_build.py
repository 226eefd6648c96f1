"""Build a benchmark hub database of N open jobs, fast, for ``bench/search.py``.

Rows go straight into ``employers``/``jobs``/``postings`` with bulk SQL (COPY on
PostgreSQL), then the search index is built by ``app.search.index.index_jobs``, the
function the road in calls, in batches. PostgreSQL's GIN indexes are dropped for
the load and rebuilt after, as one would for any bulk load.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.db import Database, normalise_url
from app.migrate import upgrade
from app.models import Employer, Job, Partner, Posting, new_id
from app.normalize import monthly
from app.search.engine_pg import SAMPLE
from app.search.index import index_jobs
from bench.search_data import Generator

BATCH = 5000
# The GIN indexes as the migrations make them (0003, 0009, 0012), by name.
GIN = {"ix_search_docs_head_tsv": "(head_tsv) WITH (gin_pending_list_limit = 16384)",
       "ix_search_docs_full_tsv": "(full_tsv) WITH (gin_pending_list_limit = 16384)",
       "ix_search_docs_sample": f"(head_tsv) WITH (gin_pending_list_limit = 16384) WHERE {SAMPLE}"}


def fresh_database(url: str) -> None:
    """An empty, migrated database at ``url`` (a SQLite file is deleted; a PG database recreated)."""
    u = make_url(normalise_url(url))
    if u.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(u.database) + suffix).unlink(missing_ok=True)
    else:
        admin = create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{u.database}"'))
        admin.dispose()
    upgrade(url)


def _rows(gen: Generator, partners: list[str]) -> Iterator[tuple[dict[str, Any], dict[str, Any], str]]:
    """(job row, posting row, employer name) per generated job."""
    now = datetime.now(UTC)
    for i, g in enumerate(gen.jobs()):
        job_id, posting_id = new_id(), new_id()
        sal = g["salary"] or {}
        job = {
            "id": job_id, "status": "open", "employer_id": None, "canonical_posting_id": posting_id,
            "title": g["title"], "description": g["description"], "job_type": g["job_type"],
            "education": g["education"], "industry": g["industry"], "employer_type": g["employer_type"],
            "salary": g["salary"], "salary_min": sal.get("min"), "salary_max": sal.get("max"),
            "salary_period": sal.get("period"), "salary_month_min": monthly(sal.get("min"), sal.get("period")),
            "salary_month_max": monthly(sal.get("max"), sal.get("period")), "headcount": g["headcount"],
            "posted_at": g["posted_at"], "valid_through": None,
            "apply_url": f"https://jobs.example.edu.cn/apply/{i}", "locations": g["locations"],
            "majors": g["majors"], "tags": g["tags"], "field_sources": {},
            "first_seen_at": g["first_seen_at"], "updated_at": now, "version": 1,
        }
        posting = {
            "id": posting_id, "partner_id": partners[i % len(partners)], "external_id": f"B{i}",
            "job_id": job_id, "employer_id": None, "status": "active", "title": g["title"],
            "content_hash": "0" * 40, "data": {}, "raw": {}, "url": f"https://jobs.example.edu.cn/{i}",
            "posted_at": g["posted_at"], "valid_through": None, "first_seen_at": g["first_seen_at"],
            "last_seen_at": now, "updated_at": now,
        }
        yield job, posting, g["employer"]


def _insert(db: Database, table: Any, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if db.sqlite:
        with db.write() as s:
            s.execute(table.insert(), rows)
        return
    from psycopg.types.json import Jsonb

    cols = list(rows[0])
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        with cur.copy(f"COPY {table.name} ({', '.join(cols)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for r in rows:
                copy.write_row([Jsonb(r[c]) if isinstance(r[c], dict | list) else r[c] for c in cols])
        raw.commit()
    finally:
        raw.close()


def build(url: str, n: int, log: Any = print) -> None:
    """Recreate the database at ``url`` with ``n`` open jobs and their index."""
    t0 = time.perf_counter()
    fresh_database(url)
    db = Database(url, pool_size=2)
    now = datetime.now(UTC)
    partners = [{"id": new_id(), "name": f"bench {k}", "kind": k, "region_code": None, "created_at": now}
                for k in ("university", "provincial_platform", "recruiter")]
    _insert(db, Partner.__table__, partners)
    gen = Generator(n)
    employer_ids: dict[str, str] = {}
    employers, jobs, postings, ids = [], [], [], []
    for job, posting, name in _rows(gen, [p["id"] for p in partners]):
        if name not in employer_ids:
            employer_ids[name] = new_id()
            employers.append({"id": employer_ids[name], "identity_key": f"name:{name}", "name": name,
                              "credit_code": None, "credit_code_verified": False, "type": job["employer_type"],
                              "created_at": now, "updated_at": now})
        job["employer_id"] = posting["employer_id"] = employer_ids[name]
        jobs.append(job)
        postings.append(posting)
        ids.append(job["id"])
        if len(jobs) >= 20000:
            _flush(db, employers, jobs, postings)
    _flush(db, employers, jobs, postings)
    log(f"  rows written in {time.perf_counter() - t0:.0f} s")
    t1 = time.perf_counter()
    if not db.sqlite:
        with db.write() as s:
            for name in GIN:
                s.execute(text(f"DROP INDEX {name}"))
    for i in range(0, len(ids), BATCH):
        with db.write() as s:
            index_jobs(s, ids[i:i + BATCH])
        if i and i % 200_000 == 0:
            log(f"  indexed {i} jobs, {i / (time.perf_counter() - t1):.0f} jobs/s")
    log(f"  index built in {time.perf_counter() - t1:.0f} s ({n / (time.perf_counter() - t1):.0f} jobs/s)")
    _finish(db)
    db.dispose()
    log(f"  database ready in {time.perf_counter() - t0:.0f} s")


def _flush(db: Database, employers: list[dict[str, Any]], jobs: list[dict[str, Any]],
           postings: list[dict[str, Any]]) -> None:
    _insert(db, Employer.__table__, employers)
    _insert(db, Job.__table__, jobs)
    _insert(db, Posting.__table__, postings)
    employers.clear()
    jobs.clear()
    postings.clear()


def _finish(db: Database) -> None:
    """Merge FTS5 segments / build GIN indexes, then refresh planner statistics."""
    with db.engine.connect() as conn:
        if db.sqlite:
            conn.execute(text("INSERT INTO search_fts (search_fts) VALUES ('optimize')"))
            conn.commit()
            conn.exec_driver_sql("ANALYZE")
            return
        conn.execute(text("SET maintenance_work_mem = '512MB'"))
        for name, spec in GIN.items():
            conn.execute(text(f"CREATE INDEX {name} ON search_docs USING gin {spec}"))
        conn.commit()
    raw = db.engine.raw_connection()
    try:
        raw.driver_connection.autocommit = True  # type: ignore[union-attr]
        raw.driver_connection.execute("VACUUM ANALYZE")  # type: ignore[union-attr]
    finally:
        raw.close()
