"""search: the count sample is a partial GIN index of one eighth of the open jobs (PostgreSQL)

Migration 0003 indexed each open job's head lexemes a second time, tagged with one of eight
shards (``hub_search_shard``: "会计#5"), so that a count could ask for "at least N" in one
shard, whose posting lists are an eighth as long. The engine only ever asks shard 0, yet every
write filed its head lexemes in all eight, through a SQL function called per row: a third of
the GIN entries each new job adds and ~9 µs of function calls, on the road in.

Now the sample is a partial index of ``head_tsv`` over the open jobs of shard 0
(``docid >= 0 AND (docid & 7) = 0``): the same posting lists the engine read, an eighth of
the entries to keep up, and no function: PostgreSQL's CPU per posting pushed through the API with
100,000 stored fell from 0.48-0.60 to 0.37-0.46 ms (bench/RESULTS.md, session 8).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29
"""
from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# As migration 0003 made them (the downgrade puts them back).
SHARD_FUNCTION = """
CREATE FUNCTION hub_search_shard(v tsvector, id bigint) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN id < 0 THEN ''::tsvector ELSE array_to_tsvector(ARRAY(
    SELECT l || '#' || (id & 7)::text FROM unnest(tsvector_to_array(v)) AS l)) END
$$"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # The predicate is spelled exactly as app.search.engine_pg.SAMPLE writes it: the planner
    # uses a partial index only for a query whose conditions include its predicate.
    op.execute("CREATE INDEX ix_search_docs_sample ON search_docs USING gin (head_tsv) "
               "WITH (gin_pending_list_limit = 16384) WHERE docid >= 0 AND (docid & 7) = 0")
    op.execute("DROP INDEX ix_search_docs_shard")
    op.execute("DROP FUNCTION hub_search_shard(tsvector, bigint)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(SHARD_FUNCTION)
    op.execute("CREATE INDEX ix_search_docs_shard ON search_docs USING gin (hub_search_shard(head_tsv, docid)) "
               "WITH (gin_pending_list_limit = 16384)")
    op.execute("DROP INDEX ix_search_docs_sample")
