"""fairs as the campaign holds them: industry, national scope, series with main and sub-venues;
the search index rebuilt for title-aware relevance

A fair gains ``industry`` (GB/T 4754 section of an industry fair), ``scope`` (``regional``, or
``national`` for an online fair serving the whole country, region ``000000``) and its place in a
``fair_series`` (``series_id``, ``series_role`` main | sub). Existing fairs are regional and in no
series. Participating employers keep living in ``fairs.employers`` (their booth is a new key).
A partner gains ``website`` (its career site or contact page: a job's last way to apply).
The index gains title tokens and an exact-title token (``app.search.docs``), so it is rebuilt.

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa

import app.models.base
from alembic import op

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None

UTC = app.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "fair_series",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("organiser_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["organiser_id"], ["partners.id"], name=op.f("fk_fair_series_organiser_id_partners"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fair_series")),
    )
    with op.batch_alter_table("fair_series", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fair_series_organiser_id"), ["organiser_id"], unique=False)
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.add_column(sa.Column("website", sa.String(length=2048), nullable=True))
    with op.batch_alter_table("fairs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("industry", sa.String(length=1), nullable=True))
        batch_op.add_column(sa.Column("scope", sa.String(length=16), nullable=False, server_default="regional"))
        batch_op.add_column(sa.Column("series_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("series_role", sa.String(length=8), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_fairs_series_id_fair_series"), "fair_series", ["series_id"],
                                    ["id"], ondelete="SET NULL")
        batch_op.create_index(batch_op.f("ix_fairs_series_id"), ["series_id"], unique=False)
    _reindex()


def downgrade() -> None:
    op.execute("DELETE FROM fairs WHERE scope = 'national'")  # no region to fall back on
    with op.batch_alter_table("fairs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fairs_series_id"))
        batch_op.drop_constraint(batch_op.f("fk_fairs_series_id_fair_series"), type_="foreignkey")
        batch_op.drop_column("series_role")
        batch_op.drop_column("series_id")
        batch_op.drop_column("scope")
        batch_op.drop_column("industry")
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.drop_column("website")
    with op.batch_alter_table("fair_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fair_series_organiser_id"))
    op.drop_table("fair_series")
    # The index keeps the new tokens: run ``hub search rebuild`` with the older code after it.


def _reindex() -> None:
    """The index's tokens changed (title and exact-title tokens): make every row again."""
    from app.search.index import rebuild

    rebuild(op.get_bind())
