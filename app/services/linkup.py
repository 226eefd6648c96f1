"""Link-up status (建立链接): has a partner shared postings with the hub yet, and is it still doing so?

From its postings (pushed or pulled from its feeds): the first and the last received, how many
are open now; from its feeds: the last successful sync and how many are failing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.models import Posting, Source

from .campaign import iso

EMPTY: dict[str, Any] = {"linked": False, "first_posting_at": None, "last_posting_at": None, "open_postings": 0,
                         "sources": 0, "failing_sources": 0, "last_sync_at": None}


def link_status(session: Session, partner_ids: Iterable[str] | None) -> dict[str, dict[str, Any]]:
    """partner id → its link-up status (every partner with ``None``); datetimes as ISO text."""
    ids = None if partner_ids is None else list(dict.fromkeys(partner_ids))
    chunks = [None] if ids is None else [ids[i:i + 500] for i in range(0, len(ids), 500)]
    out: dict[str, dict[str, Any]] = {}
    active = func.sum(case((Posting.status == "active", 1), else_=0))
    failing = func.sum(case(((Source.enabled.is_(True)) & (Source.failure_streak > 0), 1), else_=0))
    for chunk in chunks:
        posts = select(Posting.partner_id, func.min(Posting.first_seen_at), func.max(Posting.last_seen_at),
                       active).group_by(Posting.partner_id)
        feeds = select(Source.partner_id, func.count(), failing, func.max(Source.last_success_at)
                       ).group_by(Source.partner_id)
        if chunk is not None:
            posts, feeds = posts.where(Posting.partner_id.in_(chunk)), feeds.where(Source.partner_id.in_(chunk))
        for pid, first, last, open_ in session.execute(posts):
            out.setdefault(pid, dict(EMPTY)).update(first_posting_at=iso(first), last_posting_at=iso(last),
                                                    open_postings=int(open_ or 0))
        for pid, n, bad, synced in session.execute(feeds):
            out.setdefault(pid, dict(EMPTY)).update(sources=int(n), failing_sources=int(bad or 0),
                                                    last_sync_at=iso(synced))
    for status in out.values():
        status["linked"] = status["first_posting_at"] is not None or status["last_sync_at"] is not None
    return out


def status_of(statuses: dict[str, dict[str, Any]], partner_id: str) -> dict[str, Any]:
    return statuses.get(partner_id) or dict(EMPTY)
