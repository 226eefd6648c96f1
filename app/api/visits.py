"""Enterprise visits (访企拓岗, university partners): record, list, progress against the target."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.models import utcnow
from app.schemas.campaign import TargetIn, VisitIn, VisitList, VisitOut, VisitProgress
from app.schemas.common import SafeStr, problem_responses
from app.services.visits import (
    create_visit,
    list_visits,
    own_visit,
    progress,
    set_target,
    visit_document,
)

from .campaign_deps import Id, UniversityDep, idempotent_create
from .deps import DbDep, IdempotencyKey, SettingsDep

router = APIRouter(prefix="/api/v1/visits", tags=["campaign"])
ERRORS = problem_responses(401, 403, 404, 409, 413, 422)


@router.post("", status_code=201, response_model=VisitOut, responses=ERRORS,
             summary="Record a leader's visit to an employer")
async def post_visit(spec: VisitIn, request: Request, partner: UniversityDep, db: DbDep, settings: SettingsDep,
                     idempotency_key: IdempotencyKey = None) -> Any:
    def work(session: Session) -> dict[str, Any]:
        return visit_document(create_visit(session, partner.id, spec.model_dump(mode="python"), utcnow()))

    return await idempotent_create(request, db, settings, partner.id, idempotency_key, work)


@router.get("", response_model=VisitList, responses=problem_responses(401, 403, 422),
            summary="Your visits, most recent first")
def get_visits(partner: UniversityDep, db: DbDep, settings: SettingsDep,
               leader: Annotated[SafeStr | None, Query(max_length=100, description="Only this leader's visits")] = None,
               limit: Annotated[int, Query(ge=1, le=100)] = 20,
               cursor: Annotated[str | None, Query(max_length=2000)] = None) -> dict[str, Any]:
    with db.read() as session:
        rows, nxt = list_visits(session, partner.id, leader=leader, cursor=cursor, limit=limit,
                                secret=settings.secret_key)
    return {"items": [visit_document(v) for v in rows], "next_cursor": nxt}


@router.get("/progress", response_model=VisitProgress, responses=problem_responses(401, 403),
            summary="Distinct employers visited against your target (default 100), and per leader")
def get_progress(partner: UniversityDep, db: DbDep) -> dict[str, Any]:
    with db.read() as session:
        return progress(session, partner.id)


@router.put("/target", response_model=VisitProgress, responses=problem_responses(401, 403, 422),
            summary="Set how many distinct employers you mean to visit")
def put_target(spec: TargetIn, partner: UniversityDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        set_target(session, partner.id, spec.target, utcnow())
        return progress(session, partner.id)


@router.get("/{visit_id}", response_model=VisitOut, responses=problem_responses(401, 403, 404, 422),
            summary="One of your visits")
def get_visit(visit_id: Id, partner: UniversityDep, db: DbDep) -> dict[str, Any]:
    with db.read() as session:
        visit = own_visit(session, partner.id, visit_id)
    if visit is None:
        raise NotFound("no such visit")
    return visit_document(visit)
