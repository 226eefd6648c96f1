"""fairs as the campaign holds them: industry, national scope, series with main and sub-venues;
the search index rebuilt for title-aware relevance

A fair gains ``industry`` (GB/T 4754 section of an industry fair), ``scope`` (``regional``, or
``national`` for an online fair serving the whole country, region ``000000``) and its place in a
``fair_series`` (``series_id``, ``series_role`` main | sub). Existing fairs are regional and in no
series. Participating employers keep living in ``fairs.employers`` (their booth is a new key).
A partner gains ``website`` (its career site or contact page: a job's last way to apply).
The index gains title tokens and an exact-title token (``app.search.docs``), so it is rebuilt.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

import app.models.base
from alembic import op

revision = "0017"
down_revision = "0016"
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
    # Plain ALTER TABLE ADD COLUMN on both databases: SQLite's batch mode would rebuild these
    # tables, and dropping the old ``partners`` or ``fairs`` cascades to the rows referencing them.
    op.add_column("partners", sa.Column("website", sa.String(length=2048), nullable=True))
    op.add_column("fairs", sa.Column("industry", sa.String(length=1), nullable=True))
    op.add_column("fairs", sa.Column("scope", sa.String(length=16), nullable=False, server_default="regional"))
    op.add_column("fairs", sa.Column("series_role", sa.String(length=8), nullable=True))
    if op.get_bind().dialect.name == "sqlite":  # a foreign key means rebuilding the table there
        with _keeping_fair_jobs(), op.batch_alter_table("fairs", schema=None) as batch_op:
            batch_op.add_column(sa.Column("series_id", sa.String(length=32), nullable=True))
            batch_op.create_foreign_key(batch_op.f("fk_fairs_series_id_fair_series"), "fair_series", ["series_id"],
                                        ["id"], ondelete="SET NULL")
    else:
        op.add_column("fairs", sa.Column("series_id", sa.String(length=32), nullable=True))
        op.create_foreign_key(op.f("fk_fairs_series_id_fair_series"), "fairs", "fair_series", ["series_id"], ["id"],
                              ondelete="SET NULL")
    op.create_index(op.f("ix_fairs_series_id"), "fairs", ["series_id"], unique=False)
    _reindex()


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute("DELETE FROM fairs WHERE scope = 'national'")  # no region to fall back on
    op.drop_index(op.f("ix_fairs_series_id"), table_name="fairs")
    if not sqlite:
        op.drop_constraint(op.f("fk_fairs_series_id_fair_series"), "fairs", type_="foreignkey")
        op.drop_column("fairs", "series_id")
    else:
        with _keeping_fair_jobs(), op.batch_alter_table("fairs", schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f("fk_fairs_series_id_fair_series"), type_="foreignkey")
            batch_op.drop_column("series_id")
    for column in ("series_role", "scope", "industry"):
        op.drop_column("fairs", column)
    op.drop_column("partners", "website")
    with op.batch_alter_table("fair_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fair_series_organiser_id"))
    op.drop_table("fair_series")
    # The index keeps the new tokens: run ``hub search rebuild`` with the older code after it.


@contextmanager
def _keeping_fair_jobs() -> Iterator[None]:
    """SQLite rebuilds ``fairs`` to change a foreign key: dropping the old table deletes its
    ``fair_jobs`` (ON DELETE CASCADE, and foreign keys are on), so they are put back after."""
    op.execute("CREATE TEMP TABLE keep_fair_jobs AS SELECT * FROM fair_jobs")
    yield
    op.execute("INSERT OR IGNORE INTO fair_jobs (fair_id, job_id, position) SELECT fair_id, job_id, position "
               "FROM keep_fair_jobs WHERE fair_id IN (SELECT id FROM fairs)")
    op.execute("DROP TABLE keep_fair_jobs")


def _reindex() -> None:
    """The index's tokens changed (title and exact-title tokens): make every row again."""
    from app.search.index import rebuild

    rebuild(op.get_bind())
