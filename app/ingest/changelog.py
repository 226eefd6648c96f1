"""Append to the change log, numbered in commit order.

The writer takes the ``changes`` counter row as its very last step. The row lock is
held until commit, so a later writer gets higher numbers only after this one has
committed: a reader paging by ``seq`` can never skip a row that commits late.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.models import Change, Counter

CHANGES = Change.__table__
COUNTERS = Counter.__table__


def append_changes(session: Session, ops: list[tuple[str, str]], now: datetime) -> None:
    if not ops:
        return
    top = session.execute(
        update(COUNTERS).where(COUNTERS.c.name == "changes")
        .values(value=COUNTERS.c.value + len(ops)).returning(COUNTERS.c.value)
    ).scalar_one()
    first = top - len(ops) + 1
    session.execute(CHANGES.insert(), [
        {"seq": first + i, "job_id": job_id, "op": op, "created_at": now}
        for i, (job_id, op) in enumerate(ops)
    ])
