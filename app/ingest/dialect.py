"""The road's statements where SQLite and PostgreSQL differ (``sqlite`` and ``pg`` hold them)."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Executable
from sqlalchemy.orm import Session

from app.db import is_sqlite

from .pg import PostgresRoad
from .rows import ChangeRow
from .sqlite import SqliteRoad


class RoadSql(Protocol):
    def existing(self, partner_id: str, external_ids: list[str]) -> Executable: ...
    def append(self, rows: list[ChangeRow]) -> None: ...


def dialect(session: Session) -> RoadSql:
    return SqliteRoad(session) if is_sqlite(session) else PostgresRoad(session)
