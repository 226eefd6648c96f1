"""The search index's own rows: one ``SearchDoc`` per job (see ``app.search``).

``docid`` orders documents by freshness (see ``app.search.docs.make_docid``), so
"newest first" is a walk down one key. The text index lives beside it: on SQLite
the FTS5 table ``search_fts`` (rowid = docid, made by migration 0003), on
PostgreSQL the ``head_tsv``/``full_tsv`` columns with GIN indexes.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

# INTEGER PRIMARY KEY on SQLite makes docid the rowid, which the FTS5 rowid joins to.
DocId = BigInteger().with_variant(Integer(), "sqlite")
TsVector = Text().with_variant(TSVECTOR(), "postgresql")


class SearchDoc(Base):
    """What the index knows about one job: its filter values and, per database, its tokens."""

    __tablename__ = "search_docs"

    docid: Mapped[int] = mapped_column(DocId, primary_key=True, autoincrement=False)
    job_id: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    employer_id: Mapped[str] = mapped_column(String(32))
    industry: Mapped[str | None] = mapped_column(String(1))
    education: Mapped[str | None] = mapped_column(String(16))
    job_type: Mapped[str | None] = mapped_column(String(16))
    employer_type: Mapped[str | None] = mapped_column(String(32))
    # Each location's code and its ancestors, space-separated (for the region facet).
    regions: Mapped[str] = mapped_column(String(400))
    # Monthly CNY: the top of the job's range (its bottom when it has no top).
    salary: Mapped[int | None] = mapped_column(Integer)
    # PostgreSQL only (NULL on SQLite): head = title, employer and filter tokens; full =
    # all of them plus the description's. full_tsv is kept out of line so walks stay narrow.
    head_tsv: Mapped[str | None] = mapped_column(TsVector)
    full_tsv: Mapped[str | None] = mapped_column(TsVector)
    # PostgreSQL only (NULL on SQLite, which keeps the texts themselves in ``search_texts``): a
    # 64-bit hash of the texts the tsvectors were made from, so a recomputed job whose indexed
    # texts and filter values are unchanged keeps its row. NULL (rows from before migration 0013):
    # rewritten on the job's next change.
    text_digest: Mapped[int | None] = mapped_column(BigInteger)


class SearchText(Base):
    """SQLite only: the texts a doc's FTS5 row was built from. A contentless FTS5 row can
    only be deleted by naming its tokens again (SQLite 3.40 has no contentless_delete)."""

    __tablename__ = "search_texts"

    docid: Mapped[int] = mapped_column(DocId, primary_key=True, autoincrement=False)
    head_text: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
