"""Partners and their API keys."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.models import ApiKey, Partner, Posting, Source, utcnow
from app.security import generate_api_key, hash_api_key


def create_partner(session: Session, *, name: str, kind: str, region_code: str | None,
                   secret: str) -> tuple[Partner, str]:
    partner = Partner(name=name, kind=kind, region_code=region_code)
    session.add(partner)
    session.flush()
    key = issue_key(session, partner.id, secret)
    return partner, key


def issue_key(session: Session, partner_id: str, secret: str) -> str:
    key, prefix = generate_api_key()
    session.add(ApiKey(partner_id=partner_id, prefix=prefix, key_hash=hash_api_key(key, secret)))
    session.flush()
    return key


def partner_for_key(session: Session, key: str, secret: str) -> Partner | None:
    """The partner owning a live (not revoked) key, or None."""
    row = session.execute(
        select(Partner).join(ApiKey, ApiKey.partner_id == Partner.id)
        .where(ApiKey.key_hash == hash_api_key(key, secret), ApiKey.revoked_at.is_(None))
    ).scalar_one_or_none()
    return row


def revoke_keys(session: Session, partner_id: str) -> int:
    keys = session.execute(
        select(ApiKey).where(ApiKey.partner_id == partner_id, ApiKey.revoked_at.is_(None))
    ).scalars().all()
    for k in keys:
        k.revoked_at = utcnow()
    return len(keys)


def get_partner(session: Session, partner_id: str) -> Partner | None:
    return session.get(Partner, partner_id)


def list_partners(session: Session, *, after: str | None, limit: int, kind: str | None = None,
                  province: str | None = None, linked: bool | None = None) -> list[Partner]:
    """Partners by id; of a kind, in a province (GB/T 2260 codes share the province's two digits),
    linked up or not (a posting received, or a feed synced)."""
    stmt = select(Partner).order_by(Partner.id).limit(limit)
    if after:
        stmt = stmt.where(Partner.id > after)
    if kind:
        stmt = stmt.where(Partner.kind == kind)
    if province:
        stmt = stmt.where(Partner.region_code.like(province[:2] + "%"))
    if linked is not None:
        has = exists().where(Posting.partner_id == Partner.id) | exists().where(
            Source.partner_id == Partner.id, Source.last_success_at.is_not(None))
        stmt = stmt.where(has if linked else ~has)
    return list(session.execute(stmt).scalars())


def update_partner(partner: Partner, changes: dict[str, object]) -> Partner:
    for key in ("name", "region_code"):
        if key in changes and changes[key] is not None:
            setattr(partner, key, changes[key])
    return partner
