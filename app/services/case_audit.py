"""The case files' audit log: every read and write, who did it and when; the owning university reads it.

Entries name fields and counts, never values, so the log itself holds nothing of the case.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import CaseAudit

from .campaign import cursor_key, iso, make_cursor, parse_ts


@dataclass(frozen=True, slots=True)
class Actor:
    """Who touched a case file: a partner with its key, a staff user (the operators' console), or
    the hub itself (``kind`` "system": automatic erasure)."""

    kind: str = "partner"
    partner_id: str | None = None
    key_id: str | None = None
    user_id: str | None = None


SYSTEM = Actor(kind="system")


def audit(session: Session, actor: Actor, university_id: str, action: str, case_ids: Iterable[str | None],
          now: datetime, detail: dict[str, Any] | None = None) -> None:
    """One entry per case (or one with no case, e.g. a coverage read)."""
    session.add_all(CaseAudit(at=now, university_id=university_id, case_id=case_id, action=action,
                              actor_kind=actor.kind, actor_partner_id=actor.partner_id, actor_key_id=actor.key_id,
                              actor_user_id=actor.user_id, detail=dict(detail or {}))
                    for case_id in case_ids)


def audit_entries(session: Session, university_id: str, *, case_id: str | None, cursor: str | None, limit: int,
                  secret: str) -> tuple[list[dict[str, Any]], str | None]:
    """The university's audit log, newest first (one case's with ``case_id``)."""
    stmt = select(CaseAudit).where(CaseAudit.university_id == university_id)
    if case_id:
        stmt = stmt.where(CaseAudit.case_id == case_id)
    after = cursor_key(cursor, secret, "case-audit")
    if after:
        ts = parse_ts(after[0])
        stmt = stmt.where((CaseAudit.at < ts) | ((CaseAudit.at == ts) & (CaseAudit.id < after[1])))
    rows = list(session.execute(stmt.order_by(CaseAudit.at.desc(), CaseAudit.id.desc()).limit(limit + 1)).scalars())
    nxt = make_cursor("case-audit", rows[limit - 1].at.isoformat(), rows[limit - 1].id, secret) \
        if len(rows) > limit else None
    return [{"id": r.id, "at": iso(r.at), "case_id": r.case_id, "action": r.action, "actor_kind": r.actor_kind,
             "actor_partner_id": r.actor_partner_id, "actor_key_id": r.actor_key_id,
             "actor_user_id": r.actor_user_id, "detail": r.detail} for r in rows[:limit]], nxt
