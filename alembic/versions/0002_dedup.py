"""dedup: job representatives and blocks, employer name variants, overrides, merges, explain

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import app.models.base
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TS = app.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "job_signatures",
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.Column("posting_id", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("employer_id", sa.String(length=32), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("weak", sa.Boolean(), nullable=False),
        sa.Column("title_key", sa.String(length=500), nullable=False),
        sa.Column("title_core", sa.String(length=500), nullable=False),
        sa.Column("seniority", sa.String(length=64), nullable=False),
        sa.Column("codes", sa.String(length=200), nullable=False),
        sa.Column("job_type", sa.String(length=16), nullable=True),
        sa.Column("education", sa.String(length=16), nullable=True),
        sa.Column("salary_min", sa.Integer(), nullable=True),
        sa.Column("salary_max", sa.Integer(), nullable=True),
        sa.Column("places", JSON, nullable=False),
        sa.Column("posted_at", TS, nullable=True),
        sa.Column("blocks", JSON, nullable=False),
        sa.Column("members", sa.String(length=16), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_job_signatures")),
    )
    op.create_table(
        "job_blocks",
        sa.Column("block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("block", "job_id", name=op.f("pk_job_blocks")),
    )
    with op.batch_alter_table("job_blocks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_blocks_job_id"), ["job_id"], unique=False)

    op.create_table(
        "employer_names",
        sa.Column("employer_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("first_seen_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["employer_id"], ["employers.id"], name=op.f("fk_employer_names_employer_id_employers"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("employer_id", "name", name=op.f("pk_employer_names")),
    )
    with op.batch_alter_table("employer_names", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_employer_names_name_key"), ["name_key"], unique=False)

    op.create_table(
        "posting_overrides",
        sa.Column("posting_id", sa.String(length=32), nullable=False),
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("posting_id", "job_id", name=op.f("pk_posting_overrides")),
    )
    with op.batch_alter_table("posting_overrides", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_posting_overrides_job_id"), ["job_id"], unique=False)

    op.create_table(
        "job_merges",
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.Column("into_job_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_job_merges")),
    )
    with op.batch_alter_table("job_merges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_merges_into_job_id"), ["into_job_id"], unique=False)

    op.create_table(
        "posting_matches",
        sa.Column("posting_id", sa.String(length=32), nullable=False),
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("compared_job_id", sa.String(length=32), nullable=True),
        sa.Column("features", JSON, nullable=False),
        sa.Column("candidates", sa.Integer(), nullable=False),
        sa.Column("decided_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("posting_id", name=op.f("pk_posting_matches")),
    )


def downgrade() -> None:
    op.drop_table("posting_matches")
    with op.batch_alter_table("job_merges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_merges_into_job_id"))
    op.drop_table("job_merges")
    with op.batch_alter_table("posting_overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_posting_overrides_job_id"))
    op.drop_table("posting_overrides")
    with op.batch_alter_table("employer_names", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employer_names_name_key"))
    op.drop_table("employer_names")
    with op.batch_alter_table("job_blocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_blocks_job_id"))
    op.drop_table("job_blocks")
    op.drop_table("job_signatures")
