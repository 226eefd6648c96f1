"""The road's SQL where SQLite differs: one writer at a time, so nothing is row-locked, and the
change log numbers its rows from the counter in two statements."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Executable, Table, select, update
from sqlalchemy.orm import Session

from app.bulk import insert_rows
from app.db import among
from app.models import Change, Counter, Posting

from .rows import ChangeRow

POSTINGS = cast(Table, Posting.__table__)
CHANGES = cast(Table, Change.__table__)
COUNTERS = cast(Table, Counter.__table__)


class SqliteRoad:
    """The road's statements on SQLite."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def existing(self, partner_id: str, external_ids: list[str]) -> Executable:
        """The partner's stored postings with these ids (id, external id, hash, status, job)."""
        return select(POSTINGS.c.id, POSTINGS.c.external_id, POSTINGS.c.content_hash, POSTINGS.c.status,
                      POSTINGS.c.job_id).where(POSTINGS.c.partner_id == partner_id,
                                               among(self.session, POSTINGS.c.external_id, external_ids))

    def append(self, rows: list[ChangeRow]) -> None:
        """Number the change rows from the counter and insert them. The counter row lock, held to
        commit, is what orders seq by commit: it is taken last."""
        top = self.session.execute(
            update(COUNTERS).where(COUNTERS.c.name == "changes")
            .values(value=COUNTERS.c.value + len(rows)).returning(COUNTERS.c.value)
        ).scalar_one()
        first = top - len(rows) + 1
        for i, row in enumerate(rows):
            row["seq"] = first + i
        insert_rows(self.session, CHANGES, rows)
