"""Why a posting is in its job: the stored decision, and a comparison made now."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import RowMapping, Table, select
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.jobs.build import build_job
from app.jobs.members import load_members
from app.models import Posting, PostingMatch, PostingOverride

from .features import STAY_THRESHOLD, THRESHOLD, compare, score, veto
from .signature import from_job, from_posting

POSTINGS = cast(Table, Posting.__table__)
OVERRIDES = cast(Table, PostingOverride.__table__)
MATCHES = cast(Table, PostingMatch.__table__)


def posting_row(session: Session, posting_id: str) -> RowMapping:
    """The posting's id, job, employer and document (404 if there is none)."""
    row = session.execute(select(POSTINGS.c.id, POSTINGS.c.job_id, POSTINGS.c.employer_id, POSTINGS.c.data)
                          .where(POSTINGS.c.id == posting_id)).mappings().first()
    if row is None:
        raise NotFound(f"no posting {posting_id!r}")
    return row


def explain(session: Session, posting_id: str) -> dict[str, Any]:
    """Why ``posting_id`` is in its job: the stored decision and a comparison made now."""
    posting = posting_row(session, posting_id)
    match = session.execute(select(MATCHES).where(MATCHES.c.posting_id == posting_id)).first()
    overrides = [{"kind": r.kind, "job_id": r.job_id, "created_at": r.created_at} for r in session.execute(
        select(OVERRIDES).where(OVERRIDES.c.posting_id == posting_id).order_by(OVERRIDES.c.created_at))]
    current = None
    if posting["job_id"]:
        rest = [m for m in load_members(session, [posting["job_id"]])[posting["job_id"]] if m["id"] != posting_id]
        if rest:
            row = build_job(rest)
            canonical = next(m for m in rest if m["id"] == row["canonical_posting_id"])
            f = compare(from_posting(posting["employer_id"], posting["data"]), from_job(row, canonical["data"]))
            current = {"job_id": posting["job_id"], "representative_posting_id": row["canonical_posting_id"],
                       "members": len(rest), "score": score(f), "veto": veto(f), "features": f}
    return {
        "posting_id": posting_id, "job_id": posting["job_id"],
        "decision": match.decision if match else None, "score": match.score if match else None,
        "threshold": THRESHOLD, "stay_threshold": STAY_THRESHOLD,
        "compared_job_id": match.compared_job_id if match else None,
        "features": match.features if match else {}, "candidates": match.candidates if match else 0,
        "decided_at": match.decided_at if match else None, "overrides": overrides, "current": current,
    }
