"""search: 16 MB GIN pending lists, merged in the background (PostgreSQL)

A write adds its lexemes to each GIN index's pending list; the writer whose insert finds a
list past ``gin_pending_list_limit`` (4 MB by default) merges it into the index inside its own
transaction. The API processes now merge them every second (app.housekeeping.search_merger),
so the limit is a backstop and the writers rarely pay for it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""
from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

INDEXES = ("ix_search_docs_head_tsv", "ix_search_docs_full_tsv", "ix_search_docs_shard")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for ix in INDEXES:
        op.execute(f"ALTER INDEX {ix} SET (gin_pending_list_limit = 16384)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for ix in INDEXES:
        op.execute(f"ALTER INDEX {ix} RESET (gin_pending_list_limit)")
