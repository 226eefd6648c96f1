"""Read a job's postings: what building the job and rendering its sources need."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from app.db import among
from app.models import Partner, Posting

from .rows import Member

POSTINGS = cast(Table, Posting.__table__)
PARTNERS = cast(Table, Partner.__table__)
_CHUNK = 500


def load_members(session: Session, job_ids: list[str]) -> dict[str, list[Member]]:
    """Each job's postings, with what building the job and rendering its sources need."""
    out: dict[str, list[Member]] = {j: [] for j in job_ids}
    for i in range(0, len(job_ids), _CHUNK):
        stmt = (
            select(POSTINGS.c.id, POSTINGS.c.job_id, POSTINGS.c.status, POSTINGS.c.data,
                   POSTINGS.c.updated_at, POSTINGS.c.first_seen_at, POSTINGS.c.last_seen_at,
                   POSTINGS.c.valid_through, POSTINGS.c.employer_id, POSTINGS.c.partner_id,
                   POSTINGS.c.external_id, POSTINGS.c.url, PARTNERS.c.kind)
            .join(PARTNERS, PARTNERS.c.id == POSTINGS.c.partner_id)
            .where(among(session, POSTINGS.c.job_id, job_ids[i:i + _CHUNK]))
        )
        for row in session.execute(stmt).mappings():
            out[row["job_id"]].append(cast(Member, dict(row)))
    return out
