"""The shared job index: Chinese full text with filters and facets, on SQLite and PostgreSQL.

- ``tokens``: text → overlapping two-character CJK tokens + lower-cased words (both
  databases index exactly these, so both match alike).
- ``docs`` / ``index``: one ``search_docs`` row per job, kept current by the road in
  (``index_jobs`` is the road's index step, ``app.ingest.pipeline.finish``). Filter values are tokens
  too; a job's docid orders it by freshness and its sign says open or closed.
- ``plan``: a search reduced to tokens; ``engine_sqlite`` (FTS5) and ``engine_pg``
  (tsvector + GIN, walking the primary key for common words) run it.
- ``service``: ``search_jobs`` (orders, cursors, rendering) and ``query_terms``;
  ``facets``: capped totals and facet counts, cached until the next change.

No order ever ranks every match: each is a keyset walk that stops at the page size,
which is what keeps a word found in a third of a million jobs as fast as a rare one.
"""
