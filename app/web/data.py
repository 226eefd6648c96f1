"""The few reads the pages need beyond the search service."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Employer, Partner, Source


def get_employer(session: Session, employer_id: str) -> Employer | None:
    return session.get(Employer, employer_id)


def partner_sites(session: Session, partner_ids: list[str]) -> dict[str, str]:
    """Each partner's career site or contact page: its ``website``, else the site its feed is
    published on (the feed URL's origin). Partners with neither are left out."""
    if not partner_ids:
        return {}
    out: dict[str, str] = {}
    for pid, website in session.execute(select(Partner.id, Partner.website).where(Partner.id.in_(partner_ids))):
        if website:
            out[pid] = website
    rest = [p for p in partner_ids if p not in out]
    if rest:
        for pid, url in session.execute(select(Source.partner_id, Source.url).where(Source.partner_id.in_(rest))
                                        .order_by(Source.partner_id, Source.id)):
            parts = urlsplit(url or "")
            if pid not in out and parts.scheme in ("http", "https") and parts.hostname not in (
                    None, "localhost", "127.0.0.1"):
                out[pid] = f"{parts.scheme}://{parts.netloc}/"
    return out
