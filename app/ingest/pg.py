"""The road's SQL where PostgreSQL differs: stored postings row-locked by one index probe each,
and the change log's counter and rows in one statement sent behind the road."""

from __future__ import annotations

import orjson
from sqlalchemy import Executable, text
from sqlalchemy.orm import Session

from app.writebehind import execute_later

from .rows import ChangeRow

# One probe of the (partner_id, external_id) index per id, locking what it finds, in id order.
# ``partner_id = :p AND external_id = ANY(:ids)`` was planned as a scan of all the partner's
# postings whenever the statistics were missing or stale.
_PG_LOCK_EXISTING = text(
    "SELECT p.id, p.external_id, p.content_hash, p.status, p.job_id "
    "FROM unnest(CAST(:ids AS text[])) WITH ORDINALITY AS k(external_id, n) "
    "CROSS JOIN LATERAL (SELECT id, external_id, content_hash, status, job_id FROM postings "
    "WHERE partner_id = :partner AND external_id = k.external_id FOR UPDATE) AS p ORDER BY k.n")

# The counter and the rows in one statement, which nobody waits for (it goes out behind the road
# like the other writes, the last of them): seq = the counter's new top - n + i.
_PG_APPEND = text(
    "WITH top AS (UPDATE counters SET value = value + :n WHERE name = 'changes' RETURNING value) "
    "INSERT INTO changes (job_id, op, created_at, scope, prior, seq) "
    "SELECT r.job_id, r.op, r.created_at, r.scope, r.prior, top.value - :n + r.i FROM top, "
    "json_to_recordset(CAST(:rows AS json)) AS r(i bigint, job_id text, op text, created_at timestamptz, "
    "scope text, prior text)")


class PostgresRoad:
    """The road's statements on PostgreSQL."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def existing(self, partner_id: str, external_ids: list[str]) -> Executable:
        """The partner's stored postings with these ids, row-locked (in the ids' order)."""
        return _PG_LOCK_EXISTING.bindparams(ids=external_ids, partner=partner_id)

    def append(self, rows: list[ChangeRow]) -> None:
        """Number the change rows and insert them, with the counter, in one statement."""
        payload = orjson.dumps([{"i": i, **row} for i, row in enumerate(rows, 1)]).decode()
        execute_later(self.session, str(_PG_APPEND), {"n": len(rows), "rows": payload})
