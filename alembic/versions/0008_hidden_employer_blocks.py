"""dedup: file jobs first seen with a weak employer name where named newcomers look

Title blocks (``t:``) now key on the title's core (without requisition codes), and a job whose
representative names no employer ("某知名公司") is also filed under ``w:<core>|<city>``, where a
newcomer that names its employer looks (app.dedup.signature._keys). This re-files the open jobs
whose blocks change: those with a requisition code and those with a weak employer name.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _hash(key: str) -> int:  # app.dedup.signature.block_hash, kept here so the step never changes
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, (str, bytes)) else value


SIGS = sa.table("job_signatures", sa.column("job_id", sa.String),
                sa.column("blocks", sa.JSON().with_variant(JSONB(), "postgresql")))


def _refile(upgrade: bool) -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT job_id, weak, title_key, title_core, places, blocks FROM job_signatures "
        "WHERE status = 'open' AND title_key <> '' AND (weak OR codes <> '')")).all()
    for job_id, weak, key, core, places, stored in rows:
        cities = list(dict.fromkeys(p[0] for p in _json(places) or []))
        old = {_hash(f"t:{key}|{city}") for city in cities}
        new = {_hash(f"t:{core}|{city}") for city in cities}
        if weak:
            new |= {_hash(f"w:{core}|{city}") for city in cities}
        if not upgrade:
            old, new = new, old
        blocks = set(_json(stored) or [])
        drop, add = (old - new) & blocks, new - blocks
        if not drop and not add:
            continue
        for block in sorted(drop):
            conn.execute(sa.text("DELETE FROM job_blocks WHERE block = :b AND job_id = :j"), {"b": block, "j": job_id})
        for block in sorted(add):
            conn.execute(sa.text("INSERT INTO job_blocks (block, job_id) VALUES (:b, :j)"), {"b": block, "j": job_id})
        conn.execute(SIGS.update().where(SIGS.c.job_id == job_id).values(blocks=sorted((blocks - drop) | add)))


def upgrade() -> None:
    _refile(upgrade=True)


def downgrade() -> None:
    _refile(upgrade=False)
