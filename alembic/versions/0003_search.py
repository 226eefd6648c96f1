"""search: the job index (search_docs + SQLite FTS5 table / PostgreSQL tsvector GIN indexes)

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-28
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None

# Tokens are made by app.search (tokens.py, docs.py) and joined by spaces; "_" starts the
# marked tokens (_h软件, _r440300, ...) so it must stay inside a token. Contentless, and
# no positions or columns: a document is a set of terms, rowid = search_docs.docid.
# PostgreSQL: a GIN bitmap holds every match, and a word in a third of the jobs makes it
# big. Counting "at least 1,000" only needs some matches, so an expression index keeps
# each open job's head lexemes (title, employer, filters) again, tagged with one of 8
# shards ("工程#5"): one shard's posting lists are an eighth as long (see
# app.search.engine_pg). The description's lexemes are left out: tripling the GIN work
# of every write was too dear.
SHARD_FUNCTION = """
CREATE FUNCTION hub_search_shard(v tsvector, id bigint) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN id < 0 THEN ''::tsvector ELSE array_to_tsvector(ARRAY(
    SELECT l || '#' || (id & 7)::text FROM unnest(tsvector_to_array(v)) AS l)) END
$$"""

FTS5 = ("CREATE VIRTUAL TABLE search_fts USING fts5(tokens, content='', detail=none, columnsize=0, "
        "tokenize=\"unicode61 remove_diacritics 0 tokenchars '_'\")")


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    tsv = sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql")
    op.create_table(
        "search_docs",
        sa.Column("docid", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False,
                  nullable=False),
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("employer_id", sa.String(length=32), nullable=False),
        sa.Column("industry", sa.String(length=1), nullable=True),
        sa.Column("education", sa.String(length=16), nullable=True),
        sa.Column("job_type", sa.String(length=16), nullable=True),
        sa.Column("employer_type", sa.String(length=32), nullable=True),
        sa.Column("regions", sa.String(length=400), nullable=False),
        sa.Column("salary", sa.Integer(), nullable=True),
        sa.Column("head_tsv", tsv, nullable=True),
        sa.Column("full_tsv", tsv, nullable=True),
        sa.PrimaryKeyConstraint("docid", name=op.f("pk_search_docs")),
        sa.UniqueConstraint("job_id", name=op.f("uq_search_docs_job_id")),
    )
    op.create_table(
        "search_texts",
        sa.Column("docid", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False,
                  nullable=False),
        sa.Column("head_text", sa.Text(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("docid", name=op.f("pk_search_texts")),
    )
    if sqlite:
        op.execute(FTS5)
        op.execute("INSERT INTO counters (name, value) VALUES ('search_docid', 0)")
    else:
        op.execute("CREATE SEQUENCE search_docid_seq")
        # Keep rows narrow for walks down docid: the big tsvector always out of line.
        op.execute("ALTER TABLE search_docs ALTER COLUMN full_tsv SET STORAGE EXTERNAL")
        op.execute("ALTER TABLE search_docs ALTER COLUMN head_tsv SET STORAGE MAIN")
        op.execute("ALTER TABLE search_docs SET (toast_tuple_target = 128)")
        # 10,000 most common lexemes in pg_stats: the engine reads them to choose its plan.
        op.execute("ALTER TABLE search_docs ALTER COLUMN head_tsv SET STATISTICS 1000")
        op.execute("ALTER TABLE search_docs ALTER COLUMN full_tsv SET STATISTICS 1000")
        op.execute("CREATE INDEX ix_search_docs_head_tsv ON search_docs USING gin (head_tsv)")
        op.execute("CREATE INDEX ix_search_docs_full_tsv ON search_docs USING gin (full_tsv)")
        op.execute(SHARD_FUNCTION)
        op.execute("CREATE INDEX ix_search_docs_shard ON search_docs USING gin (hub_search_shard(head_tsv, docid))")
    # Index every job that is already there (empty on a fresh hub).
    from app.search.index import reindex_all

    reindex_all(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_fts")
        op.execute("DELETE FROM counters WHERE name = 'search_docid'")
        op.drop_table("search_texts")
        op.drop_table("search_docs")
        return
    op.drop_table("search_texts")
    op.drop_table("search_docs")  # takes its indexes with it
    op.execute("DROP FUNCTION hub_search_shard(tsvector, bigint)")
    op.execute("DROP SEQUENCE search_docid_seq")
