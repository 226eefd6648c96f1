"""Webhooks (partner key): register a URL, list, change, delete; read deliveries; redeliver."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from app.cursor import decode_cursor, encode_cursor
from app.errors import ValidationFailed, field_error
from app.jsonutil import ORJSONResponse
from app.models import utcnow
from app.outbound.fetch import FetchError, check_url, make_client
from app.schemas.common import IdPath, problem_responses
from app.schemas.webhooks import (
    DeliveryList,
    DeliveryOut,
    WebhookCreated,
    WebhookIn,
    WebhookList,
    WebhookOut,
    WebhookPatch,
)
from app.services.changes import ChangeFilter, change_position
from app.services.idempotency import request_hash, run_idempotent
from app.webhooks.delivery import redeliver
from app.webhooks.store import (
    create_webhook,
    delivery_document,
    list_deliveries,
    list_webhooks,
    own_webhook,
    update_webhook,
    webhook_document,
)

from .deps import DbDep, IdempotencyKey, PartnerDep, SettingsDep

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])
Id = IdPath
ERRORS = problem_responses(401, 403, 404, 409, 413, 422)


def _safe_url(url: str, allow_private: bool) -> str:
    """The feed sources' SSRF rules: http(s), no credentials, only public addresses."""
    try:
        check_url(url, allow_private=allow_private)
    except FetchError as exc:
        raise ValidationFailed("The webhook URL is not allowed.", errors=[field_error("url", str(exc)[:300])]) from None
    return url


def _filters(raw: Any) -> ChangeFilter:
    return ChangeFilter.parse(raw.region, raw.industry, raw.job_type, prefix="filters.")


@router.post("", status_code=201, response_model=WebhookCreated, responses=ERRORS,
             summary="Register a webhook; the answer holds its signing secret, shown only once")
async def post_webhook(spec: WebhookIn, request: Request, partner: PartnerDep, db: DbDep, settings: SettingsDep,
                       idempotency_key: IdempotencyKey = None) -> Response:
    raw = await request.body()
    flt = _filters(spec.filters)
    start = change_position(spec.cursor, settings.secret_key) if spec.cursor else None

    def create(session: Any) -> tuple[int, Any]:
        hook = create_webhook(session, partner.id, spec.url, flt, start, utcnow())
        return 201, {**webhook_document(hook), "secret": hook.secret}

    def work() -> tuple[int, Any]:
        _safe_url(spec.url, settings.sync_allow_private)
        return run_idempotent(db, partner.id, idempotency_key, request_hash("POST", request.url.path, raw),
                              settings.idempotency_ttl_hours, create)

    status, payload = await run_in_threadpool(work)
    return ORJSONResponse(payload, status_code=status)


@router.get("", response_model=WebhookList, responses=problem_responses(401, 403), summary="Your webhooks")
def get_webhooks(partner: PartnerDep, db: DbDep) -> dict[str, Any]:
    with db.read() as session:
        return {"items": [webhook_document(h) for h in list_webhooks(session, partner.id)]}


@router.get("/{webhook_id}", response_model=WebhookOut, responses=ERRORS, summary="One of your webhooks")
def get_webhook(webhook_id: Id, partner: PartnerDep, db: DbDep) -> dict[str, Any]:
    with db.read() as session:
        return webhook_document(own_webhook(session, partner.id, webhook_id))


@router.patch("/{webhook_id}", response_model=WebhookOut, responses=ERRORS,
              summary="Change the URL or filters, disable, re-enable, or move to a cursor")
async def patch_webhook(webhook_id: Id, spec: WebhookPatch, partner: PartnerDep, db: DbDep,
                        settings: SettingsDep) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if spec.filters is not None:
        changes["filters"] = _filters(spec.filters)
    if spec.status is not None:
        changes["status"] = spec.status
    if spec.cursor is not None:
        changes["position"] = change_position(spec.cursor, settings.secret_key, param="cursor")

    def work() -> dict[str, Any]:
        if spec.url is not None:
            changes["url"] = _safe_url(spec.url, settings.sync_allow_private)
        with db.write() as session:
            hook = own_webhook(session, partner.id, webhook_id, lock=True)
            return webhook_document(update_webhook(session, hook, changes, utcnow()))

    return await run_in_threadpool(work)


@router.delete("/{webhook_id}", status_code=204, responses=ERRORS, summary="Delete a webhook and its delivery log")
def delete_webhook(webhook_id: Id, partner: PartnerDep, db: DbDep) -> Response:
    with db.write() as session:
        session.delete(own_webhook(session, partner.id, webhook_id, lock=True))
    return Response(status_code=204)


@router.get("/{webhook_id}/deliveries", response_model=DeliveryList, responses=ERRORS,
            summary="The delivery log, newest first")
def get_deliveries(webhook_id: Id, partner: PartnerDep, db: DbDep, settings: SettingsDep,
                   cursor: Annotated[str | None, Query(max_length=2000)] = None,
                   limit: Annotated[int, Query(ge=1, le=100)] = 20) -> dict[str, Any]:
    before = decode_cursor(cursor, settings.secret_key) if cursor else None
    if before is not None and not (isinstance(before, dict) and isinstance(before.get("d"), str)):
        raise ValidationFailed("The cursor is not valid.", errors=[field_error("cursor", "not a deliveries cursor")])
    with db.read() as session:
        own_webhook(session, partner.id, webhook_id)
        rows = list_deliveries(session, webhook_id, before["d"] if before else None, limit + 1)
    nxt = encode_cursor({"d": rows[limit - 1].id}, settings.secret_key) if len(rows) > limit else None
    return {"items": [delivery_document(d) for d in rows[:limit]], "next_cursor": nxt}


@router.post("/{webhook_id}/deliveries/{delivery_id}/redeliver", response_model=DeliveryOut, responses=ERRORS,
             summary="Send a past batch again now, under a new delivery id; answers with the outcome")
async def post_redelivery(webhook_id: Id, delivery_id: Id, partner: PartnerDep, db: DbDep,
                          settings: SettingsDep) -> dict[str, Any]:
    async with make_client(timeout_s=10.0, max_connections=2) as client:
        return await redeliver(db, client, partner.id, webhook_id, delivery_id,
                               allow_private=settings.sync_allow_private, now=utcnow())
