"""postings, jobs: drop the employer_id indexes no query uses

Every new posting and every new job put one entry at a random place in each of them (employer
ids are not in time order), so a batch of 500 dirtied ~200 pages of each; on SQLite every dirty
page goes whole into the write-ahead log at commit. No query reads postings or jobs by employer:
an employer's jobs come from the search index (its ``_emp_`` filter tokens), and employers are
never deleted, so the foreign keys need no index on the referencing side.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""
from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

INDEXES = (("postings", "ix_postings_employer_id"), ("jobs", "ix_jobs_employer_id"))


def upgrade() -> None:
    for table, name in INDEXES:
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for table, name in INDEXES:
        op.create_index(name, table, ["employer_id"], unique=False)
