"""dedup: new block rows are staged in job_blocks_new and merged into job_blocks in bulk (SQLite)

``job_blocks`` is keyed by hashes: each new row lands on a random page of a large index, and
SQLite writes every page a transaction dirtied, whole, to its log. Rows filed since the last
merge now wait in ``job_blocks_new`` (arrival order) and are moved over sorted, thousands at a
time (app.dedup.queries.merge_new_blocks). The table exists on PostgreSQL too, empty: there the
road files straight into ``job_blocks``. Downgrading merges what waits, then drops the table.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_blocks_new",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("block", sa.BigInteger(), nullable=False),
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_blocks_new")),
    )
    op.create_index(op.f("ix_job_blocks_new_job_id"), "job_blocks_new", ["job_id"], unique=False)


def downgrade() -> None:
    op.execute("INSERT INTO job_blocks (block, job_id) SELECT DISTINCT block, job_id FROM job_blocks_new n "
               "WHERE NOT EXISTS (SELECT 1 FROM job_blocks b WHERE b.block = n.block AND b.job_id = n.job_id)")
    op.drop_index(op.f("ix_job_blocks_new_job_id"), table_name="job_blocks_new")
    op.drop_table("job_blocks_new")
