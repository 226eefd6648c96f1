"""What the campaign routers share: the university caller, admin-or-partner readers, idempotent creates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.errors import Forbidden, Unauthorized, ValidationFailed, field_error
from app.jsonutil import ORJSONResponse
from app.models import Partner
from app.normalize import region_by_code
from app.security import same_token
from app.services.idempotency import request_hash, run_idempotent
from app.services.partners import partner_for_key

from .deps import Credentials, DbDep, PartnerDep, SettingsDep

Id = Annotated[str, Path(min_length=1, max_length=64)]


def region_code(region: str | None) -> str | None:
    """A ``region`` query parameter as its GB/T 2260 code (None for none); a 422 naming it otherwise."""
    if region is None:
        return None
    found = region_by_code(region) if region.isdigit() else None
    if found is None:
        raise ValidationFailed("Unknown region.", errors=[field_error("region", "not a GB/T 2260 region code")])
    return found.code


def require_university(partner: PartnerDep) -> Partner:
    """Visits and case files belong to universities (their career centres)."""
    if partner.kind != "university":
        raise Forbidden("Only university partners keep enterprise visits and case files.")
    return partner


UniversityDep = Annotated[Partner, Depends(require_university)]


def require_reader(creds: Credentials, db: DbDep, settings: SettingsDep) -> Partner | None:
    """Any partner key, or the admin token (``None``)."""
    if creds is None or not creds.credentials:
        raise Unauthorized()
    token = creds.credentials
    if same_token(token, settings.admin_token):
        return None
    if len(token) <= 200:
        with db.read() as session:
            partner = partner_for_key(session, token, settings.secret_key)
        if partner is not None:
            return partner
    raise Unauthorized("The API key is not valid or has been revoked")


ReaderDep = Annotated[Partner | None, Depends(require_reader)]


async def idempotent_create(request: Request, db: Any, settings: Any, partner_id: str, key: str | None,
                            work: Callable[[Session], dict[str, Any]], status: int = 201) -> ORJSONResponse:
    """Run ``work`` in one write transaction; an ``Idempotency-Key`` replays the first answer."""
    raw = await request.body()

    def handler(session: Session) -> tuple[int, Any]:
        return status, work(session)

    def run() -> tuple[int, Any]:
        return run_idempotent(db, partner_id, key, request_hash(request.method, request.url.path, raw),
                              settings.idempotency_ttl_hours, handler)

    code, payload = await run_in_threadpool(run)
    return ORJSONResponse(payload, status_code=code)
