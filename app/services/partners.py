"""Partners and their API keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, exists, or_, select, update
from sqlalchemy.orm import Session

from app.models import ApiKey, Partner, Posting, Source, utcnow
from app.security import generate_api_key, hash_api_key


def create_partner(session: Session, *, name: str, kind: str, region_code: str | None,
                   secret: str, website: str | None = None) -> tuple[Partner, str]:
    partner = Partner(name=name, kind=kind, region_code=region_code, website=website)
    session.add(partner)
    session.flush()
    key = issue_key(session, partner.id, secret)
    return partner, key


# A key's last use is written at most this often: a write per request would cost pushes.
LAST_USED_EVERY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class KeyUse:
    """Who a live key belongs to, which key it is, and when it was last recorded as used."""

    partner: Partner
    key_id: str
    last_used_at: datetime | None

    def stale(self, now: datetime) -> bool:
        return self.last_used_at is None or now - self.last_used_at >= LAST_USED_EVERY


def issue_key(session: Session, partner_id: str, secret: str, name: str | None = None) -> str:
    return new_key(session, partner_id, secret, name)[1]


def new_key(session: Session, partner_id: str, secret: str, name: str | None = None) -> tuple[ApiKey, str]:
    """A new key for the partner: its row and the secret (shown once; only a hash is kept)."""
    key, prefix = generate_api_key()
    row = ApiKey(partner_id=partner_id, prefix=prefix, name=name, key_hash=hash_api_key(key, secret))
    session.add(row)
    session.flush()
    return row, key


def authenticate(session: Session, key: str, secret: str) -> KeyUse | None:
    """The live (not revoked) key matching ``key``, with its partner; None if there is none."""
    row = session.execute(
        select(Partner, ApiKey.id, ApiKey.last_used_at).join(ApiKey, ApiKey.partner_id == Partner.id)
        .where(ApiKey.key_hash == hash_api_key(key, secret), ApiKey.revoked_at.is_(None))
    ).one_or_none()
    return None if row is None else KeyUse(row[0], row[1], row[2])


def partner_for_key(session: Session, key: str, secret: str) -> Partner | None:
    """The partner owning a live (not revoked) key, or None."""
    use = authenticate(session, key, secret)
    return None if use is None else use.partner


def touch_key(session: Session, key_id: str, now: datetime) -> bool:
    """Record a use of the key, unless another process did within ``LAST_USED_EVERY``."""
    done = cast(CursorResult[Any], session.execute(
        update(ApiKey).where(ApiKey.id == key_id, or_(ApiKey.last_used_at.is_(None),
                                                     ApiKey.last_used_at <= now - LAST_USED_EVERY))
        .values(last_used_at=now).execution_options(synchronize_session=False)))
    return bool(done.rowcount)


def list_keys(session: Session, partner_id: str) -> list[ApiKey]:
    """Every key of the partner, revoked ones too, oldest first (never the secret)."""
    return list(session.execute(select(ApiKey).where(ApiKey.partner_id == partner_id)
                                .order_by(ApiKey.created_at, ApiKey.id)).scalars())


def revoke_key(session: Session, partner_id: str, key_id: str, now: datetime) -> ApiKey | None:
    """Revoke one key of the partner (a second revoke keeps the first time); None if it has no such key."""
    key = session.execute(select(ApiKey).where(ApiKey.id == key_id, ApiKey.partner_id == partner_id)
                          ).scalar_one_or_none()
    if key is not None and key.revoked_at is None:
        key.revoked_at = now
    return key


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
    for key in ("name", "region_code", "website"):
        if key in changes and changes[key] is not None:
            setattr(partner, key, changes[key])
    return partner
