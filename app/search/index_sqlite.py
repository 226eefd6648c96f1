"""Keeping the index on SQLite: a contentless FTS5 table of tokens, the filter columns, and the
texts a row's tokens were made from (FTS5 deletes a row by naming its old tokens again).

A stored row is compared with its job by those texts; new rows go in as plain DBAPI
``executemany`` of tuples (no per-row statement machinery); docids come from a counter row
(writers take turns on SQLite).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import Connection, Table, delete, select, text
from sqlalchemy.orm import Session

from app.db import among
from app.models import SearchDoc, SearchText

from .docs import DOC_COLUMNS, Doc, KnownTokens, doc_key

DOCS = cast(Table, SearchDoc.__table__)
TEXTS = cast(Table, SearchText.__table__)
_COLS = ", ".join(DOC_COLUMNS)
_FTS_INSERT = "INSERT INTO search_fts (rowid, tokens) VALUES (?, ?)"
_FTS_DELETE = text("INSERT INTO search_fts (search_fts, rowid, tokens) VALUES ('delete', :docid, :tokens)")
_DOCS_INSERT = f"INSERT INTO search_docs (docid, {_COLS}) VALUES (?, {', '.join('?' * len(DOC_COLUMNS))})"
_TEXTS_INSERT = "INSERT INTO search_texts (docid, head_text, body_text) VALUES (?, ?, ?)"


class SqliteIndex:
    """The index's rows on SQLite (see the module docstring)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def stored(self, job_ids: list[str]) -> dict[str, dict[str, Any]]:
        """The stored rows of these jobs, with their texts, by job id."""
        cols = [DOCS.c.docid, *(DOCS.c[c] for c in DOC_COLUMNS)]
        stmt = (select(*cols, TEXTS.c.head_text, TEXTS.c.body_text)
                .outerjoin(TEXTS, TEXTS.c.docid == DOCS.c.docid).where(among(self.session, DOCS.c.job_id, job_ids)))
        return {r["job_id"]: dict(r) for r in self.session.execute(stmt).mappings()}

    @staticmethod
    def same_texts(row: Mapping[str, Any], doc: Doc) -> bool:
        """The stored row was made from the doc's very texts."""
        return row["head_text"] is not None and (row["head_text"], row["body_text"]) == (doc.head_text, doc.body_text)

    def remove(self, rows: list[dict[str, Any]]) -> None:
        """Delete stored rows (the FTS5 row by naming the tokens it was made with)."""
        gone = [row["docid"] for row in rows]
        self.session.execute(_FTS_DELETE, [{"docid": row["docid"], "tokens": _as_doc(row).fts_tokens()}
                                           for row in rows])
        self.session.execute(delete(TEXTS).where(among(self.session, TEXTS.c.docid, gone)))
        self.session.execute(delete(DOCS).where(among(self.session, DOCS.c.docid, gone)))

    def add(self, docs: list[Doc], docids: Mapping[str, int], tokens: KnownTokens) -> None:
        """Insert these docs under their docids; ``tokens``: those already made for their texts."""
        conn = self.session.connection()
        conn.exec_driver_sql(_FTS_INSERT, [(docids[d.job_id], d.fts_tokens(tokens)) for d in docs])
        conn.exec_driver_sql(_DOCS_INSERT, [(docids[d.job_id], *(getattr(d, c) for c in DOC_COLUMNS))
                                            for d in docs])
        conn.exec_driver_sql(_TEXTS_INSERT, [(docids[d.job_id], d.head_text, d.body_text) for d in docs])

    def sequence(self, n: int) -> list[int]:
        """``n`` new sequence numbers (a counters row: writers take turns on SQLite)."""
        top = self.session.execute(text("UPDATE counters SET value = value + :n WHERE name = 'search_docid' "
                                        "RETURNING value"), {"n": n}).scalar_one()
        return list(range(top - n + 1, top + 1))

    @staticmethod
    def clear(bind: Connection) -> None:
        """Drop every index row."""
        bind.execute(text("INSERT INTO search_fts (search_fts) VALUES ('delete-all')"))
        bind.execute(text("DELETE FROM search_texts"))
        bind.execute(text("DELETE FROM search_docs"))


def _as_doc(row: Mapping[str, Any]) -> Doc:
    return Doc(**{c: row[c] for c in DOC_COLUMNS}, head_text=row["head_text"] or "",
               body_text=row["body_text"] or "", fresh=doc_key(row["docid"]) >> 31)
