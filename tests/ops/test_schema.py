"""The schema Alembic builds is the one the models describe."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from app.db import normalise_url
from app.models import Base

# Made by raw SQL in migrations 0003/0009/0012, on purpose outside the models: SQLite's FTS5 tables
# and PostgreSQL's GIN indexes of search lexemes.
RAW_SQL = {"search_fts", "search_fts_idx", "search_fts_data", "search_fts_config", "search_fts_docsize",
           "ix_search_docs_full_tsv", "ix_search_docs_head_tsv", "ix_search_docs_sample"}


def _ours(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    return name not in RAW_SQL


def test_migrations_build_what_the_models_describe(db_url: str) -> None:
    engine = create_engine(normalise_url(db_url))
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"include_object": _ours})
            diff = compare_metadata(ctx, Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_no_index_on_employer_ids_of_postings_and_jobs(db_url: str) -> None:
    """Migration 0010 dropped them: nothing reads postings or jobs by employer, and every new row
    put an entry at a random place in each (see the migration)."""
    from sqlalchemy import inspect

    engine = create_engine(normalise_url(db_url))
    try:
        insp = inspect(engine)
        for table in ("postings", "jobs"):
            assert ["employer_id"] not in [ix["column_names"] for ix in insp.get_indexes(table)]
            assert any(fk["constrained_columns"] == ["employer_id"] for fk in insp.get_foreign_keys(table))
    finally:
        engine.dispose()
