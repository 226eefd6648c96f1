"""Index maintenance: the road in's index step, and full rebuilds.

``index_jobs(session, job_ids)`` runs inside the writer's transaction after jobs are
recomputed, so the index changes exactly when the jobs do. A job keeps its key while
its freshness holds (its docid's sign follows open/closed). A row is rewritten only
when something indexed changed: SQLite compares the stored texts and rewrites the
contentless FTS5 row (deleting it by naming its old tokens, made again from the
stored texts); PostgreSQL compares a digest of the texts and rewrites the row with
its tsvectors (``index_sqlite`` and ``index_pg`` hold the rows' SQL).

A change to how tokens are made (``tokens``, ``docs``) needs ``rebuild`` afterwards:
SQLite could no longer name the old tokens of a row it deletes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol, cast

from sqlalchemy import Connection, Table, select
from sqlalchemy.orm import Session

from app.db import among, is_sqlite
from app.jobs.batch import Batch, employers
from app.jobs.rows import JobRow
from app.models import Employer, Job

from .docs import DOC_COLUMNS, Doc, KnownTokens, doc_key, job_doc, make_docid
from .index_pg import PostgresIndex
from .index_sqlite import SqliteIndex

JOBS = cast(Table, Job.__table__)
EMPLOYERS = cast(Table, Employer.__table__)
CHUNK = 500


class IndexRows(Protocol):
    """The index's rows where SQLite (``index_sqlite``) and PostgreSQL (``index_pg``) differ."""

    def stored(self, job_ids: list[str]) -> dict[str, dict[str, Any]]: ...
    def same_texts(self, row: Mapping[str, Any], doc: Doc) -> bool: ...
    def remove(self, rows: list[dict[str, Any]]) -> None: ...
    def add(self, docs: list[Doc], docids: Mapping[str, int], tokens: KnownTokens) -> None: ...
    def sequence(self, n: int) -> list[int]: ...


def _rows(session: Session) -> IndexRows:
    return SqliteIndex(session) if is_sqlite(session) else PostgresIndex(session)


def index_jobs(session: Session, job_ids: list[str], batch: Batch | None = None,
               tokens: KnownTokens | None = None) -> None:
    """Bring the index in line with ``jobs`` for these ids (the road's index step). Rows the
    road just wrote are taken from ``batch``, not read back; fresh jobs have no entry yet.
    ``tokens``: those ``prepare`` made for the batch's texts."""
    index = _rows(session)
    batch = batch if batch is not None else Batch()
    tokens = tokens if tokens is not None else KnownTokens()
    for i in range(0, len(job_ids), CHUNK):
        ids = job_ids[i:i + CHUNK]
        new = {d.job_id: d for d in load_docs(session, ids, batch)}
        stored_ids = [j for j in ids if j not in batch.fresh]
        old = index.stored(stored_ids) if stored_ids else {}
        stale = [row for job_id, row in old.items() if _differs(index, row, new.get(job_id))]
        redo = {row["job_id"] for row in stale}
        fresh = [d for d in new.values() if d.job_id not in old or d.job_id in redo]
        if not stale and not fresh:
            continue
        if stale:
            index.remove(stale)
        docids = _docids(index, fresh, old)
        if fresh:
            index.add(fresh, docids, tokens)


def load_docs(session: Session, job_ids: Iterable[str], batch: Batch | None = None) -> list[Doc]:
    """The docs of these jobs: from the complete job rows the batch wrote where it has them,
    else read."""
    rows: Mapping[str, JobRow] = batch.rows if batch is not None else {}
    ids = list(job_ids)
    docs = []
    known = [rows[j] for j in ids if j in rows]
    if known:
        names = {e.id: e.name for e in employers(session, {r["employer_id"] for r in known}, batch).values()}
        docs = [job_doc(r, names[r["employer_id"]]) for r in known]
    rest = [j for j in ids if j not in rows]
    if rest:
        stmt = (select(JOBS.c.id, JOBS.c.status, JOBS.c.title, JOBS.c.description, JOBS.c.majors, JOBS.c.tags,
                       JOBS.c.employer_id, JOBS.c.industry, JOBS.c.education, JOBS.c.job_type,
                       JOBS.c.employer_type, JOBS.c.salary_month_min, JOBS.c.salary_month_max,
                       JOBS.c.posted_at, JOBS.c.first_seen_at, JOBS.c.locations,
                       EMPLOYERS.c.name.label("employer_name"))
                .join(EMPLOYERS, EMPLOYERS.c.id == JOBS.c.employer_id)
                .where(among(session, JOBS.c.id, rest)))
        docs += [job_doc(r, r["employer_name"]) for r in session.execute(stmt).mappings()]
    return docs


def _differs(index: IndexRows, row: dict[str, Any], doc: Doc | None) -> bool:
    """A stored row needs rewriting when its job is gone or anything indexed changed: its texts
    (SQLite compares them, PostgreSQL their digest), a filter column, or its freshness."""
    if doc is None:
        return True
    return (not index.same_texts(row, doc) or any(row[c] != getattr(doc, c) for c in DOC_COLUMNS)
            or doc_key(row["docid"]) >> 31 != doc.fresh)


def _docids(index: IndexRows, docs: list[Doc], old: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Keep a job's key while its freshness holds (its docid changes sign when it opens or
    closes); a job new to the index or fresher than before takes a new sequence number."""
    out: dict[str, int] = {}
    need = []
    for d in docs:
        prev = old.get(d.job_id)
        if prev is not None and doc_key(prev["docid"]) >> 31 == d.fresh:
            out[d.job_id] = make_docid(d.fresh, doc_key(prev["docid"]), d.status == "open")
        else:
            need.append(d)
    if need:
        for d, seq in zip(need, index.sequence(len(need)), strict=True):
            out[d.job_id] = make_docid(d.fresh, seq, d.status == "open")
    return out


def rebuild(bind: Connection, progress: Callable[[int, int], None] | None = None) -> int:
    """Drop every index row and index every job again. Returns how many jobs."""
    (SqliteIndex if bind.dialect.name == "sqlite" else PostgresIndex).clear(bind)
    return reindex_all(bind, progress=progress)


def reindex_all(bind: Connection, batch: int = 2000, progress: Callable[[int, int], None] | None = None) -> int:
    """Index every job (the migration's backfill; also a repair tool). Returns how many;
    ``progress(done, total)`` is told after each batch."""
    session = Session(bind=bind)
    ids = list(session.execute(select(JOBS.c.id).order_by(JOBS.c.id)).scalars())
    for i in range(0, len(ids), batch):
        index_jobs(session, ids[i:i + batch])
        if progress is not None:
            progress(min(i + batch, len(ids)), len(ids))
    session.flush()
    return len(ids)
