"""Enterprise visits (访企拓岗, university partners): record, correct, delete, progress against the rules."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session

from app.models import utcnow
from app.schemas.campaign import (
    NewEmployerCheck,
    TargetIn,
    VisitIn,
    VisitList,
    VisitOut,
    VisitPatch,
    VisitProgress,
)
from app.schemas.common import SafeStr, problem_responses
from app.services.campaign import province_of
from app.services.rules import set_rules
from app.services.visits import (
    check_new_employer,
    create_visit,
    delete_visit,
    list_visits,
    own_visit,
    progress,
    update_visit,
    visit_document,
)

from .campaign_deps import Id, UniversityDep, idempotent_create
from .deps import DbDep, IdempotencyKey, SettingsDep

router = APIRouter(prefix="/api/v1/visits", tags=["campaign"])
ERRORS = problem_responses(401, 403, 404, 409, 413, 422)


@router.post("", status_code=201, response_model=VisitOut, responses=ERRORS,
             summary="Record a leader's visit to an employer (no later than today, Beijing)")
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
            summary="Distinct employers (and new employers) visited against the rules that apply, per leader")
def get_progress(partner: UniversityDep, db: DbDep) -> dict[str, Any]:
    with db.read() as session:
        return progress(session, partner)


@router.get("/new-employer", response_model=NewEmployerCheck, responses=problem_responses(401, 403, 422),
            summary="Would a visit to this employer today be a newly developed employer (新开拓用人单位)?")
def get_new_employer(partner: UniversityDep, db: DbDep,
                     employer_name: Annotated[SafeStr, Query(min_length=1, max_length=300)],
                     credit_code: Annotated[SafeStr | None, Query(max_length=18)] = None) -> dict[str, Any]:
    """Ask before recording a visit whether the hub would call the employer newly developed (新开拓) for
    you: no earlier visit to it by your university and no posting from it shared by you before."""
    with db.read() as session:
        return check_new_employer(session, partner.id, employer_name, credit_code, utcnow())


@router.put("/target", response_model=VisitProgress, responses=problem_responses(401, 403, 422),
            summary="Aim higher: your own target of distinct employers (never below the rule that applies)")
def put_target(spec: TargetIn, partner: UniversityDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        set_rules(session, "university", partner.id, {"visit_employers": spec.target},
                  province=province_of(partner.region_code), by_partner_id=partner.id, now=utcnow(),
                  field_names={"visit_employers": "target"})
        return progress(session, partner)


@router.get("/{visit_id}", response_model=VisitOut, responses=problem_responses(401, 403, 404, 422),
            summary="One of your visits")
def get_visit(visit_id: Id, partner: UniversityDep, db: DbDep) -> dict[str, Any]:
    with db.read() as session:
        return visit_document(own_visit(session, partner.id, visit_id))


@router.patch("/{visit_id}", response_model=VisitOut, responses=ERRORS,
              summary="Correct one of your visits (the fields sent)")
def patch_visit(visit_id: Id, spec: VisitPatch, partner: UniversityDep, db: DbDep) -> dict[str, Any]:
    """Correct one of your visits: the fields you send change; a date stays no later than today
    (Beijing). Another university's visit is a 404."""
    with db.write() as session:
        visit = own_visit(session, partner.id, visit_id, lock=True)
        return visit_document(update_visit(session, visit, spec.model_dump(mode="python", exclude_unset=True),
                                           utcnow()))


@router.delete("/{visit_id}", status_code=204, responses=problem_responses(401, 403, 404, 422),
               summary="Delete one of your visits (recorded by mistake)")
def remove_visit(visit_id: Id, partner: UniversityDep, db: DbDep) -> Response:
    """Delete one of your visits (recorded by mistake); progress and reports no longer count it.
    Another university's visit is a 404."""
    with db.write() as session:
        delete_visit(session, own_visit(session, partner.id, visit_id, lock=True))
    return Response(status_code=204)
