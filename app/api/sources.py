"""Feed sources (admin, or a partner for its own feeds): register, read health, run now, list runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from app.cursor import decode_cursor, encode_cursor
from app.errors import (
    Conflict,
    Forbidden,
    Unauthorized,
    ValidationFailed,
    field_error,
    pydantic_errors,
)
from app.jsonutil import ORJSONResponse
from app.models import Partner, utcnow
from app.outbound.fetch import FetchError, check_url, make_client
from app.schemas.common import IdPath, problem_responses
from app.schemas.sources import (
    SourceDetail,
    SourceIn,
    SourceList,
    SourcePatch,
    SyncRunList,
    SyncRunOut,
)
from app.security import same_token
from app.services.idempotency import request_hash, run_idempotent
from app.services.partners import partner_for_key
from app.sync.mapping import FieldMapping
from app.sync.runner import run_source
from app.sync.sources import (
    create_source,
    list_runs,
    list_sources,
    run_document,
    source_document,
    update_source,
    visible_source,
)
from app.sync.store import RunExists, SourceBusy

from .deps import Credentials, DbDep, IdempotencyKey, SettingsDep

router = APIRouter(prefix="/api/v1/sources", tags=["sources"])
Id = IdPath
ERRORS = problem_responses(401, 403, 404, 409, 413, 422)


@dataclass(frozen=True, slots=True)
class Caller:
    """The admin (``partner`` None) or a partner."""

    partner: Partner | None

    @property
    def scope(self) -> str | None:
        return self.partner.id if self.partner else None


def require_caller(creds: Credentials, db: DbDep, settings: SettingsDep) -> Caller:
    if creds is None or not creds.credentials:
        raise Unauthorized()
    token = creds.credentials
    if same_token(token, settings.admin_token):
        return Caller(None)
    if len(token) <= 200:
        with db.read() as session:
            partner = partner_for_key(session, token, settings.secret_key)
        if partner is not None:
            return Caller(partner)
    raise Unauthorized("The API key or admin token is not valid")


CallerDep = Annotated[Caller, Depends(require_caller)]


def _mapping(raw: dict[str, Any] | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        return FieldMapping.model_validate(raw).model_dump(exclude_defaults=True)
    except ValidationError as exc:
        raise ValidationFailed("The mapping is not valid; see errors.",
                               errors=pydantic_errors(exc.errors(include_url=False), prefix="mapping")) from None


def _safe_url(url: str, allow_private: bool) -> None:
    try:
        check_url(url, allow_private=allow_private)
    except FetchError as exc:
        raise ValidationFailed("The feed URL is not allowed.", errors=[field_error("url", str(exc)[:300])]) from None


def _owner(caller: Caller, partner_id: str | None, session: Any) -> str:
    if caller.partner is not None:
        if partner_id not in (None, caller.partner.id):
            raise Forbidden("A partner may register feeds only for itself.")
        return caller.partner.id
    if partner_id is None:
        raise ValidationFailed("partner_id is required.", errors=[field_error("partner_id", "required", "missing")])
    if session.scalar(select(Partner.id).where(Partner.id == partner_id)) is None:
        raise ValidationFailed("No such partner.", errors=[field_error("partner_id", "no such partner")])
    return partner_id


@router.post("", status_code=201, response_model=SourceDetail, responses=ERRORS,
             summary="Register a feed for the hub to pull (admin, or a partner for itself)")
async def post_source(spec: SourceIn, request: Request, caller: CallerDep, db: DbDep, settings: SettingsDep,
                      idempotency_key: IdempotencyKey = None) -> Response:
    raw = await request.body()
    mapping = _mapping(spec.mapping)

    def create(session: Any, partner_id: str) -> tuple[int, Any]:
        try:
            with session.begin_nested():
                src = create_source(session, partner_id=partner_id, url=spec.url, format=spec.format,
                                    interval_seconds=spec.interval_seconds, mapping=mapping, snapshot=spec.snapshot,
                                    withdraw_after_misses=spec.withdraw_after_misses, enabled=spec.enabled,
                                    now=utcnow())
        except IntegrityError:
            raise Conflict("This partner already has a source with this URL.") from None
        return 201, source_document(src)

    def work() -> tuple[int, Any]:
        with db.read() as session:
            partner_id = _owner(caller, spec.partner_id, session)
        _safe_url(spec.url, settings.sync_allow_private)
        return run_idempotent(db, partner_id, idempotency_key, request_hash("POST", request.url.path, raw),
                              settings.idempotency_ttl_hours, lambda s: create(s, partner_id))

    status, payload = await run_in_threadpool(work)
    return ORJSONResponse(payload, status_code=status)


@router.get("", response_model=SourceList, responses=problem_responses(401, 403, 422),
            summary="Your sources (all of them for the admin), with health")
def get_sources(caller: CallerDep, db: DbDep, settings: SettingsDep,
                cursor: Annotated[str | None, Query(max_length=2000)] = None,
                limit: Annotated[int, Query(ge=1, le=200)] = 50) -> dict[str, Any]:
    after = decode_cursor(cursor, settings.secret_key) if cursor else None
    if after is not None and not (isinstance(after, dict) and isinstance(after.get("s"), str)):
        raise ValidationFailed("The cursor is not valid.", errors=[field_error("cursor", "not a sources cursor")])
    with db.read() as session:
        rows = list_sources(session, caller.scope, after["s"] if after else None, limit + 1)
    nxt = encode_cursor({"s": rows[limit - 1].id}, settings.secret_key) if len(rows) > limit else None
    now = utcnow()
    return {"items": [source_document(s, now) for s in rows[:limit]], "next_cursor": nxt}


@router.get("/{source_id}", response_model=SourceDetail, responses=ERRORS, summary="One source and its health")
def get_source(source_id: Id, caller: CallerDep, db: DbDep) -> dict[str, Any]:
    with db.read() as session:
        return source_document(visible_source(session, source_id, caller.scope))


@router.patch("/{source_id}", response_model=SourceDetail, responses=ERRORS,
              summary="Change a source's URL, format, interval, mapping or snapshot rule; pause or resume it")
async def patch_source(source_id: Id, spec: SourcePatch, caller: CallerDep, db: DbDep,
                       settings: SettingsDep) -> dict[str, Any]:
    changes = spec.model_dump(exclude_unset=True)
    for key in ("url", "format", "interval_seconds", "snapshot", "withdraw_after_misses", "enabled"):
        if key in changes and changes[key] is None:
            raise ValidationFailed(f"{key} cannot be null.", errors=[field_error(key, "must not be null")])
    if "mapping" in changes:
        changes["mapping"] = _mapping(changes["mapping"])

    def work() -> dict[str, Any]:
        if "url" in changes:
            _safe_url(changes["url"], settings.sync_allow_private)
        try:
            with db.write() as session:
                src = visible_source(session, source_id, caller.scope, lock=True)
                update_source(src, changes, utcnow())
                session.flush()
                return source_document(src)
        except IntegrityError:
            raise Conflict("This partner already has a source with this URL.") from None

    return await run_in_threadpool(work)


@router.delete("/{source_id}", status_code=204, responses=ERRORS,
               summary="Stop pulling a feed (its postings stay; withdraw them with DELETE /postings)")
def delete_source(source_id: Id, caller: CallerDep, db: DbDep) -> Response:
    with db.write() as session:
        session.delete(visible_source(session, source_id, caller.scope, lock=True))
    return Response(status_code=204)


@router.post("/{source_id}/sync", response_model=SyncRunOut, responses=ERRORS,
             summary="Run the source now and answer with the finished run (409 while a run is in progress)")
async def post_sync(source_id: Id, caller: CallerDep, db: DbDep, settings: SettingsDep) -> dict[str, Any]:
    def check() -> None:
        with db.read() as session:
            visible_source(session, source_id, caller.scope)

    await run_in_threadpool(check)
    async with make_client(timeout_s=min(30.0, settings.sync_deadline_s), max_connections=4) as client:
        try:
            run = await run_source(db, settings, client, source_id, trigger="manual")
        except (SourceBusy, RunExists) as exc:
            raise Conflict(str(exc)) from None
    return run_document(run)


@router.get("/{source_id}/runs", response_model=SyncRunList, responses=ERRORS,
            summary="The source's runs, newest first, with counts, rejections and errors")
def get_runs(source_id: Id, caller: CallerDep, db: DbDep, settings: SettingsDep,
             cursor: Annotated[str | None, Query(max_length=2000)] = None,
             limit: Annotated[int, Query(ge=1, le=100)] = 20) -> dict[str, Any]:
    before = decode_cursor(cursor, settings.secret_key) if cursor else None
    if before is not None and not (isinstance(before, dict) and isinstance(before.get("r"), str)):
        raise ValidationFailed("The cursor is not valid.", errors=[field_error("cursor", "not a runs cursor")])
    with db.read() as session:
        visible_source(session, source_id, caller.scope)
        rows = list_runs(session, source_id, before["r"] if before else None, limit + 1)
    nxt = encode_cursor({"r": rows[limit - 1].id}, settings.secret_key) if len(rows) > limit else None
    return {"items": [run_document(r) for r in rows[:limit]], "next_cursor": nxt}
