"""Recruitment fairs (招聘会): organisers create, change and cancel theirs; anyone reads them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session

from app.models import utcnow
from app.schemas.campaign import FairIn, FairKind, FairList, FairMode, FairOut, FairPatch
from app.schemas.common import problem_responses
from app.services.fairs import (
    cancel_fair,
    create_fair,
    fair_documents,
    get_fair,
    list_fairs,
    own_fair,
    update_fair,
)

from .campaign_deps import Id, idempotent_create, region_code
from .deps import DbDep, IdempotencyKey, PartnerDep, SettingsDep, read_public

router = APIRouter(prefix="/api/v1/fairs", tags=["campaign"])
ERRORS = problem_responses(401, 403, 404, 409, 413, 422)


@router.post("", status_code=201, response_model=FairOut, responses=ERRORS,
             summary="Announce a recruitment fair; you are its organiser")
async def post_fair(spec: FairIn, request: Request, partner: PartnerDep, db: DbDep, settings: SettingsDep,
                    idempotency_key: IdempotencyKey = None) -> Any:
    def work(session: Session) -> dict[str, Any]:
        fair = create_fair(session, partner.id, spec.model_dump(mode="python"), utcnow())
        session.flush()
        return fair_documents(session, [fair])[0]

    return await idempotent_create(request, db, settings, partner.id, idempotency_key, work)


@router.get("", response_model=FairList, responses=problem_responses(422),
            summary="Fairs (public): upcoming soonest first, or past most recent first")
def get_fairs(request: Request, db: DbDep, settings: SettingsDep,
              region: Annotated[str | None, Query(max_length=12, description="GB/T 2260 code; a province or "
                                                  "city matches every fair inside it")] = None,
              kind: FairKind | None = None, mode: FairMode | None = None,
              when: Literal["upcoming", "past", "all"] = "upcoming",
              limit: Annotated[int, Query(ge=1, le=100)] = 20,
              cursor: Annotated[str | None, Query(max_length=2000)] = None) -> dict[str, Any]:
    code = region_code(region)

    def read(session: Session) -> dict[str, Any]:
        rows, nxt = list_fairs(session, region=code, kind=kind, mode=mode, when=when, now=utcnow(),
                               cursor=cursor, limit=limit, secret=settings.secret_key)
        return {"items": fair_documents(session, rows), "next_cursor": nxt}

    return read_public(request, db, read)


@router.get("/{fair_id}", response_model=FairOut, responses=problem_responses(404, 422),
            summary="One fair (public), cancelled ones included")
def get_one_fair(request: Request, fair_id: Id, db: DbDep) -> dict[str, Any]:
    return read_public(request, db, lambda session: fair_documents(session, [get_fair(session, fair_id)])[0])


@router.patch("/{fair_id}", response_model=FairOut, responses=ERRORS,
              summary="Change your fair; job_ids and employers replace the lists")
def patch_fair(fair_id: Id, spec: FairPatch, partner: PartnerDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        fair = update_fair(session, own_fair(session, partner.id, fair_id),
                           spec.model_dump(mode="python", exclude_unset=True), utcnow())
        session.flush()
        return fair_documents(session, [fair])[0]


def _cancel(fair_id: str, partner_id: str, db: Any) -> dict[str, Any]:
    with db.write() as session:
        fair = cancel_fair(own_fair(session, partner_id, fair_id), utcnow())
        session.flush()
        return fair_documents(session, [fair])[0]


@router.post("/{fair_id}/cancel", response_model=FairOut, responses=ERRORS,
             summary="Cancel your fair; it stays visible, marked cancelled")
def post_cancel(fair_id: Id, partner: PartnerDep, db: DbDep) -> dict[str, Any]:
    return _cancel(fair_id, partner.id, db)


@router.delete("/{fair_id}", response_model=FairOut, responses=ERRORS,
               summary="Same as cancel: the fair stays visible, marked cancelled")
def delete_fair(fair_id: Id, partner: PartnerDep, db: DbDep) -> dict[str, Any]:
    return _cancel(fair_id, partner.id, db)
