"""api_keys: a name and a last-used time, so keys can be told apart and rotated one at a time

A key already has an id (its primary key). ``name`` is the partner's own label for it
("生产环境", "测试"), ``last_used_at`` when it last authenticated a request (written at most
once a minute per key, not on every request). Existing keys get no name and no last use.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa

import app.models.base
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("last_used_at", app.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_column("last_used_at")
        batch_op.drop_column("name")
