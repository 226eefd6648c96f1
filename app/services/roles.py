"""The campaign's chain of command: who may read and set what, by partner kind.

* ``national`` (the ministry): reads every province, aggregated; sets the national rules.
* ``provincial_platform``: reads its own province (every university's counts, every figure),
  sets rules for its universities at or above the national ones, submits the daily report.
* ``university``: its own visits and case files; may aim higher than the rules, never lower.
* the rest (recruiters, industry committees, employers): their postings, sources and fairs.
* the admin token operates the hub and reads the aggregated tables, never a case file.

Universities and provincial platforms carry a region; a university belongs to its region's
province. A caller outside its scope gets a 404 for another province's things, a 403 for a
kind of request its role does not make.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Forbidden, NotFound, ValidationFailed, field_error
from app.models import ApiKey, Partner
from app.normalize import region_by_code
from app.security import hash_api_key

from .campaign import province_of

REGION_REQUIRED = ("university", "provincial_platform")
Role = Literal["admin", "national", "provincial_platform", "university", "other"]


@dataclass(frozen=True, slots=True)
class Caller:
    """Who asks: a partner with the API key it used, a staff user of the operators' console
    acting for a partner, or the admin token (``partner`` None)."""

    partner: Partner | None
    key_id: str | None = None
    user_id: str | None = None

    @property
    def role(self) -> Role:
        if self.partner is None:
            return "admin"
        kind = self.partner.kind
        return cast(Role, kind) if kind in ("national", "provincial_platform", "university") else "other"

    @property
    def province(self) -> str | None:
        return province_of(self.partner.region_code) if self.partner is not None else None


def check_partner_region(kind: str, region_code: str | None) -> str | None:
    """The partner's region as stored, or a 422 naming ``region_code``: a known code; required for
    universities and provincial platforms; a province for a provincial platform."""
    region = region_by_code(region_code) if region_code else None
    if region_code and region is None:
        raise ValidationFailed("Unknown region.", errors=[field_error("region_code", "not a GB/T 2260 region code")])
    if kind in REGION_REQUIRED and region is None:
        raise ValidationFailed("This kind of partner needs a region.", errors=[field_error(
            "region_code", f"required for a {kind}: the region it serves", "missing")])
    if kind == "provincial_platform" and region is not None and region.level != "province":
        raise ValidationFailed("A provincial platform's region is a province.", errors=[field_error(
            "region_code", f"a province code, e.g. {region.province_code}")])
    return region.code if region else None


def overseen_province(caller: Caller, province: str | None) -> str | None:
    """The province a caller's oversight request covers (None: all of China).

    National and admin: the one asked for, or all. A provincial platform: its own (asking for
    another is a 404). Anyone else: 403."""
    if caller.role in ("national", "admin"):
        return province
    if caller.role == "provincial_platform":
        own = caller.province
        if own is None:
            raise Forbidden("This provincial platform has no region; ask the hub's operators to set it.")
        if province is not None and province != own:
            raise NotFound("no such province in your oversight")
        return own
    raise Forbidden("Only national and provincial platforms (and the hub's operators) oversee universities.")


def require_role(caller: Caller, *roles: Role, what: str) -> None:
    if caller.role not in roles:
        raise Forbidden(f"Only {' or '.join(r.replace('_', ' ') for r in roles)} keys may {what}.")


def universities(session: Session, province: str | None) -> list[Partner]:
    """University partners of a province (or of all China), by name. A university whose region
    is unknown belongs to none."""
    rows = session.execute(select(Partner).where(Partner.kind == "university")
                           .order_by(Partner.name, Partner.id)).scalars()
    return [p for p in rows if province_of(p.region_code) and (province is None or province_of(p.region_code)
                                                                == province)]


def overseen_university(session: Session, caller: Caller, university_id: str) -> Partner:
    """One university inside the caller's oversight; a 404 for any other (or none)."""
    province = overseen_province(caller, None)
    partner = session.get(Partner, university_id)
    if partner is None or partner.kind != "university" or province_of(partner.region_code) is None \
            or (province is not None and province_of(partner.region_code) != province):
        raise NotFound("no such university in your oversight")
    return partner


def caller_for_key(session: Session, key: str, secret: str) -> Caller | None:
    """The partner owning a live key, with the key's id (for the audit log), or None."""
    row = session.execute(select(Partner, ApiKey.id).join(ApiKey, ApiKey.partner_id == Partner.id).where(
        ApiKey.key_hash == hash_api_key(key, secret), ApiKey.revoked_at.is_(None))).first()
    return Caller(row[0], key_id=row[1]) if row is not None else None
