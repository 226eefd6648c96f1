"""Push: partners put postings into the hub and read back what became of them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from app.errors import NotFound, ValidationFailed, field_error
from app.ingest.pipeline import PartnerRef, prepare, store_batch, withdraw
from app.jsonutil import ORJSONResponse
from app.models import Posting
from app.schemas.common import ExternalIdPath, problem_responses
from app.schemas.posting import BatchResult, PostingBatchIn, PostingIn, PostingRecord
from app.services.idempotency import request_hash, run_idempotent

from .deps import DbDep, IdempotencyKey, PartnerDep, SettingsDep, read_json

router = APIRouter(prefix="/api/v1/postings", tags=["postings"])
ExternalId = ExternalIdPath
ERRORS = problem_responses(401, 403, 404, 409, 413, 422)


def _body(model: type) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": ref}}}}


class LoadSpreader:
    """Asks a partner to reconnect when this worker process is answering another batch push too.

    The API's worker processes share one listening socket, and a keep-alive connection stays
    with the process that accepted it: two partners pushing continuously could both sit on one
    process (one core, one interpreter lock) while another idles, and push markedly slower
    (bench/RESULTS.md). So a process that is still answering another push
    says ``Connection: close`` with this answer; the partner's HTTP client reconnects for its next
    batch by itself, and a process waiting in ``accept`` (an idle one gets there first) takes it.
    A process answering one push at a time keeps its connections. Event-loop thread only."""

    def __init__(self) -> None:
        self.in_flight = 0

    def enter(self) -> None:
        self.in_flight += 1

    def leave(self) -> bool:
        """End one push; True when another is still being answered here (close this connection)."""
        self.in_flight -= 1
        return self.in_flight > 0


SPREADER = LoadSpreader()


def _check_batch(body: Any, max_batch: int) -> list[Any]:
    if not isinstance(body, dict):
        raise ValidationFailed("The body must be an object.", errors=[field_error("body", "expected an object")])
    unknown = sorted(set(body) - {"postings"})
    if unknown:
        raise ValidationFailed("Unknown fields.", errors=[field_error(k, "unknown field", "extra_forbidden") for k in unknown])
    items = body.get("postings")
    if not isinstance(items, list) or not items:
        raise ValidationFailed("postings must be a non-empty list.",
                               errors=[field_error("postings", "expected a non-empty list")])
    if len(items) > max_batch:
        raise ValidationFailed(f"At most {max_batch} postings per batch.",
                               errors=[field_error("postings", f"{len(items)} items; at most {max_batch}", "too_long")])
    seen: dict[Any, int] = {}
    dupes = []
    for i, item in enumerate(items):
        ext = item.get("external_id") if isinstance(item, dict) else None
        if isinstance(ext, str):
            if ext in seen:
                dupes.append(field_error(f"postings[{i}].external_id",
                                         f"duplicate of postings[{seen[ext]}].external_id", "duplicate"))
            seen.setdefault(ext, i)
    if dupes:
        raise ValidationFailed("The same external_id appears twice in one batch.", errors=dupes)
    return items


@router.post("/batch", response_model=BatchResult, responses=ERRORS, openapi_extra=_body(PostingBatchIn),
             summary="Push up to 1000 postings; each is accepted or rejected on its own")
async def push_batch(request: Request, partner: PartnerDep, db: DbDep, settings: SettingsDep,
                     idempotency_key: IdempotencyKey = None) -> Response:
    body, raw = await read_json(request, settings.max_body_bytes)
    items = _check_batch(body, settings.max_batch)
    ref = PartnerRef(partner.id, partner.kind, partner.name)

    def work() -> tuple[int, Any]:
        prepared = [prepare(item, partner.region_code, fts=db.sqlite) for item in items]
        return run_idempotent(
            db, partner.id, idempotency_key, request_hash("POST", request.url.path, raw),
            settings.idempotency_ttl_hours,
            lambda s: (200, {"results": [o.as_dict() for o in store_batch(s, ref, prepared)]}))

    SPREADER.enter()
    try:
        status, payload = await run_in_threadpool(work)
    finally:
        busy = SPREADER.leave()
    response = ORJSONResponse(payload, status_code=status)
    if busy:
        response.headers["Connection"] = "close"
    return response


@router.put("/{external_id}", response_model=PostingRecord, status_code=200,
            responses={201: {"model": PostingRecord, "description": "Created"}, **ERRORS},
            openapi_extra=_body(PostingIn), summary="Create or replace one posting")
async def put_posting(external_id: ExternalId, request: Request, partner: PartnerDep, db: DbDep,
                      settings: SettingsDep, idempotency_key: IdempotencyKey = None) -> Response:
    body, raw = await read_json(request, settings.max_body_bytes)
    if not isinstance(body, dict):
        raise ValidationFailed("The body must be an object.", errors=[field_error("body", "expected an object")])
    if "external_id" in body and body["external_id"] != external_id:
        raise ValidationFailed("external_id in the body differs from the path.",
                               errors=[field_error("external_id", "must equal the path's external_id")])
    body = {**body, "external_id": external_id}
    ref = PartnerRef(partner.id, partner.kind, partner.name)

    def handler(session: Any) -> tuple[int, Any]:
        outcome = store_batch(session, ref, [prepared])[0]
        if outcome.status == "rejected":
            raise ValidationFailed("The posting is not valid; see errors.", errors=outcome.errors)
        record = _record(session, partner.id, external_id)
        return (201 if outcome.status == "created" else 200), record

    def work() -> tuple[int, Any]:
        return run_idempotent(db, partner.id, idempotency_key, request_hash("PUT", request.url.path, raw),
                              settings.idempotency_ttl_hours, handler)

    prepared = await run_in_threadpool(prepare, body, partner.region_code)
    status, payload = await run_in_threadpool(work)
    return ORJSONResponse(payload, status_code=status)


@router.get("/{external_id}", response_model=PostingRecord, responses=ERRORS,
            summary="Read back one of your postings and its job")
def get_posting(external_id: ExternalId, partner: PartnerDep, db: DbDep) -> Response:
    with db.read() as session:
        return ORJSONResponse(_record(session, partner.id, external_id))


@router.delete("/{external_id}", status_code=204, responses=ERRORS, summary="Withdraw one of your postings")
def delete_posting(external_id: ExternalId, request: Request, partner: PartnerDep, db: DbDep,
                   settings: SettingsDep, idempotency_key: IdempotencyKey = None) -> Response:
    def handler(session: Any) -> tuple[int, Any]:
        withdraw(session, PartnerRef(partner.id, partner.kind), external_id)
        return 204, None

    run_idempotent(db, partner.id, idempotency_key, request_hash("DELETE", request.url.path, b""),
                   settings.idempotency_ttl_hours, handler)
    return Response(status_code=204)


def _record(session: Any, partner_id: str, external_id: str) -> dict[str, Any]:
    row = session.execute(select(Posting).where(
        Posting.partner_id == partner_id, Posting.external_id == external_id)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no posting {external_id!r}")
    return {
        "id": row.id, "external_id": row.external_id, "job_id": row.job_id, "status": row.status,
        "posting": row.data, "received": row.raw, "first_seen_at": row.first_seen_at.isoformat(),
        "last_seen_at": row.last_seen_at.isoformat(), "updated_at": row.updated_at.isoformat(),
    }
