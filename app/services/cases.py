"""Case files for graduates in hardship (一人一档): the owning university's only; pushes and coverage.

A case holds the minimum personal data: a pseudonymous ``student_ref`` chosen by the
university, the hardship category and the job preferences. Never names or ID numbers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import Conflict, NotFound, ValidationFailed, field_error
from app.models import Case, CasePush, Job, Partner

from .campaign import check_job_ids, cursor_key, iso, make_cursor, parse_ts, region_keys

REQUIRED_PUSHES = 3
CATEGORIES = ("low_income", "disabled", "zero_employment_family", "other")
FIELDS = ("category", "education", "major", "region_codes", "job_types", "expected_salary", "status")


def create_case(session: Session, partner: Partner, spec: dict[str, Any], now: datetime) -> Case:
    case = Case(partner_id=partner.id, student_ref=spec["student_ref"], **{k: spec.get(k) for k in FIELDS},
                region_keys=region_keys(partner.region_code), created_at=now, updated_at=now)
    case.region_codes = list(dict.fromkeys(spec.get("region_codes") or []))
    case.job_types = list(dict.fromkeys(spec.get("job_types") or []))
    case.status = spec.get("status") or "open"
    try:
        with session.begin_nested():
            session.add(case)
            session.flush()
    except IntegrityError:
        raise Conflict("You already have a case with this student_ref.") from None
    return case


def own_case(session: Session, partner_id: str, case_id: str, *, lock: bool = False) -> Case:
    """The university's own case; any other is a 404, as if it did not exist."""
    stmt = select(Case).where(Case.id == case_id, Case.partner_id == partner_id)
    case = session.execute(stmt.with_for_update() if lock else stmt).scalar_one_or_none()
    if case is None:
        raise NotFound("no such case")
    return case


def update_case(case: Case, changes: dict[str, Any], now: datetime) -> Case:
    for key in FIELDS:
        if key not in changes:
            continue
        value = changes[key]
        if value is None and key in ("category", "status", "region_codes", "job_types"):
            raise ValidationFailed("A required field cannot be cleared.", errors=[field_error(key, "must not be null")])
        if key in ("region_codes", "job_types"):
            value = list(dict.fromkeys(value))
        setattr(case, key, value)
    case.updated_at = now
    return case


def push_counts(session: Session, case_ids: list[str]) -> dict[str, int]:
    if not case_ids:
        return {}
    rows = session.execute(select(CasePush.case_id, func.count()).where(CasePush.case_id.in_(case_ids))
                           .group_by(CasePush.case_id)).all()
    return {r[0]: r[1] for r in rows}


def list_cases(session: Session, partner_id: str, *, status: str | None, category: str | None,
               cursor: str | None, limit: int, secret: str) -> tuple[list[Case], str | None]:
    """The university's cases, newest first."""
    stmt = select(Case).where(Case.partner_id == partner_id)
    if status:
        stmt = stmt.where(Case.status == status)
    if category:
        stmt = stmt.where(Case.category == category)
    after = cursor_key(cursor, secret, "cases")
    if after:
        ts = parse_ts(after[0])
        stmt = stmt.where((Case.created_at < ts) | ((Case.created_at == ts) & (Case.id < after[1])))
    rows = list(session.execute(stmt.order_by(Case.created_at.desc(), Case.id.desc()).limit(limit + 1)).scalars())
    nxt = make_cursor("cases", rows[limit - 1].created_at.isoformat(), rows[limit - 1].id, secret) \
        if len(rows) > limit else None
    return rows[:limit], nxt


def case_documents(session: Session, cases: list[Case]) -> list[dict[str, Any]]:
    counts = push_counts(session, [c.id for c in cases])
    return [{
        "id": c.id, "student_ref": c.student_ref, "category": c.category, "education": c.education,
        "major": c.major, "region_codes": c.region_codes, "job_types": c.job_types,
        "expected_salary": c.expected_salary, "status": c.status, "pushes": counts.get(c.id, 0),
        "created_at": iso(c.created_at), "updated_at": iso(c.updated_at),
    } for c in cases]


def pushed_job_ids(session: Session, case_id: str) -> set[str]:
    return set(session.execute(select(CasePush.job_id).where(CasePush.case_id == case_id)).scalars())


def add_pushes(session: Session, case: Case, job_ids: list[str], now: datetime) -> dict[str, Any]:
    """Record pushes of open jobs to a (locked) case; a job already pushed is reported, not repeated.
    ``ordinal`` numbers the case's pushes, so the day a case reaches three is known."""
    unique = check_job_ids(session, job_ids, open_only=True)
    done = pushed_job_ids(session, case.id)
    created = [j for j in unique if j not in done]
    n = len(done)
    session.add_all(CasePush(case_id=case.id, job_id=j, ordinal=n + i + 1, pushed_at=now)
                    for i, j in enumerate(created))
    case.updated_at = now
    session.flush()
    return {"created": created, "already": [j for j in unique if j in done], "pushes": n + len(created)}


def list_pushes(session: Session, case_id: str) -> list[dict[str, Any]]:
    rows = session.execute(select(CasePush.job_id, Job.title, CasePush.pushed_at)
                           .outerjoin(Job, Job.id == CasePush.job_id).where(CasePush.case_id == case_id)
                           .order_by(CasePush.ordinal)).all()
    return [{"job_id": j, "title": t, "pushed_at": iso(p)} for j, t, p in rows]


def coverage(session: Session, partner_id: str, cap: int = 1000) -> dict[str, Any]:
    """Open cases with at least three pushes and without (listed, fewest pushes first), by category."""
    n = func.count(CasePush.job_id)
    rows = session.execute(
        select(Case.id, Case.student_ref, Case.category, n)
        .outerjoin(CasePush, CasePush.case_id == Case.id)
        .where(Case.partner_id == partner_id, Case.status == "open")
        .group_by(Case.id, Case.student_ref, Case.category)).all()
    by_category = {c: {"open": 0, "covered": 0, "uncovered": 0} for c in CATEGORIES}
    uncovered = []
    for case_id, ref, category, pushes in rows:
        slot = by_category.setdefault(category, {"open": 0, "covered": 0, "uncovered": 0})
        slot["open"] += 1
        if pushes >= REQUIRED_PUSHES:
            slot["covered"] += 1
        else:
            slot["uncovered"] += 1
            uncovered.append({"id": case_id, "student_ref": ref, "category": category, "pushes": pushes})
    uncovered.sort(key=lambda u: (u["pushes"], u["student_ref"]))
    covered = sum(s["covered"] for s in by_category.values())
    return {"required": REQUIRED_PUSHES, "open": len(rows), "covered": covered, "uncovered": len(rows) - covered,
            "by_category": by_category, "uncovered_cases": uncovered[:cap]}
