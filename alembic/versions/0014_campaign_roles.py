"""campaign roles: rules from above, new-employer visits, case plans/records/audit, daily report submissions

* ``campaign_rules`` (national / province / province-for-a-university / university levels) takes
  over ``visit_targets`` (each university's own target becomes its university-level rule);
  ``university_flags`` marks universities below the local placement rate.
* ``visits`` gain ``new_employer`` (and the hub's suggestion), ``employer_size`` and ``updated_at``;
  ``employers`` gain ``size_class``.
* ``cases`` gain a plan and a graduation year (existing cases: the Beijing year they were opened)
  and lose ``region_keys``: a case counts where its university is now. ``case_records`` holds the
  dated assistance, ``case_audit`` every read and write.
* ``report_snapshots`` (one per province and day), ``report_submissions`` (every version) and
  ``report_runs`` (the scheduler's lease on a day's snapshot).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""
from __future__ import annotations

from datetime import timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import app.models.base
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC = app.models.base.UTCDateTime(timezone=True)
BEIJING = timezone(timedelta(hours=8))


def _fk(table: str, col: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([col], [f"{target}.id"], name=op.f(f"fk_{table}_{col}_{target}"),
                                   ondelete=ondelete)


def _rules_and_flags() -> None:
    op.create_table(
        "campaign_rules",
        sa.Column("level", sa.String(length=24), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("set_by_partner_id", sa.String(length=32), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("level", "scope", "rule", name=op.f("pk_campaign_rules")),
    )
    op.create_table(
        "university_flags",
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("below_placement_rate", sa.Boolean(), nullable=False),
        sa.Column("set_by_partner_id", sa.String(length=32), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        _fk("university_flags", "partner_id", "partners"),
        sa.PrimaryKeyConstraint("partner_id", name=op.f("pk_university_flags")),
    )
    op.execute("INSERT INTO campaign_rules (level, scope, rule, value, set_by_partner_id, updated_at) "
               "SELECT 'university', partner_id, 'visit_employers', target, partner_id, updated_at FROM visit_targets")
    op.drop_table("visit_targets")


def _visits_and_employers() -> None:
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("new_employer", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("new_employer_suggested", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("employer_size", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("updated_at", UTC, nullable=True))
    op.execute("UPDATE visits SET updated_at = created_at")
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.alter_column("new_employer", server_default=None)
        batch_op.alter_column("new_employer_suggested", server_default=None)
        batch_op.alter_column("updated_at", existing_type=UTC, nullable=False)
    # employers and cases are referenced by other tables: SQLite cannot copy them into a new table
    # (batch mode) while foreign keys are on, so their columns are added and dropped in place
    # (SQLite 3.35+), with server defaults where NOT NULL needs one (kept on SQLite, which cannot
    # drop a default in place; nothing relies on them).
    op.add_column("employers", sa.Column("size_class", sa.String(length=8), nullable=True))


def _drop_default(table: str, column: str, type_: object) -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column(table, column, existing_type=type_, server_default=None)


def _cases() -> None:
    op.add_column("cases", sa.Column("plan_text", sa.Text(), nullable=True))
    op.add_column("cases", sa.Column("plan_goals", JSON, nullable=False, server_default="[]"))
    op.add_column("cases", sa.Column("graduation_year", sa.Integer(), nullable=False, server_default="2000"))
    conn = op.get_bind()
    cases = sa.table("cases", sa.column("id", sa.String), sa.column("created_at", UTC),
                     sa.column("graduation_year", sa.Integer))
    for case_id, created in conn.execute(sa.select(cases.c.id, cases.c.created_at)).all():
        conn.execute(cases.update().where(cases.c.id == case_id).values(
            graduation_year=created.astimezone(BEIJING).year))
    _drop_default("cases", "plan_goals", JSON)
    _drop_default("cases", "graduation_year", sa.Integer())
    op.drop_column("cases", "region_keys")
    op.create_table(
        "case_records",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("program", sa.String(length=100), nullable=True),
        sa.Column("job_id", sa.String(length=32), nullable=True),
        sa.Column("result", sa.String(length=32), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        _fk("case_records", "case_id", "cases"),
        _fk("case_records", "job_id", "jobs", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_records")),
    )
    with op.batch_alter_table("case_records", schema=None) as batch_op:
        batch_op.create_index("ix_case_records_case_id_occurred_on", ["case_id", "occurred_on"], unique=False)
        batch_op.create_index("ix_case_records_created_at", ["created_at"], unique=False)
    op.create_table(
        "case_audit",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.Column("university_id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("actor_kind", sa.String(length=16), nullable=False),
        sa.Column("actor_partner_id", sa.String(length=32), nullable=True),
        sa.Column("actor_key_id", sa.String(length=32), nullable=True),
        sa.Column("actor_user_id", sa.String(length=32), nullable=True),
        sa.Column("detail", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_audit")),
    )
    with op.batch_alter_table("case_audit", schema=None) as batch_op:
        batch_op.create_index("ix_case_audit_university_id_at", ["university_id", "at"], unique=False)
        batch_op.create_index("ix_case_audit_case_id", ["case_id"], unique=False)


def _reports() -> None:
    op.create_table(
        "report_snapshots",
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("window_start", UTC, nullable=False),
        sa.Column("window_end", UTC, nullable=False),
        sa.Column("figures", JSON, nullable=False),
        sa.Column("taken_at", UTC, nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("province_code", "day", name=op.f("pk_report_snapshots")),
    )
    op.create_table(
        "report_submissions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=True),
        sa.Column("key_id", sa.String(length=32), nullable=True),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("highlights", JSON, nullable=False),
        sa.Column("figures", JSON, nullable=False),
        sa.Column("figures_as_of", UTC, nullable=False),
        sa.Column("submitted_at", UTC, nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_submissions")),
        sa.UniqueConstraint("province_code", "day", "version",
                            name=op.f("uq_report_submissions_province_code_day_version")),
    )
    with op.batch_alter_table("report_submissions", schema=None) as batch_op:
        batch_op.create_index("ix_report_submissions_day", ["day"], unique=False)
    op.create_table(
        "report_runs",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("lease_owner", sa.String(length=64), nullable=True),
        sa.Column("lease_until", UTC, nullable=True),
        sa.Column("finished_at", UTC, nullable=True),
        sa.Column("provinces", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_report_runs")),
    )


def upgrade() -> None:
    _rules_and_flags()
    _visits_and_employers()
    _cases()
    _reports()


def downgrade() -> None:
    from app.normalize import ancestors

    op.drop_table("report_runs")
    with op.batch_alter_table("report_submissions", schema=None) as batch_op:
        batch_op.drop_index("ix_report_submissions_day")
    op.drop_table("report_submissions")
    op.drop_table("report_snapshots")
    with op.batch_alter_table("case_audit", schema=None) as batch_op:
        batch_op.drop_index("ix_case_audit_case_id")
        batch_op.drop_index("ix_case_audit_university_id_at")
    op.drop_table("case_audit")
    with op.batch_alter_table("case_records", schema=None) as batch_op:
        batch_op.drop_index("ix_case_records_created_at")
        batch_op.drop_index("ix_case_records_case_id_occurred_on")
    op.drop_table("case_records")

    op.add_column("cases", sa.Column("region_keys", sa.String(length=64), nullable=False, server_default=" "))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT c.id, p.region_code FROM cases c JOIN partners p ON p.id = c.partner_id "
                                "WHERE p.region_code IS NOT NULL")).all()
    for case_id, code in rows:
        codes = ancestors(code)
        keys = " " + " ".join(codes) + " " if codes else " "
        conn.execute(sa.text("UPDATE cases SET region_keys = :k WHERE id = :i"), {"k": keys, "i": case_id})
    _drop_default("cases", "region_keys", sa.String(length=64))
    for column in ("graduation_year", "plan_goals", "plan_text"):
        op.drop_column("cases", column)
    op.drop_column("employers", "size_class")
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
        batch_op.drop_column("employer_size")
        batch_op.drop_column("new_employer_suggested")
        batch_op.drop_column("new_employer")

    op.create_table(
        "visit_targets",
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        _fk("visit_targets", "partner_id", "partners"),
        sa.PrimaryKeyConstraint("partner_id", name=op.f("pk_visit_targets")),
    )
    op.execute("INSERT INTO visit_targets (partner_id, target, updated_at) SELECT r.scope, r.value, r.updated_at "
               "FROM campaign_rules r JOIN partners p ON p.id = r.scope "
               "WHERE r.level = 'university' AND r.rule = 'visit_employers'")
    op.drop_table("university_flags")
    op.drop_table("campaign_rules")
