"""Case files of graduates in hardship (university partners; each sees only its own).

Pseudonymous by design: ``student_ref`` is the university's own reference; the hub refuses
anything that looks like an ID card, phone number or email and asks for no names. Every read and
write goes into the audit log (``GET /api/v1/cases/audit``); the admin token gets a 403 here.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session

from app.models import utcnow
from app.schemas.cases import (
    AuditList,
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
    RecordIn,
    RecordList,
    RecordOut,
)
from app.schemas.common import SafeStr, problem_responses
from app.services.case_audit import audit, audit_entries
from app.services.case_erasure import erase_case
from app.services.cases import (
    add_pushes,
    add_record,
    case_documents,
    coverage,
    create_case,
    list_cases,
    list_pushes,
    list_records,
    own_case,
    pushed_job_ids,
    record_document,
    update_case,
)
from app.services.recommend import recommend

from .campaign_deps import CaseActorDep, Id, idempotent_create
from .deps import DbDep, IdempotencyKey, SettingsDep

router = APIRouter(prefix="/api/v1/cases", tags=["campaign"])
ERRORS = problem_responses(401, 403, 404, 409, 413, 422)
READ_ERRORS = problem_responses(401, 403, 404, 422)


@router.post("", status_code=201, response_model=CaseOut, responses=ERRORS,
             summary="Open a case file; student_ref is your pseudonym for the graduate (no names, no ID numbers)")
async def post_case(spec: CaseIn, request: Request, who: CaseActorDep, db: DbDep, settings: SettingsDep,
                    idempotency_key: IdempotencyKey = None) -> Any:
    partner, actor = who

    def work(session: Session) -> dict[str, Any]:
        case = create_case(session, partner, spec.model_dump(mode="python"), utcnow(), actor)
        return case_documents(session, [case])[0]

    return await idempotent_create(request, db, settings, partner.id, idempotency_key, work)


@router.get("", response_model=CaseList, responses=problem_responses(401, 403, 422), summary="Your cases, newest first")
def get_cases(who: CaseActorDep, db: DbDep, settings: SettingsDep,
              status: CaseStatus | None = None, category: Category | None = None,
              limit: Annotated[int, Query(ge=1, le=100)] = 20,
              cursor: Annotated[str | None, Query(max_length=2000)] = None) -> dict[str, Any]:
    partner, actor = who
    with db.write() as session:
        rows, nxt = list_cases(session, partner.id, status=status, category=category, cursor=cursor, limit=limit,
                               secret=settings.secret_key)
        audit(session, actor, partner.id, "list", [c.id for c in rows], utcnow())
        return {"items": case_documents(session, rows), "next_cursor": nxt}


@router.get("/coverage", response_model=Coverage, responses=problem_responses(401, 403),
            summary="Open cases with at least the required pushes (3, or more by the rules), and those still short")
def get_coverage(who: CaseActorDep, db: DbDep) -> dict[str, Any]:
    partner, actor = who
    with db.write() as session:
        return coverage(session, partner, utcnow(), actor)


@router.get("/audit", response_model=AuditList, responses=problem_responses(401, 403, 422),
            summary="Who read or changed your case files, newest first (erasures included)")
def get_audit(who: CaseActorDep, db: DbDep, settings: SettingsDep,
              case_id: Annotated[SafeStr | None, Query(max_length=64, description="One case's entries")] = None,
              limit: Annotated[int, Query(ge=1, le=200)] = 50,
              cursor: Annotated[str | None, Query(max_length=2000)] = None) -> dict[str, Any]:
    """The audit log of your case files: who (partner, API key, staff user) read or changed which case,
    when, and which fields (never their values)."""
    partner, _ = who
    with db.read() as session:
        items, nxt = audit_entries(session, partner.id, case_id=case_id, cursor=cursor, limit=limit,
                                   secret=settings.secret_key)
    return {"items": items, "next_cursor": nxt}


@router.get("/{case_id}", response_model=CaseOut, responses=READ_ERRORS, summary="One of your cases")
def get_case(case_id: Id, who: CaseActorDep, db: DbDep) -> dict[str, Any]:
    partner, actor = who
    with db.write() as session:
        case = own_case(session, partner.id, case_id)
        audit(session, actor, partner.id, "read", [case.id], utcnow())
        return case_documents(session, [case])[0]


@router.patch("/{case_id}", response_model=CaseOut, responses=ERRORS,
              summary="Change a case (e.g. status placed, the plan)")
def patch_case(case_id: Id, spec: CasePatch, who: CaseActorDep, db: DbDep) -> dict[str, Any]:
    partner, actor = who
    with db.write() as session:
        case = update_case(session, own_case(session, partner.id, case_id, lock=True),
                           spec.model_dump(mode="python", exclude_unset=True), utcnow(), actor)
        session.flush()
        return case_documents(session, [case])[0]


@router.delete("/{case_id}", status_code=204, responses=READ_ERRORS,
               summary="Erase a case file: its fields, pushes and records are destroyed; the audit entry stays")
def delete_case(case_id: Id, who: CaseActorDep, db: DbDep) -> Response:
    """Erase a case file: its fields, pushes and records are destroyed; an audit record of the erasure
    stays."""
    partner, actor = who
    with db.write() as session:
        erase_case(session, own_case(session, partner.id, case_id, lock=True), utcnow(), actor)
    return Response(status_code=204)


@router.get("/{case_id}/recommendations", response_model=RecommendationList, responses=READ_ERRORS,
            summary="Open jobs matched to the case, not yet pushed to it, each with why it matched")
def get_recommendations(case_id: Id, who: CaseActorDep, db: DbDep, settings: SettingsDep,
                        limit: Annotated[int, Query(ge=1, le=50)] = 10) -> dict[str, Any]:
    partner, actor = who
    with db.write() as session:
        case = own_case(session, partner.id, case_id)
        audit(session, actor, partner.id, "recommend", [case.id], utcnow())
        return recommend(session, case, pushed_job_ids(session, case.id), limit, secret=settings.secret_key)


@router.post("/{case_id}/pushes", response_model=PushResult, responses=ERRORS,
             summary="Record jobs pushed to the graduate; each job once per case")
async def post_pushes(case_id: Id, spec: PushIn, request: Request, who: CaseActorDep, db: DbDep,
                      settings: SettingsDep, idempotency_key: IdempotencyKey = None) -> Any:
    partner, actor = who

    def work(session: Session) -> dict[str, Any]:
        return add_pushes(session, own_case(session, partner.id, case_id, lock=True), spec.job_ids, utcnow(), actor)

    return await idempotent_create(request, db, settings, partner.id, idempotency_key, work, status=200)


@router.get("/{case_id}/pushes", response_model=PushList, responses=READ_ERRORS,
            summary="The jobs pushed to a case, in order")
def get_pushes(case_id: Id, who: CaseActorDep, db: DbDep) -> dict[str, Any]:
    partner, actor = who
    with db.write() as session:
        own_case(session, partner.id, case_id)
        audit(session, actor, partner.id, "read", [case_id], utcnow(), {"part": "pushes"})
        return {"items": list_pushes(session, case_id)}


@router.post("/{case_id}/records", status_code=201, response_model=RecordOut, responses=ERRORS,
             summary="Record a dated step of assistance: guidance, training (宏志助航…), a push, an interview, "
                     "the outcome")
async def post_record(case_id: Id, spec: RecordIn, request: Request, who: CaseActorDep, db: DbDep,
                      settings: SettingsDep, idempotency_key: IdempotencyKey = None) -> Any:
    """Add a dated assistance record to a case (guidance, training such as 宏志助航, a push, an interview,
    the outcome); free text must hold no ID, phone or email."""
    partner, actor = who

    def work(session: Session) -> dict[str, Any]:
        case = own_case(session, partner.id, case_id, lock=True)
        return record_document(add_record(session, case, spec.model_dump(mode="python"), utcnow(), actor))

    return await idempotent_create(request, db, settings, partner.id, idempotency_key, work)


@router.get("/{case_id}/records", response_model=RecordList, responses=READ_ERRORS,
            summary="A case's assistance records, oldest first")
def get_records(case_id: Id, who: CaseActorDep, db: DbDep) -> dict[str, Any]:
    """A case's assistance records, oldest first."""
    partner, actor = who
    with db.write() as session:
        own_case(session, partner.id, case_id)
        audit(session, actor, partner.id, "read", [case_id], utcnow(), {"part": "records"})
        return {"items": list_records(session, case_id)}
