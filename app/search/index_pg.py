"""Keeping the index on PostgreSQL: each row holds its filter columns, the tsvectors of its
head and full texts, and a digest of the texts (it keeps no texts to compare with).

New rows go in one statement per chunk: the rows travel as one JSON array (see ``app.bulk``),
their tokens as one space-joined string each (no token holds a space), far cheaper to send
than arrays; the statement goes out behind the road (``app.writebehind``). Docids come from a
sequence (writers run side by side).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import orjson
from sqlalchemy import Connection, Table, delete, select, text
from sqlalchemy.orm import Session

from app.db import among
from app.models import SearchDoc
from app.writebehind import execute_later

from .docs import DOC_COLUMNS, Doc, KnownTokens

DOCS = cast(Table, SearchDoc.__table__)
_TYPES = {"job_id": "text", "status": "text", "employer_id": "text", "industry": "text", "education": "text",
          "job_type": "text", "employer_type": "text", "regions": "text", "salary": "integer"}
_INSERT = (
    f"INSERT INTO search_docs (docid, {', '.join(DOC_COLUMNS)}, text_digest, head_tsv, full_tsv) SELECT r.docid, "
    + ", ".join(f"r.{c}" for c in DOC_COLUMNS)
    + ", r.digest, array_to_tsvector(string_to_array(r.head, ' ')), "
    "array_to_tsvector(string_to_array(r.\"full\", ' ')) "
    "FROM json_to_recordset(CAST(:rows AS json)) AS r(docid bigint, "
    + ", ".join(f"{c} {_TYPES[c]}" for c in DOC_COLUMNS) + ", digest bigint, head text, \"full\" text)")


class PostgresIndex:
    """The index's rows on PostgreSQL (see the module docstring)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def stored(self, job_ids: list[str]) -> dict[str, dict[str, Any]]:
        """The stored rows of these jobs, with their texts' digest, by job id."""
        stmt = (select(DOCS.c.docid, *(DOCS.c[c] for c in DOC_COLUMNS), DOCS.c.text_digest)
                .where(among(self.session, DOCS.c.job_id, job_ids)))
        return {r["job_id"]: dict(r) for r in self.session.execute(stmt).mappings()}

    @staticmethod
    def same_texts(row: Mapping[str, Any], doc: Doc) -> bool:
        """The stored row was made from the doc's very texts (a row without a digest is rewritten)."""
        return row["text_digest"] is not None and bool(row["text_digest"] == doc.text_digest())

    def remove(self, rows: list[dict[str, Any]]) -> None:
        """Delete stored rows."""
        self.session.execute(delete(DOCS).where(among(self.session, DOCS.c.docid, [r["docid"] for r in rows])))

    def add(self, docs: list[Doc], docids: Mapping[str, int], tokens: KnownTokens) -> None:
        """Insert these docs under their docids; ``tokens``: those already made for their texts."""
        rows = [_row(docids[d.job_id], d, tokens) for d in docs]
        execute_later(self.session, _INSERT, {"rows": orjson.dumps(rows).decode()})

    def sequence(self, n: int) -> list[int]:
        """``n`` new sequence numbers."""
        return list(self.session.execute(text("SELECT nextval('search_docid_seq') FROM generate_series(1, :n)"),
                                         {"n": n}).scalars())

    @staticmethod
    def clear(bind: Connection) -> None:
        """Drop every index row."""
        bind.execute(text("DELETE FROM search_docs"))


def _row(docid: int, d: Doc, known: KnownTokens) -> dict[str, Any]:
    head = d.head_tokens(known)
    tags = d.filter_tokens()
    return {"docid": docid, **{c: getattr(d, c) for c in DOC_COLUMNS}, "digest": d.text_digest(),
            "head": " ".join(head + d.title_marks() + tags), "full": " ".join(head + d.body_tokens(known) + tags)}
