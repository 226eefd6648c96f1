"""``Idempotency-Key``: the same key and body replay the first answer; another body is a 422.

The key row is written in the same transaction as the work, so a crash leaves
neither; a concurrent duplicate waits on the row and then replays. The routers that take
the header call ``run_idempotent``; housekeeping purges expired keys.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Table, delete, select
from sqlalchemy.orm import Session

from app.db import Database, dialect_insert
from app.errors import Conflict, ValidationFailed, field_error
from app.models import IdempotencyKey, utcnow

TABLE = cast(Table, IdempotencyKey.__table__)
Handler = Callable[[Session], tuple[int, Any]]


def request_hash(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(b"%s %s\n%s" % (method.encode(), path.encode(), body)).hexdigest()


def run_idempotent(db: Database, partner_id: str, key: str | None, digest: str, ttl_hours: int,
                   handler: Handler) -> tuple[int, Any]:
    """Run ``handler`` in a write transaction, at most once per ``(partner, key)``."""
    if key is not None and not (1 <= len(key) <= 255):
        raise ValidationFailed("Bad Idempotency-Key.", errors=[field_error("Idempotency-Key", "1 to 255 characters")])
    with db.write() as session:
        if key is None:
            return handler(session)
        now = utcnow()
        stale = now - timedelta(hours=ttl_hours)
        session.execute(delete(TABLE).where(TABLE.c.partner_id == partner_id, TABLE.c.key == key,
                                            TABLE.c.created_at < stale))
        ins = dialect_insert(session, TABLE).on_conflict_do_nothing(
            index_elements=["partner_id", "key"]).returning(TABLE.c.key)
        claimed = session.execute(ins, {"partner_id": partner_id, "key": key, "request_hash": digest,
                                        "status_code": None, "response": None, "created_at": now}).first()
        if claimed is None:
            prior = session.execute(select(TABLE.c.request_hash, TABLE.c.status_code, TABLE.c.response).where(
                TABLE.c.partner_id == partner_id, TABLE.c.key == key).with_for_update()).one()
            if prior.request_hash != digest:
                raise ValidationFailed(
                    "This Idempotency-Key was used with a different request.",
                    errors=[field_error("Idempotency-Key", "reused with a different body")])
            if prior.status_code is None:
                raise Conflict("A request with this Idempotency-Key is still in progress.")
            return prior.status_code, prior.response
        status, body = handler(session)
        session.execute(TABLE.update().where(TABLE.c.partner_id == partner_id, TABLE.c.key == key)
                        .values(status_code=status, response=body))
        return status, body


def purge_expired(session: Session, ttl_hours: int) -> int:
    cutoff = utcnow() - timedelta(hours=ttl_hours)
    done = cast(CursorResult[Any], session.execute(delete(TABLE).where(TABLE.c.created_at < cutoff)))
    return done.rowcount or 0
