"""Request dependencies: the database, the caller (partner or admin), the request body."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import orjson
from fastapi import BackgroundTasks, Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.config import Settings
from app.db import Database
from app.errors import Forbidden, PayloadTooLarge, Unauthorized, ValidationFailed, field_error
from app.models import Partner, utcnow
from app.schemas.common import SafeStr
from app.search.facets import CountsPolicy
from app.security import same_token
from app.services.partners import authenticate, partner_for_key, touch_key

bearer = HTTPBearer(auto_error=False, description="A partner API key or the admin token")


def get_db(request: Request) -> Database:
    return request.app.state.db


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_counts(request: Request) -> CountsPolicy:
    return request.app.state.counts


DbDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
CountsDep = Annotated[CountsPolicy, Depends(get_counts)]
T = TypeVar("T")


def read_public(request: Request, db: Database, fn: Callable[[Any], T]) -> T:
    """A read of public data: on a hot standby for an anonymous request (``Database.read_public``);
    a request that carries credentials reads the primary, so a partner sees its own writes."""
    if "authorization" in request.headers:
        with db.read() as session:
            return fn(session)
    return db.read_public(fn)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def _token(creds: HTTPAuthorizationCredentials | None) -> str:
    if creds is None or not creds.credentials:
        raise Unauthorized()
    return creds.credentials


def _record_use(db: Database, key_id: str) -> None:
    with db.write() as session:
        touch_key(session, key_id, utcnow())


def require_partner(creds: Credentials, db: DbDep, settings: SettingsDep, tasks: BackgroundTasks) -> Partner:
    token = _token(creds)
    if same_token(token, settings.admin_token):
        raise Forbidden("This endpoint takes a partner API key, not the admin token.")
    if len(token) > 200:
        raise Unauthorized("The API key is not valid")
    with db.read() as session:
        use = authenticate(session, token, settings.secret_key)
    if use is None:
        raise Unauthorized("The API key is not valid or has been revoked")
    if use.stale(utcnow()):  # at most once a minute per key, after the answer is sent
        tasks.add_task(_record_use, db, use.key_id)
    return use.partner


def require_admin(creds: Credentials, db: DbDep, settings: SettingsDep) -> None:
    token = _token(creds)
    if same_token(token, settings.admin_token):
        return
    if len(token) <= 200:
        with db.read() as session:
            if partner_for_key(session, token, settings.secret_key) is not None:
                raise Forbidden("This endpoint needs the admin token.")
    raise Unauthorized("The admin token is not valid")


PartnerDep = Annotated[Partner, Depends(require_partner)]
AdminDep = Annotated[None, Depends(require_admin)]


async def read_json(request: Request, limit: int) -> tuple[Any, bytes]:
    """The request body parsed as JSON, refusing bodies over ``limit`` bytes (413)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"The body is over {limit} bytes.")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"The body is over {limit} bytes.")
        chunks.append(chunk)
    raw = b"".join(chunks)
    try:
        return orjson.loads(raw), raw
    except orjson.JSONDecodeError as exc:
        raise ValidationFailed("The body is not valid JSON.",
                               errors=[field_error("body", str(exc)[:200], "json_invalid")]) from None


IdempotencyKey = Annotated[SafeStr | None, Header(alias="Idempotency-Key", max_length=255,
                                             description="Replays the first answer for the same body")]
