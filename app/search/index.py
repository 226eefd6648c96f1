"""Index maintenance: the road in's index step, and full rebuilds.

``index_jobs(session, job_ids)`` runs inside the writer's transaction after jobs are
recomputed, so the index changes exactly when the jobs do. A job keeps its key while
its freshness holds (its docid's sign follows open/closed). A row is rewritten only
when something indexed changed: SQLite compares the stored texts and rewrites the
contentless FTS5 row (deleting it by naming its old tokens, made again from the
stored texts); PostgreSQL compares a digest of the texts and rewrites the row with
its tsvectors.

A change to how tokens are made (``tokens``, ``docs``) needs ``rebuild`` afterwards:
SQLite could no longer name the old tokens of a row it deletes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson
from sqlalchemy import Connection, delete, select, text
from sqlalchemy.orm import Session

from app.db import among, is_sqlite
from app.jobs.batch import Batch, employers
from app.jobs.rows import JobRow
from app.models import Employer, Job, SearchDoc, SearchText
from app.writebehind import execute_later

from .docs import Doc, KnownTokens, doc_key, job_doc, make_docid

JOBS = Job.__table__
DOCS = SearchDoc.__table__
TEXTS = SearchText.__table__
EMPLOYERS = Employer.__table__
DOC_COLUMNS = ("job_id", "status", "employer_id", "industry", "education", "job_type", "employer_type",
               "regions", "salary")
CHUNK = 500

# New rows go to SQLite as plain DBAPI executemany of tuples (no per-row statement machinery).
_FTS_INSERT = "INSERT INTO search_fts (rowid, tokens) VALUES (?, ?)"
_FTS_DELETE = text("INSERT INTO search_fts (search_fts, rowid, tokens) VALUES ('delete', :docid, :tokens)")
_COLS = ", ".join(DOC_COLUMNS)
_SQLITE_INSERT = f"INSERT INTO search_docs (docid, {_COLS}) VALUES (?, {', '.join('?' * len(DOC_COLUMNS))})"
_TEXTS_INSERT = "INSERT INTO search_texts (docid, head_text, body_text) VALUES (?, ?, ?)"
# Tokens travel as one space-joined string (none holds a space): far cheaper to send than arrays.
# One statement per chunk: the rows travel as one JSON array (see app.bulk).
_PG_TYPES = {"job_id": "text", "status": "text", "employer_id": "text", "industry": "text", "education": "text",
             "job_type": "text", "employer_type": "text", "regions": "text", "salary": "integer"}
_PG_INSERT = (
    f"INSERT INTO search_docs (docid, {_COLS}, text_digest, head_tsv, full_tsv) SELECT r.docid, "
    + ", ".join(f"r.{c}" for c in DOC_COLUMNS)
    + ", r.digest, array_to_tsvector(string_to_array(r.head, ' ')), "
    "array_to_tsvector(string_to_array(r.\"full\", ' ')) "
    "FROM json_to_recordset(CAST(:rows AS json)) AS r(docid bigint, "
    + ", ".join(f"{c} {_PG_TYPES[c]}" for c in DOC_COLUMNS) + ", digest bigint, head text, \"full\" text)")


def index_jobs(session: Session, job_ids: list[str], batch: Batch | None = None,
               tokens: KnownTokens | None = None) -> None:
    """Bring the index in line with ``jobs`` for these ids (the road's index step). Rows the
    road just wrote are taken from ``batch``, not read back; fresh jobs have no entry yet.
    ``tokens``: those ``prepare`` made for the batch's texts."""
    sqlite = is_sqlite(session)
    batch = batch if batch is not None else Batch()
    tokens = tokens if tokens is not None else KnownTokens()
    for i in range(0, len(job_ids), CHUNK):
        ids = job_ids[i:i + CHUNK]
        new = {d.job_id: d for d in load_docs(session, ids, batch)}
        old = _stored(session, [j for j in ids if j not in batch.fresh], sqlite)
        stale = [row for job_id, row in old.items() if _differs(row, new.get(job_id))]
        redo = {row["job_id"] for row in stale}
        fresh = [d for d in new.values() if d.job_id not in old or d.job_id in redo]
        if not stale and not fresh:
            continue
        if stale:
            gone = [row["docid"] for row in stale]
            if sqlite:
                session.execute(_FTS_DELETE, [_fts_row(row["docid"], _as_doc(row)) for row in stale])
                session.execute(delete(TEXTS).where(among(session, TEXTS.c.docid, gone)))
            session.execute(delete(DOCS).where(among(session, DOCS.c.docid, gone)))
        docids = _docids(session, fresh, old, sqlite)
        if not fresh:
            continue
        if sqlite:
            conn = session.connection()
            conn.exec_driver_sql(_FTS_INSERT, [(docids[d.job_id], d.fts_tokens(tokens)) for d in fresh])
            conn.exec_driver_sql(_SQLITE_INSERT, [(docids[d.job_id], *(getattr(d, c) for c in DOC_COLUMNS))
                                                  for d in fresh])
            conn.exec_driver_sql(_TEXTS_INSERT, [(docids[d.job_id], d.head_text, d.body_text) for d in fresh])
        else:
            rows = [_pg_row(docids[d.job_id], d, tokens) for d in fresh]
            execute_later(session, _PG_INSERT, {"rows": orjson.dumps(rows).decode()})


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


def _stored(session: Session, ids: list[str], sqlite: bool) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    cols = [DOCS.c.docid, *(DOCS.c[c] for c in DOC_COLUMNS)]
    if sqlite:
        stmt = select(*cols, TEXTS.c.head_text, TEXTS.c.body_text).outerjoin(TEXTS, TEXTS.c.docid == DOCS.c.docid)
    else:
        stmt = select(*cols, DOCS.c.text_digest)
    stmt = stmt.where(among(session, DOCS.c.job_id, ids))
    return {r["job_id"]: dict(r) for r in session.execute(stmt).mappings()}


def _differs(row: dict[str, Any], doc: Doc | None) -> bool:
    """A stored row needs rewriting when its job is gone or anything indexed changed. SQLite
    compares the stored texts, PostgreSQL their digest (a row without one is rewritten)."""
    if doc is None:
        return True
    if "head_text" in row:
        same_texts = row["head_text"] is not None and (row["head_text"], row["body_text"]) == (
            doc.head_text, doc.body_text)
    else:
        same_texts = row["text_digest"] is not None and row["text_digest"] == doc.text_digest()
    return (not same_texts or any(row[c] != getattr(doc, c) for c in DOC_COLUMNS)
            or doc_key(row["docid"]) >> 31 != doc.fresh)


def _as_doc(row: dict[str, Any]) -> Doc:
    return Doc(**{c: row[c] for c in DOC_COLUMNS}, head_text=row["head_text"] or "",
               body_text=row["body_text"] or "", fresh=doc_key(row["docid"]) >> 31)


def _docids(session: Session, docs: list[Doc], old: dict[str, dict[str, Any]], sqlite: bool) -> dict[str, int]:
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
        for d, seq in zip(need, _sequence(session, len(need), sqlite)):
            out[d.job_id] = make_docid(d.fresh, seq, d.status == "open")
    return out


def _sequence(session: Session, n: int, sqlite: bool) -> list[int]:
    if sqlite:  # writers are serialised on SQLite, so a counters row is enough
        top = session.execute(text("UPDATE counters SET value = value + :n WHERE name = 'search_docid' "
                                   "RETURNING value"), {"n": n}).scalar_one()
        return list(range(top - n + 1, top + 1))
    return list(session.execute(text("SELECT nextval('search_docid_seq') FROM generate_series(1, :n)"),
                                {"n": n}).scalars())


def _row(docid: int, d: Doc, **extra: Any) -> dict[str, Any]:
    return {"docid": docid, **{c: getattr(d, c) for c in DOC_COLUMNS}, **extra}


def _fts_row(docid: int, d: Doc) -> dict[str, Any]:
    return {"docid": docid, "tokens": d.fts_tokens()}


def _pg_row(docid: int, d: Doc, known: KnownTokens | None = None) -> dict[str, Any]:
    head = d.head_tokens(known)
    tags = d.filter_tokens()
    return _row(docid, d, digest=d.text_digest(), head=" ".join(head + tags),
                full=" ".join(head + d.body_tokens(known) + tags))


def rebuild(bind: Connection) -> int:
    """Drop every index row and index every job again. Returns how many jobs."""
    if bind.dialect.name == "sqlite":
        bind.execute(text("INSERT INTO search_fts (search_fts) VALUES ('delete-all')"))
        bind.execute(text("DELETE FROM search_texts"))
    bind.execute(text("DELETE FROM search_docs"))
    return reindex_all(bind)


def reindex_all(bind: Connection, batch: int = 2000) -> int:
    """Index every job (the migration's backfill; also a repair tool). Returns how many."""
    session = Session(bind=bind)
    ids = list(session.execute(select(JOBS.c.id).order_by(JOBS.c.id)).scalars())
    for i in range(0, len(ids), batch):
        index_jobs(session, ids[i:i + batch])
    session.flush()
    return len(ids)
