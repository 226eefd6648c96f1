"""search: a digest of each row's texts, so PostgreSQL rewrites only rows whose job changed

A job is recomputed whenever one of its postings changes or another posting joins it (a
cross-post from a second partner, the common case). SQLite compares the stored texts
(``search_texts``) with the new ones and leaves an unchanged row alone; PostgreSQL keeps no
texts, so it deleted and re-inserted every recomputed job's row, with all of its GIN entries,
although for cross-posts the indexed texts are nearly always the same (94% of the jobs the
duplicates bench touched). ``text_digest`` (a 64-bit hash of the head and body texts, written
with the row) lets PostgreSQL tell the same. Existing rows get NULL and are rewritten, with a
digest, on their job's next change.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29
"""
from __future__ import annotations

import sqlalchemy as sa

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("search_docs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text_digest", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("search_docs", schema=None) as batch_op:
        batch_op.drop_column("text_digest")
