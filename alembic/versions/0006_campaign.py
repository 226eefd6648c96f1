"""campaign: recruitment fairs and their jobs, enterprise visits and targets, hardship cases and pushes

Revision ID: 0006
Revises: 0001
Create Date: 2026-11-28
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import app.models.base
from alembic import op

revision = "0006"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC = app.models.base.UTCDateTime(timezone=True)


def _fk(table: str, col: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([col], [f"{target}.id"], name=op.f(f"fk_{table}_{col}_{target}"),
                                   ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "fairs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("organiser_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("region_keys", sa.String(length=64), nullable=False),
        sa.Column("venue", sa.String(length=300), nullable=True),
        sa.Column("address", sa.String(length=500), nullable=True),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("starts_at", UTC, nullable=False),
        sa.Column("ends_at", UTC, nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("employers", JSON, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        _fk("fairs", "organiser_id", "partners"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fairs")),
    )
    with op.batch_alter_table("fairs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fairs_organiser_id"), ["organiser_id"], unique=False)
        batch_op.create_index("ix_fairs_starts_at_id", ["starts_at", "id"], unique=False)

    op.create_table(
        "fair_jobs",
        sa.Column("fair_id", sa.String(length=32), nullable=False),
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _fk("fair_jobs", "fair_id", "fairs"),
        _fk("fair_jobs", "job_id", "jobs"),
        sa.PrimaryKeyConstraint("fair_id", "job_id", name=op.f("pk_fair_jobs")),
    )
    with op.batch_alter_table("fair_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fair_jobs_job_id"), ["job_id"], unique=False)

    op.create_table(
        "visits",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("employer_name", sa.String(length=300), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("employer_id", sa.String(length=32), nullable=True),
        sa.Column("employer_key", sa.String(length=340), nullable=False),
        sa.Column("visited_at", UTC, nullable=False),
        sa.Column("leader_name", sa.String(length=100), nullable=False),
        sa.Column("leader_title", sa.String(length=100), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("region_keys", sa.String(length=64), nullable=False),
        sa.Column("jobs_promised", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        _fk("visits", "partner_id", "partners"),
        _fk("visits", "employer_id", "employers", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visits")),
    )
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_index("ix_visits_partner_id_visited_at", ["partner_id", "visited_at"], unique=False)
        batch_op.create_index("ix_visits_visited_at", ["visited_at"], unique=False)

    op.create_table(
        "visit_targets",
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        _fk("visit_targets", "partner_id", "partners"),
        sa.PrimaryKeyConstraint("partner_id", name=op.f("pk_visit_targets")),
    )

    op.create_table(
        "cases",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("student_ref", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("education", sa.String(length=16), nullable=True),
        sa.Column("major", sa.String(length=100), nullable=True),
        sa.Column("region_codes", JSON, nullable=False),
        sa.Column("job_types", JSON, nullable=False),
        sa.Column("expected_salary", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("region_keys", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        _fk("cases", "partner_id", "partners"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("partner_id", "student_ref", name=op.f("uq_cases_partner_id_student_ref")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_created_at", ["created_at"], unique=False)

    op.create_table(
        "case_pushes",
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("pushed_at", UTC, nullable=False),
        _fk("case_pushes", "case_id", "cases"),
        _fk("case_pushes", "job_id", "jobs"),
        sa.PrimaryKeyConstraint("case_id", "job_id", name=op.f("pk_case_pushes")),
    )
    with op.batch_alter_table("case_pushes", schema=None) as batch_op:
        batch_op.create_index("ix_case_pushes_pushed_at", ["pushed_at"], unique=False)


def downgrade() -> None:
    op.drop_table("case_pushes")
    op.drop_table("cases")
    op.drop_table("visit_targets")
    op.drop_table("visits")
    op.drop_table("fair_jobs")
    op.drop_table("fairs")
