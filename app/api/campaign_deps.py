"""What the campaign routers share: the caller and its role, the university actor of the audit log,
query checks, table responses (JSON, CSV, xlsx) and idempotent creates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.errors import Forbidden, Unauthorized, ValidationFailed, field_error
from app.export.tables import table_csv, table_xlsx
from app.jsonutil import ORJSONResponse
from app.models import Partner
from app.normalize import region_by_code
from app.schemas.common import IdPath
from app.security import same_token
from app.services.campaign import province_of
from app.services.case_audit import Actor
from app.services.idempotency import request_hash, run_idempotent
from app.services.partners import partner_for_key
from app.services.roles import Caller, caller_for_key

from .deps import Credentials, DbDep, PartnerDep, SettingsDep

Id = IdPath


def region_code(region: str | None, name: str = "region") -> str | None:
    """A ``region`` query parameter as its GB/T 2260 code (None for none); a 422 naming it otherwise."""
    if region is None:
        return None
    found = region_by_code(region) if region.isdigit() else None
    if found is None:
        raise ValidationFailed("Unknown region.", errors=[field_error(name, "not a GB/T 2260 region code")])
    return found.code


def province_param(request: Request, province: str | None, name: str = "province") -> str | None:
    """A ``province`` query parameter: given once, a province-level code (a 422 naming it otherwise)."""
    single(request, name)
    code = region_code(province, name)
    if code is not None and province_of(code) != code:
        raise ValidationFailed("Not a province.", errors=[field_error(name, f"a province code, e.g. "
                                                                      f"{province_of(code)}")])
    return code


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


def require_caller(creds: Credentials, db: DbDep, settings: SettingsDep) -> Caller:
    """Any partner key (with the key's id) or the admin token."""
    if creds is None or not creds.credentials:
        raise Unauthorized()
    token = creds.credentials
    if same_token(token, settings.admin_token):
        return Caller(None)
    if len(token) <= 200:
        with db.read() as session:
            caller = caller_for_key(session, token, settings.secret_key)
        if caller is not None:
            return caller
    raise Unauthorized("The API key is not valid or has been revoked")


CallerDep = Annotated[Caller, Depends(require_caller)]


def require_case_actor(caller: CallerDep) -> tuple[Partner, Actor]:
    """A university partner, and who it is for the case files' audit log. The admin token is a 403:
    it operates the hub, it does not read graduates' case files."""
    if caller.partner is None:
        raise Forbidden("This endpoint takes a university's API key, not the admin token.")
    if caller.partner.kind != "university":
        raise Forbidden("Only university partners keep enterprise visits and case files.")
    return caller.partner, Actor("partner", caller.partner.id, caller.key_id, caller.user_id)


CaseActorDep = Annotated[tuple[Partner, Actor], Depends(require_case_actor)]


def single(request: Request, *names: str) -> None:
    """A 422 naming a query parameter sent more than once (FastAPI would silently keep the last)."""
    errors = [field_error(n, "give it once") for n in names if len(request.query_params.getlist(n)) > 1]
    if errors:
        raise ValidationFailed("A query parameter was repeated.", errors=errors)


FORMATS = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def wanted_format(request: Request, fmt: str | None) -> str:
    """``json``, ``csv`` or ``xlsx``: the ``format`` parameter, else the Accept header."""
    if fmt:
        return fmt
    accept = request.headers.get("accept", "")
    return next((name for name, media in FORMATS.items() if media in accept), "json")


def table_response(fmt: str, columns: tuple[str, ...], rows: list[dict[str, Any]], name: str) -> Response:
    """A table as CSV (UTF-8 with BOM) or xlsx, as an attachment."""
    body = table_csv(columns, rows) if fmt == "csv" else table_xlsx(columns, rows, name)
    media = "text/csv; charset=utf-8" if fmt == "csv" else FORMATS["xlsx"]
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


def table_responses(model: Any) -> dict[int | str, dict[str, Any]]:
    """OpenAPI for a table endpoint: JSON, CSV or xlsx."""
    return {200: {"model": model, "content": {
        "application/json": {}, "text/csv": {"schema": {"type": "string"}},
        FORMATS["xlsx"]: {"schema": {"type": "string", "format": "binary"}}},
        "description": "JSON; CSV (UTF-8 with BOM) or xlsx with `format=` or the Accept header"}}


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
