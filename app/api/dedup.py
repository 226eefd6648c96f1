"""Admin: why a posting joined its job, and overrides (split a posting off, merge two jobs)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import select

from app.dedup.employers import employer_names
from app.dedup.explain import explain
from app.errors import NotFound
from app.ingest import admin
from app.models import Employer, utcnow
from app.schemas.common import IdPath, problem_responses
from app.schemas.dedup import EmployerRecord, ExplainOut, MergeIn, MergeOut, SplitOut

from .deps import AdminDep, DbDep

router = APIRouter(prefix="/api/v1/admin", tags=["dedup"])
Id = IdPath


@router.get("/postings/{posting_id}/explain", response_model=ExplainOut,
            responses=problem_responses(401, 403, 404, 422),
            summary="Why a posting is in its job: features and score against the job's representative")
def explain_posting(posting_id: Id, _: AdminDep, db: DbDep) -> dict[str, Any]:
    with db.read() as session:
        return explain(session, posting_id)


@router.post("/postings/{posting_id}/split", response_model=SplitOut,
             responses=problem_responses(401, 403, 404, 422),
             summary="Give a posting a job of its own; later updates keep it there")
def split_posting(posting_id: Id, _: AdminDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        return admin.split(session, posting_id, utcnow())


@router.post("/jobs/{job_id}/merge", response_model=MergeOut,
             responses=problem_responses(401, 403, 404, 409, 422),
             summary="Merge this job into another; its postings stay there on later updates")
def merge_job(job_id: Id, body: MergeIn, _: AdminDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        return admin.merge(session, job_id, body.into, utcnow())


@router.get("/employers/{employer_id}", response_model=EmployerRecord,
            responses=problem_responses(401, 403, 404, 422),
            summary="An employer and every name it was seen under")
def get_employer(employer_id: Id, _: AdminDep, db: DbDep) -> dict[str, Any]:
    with db.read() as session:
        emp = session.execute(select(Employer).where(Employer.id == employer_id)).scalar_one_or_none()
        if emp is None:
            raise NotFound(f"no employer {employer_id!r}")
        return {"id": emp.id, "identity_key": emp.identity_key, "name": emp.name, "credit_code": emp.credit_code,
                "credit_code_verified": emp.credit_code_verified, "type": emp.type,
                "names": employer_names(session, emp.id)}
