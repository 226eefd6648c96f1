"""Erasing case files: by the owning university at any time, and by the hub a set time after the
graduate's year ends. The case, its pushes and records are destroyed (and any stored replay of an
idempotent answer that held it); the audit entries stay, naming only the case's id."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, cast, delete, select
from sqlalchemy.orm import Session

from app.models import Case, CasePush, CaseRecord, IdempotencyKey

from .campaign import today_in_beijing
from .case_audit import SYSTEM, Actor, audit


def erase_case(session: Session, case: Case, now: datetime, actor: Actor, action: str = "erase") -> None:
    """Destroy a case file and everything under it; an audit entry of the erasure stays."""
    counts: dict[str, Any] = {"pushes": len(list(session.execute(
        select(CasePush.job_id).where(CasePush.case_id == case.id)).scalars())),
        "graduation_year": case.graduation_year}
    session.execute(delete(CasePush).where(CasePush.case_id == case.id))
    session.execute(delete(CaseRecord).where(CaseRecord.case_id == case.id))
    # An Idempotency-Key replay of a write to this case holds its fields.
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.partner_id == case.partner_id,
                                                 cast(IdempotencyKey.response, String).contains(case.id)))
    university_id, case_id = case.partner_id, case.id
    session.delete(case)
    session.flush()
    audit(session, actor, university_id, action, [case_id], now, counts)


def last_year_due(now: datetime, retention_days: int) -> int:
    """The latest graduation year whose cases are due for erasure at ``now``."""
    return (today_in_beijing(now) - timedelta(days=retention_days)).year - 1


def erase_expired(session: Session, retention_days: int, now: datetime, limit: int = 500) -> int:
    """Erase up to ``limit`` cases whose graduation year ended ``retention_days`` ago; returns how many.
    Several processes may run it at once (rows are taken with SKIP LOCKED on PostgreSQL)."""
    if retention_days <= 0:
        return 0
    stmt = select(Case).where(Case.graduation_year <= last_year_due(now, retention_days)).limit(limit)
    if session.get_bind().dialect.name != "sqlite":
        stmt = stmt.with_for_update(skip_locked=True)
    cases = list(session.execute(stmt).scalars())
    for case in cases:
        erase_case(session, case, now, SYSTEM, "auto_erase")
    return len(cases)
