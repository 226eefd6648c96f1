"""Case files for graduates in hardship (university partners; each sees only its own).

Pseudonymous by design: ``student_ref`` is the university's own reference; the hub
refuses anything that looks like an ID card or phone number and asks for no names.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session

from app.models import utcnow
from app.schemas.campaign import (
    CaseIn,
    CaseList,
    CaseOut,
    CasePatch,
    CaseStatus,
    Category,
    Coverage,
    PushIn,
    PushList,
    PushResult,
    RecommendationList,
)
from app.schemas.common import problem_responses
from app.services.cases import (
    add_pushes,
    case_documents,
    coverage,
    create_case,
    list_cases,
    list_pushes,
    own_case,
    pushed_job_ids,
    update_case,
)
from app.services.recommend import recommend

from .campaign_deps import Id, UniversityDep, idempotent_create
from .deps import DbDep, IdempotencyKey, SettingsDep

router = APIRouter(prefix="/api/v1/cases", tags=["campaign"])
ERRORS = problem_responses(401, 403, 404, 409, 413, 422)


@router.post("", status_code=201, response_model=CaseOut, responses=ERRORS,
             summary="Open a case file; student_ref is your pseudonym for the graduate (no names, no ID numbers)")
async def post_case(spec: CaseIn, request: Request, partner: UniversityDep, db: DbDep, settings: SettingsDep,
                    idempotency_key: IdempotencyKey = None) -> Any:
    def work(session: Session) -> dict[str, Any]:
        return case_documents(session, [create_case(session, partner, spec.model_dump(mode="python"), utcnow())])[0]

    return await idempotent_create(request, db, settings, partner.id, idempotency_key, work)


@router.get("", response_model=CaseList, responses=problem_responses(401, 403, 422), summary="Your cases, newest first")
def get_cases(partner: UniversityDep, db: DbDep, settings: SettingsDep,
              status: CaseStatus | None = None, category: Category | None = None,
              limit: Annotated[int, Query(ge=1, le=100)] = 20,
              cursor: Annotated[str | None, Query(max_length=2000)] = None) -> dict[str, Any]:
    with db.read() as session:
        rows, nxt = list_cases(session, partner.id, status=status, category=category, cursor=cursor, limit=limit,
                               secret=settings.secret_key)
        return {"items": case_documents(session, rows), "next_cursor": nxt}


@router.get("/coverage", response_model=Coverage, responses=problem_responses(401, 403),
            summary="Open cases with at least 3 pushes, and those still short, by category")
def get_coverage(partner: UniversityDep, db: DbDep) -> dict[str, Any]:
    with db.read() as session:
        return coverage(session, partner.id)


@router.get("/{case_id}", response_model=CaseOut, responses=problem_responses(401, 403, 404, 422),
            summary="One of your cases")
def get_case(case_id: Id, partner: UniversityDep, db: DbDep) -> dict[str, Any]:
    with db.read() as session:
        return case_documents(session, [own_case(session, partner.id, case_id)])[0]


@router.patch("/{case_id}", response_model=CaseOut, responses=ERRORS, summary="Change a case (e.g. status placed)")
def patch_case(case_id: Id, spec: CasePatch, partner: UniversityDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        case = update_case(own_case(session, partner.id, case_id, lock=True),
                           spec.model_dump(mode="python", exclude_unset=True), utcnow())
        session.flush()
        return case_documents(session, [case])[0]


@router.get("/{case_id}/recommendations", response_model=RecommendationList,
            responses=problem_responses(401, 403, 404, 422),
            summary="Open jobs matched to the case, not yet pushed to it, each with why it matched")
def get_recommendations(case_id: Id, partner: UniversityDep, db: DbDep, settings: SettingsDep,
                        limit: Annotated[int, Query(ge=1, le=50)] = 10) -> dict[str, Any]:
    with db.read() as session:
        case = own_case(session, partner.id, case_id)
        return recommend(session, case, pushed_job_ids(session, case.id), limit, secret=settings.secret_key)


@router.post("/{case_id}/pushes", response_model=PushResult, responses=ERRORS,
             summary="Record jobs pushed to the graduate; each job once per case")
async def post_pushes(case_id: Id, spec: PushIn, request: Request, partner: UniversityDep, db: DbDep,
                      settings: SettingsDep, idempotency_key: IdempotencyKey = None) -> Any:
    def work(session: Session) -> dict[str, Any]:
        return add_pushes(session, own_case(session, partner.id, case_id, lock=True), spec.job_ids, utcnow())

    return await idempotent_create(request, db, settings, partner.id, idempotency_key, work, status=200)


@router.get("/{case_id}/pushes", response_model=PushList, responses=problem_responses(401, 403, 404, 422),
            summary="The jobs pushed to a case, in order")
def get_pushes(case_id: Id, partner: UniversityDep, db: DbDep) -> dict[str, Any]:
    with db.read() as session:
        own_case(session, partner.id, case_id)
        return {"items": list_pushes(session, case_id)}
